"""Hantera behandlarsamtycke: one row per (practitioner, clinic) with the checkbox columns
Profilbild and Behandlars titel; space toggles, Ok keeps, Cancel/Escape discards."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.coordinate import Coordinate
from textual.css.scalar import Scalar
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Footer, Input, Label, Static

from opus_tui.domain.config import ClinicsSettings, Consent, PractitionerSettings
from opus_tui.domain.fields import help_of, label_of
from opus_tui.resources import stylesheet
from opus_tui.screens.help import DIALOG_HELP

PHOTO = label_of(Consent, "photo")  # Profilbild
TITLE = label_of(Consent, "title")  # Behandlars titel
CHECKED, UNCHECKED = "[X]", "[ ]"
TABLE_ROWS = 20  # the table's height at most (header included)
FILTER_FROM = 20  # more rows than this: a filter above the table
SHOW_LIMIT = 500  # rows in the table at once; the filter finds the others


@dataclass
class ConsentRow:
    database: str
    practitioner_id: str
    clinic_id: str
    practitioner: str
    clinic: str
    photo: bool
    title: bool

    def consent(self) -> Consent:
        return Consent(
            database=self.database,
            practitioner_id=self.practitioner_id,
            clinic_id=self.clinic_id,
            photo=self.photo,
            title=self.title,
        )


def consent_rows(clinics: ClinicsSettings, settings: PractitionerSettings) -> list[ConsentRow]:
    # one look-up table (settings.consent() searches the list: a chain has thousands of rows)
    given = {(c.database, c.practitioner_id, c.clinic_id): c for c in settings.consents}
    rows = []
    for clinic in clinics.published:
        for p in clinic.practitioners:
            current = given.get((clinic.database, p.practitioner_id, clinic.clinic_id))
            rows.append(
                ConsentRow(
                    clinic.database,
                    p.practitioner_id,
                    clinic.clinic_id,
                    p.name or p.practitioner_id,
                    clinic.name or clinic.clinic_id,
                    current.photo if current else False,
                    current.title if current else False,
                )
            )
    return rows


def merged_consents(rows: list[ConsentRow], settings: PractitionerSettings) -> list[Consent]:
    """The consents after the dialog, in their old order; pairs without a tick are dropped,
    pairs not listed (no longer published) are kept unchanged."""
    by_key = {(r.database, r.practitioner_id, r.clinic_id): r for r in rows}
    result: list[Consent] = []
    seen: set[tuple[str, str, str]] = set()
    for consent in settings.consents:
        key = (consent.database, consent.practitioner_id, consent.clinic_id)
        row = by_key.get(key)
        if row is None:
            result.append(consent)
            continue
        seen.add(key)
        if row.photo or row.title:
            result.append(row.consent())
    for key, row in by_key.items():
        if key not in seen and (row.photo or row.title):
            result.append(row.consent())
    return result


class ConsentTable(DataTable[Text]):
    BINDINGS: ClassVar[list[Binding | tuple[str, str] | tuple[str, str, str]]] = [
        Binding(
            "space", "toggle_consent", "Kryssa", id="consent.toggle", tooltip="Kryssa i/ur rutan"
        ),
    ]

    def action_toggle_consent(self) -> None:
        screen = self.screen
        if isinstance(screen, ConsentScreen):
            screen.toggle(self.cursor_coordinate.row, self.cursor_coordinate.column)

    def on_key(self, event: events.Key) -> None:
        """A letter or digit typed in the table continues in the filter above (when there is
        one); space still ticks."""
        character = event.character
        boxes = self.screen.query("#consent-filter").results(Input)
        typed = character is not None and character.isprintable() and not character.isspace()
        if typed and character and (box := next(boxes, None)) is not None:
            event.stop()
            event.prevent_default()
            box.focus()
            box.insert_text_at_cursor(character)


class ConsentScreen(ModalScreen[list[Consent] | None]):
    CSS_PATH = stylesheet("consent.tcss")
    BINDINGS: ClassVar[list[Binding | tuple[str, str] | tuple[str, str, str]]] = [
        Binding("escape", "cancel", "Avbryt", id="consent.cancel", tooltip="Stäng utan ändringar"),
        DIALOG_HELP,
    ]

    def __init__(self, clinics: ClinicsSettings, settings: PractitionerSettings) -> None:
        super().__init__(classes="dialog")
        self.settings = settings
        self.rows = consent_rows(clinics, settings)
        self.shown: list[int] = []  # the table's rows: indexes into self.rows

    def compose(self) -> ComposeResult:
        with Vertical(id="consent-box"):
            yield Label(label_of(PractitionerSettings, "consents"), id="dialog-title")
            yield Static(help_of(PractitionerSettings, "consents"), id="consent-note")
            filtered = len(self.rows) > FILTER_FROM
            if filtered:
                box = Input(
                    placeholder="Filtrera på behandlare eller klinik",
                    compact=True,
                    select_on_focus=False,  # the letter typed in the table stays
                    id="consent-filter",
                )
                box.tooltip = FILTER_HELP  # F1 here said "Inget fält markerat"
                yield box
                yield Static("", id="consent-count", classes="hint")
            table = ConsentTable(id="consent-table", cursor_type="cell", zebra_stripes=True)
            table.tooltip = column_help(2)
            yield table
            if not self.rows:
                yield Static("Inga tillagda behandlare ännu (fliken Kliniker).", classes="hint")
            escape = "Escape tömmer filtret, sedan Cancel" if filtered else "Escape = Cancel"
            yield Static(
                f"Mellanslag/Enter kryssar i/ur · pilarna väljer ruta · {escape}",
                id="consent-keys",
                classes="hint",
            )
            with Horizontal(id="dialog-buttons"):
                yield Button("Ok", id="ok", variant="primary")
                yield Button("Cancel", id="cancel")
        yield Footer()  # the dialog's keys (the tab's footer behind it named keys that do nothing)

    def on_mount(self) -> None:
        table = self.query_one(ConsentTable)
        table.add_column("Namn på behandlaren", key="practitioner")  # the manual's headings
        table.add_column("Namn på kliniken", key="clinic")
        table.add_column(PHOTO, key="photo")
        table.add_column(TITLE, key="title")
        self._fill("")
        if self.rows:
            table.cursor_coordinate = table.cursor_coordinate._replace(column=2)
        table.focus()
        self.call_after_refresh(self._fit_table)

    @on(Input.Changed, "#consent-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        table = self.query_one(ConsentTable)
        column = table.cursor_coordinate.column
        self._fill(event.value)
        if self.shown:
            table.cursor_coordinate = Coordinate(0, column)

    def _fill(self, text: str) -> None:
        """The rows whose practitioner and clinic hold every word typed; at most SHOW_LIMIT
        (a DataTable measures every cell it is given: a chain's 9 000 rows took seconds)."""
        words = text.casefold().split()
        matching = [
            i
            for i, row in enumerate(self.rows)
            if all(w in f"{row.practitioner} {row.clinic}".casefold() for w in words)
        ]
        self.shown = matching[:SHOW_LIMIT]
        table = self.query_one(ConsentTable)
        table.clear()
        table.add_rows(
            (
                Text(row.practitioner),
                Text(row.clinic),
                _box(row.photo),
                _box(row.title),
            )
            for row in (self.rows[i] for i in self.shown)
        )
        for count in self.query("#consent-count").results(Static):
            shown, total = len(self.shown), len(matching)
            if words:
                text = f"{total} av {len(self.rows)} rader passar filtret"
            else:
                text = f"{total} rader"
            if shown < total:
                text += f"; de första {shown} visas – skriv för att filtrera"
            count.update(text + ".")

    def on_resize(self) -> None:
        self.call_after_refresh(self._fit_table)

    def _fit_table(self) -> None:
        """At most TABLE_ROWS rows high, and low enough that the rest of the dialog (Ok and
        Cancel) stays on screen: the table scrolls instead."""
        box = self.query_one("#consent-box")
        table = self.query_one(ConsentTable)
        others = sum(
            w.outer_size.height + w.styles.margin.height for w in box.children if w is not table
        )
        footer = self.query_one(Footer).outer_size.height
        room = (
            self.size.height
            - footer
            - box.styles.gutter.height
            - others
            - table.styles.margin.height
        )
        height = max(3, min(TABLE_ROWS, room))
        if table.styles.max_height != Scalar.from_number(height):
            table.styles.max_height = height

    def toggle(self, row_index: int, column: int) -> None:
        """Tick or untick a box of the table's row ``row_index``."""
        if not 0 <= row_index < len(self.shown):
            return
        row = self.rows[self.shown[row_index]]
        table = self.query_one(ConsentTable)
        if column == 3:
            row.title = not row.title
            table.update_cell_at(Coordinate(row_index, 3), _box(row.title))
        elif column == 2:  # on a name space ticked Profilbild out of sight (Enter did nothing)
            row.photo = not row.photo
            table.update_cell_at(Coordinate(row_index, 2), _box(row.photo))

    @on(DataTable.CellHighlighted, "#consent-table")
    def _cell_highlighted(self, event: DataTable.CellHighlighted) -> None:
        """The table's help (help line, F1) is its highlighted column's."""
        event.data_table.tooltip = column_help(event.coordinate.column)

    @on(DataTable.CellSelected, "#consent-table")
    def _cell_selected(self, event: DataTable.CellSelected) -> None:
        """Enter (or a click) on a box ticks it, as space does."""
        if event.coordinate.column in (2, 3):
            self.toggle(event.coordinate.row, event.coordinate.column)

    @on(Button.Pressed, "#ok")
    def _ok(self) -> None:
        self.dismiss(merged_consents(self.rows, self.settings))

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.dismiss(None)

    def action_cancel(self) -> None:
        """Escape: a filter typed is emptied first (it closed the dialog and threw the ticks
        away); then Cancel."""
        box = next(self.query("#consent-filter").results(Input), None)
        if box is not None and box.value:
            box.value = ""
            self.query_one(ConsentTable).focus()
            return
        self.dismiss(None)


FILTER_HELP = (
    "Visar raderna vars behandlare och klinik har alla ord som skrivs. "
    "Escape tömmer filtret; Tab går till tabellen."
)
TABLE_KEYS = "Mellanslag eller Enter kryssar i/ur; piltangenterna väljer ruta."


def column_help(column: int) -> str:
    """The help of the table's ``column``: Profilbild's and Behandlars titel's are the domain's."""
    if column == 2:
        return f"{PHOTO}: {help_of(Consent, 'photo')} {TABLE_KEYS}"
    if column == 3:
        return f"{TITLE}: {help_of(Consent, 'title')} {TABLE_KEYS}"
    return f"Gå med → till en ruta under {PHOTO} eller {TITLE}. {TABLE_KEYS}"


def _box(value: bool) -> Text:
    return Text(CHECKED if value else UNCHECKED)
