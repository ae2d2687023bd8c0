"""Publicera in the app: what changes on the portal (by tab and setting), the conflict dialog, and
the flow behind them (thread workers around ``opus_tui.services.publisher``).

- **Publicera** (F9, palette): prepare in a worker (reads the portal, uploads the images, or uses
  the last published version when the portal cannot be reached), show the changes, publish after
  **Publicera**; Escape/**Avbryt** cancels. The SAVED configuration is published; unsaved changes
  are named in the dialog.
- 412: both sides per setting (portal / lokalt); nothing is overwritten unless the user chooses
  **Skriv över** in that second dialog (the publication is then built on the portal's current
  version).
- The outbox: :meth:`PublishFlow.kick` sends queued publications in a worker (every
  ``OUTBOX_SECONDS`` and after a save or a publication); one sender at a time (a lock), the
  publisher's idempotency keys make each apply once. The header shows
  :func:`opus_tui.services.publisher.status_label`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from opus_tui.domain.config import PORTAL_DOMAIN, WebConfiguration
from opus_tui.domain.diff import Change
from opus_tui.screens.help import DIALOG_HELP

if TYPE_CHECKING:
    from opus_tui.app import OpusApp
    from opus_tui.services.publisher import (
        Conflict,
        Names,
        Outcome,
        Publisher,
        PublishPlan,
        TabChanges,
    )

OUTBOX_SECONDS = 30.0

DIALOG_CSS = """
PublishScreen #dialog-box, ConflictScreen #dialog-box { width: 96; max-height: 100%; }
PublishScreen #changes, ConflictScreen #changes {
    height: auto; max-height: 35vh; border: round $primary-darken-2; padding: 0 1;
}
PublishScreen .note, ConflictScreen .note { color: $text-warning; margin-bottom: 1; }
"""


# --- readable changes (names: services.publisher.Names) ------------------------------------------


def plan_lines(groups: list[TabChanges], describe: Callable[[Change], str]) -> Text:
    text = Text()
    for n, group in enumerate(groups):
        if n:
            text.append("\n")
        text.append(f"{group.tab}\n", style="bold")
        for change in group.changes:
            text.append(f"  • {describe(change)}\n")
    return text


THEIRS_HEADING = "Ändrat på portalen – Skriv över tar bort det"
OURS_HEADING = "Dina ändringar"
ELSEWHERE_HEADING = "Ändrat av någon annan – Publicera tar bort det"


def theirs_then_ours(
    heading: str, theirs: list[Change], ours: list[Change], describe: Callable[[Change], str]
) -> Text:
    """The other side's changes under ``heading``, then ours under OURS_HEADING."""
    from opus_tui.services.publisher import by_tab

    text = Text()
    text.append(heading + "\n", style="bold reverse")
    text.append_text(plan_lines(by_tab(theirs), describe))
    if ours:
        text.append("\n" + OURS_HEADING + "\n", style="bold reverse")
        text.append_text(plan_lines(by_tab(ours), describe))
    return text


# --- dialogs -----------------------------------------------------------------------------------


class _FitsTheScreen(ModalScreen[bool]):
    """A dialog whose list of changes gives up rows when the notes above it leave too few for
    the buttons (80×24 with unsaved tabs and a portal changed elsewhere: they fell off)."""

    def on_mount(self) -> None:
        self.call_after_refresh(self._fit)

    def on_resize(self) -> None:
        for changes in self.query("#changes"):
            changes.styles.max_height = None  # the stylesheet's, then fitted again
        self.call_after_refresh(self._fit)

    def _fit(self) -> None:
        box = self.query_one("#dialog-box")
        buttons = self.query_one("#dialog-buttons")
        over = buttons.region.bottom - box.content_region.bottom
        for changes in self.query("#changes"):
            if over > 0:
                changes.styles.max_height = max(3, changes.outer_size.height - over)


