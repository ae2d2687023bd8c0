"""Hjälp (F1): the focused field's whole help text (the help line cuts it at the screen's width)
and every key that works here, from the bindings themselves."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.widgets import Button, Footer, Label, Static, Tabs

# Always there, not bindings of ours: Textual's focus keys and its widgets' own keys.
MOVING = [
    ("tab / shift+tab", "Nästa / föregående fält"),
    ("enter", "Trycker på knappen, väljer i listan, öppnar en rullgardinslista"),
    ("mellanslag", "Kryssar i eller ur rutan"),
    ("↑ ↓ pgup pgdn", "Flyttar i listor och rullar fliken"),
    ("esc", "Stänger en lista, en dialog eller menyn"),
]


# A modal screen cuts the app's keys off: each dialog binds F1 itself.
DIALOG_HELP = Binding(
    "f1",
    "app.help",
    "Hjälp",
    id="dialog.help",
    tooltip="Hjälp: det markerade fältets hjälptext och tangenterna här",
    show=False,
)


ON_THE_TAB = "Tab går till flikens fält · 1–9 byter flik (alt+1–9 i ett fält) · F1 hjälp"
ON_SUB_TABS = "← → byter del av fliken · Tab går vidare till fälten · F1 hjälp"


def help_text(widget: Widget | None) -> str:
    """A widget's help: its tooltip; for the tab's own scroll area and a row of sub-tabs, which
    have none, how to move on from there."""
    if widget is None:
        return ""
    tooltip = widget.tooltip
    if isinstance(tooltip, str) and tooltip:
        return tooltip
    if isinstance(widget, Tabs):
        return ON_SUB_TABS
    if isinstance(widget, Button):
        return f"Knappen ”{widget.label}”: Enter trycker på den."
    if widget.id == "content":
        return ON_THE_TAB
    return ""


def help_lines(screen: Screen[object], focused: Widget | None) -> tuple[str, list[tuple[str, str]]]:
    """The focused field's help text and the (keys, what they do) this screen answers to: the
    focused field's, the tab's and the app's own bindings (Textual's widgets describe theirs in
    English, and move/choose keys are listed apart)."""
    field = help_text(focused)
    app = screen.app
    rows: list[tuple[str, str]] = []
    seen: set[str] = set()

    def add(binding: Binding) -> None:
        what = binding.tooltip or binding.description
        if what and what not in seen:
            seen.add(what)
            rows.append((app.get_key_display(binding), what))

    for active in screen.active_bindings.values():
        own = {b.action for b in _own_bindings(type(active.node))}
        if active.node is not app and active.binding.action in own:
            add(active.binding)
    tabs: list[str] = []
    for binding in _own_bindings(type(app)):
        if screen.is_modal and not binding.priority:
            continue  # a dialog cuts the app's keys off (but for priority ones)
        if binding.group is not None and binding.group.description == "Flik":
            tabs.append(binding.key)
        else:
            add(binding)
    digits = [key for key in tabs if key.isdigit()]
    if digits:
        first, last = digits[0], digits[-1]
        rows.append((f"{first}–{last}, alt+{first}–{last}", f"Går till flik {first}–{last}"))
    return field, rows


def _own_bindings(cls: type[object]) -> list[Binding]:
    """Bindings declared by our classes in ``cls``'s MRO (tuples made Bindings)."""
    found: list[Binding] = []
    for base in cls.__mro__:
        if base.__module__.startswith("opus_tui"):
            found += [
                b if isinstance(b, Binding) else Binding(*b)
                for b in base.__dict__.get("BINDINGS", ())
            ]
    return found


class HelpDialog(ModalScreen[None]):
    """Escape, F1 or Stäng closes it."""

    BINDINGS: ClassVar[list[Binding | tuple[str, str] | tuple[str, str, str]]] = [
        Binding("escape,f1", "close", "Stäng", id="dialog.cancel", tooltip="Stäng hjälpen"),
    ]

    def __init__(self, title: str, field: str, keys: list[tuple[str, str]]) -> None:
        super().__init__(classes="dialog")
        self.heading = title
        self.field = field
        self.keys = keys

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog-box", classes="help"):
            yield Label(self.heading, id="dialog-title")
            with VerticalScroll(id="help-body"):
                yield Label("Markerat fält", classes="help-heading")
                yield Static(self.field or "Inget fält markerat.", markup=False, id="help-field")
                yield Label("Tangenter här", classes="help-heading")
                yield from _rows(self.keys)
                yield Label("Flytta och välja", classes="help-heading")
                yield from _rows(MOVING)
            with Horizontal(id="dialog-buttons"):
                yield Button("Stäng", id="close", variant="primary")
        yield Footer()  # the dialog's keys, not the tab's behind it

    def on_mount(self) -> None:
        self.query_one("#help-body").focus()

    @on(Button.Pressed, "#close")
    def action_close(self) -> None:
        self.dismiss(None)


def _rows(rows: list[tuple[str, str]]) -> list[Widget]:
    return [
        Horizontal(
            Static(keys, markup=False, classes="help-key"),
            Static(what, markup=False, classes="help-what"),
            classes="help-row",
        )
        for keys, what in rows
    ]
