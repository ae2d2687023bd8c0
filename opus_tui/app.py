"""The Textual app: tabs as modes, global bindings, the command provider, the draft and its signals.

Contract (other parts rely on it):

- ``OpusApp(store_url: str, *, catalogue: Catalogue | None = None, clock=None)``; tests pass a
  temporary store URL, a deterministic catalogue and a fixed clock. ``run_app(store) -> int``.
- ``app.draft: WebConfiguration`` — the current unsaved edits of the whole configuration (may hold
  invalid values: sections are replaced with ``model_copy``, never re-validated);
  ``app.saved: WebConfiguration`` — what the store holds; ``app.catalogue: Catalogue | None``;
  ``app.store`` — the full ``Store`` once opened (None before).
- ``app.update_draft(section, value)`` sets one section of the draft and publishes
  ``app.draft_changed: Signal[WebConfiguration]``. ``app.catalogue_changed: Signal[Catalogue]``
  fires when a catalogue arrives. ``app.reloaded: Signal[WebConfiguration]`` fires when the draft
  is replaced wholesale (store opened); screens refill their fields then.
  ``app.status_changed: Signal[str]`` carries the header's connection state.
- Tabs are MODES in the manual's order (``opus_tui.screens.TABS``), switched with 1–9 (when focus
  is not in a text field), ctrl+pageup/pagedown and the command palette; alt+1–9 too, also in a
  text field (``textual_fixes.read_esc_digit_as_alt``).
- Quitting with unsaved changes asks first (Spara / Kasta / Avbryt).
- **Publicera** (F9, palette; ``opus_tui/screens/publish.py``) publishes the SAVED configuration;
  ``app.kick_outbox()`` sends queued publications in a worker (also every 30 s and after a save);
  ``app.portal_options`` are extra ``PortalClient`` keywords (tests: quick retries); the header's
  "Portal: …" part follows ``services.publisher.status_label``.

Progressive first paint (issue 8): ``__init__`` reads the store with stdlib sqlite3 only
(``app.plain``, plain rows and JSON). In a real terminal the first frame is drawn from that —
no pydantic — and a thread worker then imports the domain and builds ``saved``/``draft`` and the
catalogue; ``app.config_loaded`` fires on the UI thread when they are there (``config_ready``),
and the first tab mounts the rest of its widgets. ``draft``/``saved`` are properties: reading
them earlier builds them on the spot. Tab keys pressed before that switch once it is done.
Headless (tests, snapshots) everything is built before the first screen, as a settled app.
Once the first tab is complete the full store opens (``_open_store``); if its state token
(``Store.state()``) is still the plain read's, saved/draft and the catalogue's rows are kept and
only the online times are read (``_read_store``): no second copy of them.
"""

from __future__ import annotations

import gc
import importlib
import sys
import threading
import warnings
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar

from textual import work
from textual.app import App
from textual.binding import Binding
from textual.content import Content
from textual.screen import ModalScreen
from textual.signal import Signal

from opus_tui.commands_palette import OpusCommandPalette, OpusCommands
from opus_tui.local_time import local_text, short_text
from opus_tui.resources import stylesheet
from opus_tui.screens import TAB_BY_MODE, TABS
from opus_tui.store.location import describe
from opus_tui.textual_fixes import patch_loaded_widgets, read_esc_digit_as_alt

if TYPE_CHECKING:  # the domain imports pydantic: not before the first frame (issue 8)
    from opus_tui.domain.catalogue import Catalogue
    from opus_tui.domain.config import Section, WebConfiguration
    from opus_tui.domain.problems import Problem
    from opus_tui.messages import StoreFailed, StoreOpened
    from opus_tui.services.draft_backup import EndedSessions, SessionBackup
    from opus_tui.store.errors import SectionChanged
    from opus_tui.store.quick import PlainStore, StoreState

Clock = Callable[[], datetime]
# What saved/draft and the catalogue were built from: the plain read's state token, the saved
# configuration and the catalogue without times (None: no snapshot, or a catalogue was given).
_PlainBasis = tuple["StoreState", "WebConfiguration", "Catalogue | None"]
CATALOGUE_DAYS = 56  # online times read ahead: eight weeks
BACKUP_SECONDS = 1.0  # unsaved edits are kept this long after the last change


def _tab_bindings() -> list[Binding]:
    bindings: list[Binding] = []
    group = Binding.Group("Flik", compact=True)
    for number, tab in enumerate(TABS, start=1):
        for key in (str(number), f"alt+{number}"):
            bindings.append(
                Binding(
                    key,
                    f"go('{tab.mode}')",
                    tab.label,
                    show=False,
                    id=f"tab.{tab.mode}" + (".alt" if key.startswith("alt") else ""),
                    tooltip=f"Gå till {tab.label}",
                    group=group,
                    priority=key.startswith("alt"),  # before a text field types the digit
                )
            )
    return bindings