class PublishScreen(_FitsTheScreen):
    """The changes the publication makes; Publicera / Avbryt (Escape)."""

    DEFAULT_CSS = DIALOG_CSS
    BINDINGS: ClassVar[list[Binding | tuple[str, str] | tuple[str, str, str]]] = [
        Binding("escape", "cancel", "Avbryt", id="publish.cancel", tooltip="Publicera inte"),
        DIALOG_HELP,
    ]

    def __init__(
        self,
        plan: PublishPlan,
        names: Names,
        unsaved: list[str],
        changed_elsewhere: bool = False,
        published_here: WebConfiguration | None = None,
    ) -> None:
        super().__init__(classes="dialog")
        self.plan = plan
        self.names = names
        self.unsaved = unsaved
        self.changed_elsewhere = changed_elsewhere
        # what this store last published: the others' changes since are listed apart
        self.published_here = published_here

    def _change_text(self) -> Text:
        from opus_tui.services.publisher import readable, split_changes

        plan = self.plan

        def line(change: Change) -> str:
            return readable(change, plan.portal, plan.local, self.names).describe()

        base = self.published_here if self.changed_elsewhere else None
        on_portal, ours = split_changes(plan.changes, base, plan.portal) if base else ([], [])
        if not on_portal:
            return plan_lines(plan.by_tab(), line)
        return theirs_then_ours(ELSEWHERE_HEADING, on_portal, ours, line)

    def compose(self) -> ComposeResult:
        plan = self.plan
        with Vertical(id="dialog-box"):
            yield Label(f"Publicera till {plan.subdomain}.{PORTAL_DOMAIN}", id="dialog-title")
            if self.unsaved:
                yield Static(
                    "Osparade ändringar publiceras inte (" + ", ".join(self.unsaved) + "): "
                    "bara det sparade publiceras. Spara först om de ska med.",
                    id="unsaved",
                    classes="note",
                    markup=False,
                )
            if plan.offline:
                yield Static(
                    "Portalen nås inte. Jämfört med senast publicerade version; publiceringen "
                    "väntar i utkorgen och skickas när portalen nås.",
                    id="offline",
                    classes="note",
                    markup=False,
                )
            if self.changed_elsewhere:
                from opus_tui.services.publisher import CHANGED_ELSEWHERE

                yield Static(
                    CHANGED_ELSEWHERE,
                    id="changed-elsewhere",
                    classes="note",
                    markup=False,
                )
            if plan.claim_needed:
                yield Static(f"Underdomänen {plan.subdomain} reserveras på portalen.", markup=False)
            if plan.changes:
                yield Label("Det här ändras på bokningssidan:")
                with VerticalScroll(id="changes"):
                    yield Static(self._change_text(), id="change-list")
            if plan.other_changes:
                yield Static(
                    "Uppgifter från Opus-databasen (t.ex. klinikadresser) uppdateras.",
                    markup=False,
                )
            if not plan.has_changes:
                yield Static(
                    "Inga ändringar: portalen har redan denna konfiguration.",
                    id="nothing",
                    markup=False,
                )
            with Horizontal(id="dialog-buttons"):
                yield Button(
                    "Publicera", id="publish", variant="primary", disabled=not plan.has_changes
                )
                yield Button("Avbryt", id="cancel")

    def on_mount(self) -> None:  # _FitsTheScreen's runs too (Textual calls each class's)
        button = self.query_one("#publish" if self.plan.has_changes else "#cancel", Button)
        button.focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "publish")

    def action_cancel(self) -> None:
        self.dismiss(False)


