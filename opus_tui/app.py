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
  is not in a text field), ctrl+pageup/pagedown and the command palette; alt+1–9 too where the
  terminal reports it as such (many send it as another character, e.g. tmux: "¡").
- Quitting with unsaved changes asks first (Spara / Kasta / Avbryt).
- **Publicera** (F9, palette; ``opus_tui/screens/publish.py``) publishes the SAVED configuration;
  ``app.kick_outbox()`` sends queued publications in a worker (also every 30 s and after a save);
  ``app.portal_options`` are extra ``PortalClient`` keywords (tests: quick retries); the header's
  "Portal: …" part follows ``services.publisher.status_label``.
"""

from __future__ import annotations

import importlib
import threading
import warnings
from collections.abc import Callable
from datetime import datetime
from functools import partial
from typing import Any, ClassVar

from textual import work
from textual.app import App
from textual.binding import Binding
from textual.screen import ModalScreen
from textual.signal import Signal

from opus_tui.commands_palette import OpusCommands
from opus_tui.domain.catalogue import Catalogue
from opus_tui.domain.config import Section, WebConfiguration
from opus_tui.domain.connections import API_KEY_SECRET
from opus_tui.domain.problems import Problem
from opus_tui.messages import StoreFailed, StoreOpened
from opus_tui.resources import stylesheet
from opus_tui.screens import TAB_BY_MODE, TABS
from opus_tui.store.location import describe

Clock = Callable[[], datetime]
CATALOGUE_DAYS = 56  # online times read ahead: eight weeks


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
                )
            )
    return bindings


def _optional(module: str) -> Any:
    """A module written by another part of the project, or None while it is missing."""
    try:
        return importlib.import_module(module)
    except ImportError:
        return None


class OpusApp(App[int]):
    TITLE = "opus-tui"
    CSS_PATH = stylesheet("app.tcss")
    MODES: ClassVar[dict[str, str | Callable[[], Any]]] = {tab.mode: tab.factory() for tab in TABS}
    COMMANDS: ClassVar[set[Any]] = {OpusCommands}
    COMMAND_PALETTE_BINDING = "ctrl+p"
    BINDINGS: ClassVar[list[Binding | tuple[str, str] | tuple[str, str, str]]] = [
        Binding("ctrl+q", "quit", "Avsluta", id="quit", tooltip="Avsluta (frågar om osparat)"),
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
    ) -> None:
        super().__init__()
        self.store_url = store_url
        self.clock: Clock = clock or datetime.now
        self.store: Any = None
        self._store_lock = threading.Lock()
        self.saved = WebConfiguration()
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
        self._problems: tuple[int, list[Problem]] | None = None
        quick = _optional("opus_tui.store.quick")
        if quick is not None:
            try:
                fast = quick.read_config_fast(store_url)
                if fast is not None:
                    self.saved = fast
                if self.catalogue is None:
                    read_catalogue = getattr(quick, "read_catalogue_fast", None)
                    if read_catalogue is not None:
                        # clinics and practitioners only: the store worker brings the times
                        self.catalogue = read_catalogue(store_url, with_times=False)
            except Exception:  # the full store reports the problem in words later
                pass
        self.draft = self.saved
        self._update_status()

    # -- the draft ------------------------------------------------------------------------------
    def update_draft(self, section: str, value: Section) -> None:
        """Set one section of the draft (no validation) and tell the subscribers."""
        self.draft = self.draft.model_copy(update={section: value})
        self.draft_changed.publish(self.draft)

    def mark_saved(self, section: str, value: Section) -> None:
        """After a save: the store holds ``value`` for ``section``."""
        self.saved = self.saved.model_copy(update={section: value})
        self.draft_changed.publish(self.draft)
        self.kick_outbox()

    def problems(self) -> list[Problem]:
        """Errors and warnings of the whole draft (cached per draft)."""
        key = id(self.draft)
        if self._problems is None or self._problems[0] != key:
            with warnings.catch_warnings():
                # a draft may hold a value of the wrong type (e.g. an empty hours field)
                warnings.simplefilter("ignore")
                from opus_tui.services.checks import all_problems

                self._problems = (key, all_problems(self.draft))
        return self._problems[1]

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
        try:
            store = self.require_store()
            config = store.load_config()
            catalogue = None if self._catalogue_given else store.load_catalogue()
            portal = store.has_secret(API_KEY_SECRET)
        except ImportError:
            self.post_message(StoreFailed("butiken är inte tillgänglig i den här versionen"))
            return
        except Exception as exc:
            self.post_message(StoreFailed(str(exc)))
            return
        self.portal_state = "Portal: konfigurerad" if portal else "Portal: ej konfigurerad"
        self.post_message(StoreOpened(store, config, catalogue))

    def on_store_opened(self, message: StoreOpened) -> None:
        self.store_state = "öppen"
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
        self.notify("Hämtar kliniker och behandlare från Opus-databaserna…", title="Katalog")
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
        start = self.clock().replace(hour=0, minute=0, second=0, microsecond=0)
        end = start + timedelta(days=CATALOGUE_DAYS)
        fetched: list[Catalogue] = []
        failures: list[str] = []
        for number, profile in enumerate(profiles, start=1):
            where = f"{profile.name} ({number}/{len(profiles)})"
            progress = partial(self.call_from_thread, self._catalogue_progress, where)
            try:
                password = store.get_secret(database_secret_name(profile.name))
                gateway = gateway_for_profile(profile, password)
                fetched.append(gateway.fetch_catalogue(profile.name, start, end, progress))
            except Exception as exc:  # OpusDatabaseError: Swedish, password scrubbed
                failures.append(f"{profile.name}: {exc}")
        self.call_from_thread(self._catalogue_progress, "", "", 0, 0)
        if not fetched:
            failures.append("Försök igen med F7 (Hämta katalog) när felet är åtgärdat.")
            self.call_from_thread(
                self.notify, "\n".join(failures), title="Katalog", severity="error", timeout=15
            )
            return
        catalogue = merge_catalogues(fetched)
        try:
            store.save_catalogue(catalogue)
        except Exception as exc:
            failures.append(f"ögonblicksbilden sparades inte: {exc}")
        self.call_from_thread(self._catalogue_fetched, catalogue, failures)

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

        return demo_catalogue(self.clock().date())

    # -- publishing (opus_tui/screens/publish.py) -----------------------------------------------
    def _publishing(self) -> Any:
        if self._publish_flow is None:
            from opus_tui.screens.publish import PublishFlow

            self._publish_flow = PublishFlow(self)
        return self._publish_flow

    def action_publish(self) -> None:
        """Publicera (F9, palette): the changes, confirm, publish the saved configuration."""
        self._publishing().start()

    def kick_outbox(self) -> None:
        """Send queued publications now, in a worker (once the store is open)."""
        if self.store is not None:
            self._publishing().kick()

    def set_portal_state(self, text: str) -> None:
        """The header's portal part, e.g. "Portal: väntar (1)"."""
        self.portal_state = text
        self._update_status()

    def _update_status(self) -> None:
        if self.catalogue is None:
            catalogue = "Katalog: saknas"
        else:
            source = {"database": "Opus-databas", "snapshot": "ögonblicksbild", "demo": "demo"}
            when = self.catalogue.fetched_at
            age = f" {when:%Y-%m-%d %H:%M}" if when else ""
            catalogue = f"Katalog: {source.get(self.catalogue.source, self.catalogue.source)}{age}"
        catalogue = self._fetching or catalogue
        self.sub_title = (
            f"{describe(self.store_url)} ({self.store_state}) · {catalogue} · {self.portal_state}"
        )
        self.status_changed.publish(self.sub_title)

    # -- app lifecycle --------------------------------------------------------------------------
    def on_mount(self) -> None:
        self.switch_mode(TABS[0].mode)
        if self.catalogue is not None:
            self.catalogue_changed.publish(self.catalogue)
        # after the first paint: importing SQLAlchemy must not compete with it (issue 8)
        self.call_after_refresh(self._open_store)

    def action_go(self, mode: str) -> None:
        if mode in TAB_BY_MODE and mode != self.current_mode:
            self.switch_mode(mode)

    def action_next_tab(self, step: int) -> None:
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
            self.exit(0)
            return
        if isinstance(self.screen, QuitDialog):
            return
        names = [TAB_BY_MODE[m].label for m in TABS_ORDER if m in dirty]
        self.push_screen(QuitDialog(names), self._after_quit_dialog)

    def _after_quit_dialog(self, choice: str | None) -> None:
        if choice == "discard":
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
        try:
            store = self.require_store()
            for section, value, screen in jobs:
                if screen is not None:
                    screen.write(store, value)
                    self.call_from_thread(screen.after_save, value)
                else:
                    store.save_section(section, value)
                    self.call_from_thread(self.mark_saved, section, value)
        except Exception as exc:
            self.call_from_thread(
                self.notify, str(exc), title="Kan inte spara", severity="error", timeout=10
            )
            return
        self.call_from_thread(self.exit, 0)


TABS_ORDER = [tab.mode for tab in TABS]


def run_app(store: str | None) -> int:
    """Open the app on a store (``--store`` value, else $OPUS_TUI_STORE, else the default)."""
    from opus_tui.store.location import store_url

    app = OpusApp(store_url(store))
    result = app.run()
    return int(result or 0)