class OpusApp(App[int]):
    TITLE = "opus-tui"
    # Kliniker's sheet too: it is the first tab, and a screen's CSS_PATH would cost the first frame
    # one more full re-parse of every sheet (Textual's stylesheets are app-wide anyway).
    CSS_PATH: ClassVar[list[str | Any]] = [stylesheet("app.tcss"), stylesheet("clinics.tcss")]
    MODES: ClassVar[dict[str, str | Callable[[], Any]]] = {tab.mode: tab.factory() for tab in TABS}
    DEFAULT_MODE: ClassVar[str] = TABS[0].mode
    COMMANDS: ClassVar[set[Any]] = {OpusCommands}
    COMMAND_PALETTE_BINDING = "ctrl+p"
    BINDINGS: ClassVar[list[Binding | tuple[str, str] | tuple[str, str, str]]] = [
        Binding("ctrl+q", "quit", "Avsluta", id="quit", tooltip="Avsluta (frågar om osparat)"),
        Binding(
            "f1",
            "help",
            "Hjälp",
            id="help",
            tooltip="Hjälp: det markerade fältets hela hjälptext och alla tangenter",
            show=False,
        ),
        Binding(  # in place of Textual's own, whose footer text is "palette"
            "ctrl+p",
            "command_palette",
            "Meny",
            id="command_palette",
            tooltip="Alla kommandon: flikar, Spara, Återställ, Publicera, Katalog",
            show=False,
            priority=True,
        ),
        Binding(
            "f9",
            "publish",
            "Publicera",
            id="publish",
            tooltip="Visa vad som ändras på portalen och publicera det sparade",
            show=False,  # in the palette and the key help; the footer keeps the tab's keys
        ),
        Binding(
            "ctrl+pagedown",
            "next_tab(1)",
            "Nästa flik",
            id="tab.next",
            tooltip="Nästa flik",
            show=False,
        ),
        Binding(
            "ctrl+pageup",
            "next_tab(-1)",
            "Föregående flik",
            id="tab.previous",
            tooltip="Föregående flik",
            show=False,
        ),
        *_tab_bindings(),
    ]

    def __init__(
        self,
        store_url: str,
        *,
        catalogue: Catalogue | None = None,
        clock: Clock | None = None,
        progressive: bool | None = None,
        freeze_data: bool = False,
        keep_drafts: bool = False,
    ) -> None:
        """``progressive``: draw the first frame before the draft exists (default: only in a
        real terminal, not headless). ``freeze_data``: keep the store's data, once loaded, out
        of the cycle collector's scans (``run_app``; a test process running many apps would
        keep their cycles for good). ``keep_drafts``: keep unsaved edits for the next start
        and offer the last session's back (``run_app``; tests running several apps on one
        store one after another turn it on only where they mean it)."""
        super().__init__()
        self._freeze_data = freeze_data
        self._freeze_pending = False
        read_esc_digit_as_alt()
        patch_loaded_widgets()
        self.store_url = store_url
        self.clock: Clock = clock or datetime.now
        self.store: Any = None
        self._store_lock = threading.Lock()
        self.catalogue: Catalogue | None = catalogue
        self._catalogue_given = catalogue is not None
        self.store_state = "öppnas…"
        self.portal_state = "Portal: ej kontrollerad"
        self._fetching = ""  # the header's catalogue part while Hämta katalog runs
        self.draft_changed: Signal[WebConfiguration] = Signal(self, "draft_changed")
        self.catalogue_changed: Signal[Catalogue] = Signal(self, "catalogue_changed")
        self.reloaded: Signal[WebConfiguration] = Signal(self, "reloaded")
        self.status_changed: Signal[str] = Signal(self, "status_changed")
        self.portal_options: dict[str, Any] = {}  # PortalClient keywords (tests: quick retries)
        self._publish_flow: Any = None  # opus_tui.screens.publish.PublishFlow, made on first use
        self._outbox_timer: Any = None
        self.config_loaded: Signal[WebConfiguration] = Signal(self, "config_loaded")
        # Unsaved sections kept in a file (services.draft_backup), once the last session's
        # have been offered back; written BACKUP_SECONDS after the last change.
        self.backup_seconds = BACKUP_SECONDS
        self.keep_drafts = keep_drafts
        self._backup_ready = False
        self._backup_timer: Any = None
        self._backup_lock = threading.Lock()
        self._backup_turn = 0  # the newest backup asked for; an older one never overwrites it
        self._backup_failed = False
        self._backup: SessionBackup | None = None  # made when first needed
        self._ended: EndedSessions | None = None  # until taken back or thrown away
        self._problems: tuple[int, list[Problem]] | None = None
        self._errors_by_section: dict[str, tuple[Any, list[Problem]]] = {}
        self._progressive = progressive
        self._config_lock = threading.Lock()
        self._saved: WebConfiguration | None = None
        self._draft: WebConfiguration | None = None
        self._loaded_catalogue: Catalogue | None = None
        self._plain_basis: _PlainBasis | None = None  # for the store worker (_read_store)
        self._stored_errors = ""  # the stored configuration breaks these rules (_stored_config)
        self._pending_mode: str | None = None
        self._store_requested = False
        # stdlib sqlite3 only; clinics and practitioners: the store worker brings the times
        self.plain: PlainStore | None = None
        try:
            from opus_tui.store.quick import read_plain

            self.plain = read_plain(store_url)
        except Exception:  # the full store reports the problem in words later
            pass
        self._update_status()

    # -- saved and draft, built from the plain store after the first frame ----------------------
    @property
    def config_ready(self) -> bool:
        """True once ``saved``/``draft`` exist and the UI thread has taken them over."""
        return self._saved is not None and self._loaded_catalogue is None

    @property
    def saved(self) -> WebConfiguration:
        return self._ensure_config()[0]

    @saved.setter
    def saved(self, value: WebConfiguration) -> None:
        self._saved = value

    @property
    def draft(self) -> WebConfiguration:
        return self._ensure_config()[1]

    @draft.setter
    def draft(self, value: WebConfiguration) -> None:
        self._draft = value

    def _ensure_config(self) -> tuple[WebConfiguration, WebConfiguration]:
        """Import the domain and validate the stored configuration (once; any thread)."""
        saved, draft = self._saved, self._draft
        if saved is not None and draft is not None:
            return saved, draft
        with self._config_lock:
            if self._saved is None or self._draft is None:
                from opus_tui.domain.config import WebConfiguration
                from opus_tui.store.quick import catalogue_from_plain, config_from_plain

                loaded = None
                if self.plain is not None:
                    loaded = config_from_plain(self.plain)
                    if not self._catalogue_given:
                        self._loaded_catalogue = catalogue_from_plain(self.plain)
                    if loaded is not None and self.plain.state is not None:
                        self._plain_basis = (self.plain.state, loaded, self._loaded_catalogue)
                self._draft = self._saved = loaded or WebConfiguration()
            return self._saved, self._draft

    @work(thread=True, exclusive=True, group="config", exit_on_error=False)
    def _load_config(self) -> None:
        # While this thread imports the domain, the UI thread gets the GIL back within 1 ms
        # (default 5 ms) when a key arrives, so keys are answered as fast as without it.
        interval = sys.getswitchinterval()
        sys.setswitchinterval(min(interval, 0.001))
        try:
            self._ensure_config()
        finally:
            sys.setswitchinterval(interval)
        self.call_from_thread(self._config_done)

    def _config_done(self) -> None:
        """On the UI thread: take over the catalogue, tell the screens, open the full store."""
        self._take_config()
        self.config_loaded.publish(self.draft)
        if self.catalogue is not None:
            self.catalogue_changed.publish(self.catalogue)
        if self._pending_mode is not None:
            mode, self._pending_mode = self._pending_mode, None
            self.action_go(mode)
        from opus_tui.screens.base import TabScreen

        first = self._screen_stacks.get(TABS[0].mode)
        if first and isinstance(first[0], TabScreen) and not first[0].started:
            return  # the first tab calls tab_completed() once the rest of it is mounted
        self._request_store()

    def tab_completed(self) -> None:
        """The first tab, drawn before the draft existed, has mounted the rest of its widgets:
        now open the full store (its reads must not compete with that mount)."""
        self._request_store()

    def _request_store(self) -> None:
        """Open the full store in a worker after the next refresh (once)."""
        if not self._store_requested:
            self._store_requested = True
            self.call_after_refresh(self._open_store)

    # -- the draft ------------------------------------------------------------------------------
    def update_draft(self, section: str, value: Section) -> None:
        """Set one section of the draft (no validation) and tell the subscribers."""
        self.draft = self.draft.model_copy(update={section: value})
        self.draft_changed.publish(self.draft)
        self._schedule_backup()

    def mark_saved(self, section: str, value: Section) -> None:
        """After a save: the store holds ``value`` for ``section``."""
        self.saved = self.saved.model_copy(update={section: value})
        self.draft_changed.publish(self.draft)
        self._schedule_backup()
        self.kick_outbox()

    # -- unsaved edits kept across a dropped connection or a crash ------------------------------
    def _schedule_backup(self) -> None:
        if not (self.keep_drafts and self._backup_ready):
            return
        if self._backup_timer is not None:
            self._backup_timer.stop()
        self._backup_timer = self.set_timer(self.backup_seconds, self._backup_now)

    def _backup_now(self) -> None:
        self._backup_timer = None
        self._backup_turn += 1
        self._write_backup(self._backup_turn, self.saved, self.draft)

    def _session_backup(self) -> SessionBackup:
        from opus_tui.services.draft_backup import SessionBackup

        if self._backup is None:
            self._backup = SessionBackup(self.store_url)
        return self._backup

    @work(thread=True, group="draft-backup", exit_on_error=False)
    def _write_backup(self, turn: int, saved: WebConfiguration, draft: WebConfiguration) -> None:
        from opus_tui.services.draft_backup import unsaved_sections

        sections = unsaved_sections(saved, draft)
        with self._backup_lock:
            if turn != self._backup_turn:
                return  # a newer backup is on its way
            try:
                self._session_backup().write(sections)
                self._drop_ended()  # what was taken back from them is in this one's now
            except OSError as exc:
                if not self._backup_failed:
                    self._backup_failed = True
                    self.call_from_thread(
                        self.notify,
                        f"Osparade ändringar kan inte sparas undan ({exc.strerror or exc}); "
                        "spara ofta.",
                        title="Utkast",
                        severity="warning",
                    )

    def _forget_backup(self) -> None:
        """Nothing unsaved is to be kept (all saved, or thrown away on purpose)."""
        if self._backup_timer is not None:
            self._backup_timer.stop()
            self._backup_timer = None
        with self._backup_lock:
            self._backup_turn += 1
            if self._backup is not None:
                self._backup.clear()
            self._drop_ended()

    def _drop_ended(self) -> None:
        if self._ended is not None:
            self._ended.remove()
            self._ended = None

    def on_unmount(self) -> None:
        """The session ends: its kept edits (if any) wait for a later start."""
        with self._backup_lock:
            if self._backup is not None:
                self._backup.close()
            if self._ended is not None:
                self._ended.release()
                self._ended = None

    def _offer_backup(self) -> None:
        """At start, once the store is open: ended sessions' unsaved edits, if any (a session
        still running on the store keeps its own)."""
        from opus_tui.services.draft_backup import claim_ended, recovered_sections

        self._ended = claim_ended(self.store_url)
        backup = self._ended.backup
        recovered = recovered_sections(backup, self.saved) if backup is not None else {}
        if not recovered:
            self._backup_ready = True
            self._drop_ended()
            return
        from opus_tui.domain.config import section_label
        from opus_tui.screens.recover import RecoverDialog

        assert backup is not None
        labels = [section_label(name) for name in recovered]
        dialog = RecoverDialog(labels, local_text(backup.written_at))
        self.push_screen(dialog, lambda restore: self._after_recover(bool(restore), recovered))

    def _after_recover(self, restore: bool, recovered: dict[str, Section]) -> None:
        from opus_tui.domain.config import section_label

        self._backup_ready = True
        if not restore:
            self._forget_backup()
            return
        # Sections already edited in this session (its first moments) keep those edits.
        taken = {
            name: value
            for name, value in recovered.items()
            if getattr(self.draft, name) == getattr(self.saved, name)
        }
        self.draft = self.draft.model_copy(update=taken)
        self.reloaded.publish(self.draft)
        self.draft_changed.publish(self.draft)
        self._backup_now()  # into this session's file at once; the ended ones' go then
        names = ", ".join(section_label(name) for name in taken)
        self.notify(
            f"Osparade ändringar tillbaka i utkastet: {names}. Spara dem med ctrl+s på fliken.",
            title="Utkast",
        )

    def problems(self) -> list[Problem]:
        """Errors and warnings of the whole draft (cached per draft)."""
        key = id(self.draft)
        if self._problems is None or self._problems[0] != key:
            with warnings.catch_warnings():
                # a draft may hold a value of the wrong type (e.g. an empty hours field)
                warnings.simplefilter("ignore")
                from opus_tui.services.checks import all_problems

                self._problems = (key, all_problems(self.draft, self._section_errors))
        return self._problems[1]

    def _section_errors(self, name: str, value: Any) -> list[Problem]:
        """A section's errors, kept while the draft holds the same section object (an edit
        replaces only its own section: the other sections are not checked again)."""
        cached = self._errors_by_section.get(name)
        if cached is None or cached[0] is not value:
            from opus_tui.domain.problems import section_errors

            cached = self._errors_by_section[name] = (value, section_errors(name, value))
        return cached[1]

    def dirty_modes(self) -> frozenset[str]:
        from opus_tui.screens.base import TabScreen

        dirty: set[str] = set()
        for tab in TABS:
            stack = self._screen_stacks.get(tab.mode)
            if stack and isinstance(stack[0], TabScreen):
                if stack[0].is_dirty():
                    dirty.add(tab.mode)
            elif tab.section != "connections" and getattr(self.draft, tab.section) != getattr(
                self.saved, tab.section
            ):
                dirty.add(tab.mode)
        return frozenset(dirty)

    def set_catalogue(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        self._update_status()
        self.catalogue_changed.publish(catalogue)
        self.freeze_long_lived()

    def freeze_long_lived(self) -> None:
        """Once the screens have taken new data (the store opened, a catalogue fetched) or a
        tab is built: it lives as long as the app, so it leaves the cycle collector's scans. On
        the 300 × 30 chain a full collection walked it for 110–150 ms every two or three edits
        in Kliniker, and after the tabs' first visits for ≈ 200 ms on some tab switches."""
        if self._freeze_data and not self._freeze_pending:
            self._freeze_pending = True
            self.call_after_refresh(self._freeze_now)

    def _freeze_now(self) -> None:
        self._freeze_pending = False
        gc.collect()  # what is garbage now must not be frozen with the rest
        gc.freeze()

    # -- the store ------------------------------------------------------------------------------
    def require_store(self) -> Any:
        """The full store, opened on first use (call from a thread worker)."""
        with self._store_lock:
            if self.store is None:
                repository = importlib.import_module("opus_tui.store.repository")
                self.store = repository.Store.open(self.store_url)
            return self.store

    @work(thread=True, exclusive=True, group="store", exit_on_error=False)
    def _open_store(self) -> None:
        from opus_tui.domain.connections import API_KEY_SECRET
        from opus_tui.messages import StoreFailed, StoreOpened

        try:
            store = self.require_store()
            config, catalogue = self._read_store(store)
            portal = store.has_secret(API_KEY_SECRET)
        except ImportError:
            self.post_message(StoreFailed("butiken är inte tillgänglig i den här versionen"))
            return
        except Exception as exc:
            self.post_message(StoreFailed(str(exc)))
            return
        self.portal_state = "Portal: konfigurerad" if portal else "Portal: ej konfigurerad"
        self.post_message(StoreOpened(store, config, catalogue))

    def _read_store(self, store: Any) -> tuple[WebConfiguration, Catalogue | None]:
        """The stored configuration and catalogue snapshot (None: given, or none saved). If the
        store still holds what the plain read gave (same state token), that is reused and only
        the online times are read: no second copy of the configuration and the catalogue."""
        basis, self._plain_basis = self._plain_basis, None
        if basis is not None and store.state() == basis[0]:
            state, config, catalogue = basis
            if catalogue is None:
                return config, None
            times = store.load_times()
            if store.state() == state:  # nothing saved while the times were read
                return config, replace(catalogue, times=times)
            del times  # read again below with the rest
        return self._stored_config(store), None if self._catalogue_given else store.load_catalogue()

    def _stored_config(self, store: Any) -> WebConfiguration:
        """The stored configuration; one that breaks the rules (saved before a rule was
        tightened, or edited by hand) opens as it is, its errors under the fields, and is said."""
        config: WebConfiguration
        config, errors = store.load_config_as_stored()
        if errors:
            from opus_tui.store import ConfigInvalid

            self._stored_errors = str(ConfigInvalid(errors, "den sparade konfigurationen har fel"))
        return config

    def on_store_opened(self, message: StoreOpened) -> None:
        self.store_state = "öppen"
        if self._stored_errors:
            self.notify(
                f"{self._stored_errors}\nRätta felen som visas under fälten och spara.",
                title="Butiken",
                severity="warning",
                timeout=15,
            )
            self._stored_errors = ""
        if message.config != self.saved:
            untouched = self.draft == self.saved
            self.saved = message.config
            if untouched:
                self.draft = message.config
                self.reloaded.publish(self.draft)
            self.draft_changed.publish(self.draft)
        if message.catalogue is not None:
            self.set_catalogue(message.catalogue)
        elif self.catalogue is None:
            self.set_catalogue(self._demo_catalogue())
        self._update_status()
        self.freeze_long_lived()
        if self.keep_drafts and not self._backup_ready:
            self._offer_backup()
        if self._outbox_timer is None:  # the outbox: now, then every OUTBOX_SECONDS
            from opus_tui.screens.publish import OUTBOX_SECONDS

            self._outbox_timer = self.set_interval(OUTBOX_SECONDS, self.kick_outbox)
            self.kick_outbox()

    def on_store_failed(self, message: StoreFailed) -> None:
        self.store_state = "kan inte öppnas"
        self._update_status()
        self.notify(message.error, title="Butiken", severity="error", timeout=10)
        if self.catalogue is None:
            self.set_catalogue(self._demo_catalogue())

    # -- catalogue from the Opus databases ------------------------------------------------------
    def action_refresh_catalogue(self) -> None:
        """Hämta katalog: read every configured Opus database (a thread worker)."""
        self._refresh_catalogue()

    @work(thread=True, exclusive=True, group="catalogue", exit_on_error=False)
    def _refresh_catalogue(self) -> None:
        from datetime import timedelta

        from opus_tui.domain.connections import database_secret_name
        from opus_tui.services.opus_db import gateway_for_profile, merge_catalogues

        try:
            store = self.require_store()
            profiles = store.load_connections().databases
        except Exception as exc:
            self.call_from_thread(self.notify, str(exc), title="Katalog", severity="error")
            return
        if not profiles:
            self.call_from_thread(
                self.notify,
                "Inga databaser är konfigurerade (Konfiguration › Databaser).",
                title="Katalog",
                severity="warning",
            )
            return
        self.call_from_thread(
            self.notify, "Hämtar kliniker och behandlare från Opus-databaserna…", title="Katalog"
        )
        start = self.clock().replace(hour=0, minute=0, second=0, microsecond=0)
        end = start + timedelta(days=CATALOGUE_DAYS)
        fetched: list[Catalogue] = []
        failures: list[str] = []
        failed: list[str] = []
        for number, profile in enumerate(profiles, start=1):
            where = f"{profile.name} ({number}/{len(profiles)})"
            progress = partial(self.call_from_thread, self._catalogue_progress, where)
            try:
                password = store.get_secret(database_secret_name(profile.name))
                gateway = gateway_for_profile(profile, password)
                fetched.append(gateway.fetch_catalogue(profile.name, start, end, progress))
            except Exception as exc:  # OpusDatabaseError: Swedish, password scrubbed
                failures.append(f"{profile.name}: {exc}")
                failed.append(profile.name)
        self.call_from_thread(self._catalogue_progress, "", "", 0, 0)
        if not fetched:
            failures.append("Försök igen med F7 (Hämta katalog) när felet är åtgärdat.")
            self.call_from_thread(
                self.notify, "\n".join(failures), title="Katalog", severity="error", timeout=15
            )
            return
        catalogue = merge_catalogues(fetched)
        try:
            store.save_catalogue(catalogue)  # the other databases' snapshots are kept
            if failed:
                catalogue = self._with_kept_snapshots(store, catalogue, failed, failures)
        except Exception as exc:
            failures.append(f"ögonblicksbilden sparades inte: {exc}")
        self.call_from_thread(self._catalogue_fetched, catalogue, failures)

    @staticmethod
    def _with_kept_snapshots(
        store: Any, fetched: Catalogue, failed: list[str], failures: list[str]
    ) -> Catalogue:
        """A database that could not be read keeps its last snapshot in the catalogue (its
        clinics would otherwise look gone from Opus until the next start)."""
        whole: Catalogue | None = store.load_catalogue()
        kept = [name for name in failed if whole is not None and name in whole.databases]
        if whole is None or not kept:
            return fetched
        failures.extend(f"{name}: den senast hämtade katalogen används." for name in kept)
        return replace(whole, source=fetched.source, fetched_at=fetched.fetched_at)

    _PHASES: ClassVar[dict[str, str]] = {
        "clinics": "kliniker",
        "practitioners": "behandlare",
        "treatments": "behandlingar",
        "online_times": "e-tider",
    }

    def _catalogue_progress(self, where: str, phase: str, done: int, total: int | None) -> None:
        """The header's catalogue part while a fetch runs ("" when it is over)."""
        if not where:
            self._fetching = ""
        else:
            what = self._PHASES.get(phase, phase)
            share = f" {100 * done // total} %" if phase == "online_times" and total else ""
            self._fetching = f"Katalog: hämtar {where}: {what}{share}"
        self._update_status()

    def _catalogue_fetched(self, catalogue: Catalogue, failures: list[str]) -> None:
        self.set_catalogue(catalogue)
        names = ", ".join(catalogue.databases)
        text = f"{len(catalogue.clinics)} kliniker och {len(catalogue.practitioners)} behandlare"
        self.notify(f"{text} från {names}.", title="Katalog hämtad")
        if failures:
            self.notify("\n".join(failures), title="Katalog", severity="warning", timeout=10)

    def _demo_catalogue(self) -> Catalogue:
        from opus_tui.services.demo import demo_catalogue

        now = self.clock()
        return demo_catalogue(now.date(), now)

    # -- publishing (opus_tui/screens/publish.py) -----------------------------------------------
    def _publishing(self) -> Any:
        if self._publish_flow is None:
            from opus_tui.screens.publish import PublishFlow

            self._publish_flow = PublishFlow(self)
        return self._publish_flow

    def action_publish(self) -> None:
        """Publicera (F9, palette): the changes, confirm, publish the saved configuration."""
        self._publishing().start()

    def section_changed(self, exc: SectionChanged) -> None:
        """A save refused because another session saved the section meanwhile: what it saved
        becomes this session's saved value, the draft stays (a second save overwrites)."""
        self.mark_saved(exc.section, exc.stored)
        self.notify(
            f"{exc}. Ditt utkast är kvar: spara igen (ctrl+s) för att skriva över den "
            "ändringen, eller återställ (ctrl+r) för att ta den.",
            title="Ändrad i butiken",
            severity="warning",
            timeout=20,
        )

    def kick_outbox(self) -> None:
        """Send queued publications now, in a worker (once the store is open)."""
        if self.store is not None:
            self._publishing().kick()

    def set_portal_state(self, text: str) -> None:
        """The header's portal part, e.g. "Portal: väntar (1)"."""
        self.portal_state = text
        self._update_status()

    def _update_status(self) -> None:
        if self.catalogue is None and self.plain is not None and self.plain.databases:
            # the first frame: the snapshot's rows, not yet a Catalogue
            when = self.plain.fetched_at
            catalogue = "Katalog: sparad" + (f" {short_text(when)}" if when else "")
        elif self.catalogue is None:
            catalogue = "Katalog: saknas"
        else:
            source = {"database": "Opus-databas", "snapshot": "sparad", "demo": "demo"}
            when = self.catalogue.fetched_at
            age = f" {short_text(when)}" if when else ""
            catalogue = f"Katalog: {source.get(self.catalogue.source, self.catalogue.source)}{age}"
        catalogue = self._fetching or catalogue
        # Most urgent first: at 80 columns the end of the line is cut off. The store is named
        # only when it is not simply open (its path comes last anyway).
        store = "" if self.store_state == "öppen" else f"Butik: {self.store_state} · "
        self.sub_title = f"{self.portal_state} · {store}{catalogue} · {describe(self.store_url)}"
        self.status_changed.publish(self.sub_title)

    # -- app lifecycle --------------------------------------------------------------------------
    def draft_available(self) -> bool:
        """For composing a tab: does the draft exist? Unless the first frame is progressive (a
        real terminal), it is built now."""
        if not self.config_ready:
            progressive = self._progressive
            if progressive is None:
                progressive = not self.is_headless
            if not progressive:
                self._take_config()
        return self.config_ready

    def _take_config(self) -> None:
        """On the UI thread: the draft (built now if need be) and its catalogue are the app's."""
        self._ensure_config()
        catalogue, self._loaded_catalogue = self._loaded_catalogue, None
        if catalogue is not None and self.catalogue is None:
            self.catalogue = catalogue
            self._update_status()
        self.plain = None  # the first frame's rows: the draft and catalogue hold them now

    def on_mount(self) -> None:
        self.call_after_refresh(_collect_cycles_again)
        # The first tab is DEFAULT_MODE: Textual composes it with the app (no switch_mode, whose
        # delay_update would hold the first frame back by 50 ms).
        if not self.config_ready:  # progressive: the first frame is drawn from self.plain
            self.call_after_refresh(self._load_config)
            return
        if self.catalogue is not None:
            self.catalogue_changed.publish(self.catalogue)
        # after the first paint: opening the store must not compete with it (issue 8)
        self._request_store()

    def action_help(self) -> None:
        from opus_tui.screens.base import TabScreen
        from opus_tui.screens.help import HelpDialog, help_lines

        screen = self.screen
        if isinstance(screen, HelpDialog):
            return
        field, keys = help_lines(screen, screen.focused)
        title = f"Hjälp — {screen.tab.label}" if isinstance(screen, TabScreen) else "Hjälp"
        self.push_screen(HelpDialog(title, field, keys))

    def format_title(self, title: str, sub_title: str) -> Content:
        """The header shows the status line alone (the app's name would take 11 of 80 columns)."""
        return Content(sub_title or title)

    def action_command_palette(self) -> None:
        if self.use_command_palette and not isinstance(self.screen, OpusCommandPalette):
            self.push_screen(OpusCommandPalette())

    def action_go(self, mode: str) -> None:
        if not self.config_ready:
            self._pending_mode = mode  # switched to once the draft exists
            return
        if mode in TAB_BY_MODE and mode != self.current_mode:
            self.switch_mode(mode)

    def action_next_tab(self, step: int) -> None:
        if not self.config_ready:
            return
        modes = [tab.mode for tab in TABS]
        index = modes.index(self.current_mode) if self.current_mode in modes else 0
        self.switch_mode(modes[(index + step) % len(modes)])

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("go", "next_tab") and isinstance(self.screen, ModalScreen):
            return False  # a dialog is open: keys belong to it
        if action == "go" and parameters and parameters[0] == self.current_mode:
            return None  # greyed out: already there
        return True

    async def action_quit(self) -> None:
        from opus_tui.screens.quit import QuitDialog

        dirty = self.dirty_modes()
        if not dirty:
            if self.keep_drafts and self._backup_ready:
                self._forget_backup()
            self.exit(0)
            return
        if isinstance(self.screen, QuitDialog):
            return
        names = [TAB_BY_MODE[m].label for m in TABS_ORDER if m in dirty]
        self.push_screen(QuitDialog(names), self._after_quit_dialog)

    def _after_quit_dialog(self, choice: str | None) -> None:
        if choice == "discard":
            if self.keep_drafts:
                self._forget_backup()
            self.exit(0)
        elif choice == "save":
            self.save_all_then_exit()

    def save_all_then_exit(self) -> None:
        """Save every dirty tab (each its own revision); exit when all succeeded. A tab with
        errors is shown with its errors instead, and nothing is saved."""
        from opus_tui.screens.base import TabScreen

        jobs: list[tuple[str, Any, TabScreen | None]] = []
        dirty = self.dirty_modes()
        for mode in TABS_ORDER:
            if mode not in dirty:
                continue
            tab = TAB_BY_MODE[mode]
            stack = self._screen_stacks.get(mode)
            screen = stack[0] if stack and isinstance(stack[0], TabScreen) else None
            if screen is not None:
                errors = [p for p in screen.section_problems() if p.is_error]
                value = screen.current_value()
            else:
                errors = [p for p in self.problems() if p.is_error and p.path[:1] == (tab.section,)]
                value = getattr(self.draft, tab.section)
            if errors:
                self.switch_mode(mode)
                self.call_after_refresh(self._show_save_errors)
                return
            jobs.append((tab.section, value, screen))
        self._save_all(jobs)

    def _show_save_errors(self) -> None:
        from opus_tui.screens.base import TabScreen

        if isinstance(self.screen, TabScreen):
            self.screen.action_save()  # refuses, and shows the errors at their fields

    @work(thread=True, exclusive=True, group="save", exit_on_error=False)
    def _save_all(self, jobs: list[tuple[str, Any, Any]]) -> None:
        from opus_tui.store.errors import SectionChanged

        try:
            store = self.require_store()
            for section, value, screen in jobs:
                if screen is not None:
                    screen.write(store, value)
                    self.call_from_thread(screen.after_save, value)
                else:
                    store.save_section(section, value, expected=getattr(self.saved, section))
                    self.call_from_thread(self.mark_saved, section, value)
        except SectionChanged as exc:
            self.call_from_thread(self.section_changed, exc)
            return
        except Exception as exc:
            self.call_from_thread(
                self.notify, str(exc), title="Kan inte spara", severity="error", timeout=10
            )
            return
        if self.keep_drafts:
            self.call_from_thread(self._forget_backup)
        self.call_from_thread(self.exit, 0)


TABS_ORDER = [tab.mode for tab in TABS]


def _collect_cycles_again() -> None:
    """After the first frame: the cycle collector, off during start-up (``cli.main``), is on
    again; what start-up made is frozen (kept out of its scans: it lives as long as the app)."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()


def run_app(store: str | None) -> int:
    """Open the app on a store (``--store`` value, else $OPUS_TUI_STORE, else the default)."""
    from opus_tui.store.location import store_url

    try:
        app = OpusApp(store_url(store), freeze_data=True, keep_drafts=True)
        result = app.run()
    finally:
        gc.enable()
    return int(result or 0)