class ConflictScreen(_FitsTheScreen):
    """412: both sides per setting. Skriv över (explicit) / Avbryt (Escape, the default)."""

    DEFAULT_CSS = DIALOG_CSS
    BINDINGS: ClassVar[list[Binding | tuple[str, str] | tuple[str, str, str]]] = [
        Binding("escape", "cancel", "Avbryt", id="conflict.cancel", tooltip="Skriv inte över"),
        DIALOG_HELP,
    ]

    def __init__(self, conflict: Conflict, names: Names) -> None:
        super().__init__(classes="dialog")
        self.conflict = conflict
        self.names = names

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog-box"):
            yield Label("Konfigurationen har ändrats på portalen", id="dialog-title")
            yield Static(
                "Någon har ändrat konfigurationen på portalen sedan den lästes. Inget har "
                "skrivits över. Skillnader per inställning (portalen · lokalt):",
                markup=False,
            )
            with VerticalScroll(id="changes"):
                yield Static(self._both_sides(), id="conflict-list")
            yield Static(
                "Skriv över ersätter portalens version med din sparade konfiguration.",
                classes="note",
                markup=False,
            )
            with Horizontal(id="dialog-buttons"):
                yield Button("Skriv över", id="overwrite", variant="error")
                yield Button("Avbryt", id="cancel", variant="primary")

    def _both_sides(self) -> Text:
        """The portal's own changes (since the plan read it) apart from ours, when known."""
        from opus_tui.services.publisher import by_tab, conflict_line, readable

        conflict = self.conflict

        def line(change: Change) -> str:
            return conflict_line(readable(change, conflict.portal, conflict.local, self.names))

        on_portal, ours = conflict.split()
        if not on_portal:
            return plan_lines(by_tab(ours), line)
        return theirs_then_ours(THEIRS_HEADING, on_portal, ours, line)

    def on_mount(self) -> None:  # _FitsTheScreen's runs too (Textual calls each class's)
        self.query_one("#cancel", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "overwrite")

    def action_cancel(self) -> None:
        self.dismiss(False)


# --- the flow ------------------------------------------------------------------------------------


