"""Dialogs: unsaved changes on quit."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Label

from opus_tui.screens.help import DIALOG_HELP


class QuitDialog(ModalScreen[str | None]):
    """Spara / Kasta / Avbryt; Escape = Avbryt. Dismisses with "save", "discard" or None."""

    BINDINGS: ClassVar[list[Binding | tuple[str, str] | tuple[str, str, str]]] = [
        Binding(
            "escape", "cancel", "Avbryt", id="dialog.cancel", tooltip="Tillbaka utan att avsluta"
        ),
        DIALOG_HELP,
    ]

    def __init__(self, tabs: list[str]) -> None:
        super().__init__(classes="dialog")
        self.tabs = tabs

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog-box"):
            yield Label("Osparade ändringar", id="dialog-title")
            yield Label(f"Ändringar som inte är sparade: {', '.join(self.tabs)}.", id="dialog-text")
            yield Label("Vill du spara innan du avslutar?")
            with Horizontal(id="dialog-buttons"):
                yield Button("Spara", id="save", variant="primary")
                yield Button("Kasta", id="discard", variant="error")
                yield Button("Avbryt", id="cancel")
        yield Footer()  # the dialog's keys, not the tab's behind it

    def on_mount(self) -> None:
        self.query_one("#save", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        choice = event.button.id
        self.dismiss(None if choice == "cancel" else choice)

    def action_cancel(self) -> None:
        self.dismiss(None)
