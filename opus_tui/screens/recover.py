"""Dialog: unsaved edits kept from a session that ended without saving (a dropped SSH link, a
crash), offered back at start."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Label, Static

from opus_tui.screens.help import DIALOG_HELP


class RecoverDialog(ModalScreen[bool]):
    """Ta tillbaka (Enter, Escape: nothing is saved by it) / Kasta. Dismisses with True to
    take them back."""

    BINDINGS: ClassVar[list[Binding | tuple[str, str] | tuple[str, str, str]]] = [
        Binding("escape", "restore", "Ta tillbaka", tooltip="Lägg ändringarna i utkastet"),
        DIALOG_HELP,
    ]

    def __init__(self, tabs: list[str], when: str) -> None:
        super().__init__(classes="dialog")
        self.tabs = tabs
        self.when = when

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog-box"):
            yield Label("Osparade ändringar från förra gången", id="dialog-title")
            yield Static(
                f"Appen avslutades utan att spara ({self.when}): {', '.join(self.tabs)}.",
                id="dialog-text",
                markup=False,
            )
            yield Static(
                "Ta tillbaka lägger dem i utkastet; inget sparas förrän du sparar. "
                "Kasta tar bort dem.",
                markup=False,
            )
            with Horizontal(id="dialog-buttons"):
                yield Button("Ta tillbaka", id="restore", variant="primary")
                yield Button("Kasta", id="discard", variant="error")
        yield Footer()  # the dialog's keys, not the tab's behind it

    def on_mount(self) -> None:
        self.query_one("#restore", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "restore")

    def action_restore(self) -> None:
        self.dismiss(True)
