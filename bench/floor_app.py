"""The Textual floor of opus-tui's first tab: the Kliniker tab's widget tree and stylesheets with
the demo store's data as literals, and no opus-tui import (no pydantic, no store).

The start-up benchmark measures it next to the bare app and opus-tui; the gap bare → floor is
what Textual's widgets and CSS cost, the gap floor → opus-tui is opus-tui's own code (imports,
store reads, the draft). Run as ``python bench/floor_app.py``.
"""

from __future__ import annotations

from pathlib import Path

from textual.app import App, ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Input, Label, OptionList, Select, Static

STYLES = Path(__file__).resolve().parent.parent / "styles"
CLINICS = ["OpusTandläkarna, LUND", "City Praktiken, STOCKHOLM", "Utbildningsenheten, LUND"]
PRACTITIONERS = [
    "✓ Olle Ohlsson — Tandläkare",
    "✓ Lena Svensson — Tandhygienist",
    "✓ Eva Eriksson — Tandläkare",
    "✓ Arne Andersson — Tandläkare",
    "✓ Göran Persson — Tandhygienist",
]
TABS = " 1 Kliniker  2 Beh  3 Underd  4 Flex  5 Media  6 E-post  7 SMS  8 Avanc  9 Konf"


class FloorScreen(Screen[None]):
    CSS_PATH = [str(STYLES / "app.tcss"), str(STYLES / "clinics.tcss")]
    BINDINGS = [("ctrl+s", "save", "Spara"), ("ctrl+r", "revert", "Återställ")]

    def compose(self) -> ComposeResult:
        yield Header(icon="≡")
        yield Static(TABS, id="tab-bar")
        with Horizontal(id="body"), Vertical(id="content"), Horizontal(id="clinic-columns"):
            with Vertical(id="pick"):
                with Horizontal(id="database-row"):
                    yield Label("Välj databas", id="database-label")
                    yield Select[str](
                        [("Opus Lund", "Opus Lund")],
                        value="Opus Lund",
                        compact=True,
                        id="database",
                    )
                yield Input(
                    placeholder="Välj klinik – skriv för att filtrera",
                    compact=True,
                    id="clinic-filter",
                )
                clinics = OptionList(*CLINICS, id="clinic-list")
                clinics.border_title = "Välj klinik"
                yield clinics
                practitioners = OptionList(*PRACTITIONERS, id="practitioner-list")
                practitioners.border_title = "Behandlare på OpusTandläkarna"
                yield practitioners
                yield Button("Lägg till", id="add", compact=True, variant="primary")
            with Vertical(id="published-col"):
                published = OptionList(
                    "OpusTandläkarna (Opus Lund)", *PRACTITIONERS, id="published"
                )
                published.border_title = "Tillagda behandlare"
                yield published
                with Horizontal(id="group-row"):
                    yield Label("Grupp", id="group-label")
                    yield Input(placeholder="t.ex. MALMÖ", compact=True, id="group")
                with Horizontal(id="published-buttons"):
                    yield Button("Ta bort", id="remove", compact=True, variant="error")
                    yield Button("Upp", id="up", compact=True)
                    yield Button("Ner", id="down", compact=True)
        yield Static("", id="problems")
        yield Static("", id="help-line")
        yield Footer()


class FloorApp(App[None]):
    def on_mount(self) -> None:
        self.push_screen(FloorScreen())


if __name__ == "__main__":
    FloorApp().run()