class PublishFlow:
    """Publicera and the background outbox for one app (workers; one sender at a time)."""

    def __init__(self, app: OpusApp) -> None:
        self.app = app
        self.sending = threading.Lock()  # held while publications are sent
        # Publicera is comparing or publishing: another F9 then shows no second dialog
        # (each press made one: three dialogs, three publications of the same plan)
        self.busy = False

    # -- helpers (threads) ------------------------------------------------------------------
    @contextmanager
    def _publisher(self, *, background: bool = False) -> Iterator[Publisher]:
        from opus_tui.services.portal import RetryPolicy
        from opus_tui.services.publisher import Publisher, client_from_store

        store = self.app.require_store()
        options = dict(self.app.portal_options)
        if background:  # tried again in OUTBOX_SECONDS anyway; never holds up quitting long
            options.setdefault("retry", RetryPolicy(attempts=2, timeout=10.0))
        else:  # the technician waits: a portal that does not answer is soon taken as offline
            options.setdefault("retry", RetryPolicy(attempts=3, timeout=15.0))
        with client_from_store(store, **options) as client:
            yield Publisher(store, client)

    def _notify(self, message: str, *, severity: str = "information", title: str = "") -> None:
        self.app.call_from_thread(
            self.app.notify,
            message,
            title=title or "Publicera",
            severity=severity,
            timeout=8,
        )

    def _failed(self, exc: Exception) -> None:
        from opus_tui.errors import UserError
        from opus_tui.services.portal import PortalError

        if isinstance(exc, PortalError):
            message = exc.message
        elif isinstance(exc, UserError):
            message = str(exc)
        else:  # no text of unknown exceptions: it might carry a secret
            message = f"Publiceringen misslyckades ({type(exc).__name__})."
        self._notify(message, severity="error")
        self._refresh_status()

    def _refresh_status(self) -> None:
        from opus_tui.services.publisher import status_label

        try:
            label = status_label(self.app.require_store())
        except Exception:
            return
        self.app.call_from_thread(self.app.set_portal_state, f"Portal: {label}")

    def _names(self, configs: list[WebConfiguration]) -> Names:
        from opus_tui.services.publisher import Names

        return Names(configs, self.app.catalogue)

    # -- Publicera ----------------------------------------------------------------------------
    def start(self) -> None:
        if isinstance(self.app.screen, (PublishScreen, ConflictScreen)):
            return
        if self.busy:
            self.app.notify("Publicera pågår redan – vänta på portalens svar.", title="Publicera")
            return
        self.busy = True
        self.app.set_portal_state("Portal: jämför…")  # until the dialog (or an error) shows
        self.app.run_worker(
            self._prepare, thread=True, group="publish", exit_on_error=False, exclusive=True
        )

    def _prepare(self) -> None:
        from opus_tui.services.publisher import changed_elsewhere, published_from_here

        try:
            try:
                with self._publisher() as publisher:
                    plan = publisher.prepare()
                    elsewhere = changed_elsewhere(publisher.store, plan)  # the same store
                    here = published_from_here(publisher.store, plan) if elsewhere else None
            except Exception as exc:
                self._failed(exc)
                return
            self._refresh_status()
            self.app.call_from_thread(self._show_plan, plan, elsewhere, here)
        finally:
            self.busy = False  # the dialog is on screen by now (call_from_thread waits)

    def _show_plan(
        self, plan: PublishPlan, elsewhere: bool = False, here: WebConfiguration | None = None
    ) -> None:
        from opus_tui.screens import TABS

        dirty = self.app.dirty_modes()
        unsaved = [t.label for t in TABS if t.mode in dirty]
        names = self._names([plan.local, plan.portal])

        def confirmed(answer: bool | None) -> None:
            if answer:
                self.busy = True
                self.app.set_portal_state("Portal: publicerar…")  # until the outcome shows
                self.app.run_worker(
                    lambda: self._publish(plan), thread=True, group="publish", exit_on_error=False
                )

        self.app.push_screen(PublishScreen(plan, names, unsaved, elsewhere, here), confirmed)

    def _publish(self, plan: PublishPlan | None) -> None:
        try:
            try:
                with self._publisher() as publisher:
                    if plan is None:  # Skriv över: built on the portal's current version
                        plan = publisher.prepare()
                    with self.sending:
                        outcome = publisher.publish(plan)
            except Exception as exc:
                self._failed(exc)
                return
            self._refresh_status()
            self.app.call_from_thread(self._after, outcome)
        finally:
            self.busy = False

    def _after(self, outcome: Outcome) -> None:
        if outcome.status == "published":
            self.app.notify(outcome.message, title="Publicerat")
        elif outcome.status == "pending":
            self.app.notify(
                f"{outcome.message} Publiceringen väntar i utkorgen och skickas automatiskt.",
                title="Publicera",
                severity="warning",
                timeout=10,
            )
        elif outcome.status == "conflict" and outcome.conflict is not None:
            conflict = outcome.conflict
            names = self._names([conflict.local, conflict.portal])
            self.app.push_screen(ConflictScreen(conflict, names), self._after_conflict)
        elif outcome.status == "rejected":
            self.app.notify(outcome.message, title="Publicera", severity="error", timeout=10)
        else:
            self.app.notify(outcome.message, title="Publicera")

    def _after_conflict(self, overwrite: bool | None) -> None:
        if overwrite:
            self.busy = True
            self.app.set_portal_state("Portal: publicerar…")
            self.app.run_worker(
                lambda: self._publish(None), thread=True, group="publish", exit_on_error=False
            )
        else:
            self.app.notify(
                "Inget skrevs över. Publicera igen när du har granskat skillnaderna.",
                title="Publicera",
            )

    # -- the outbox -----------------------------------------------------------------------
    def kick(self) -> None:
        """Send queued publications now (a worker); the header follows."""
        self.app.run_worker(self._drain, thread=True, group="outbox", exit_on_error=False)

    def _drain(self) -> None:
        from opus_tui.domain.connections import API_KEY_SECRET

        try:
            store = self.app.require_store()
            waiting = bool(store.pending_publications()) and store.has_secret(API_KEY_SECRET)
        except Exception:
            return
        if waiting and self.sending.acquire(blocking=False):
            try:
                with self._publisher(background=True) as publisher:
                    outcome = publisher.send_pending()
            except Exception:
                outcome = None  # e.g. the API key was removed: the header says so
            finally:
                self.sending.release()
            if outcome is not None and outcome.status == "published":
                self._notify(
                    f"Väntande publiceringar skickade ({outcome.sent}). {outcome.message}",
                    title="Publicerat",
                )
            elif outcome is not None and outcome.status == "conflict":
                self._notify(
                    "Konfigurationen har ändrats på portalen: en väntande publicering skickades "
                    "inte. Välj Publicera för att se skillnaderna.",
                    severity="warning",
                )
        self._refresh_status()
