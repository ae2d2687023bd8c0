"""Kliniker: Välj databas, Välj klinik (filter as you type), the clinic's practitioners with
Lägg till, and Tillagda behandlare grouped by clinic with Ta bort, alt+up/down ordering and a
Grupp per clinic. Lists are OptionLists (they render only the visible lines), so 300 clinics × 30
practitioners stay responsive.

The first frame (issue 8) shows only the clinic list of the first database, from the store's
plain rows (``app.plain``); the pickers, buttons and Tillagda behandlare are mounted around it
once the draft exists."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Button, Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from opus_tui.labels import GROUP_HELP, GROUP_LABEL, PUBLISHED_HELP, PUBLISHED_LABEL
from opus_tui.screens.base import TabScreen
from opus_tui.services.clinic_catalogue import ClinicsByDatabase, catalogue_problems
from opus_tui.widgets.field import FieldError
from opus_tui.widgets.flat_list import OptionPool

if TYPE_CHECKING:  # the first frame does not import pydantic (issue 8)
    from rich.console import Console

    from opus_tui.domain.catalogue import Catalogue, CatalogueClinic
    from opus_tui.domain.config import ClinicsSettings, PublishedClinic
    from opus_tui.domain.problems import Problem

DEMO_NOTE = "⚠ Demokatalog (exempeldata): F7 hämtar era kliniker och behandlare."
EXPAND_ALL_LIMIT = 600  # published practitioners shown at once; above, one clinic at a time


def clinic_prompt(clinic: CatalogueClinic) -> str:
    return _prompt(clinic.name, clinic.city)


def _prompt(name: str, city: str) -> str:
    return f"{name}, {city}" if city and city not in name else name


def hanging(prefix: str, body: Text, width: int, console: Console) -> Text:
    """``prefix`` and ``body`` on one row; a body too long for ``width`` cells goes on in lines
    indented under its start (OptionList wrapped it at column 0, under the list's bullets)."""
    indent = cell_len(prefix)
    room = width - indent
    if room < 8 or body.cell_len <= room:  # fits, or not laid out yet (width 0)
        return Text(prefix) + body
    row = Text(prefix)
    for number, line in enumerate(body.wrap(console, room)):
        line.rstrip()
        if number:
            row.append("\n" + " " * indent)
        row.append_text(line)
    return row


def first_frame_clinics(app: Any) -> tuple[list[Option], int]:
    """Välj klinik's options for the first database and that database's clinic count, from the
    given catalogue or else the store's plain rows (no domain objects needed)."""
    catalogue = app.catalogue
    if catalogue is not None:
        index = ClinicsByDatabase(catalogue)
        first = index.databases[0] if index.databases else ""
        rows = [(c.clinic_id, c.name, c.city) for c in index.clinics.get(first, [])]
    elif app.plain is not None and app.plain.databases:
        plain = app.plain
        databases = [d for d, _ in plain.databases]
        databases += [r[0] for r in plain.clinics if r[0] not in databases]
        rows = [(r[1], r[2], r[5]) for r in plain.clinics if r[0] == databases[0]]
    else:
        rows = []
    return [Option(_prompt(name, city), id=cid) for cid, name, city in rows], len(rows)


class ClinicList(OptionList):
    """Välj klinik: typing a letter here continues in the filter above (digits switch tabs).
    Keys typed after that letter before the filter has the focus (a fast typist, a busy app)
    go to the filter too: "kedje 012" is not cut at the space."""

    _to_filter = False  # a letter went to the filter; the focus is on its way there

    def on_key(self, event: events.Key) -> None:
        character = event.character
        if not character or not (
            character.isalpha() or (self._to_filter and character.isprintable())
        ):
            return
        box = next(self.screen.query("#clinic-filter").results(Input), None)
        if box is None:
            return
        event.stop()
        event.prevent_default()
        self._to_filter = True
        box.focus()
        box.insert_text_at_cursor(character)

    def on_focus(self) -> None:
        self._to_filter = False

    def on_blur(self) -> None:
        self._to_filter = False


class HangingList(OptionList):
    """A list whose practitioner rows the screen wraps under the name (``hanging``) at the
    list's text width: filled again when that width changes."""

    wrapped_at = 0  # the text width the rows were last wrapped at

    def text_width(self) -> int:
        """The cells a row's text has (0 before the list is laid out)."""
        padding = self.get_component_styles("option-list--option").padding
        return max(0, self.scrollable_content_region.width - padding.width)

    def on_resize(self) -> None:
        screen = self.screen
        if self.text_width() != self.wrapped_at and isinstance(screen, ClinicsScreen):
            self.call_after_refresh(screen.rewrap, self)


class PractitionerList(HangingList):
    """Behandlare of the chosen clinic: Enter adds one, ctrl+a all."""

    BINDINGS: ClassVar[list[Binding | tuple[str, str] | tuple[str, str, str]]] = [
        Binding(
            "ctrl+a",
            "screen.add_all",
            "Lägg till alla",
            id="clinics.add_all",
            tooltip="Lägg till klinikens alla behandlare",
        ),
    ]


class PublishedList(HangingList):
    """Tillagda behandlare: clinic rows with their practitioners below them."""

    BINDINGS: ClassVar[list[Binding | tuple[str, str] | tuple[str, str, str]]] = [
        Binding("alt+up", "screen.move(-1)", "Flytta upp", id="clinics.up", tooltip="Flytta upp"),
        Binding(
            "alt+down", "screen.move(1)", "Flytta ner", id="clinics.down", tooltip="Flytta ner"
        ),
        Binding("delete", "screen.remove", "Ta bort", id="clinics.remove", tooltip="Ta bort raden"),
    ]

    def _on_resize(self) -> None:
        # The list gets shorter when a warning appears below it (e.g. right after Lägg till):
        # keep the highlighted row in view.
        super()._on_resize()  # type: ignore[no-untyped-call]  # Textual's is untyped
        self.call_after_refresh(self.scroll_to_highlight)


class ClinicsScreen(TabScreen):
    SECTION = "clinics"
    # styles/clinics.tcss is loaded with the app's sheet (OpusApp.CSS_PATH): the first tab
    CONTENT_SCROLLS = False
    BINDINGS: ClassVar[list[Binding | tuple[str, str] | tuple[str, str, str]]] = [
        Binding(
            "f7",
            "app.refresh_catalogue",
            "Katalog",
            id="clinics.refresh",
            tooltip="Hämta kliniker och behandlare från Opus-databaserna",
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.index = ClinicsByDatabase(None)
        self.database: str | None = None
        self.clinic_id: str | None = None  # the clinic chosen under Välj klinik
        self._filter = ""
        self._expanded: int | None = None  # compact mode: the clinic showing its practitioners
        self._practitioners_of: tuple[str | None, str | None] | None = None  # Behandlare's clinic
        # the lists' options, reused while a row is unchanged: a rebuild measures only new rows
        self._clinic_options = OptionPool()
        self._practitioner_options = OptionPool()
        self._published_options = OptionPool()

    # -- composition ----------------------------------------------------------------------------
    def compose_content(self) -> ComposeResult:
        with Horizontal(id="clinic-columns"):
            with Vertical(id="pick"):
                yield from self._above_clinics()
                yield self._clinic_list()
                yield from self._below_clinics()
            yield self._published_column()

    def compose_skeleton(self) -> ComposeResult:
        """The first frame: Välj klinik with the first database's clinics, from plain rows."""
        options, total = first_frame_clinics(self.opus)
        with Horizontal(id="clinic-columns"), Vertical(id="pick"):
            clinic_list = self._clinic_list(options)
            clinic_list.border_subtitle = f"{total} av {total}"
            yield clinic_list

    async def complete_content(self) -> None:
        clinic_list = self.query_one("#clinic-list", OptionList)
        pick = self.query_one("#pick")
        await pick.mount_all(self._above_clinics(), before=clinic_list)
        await pick.mount_all(self._below_clinics(), after=clinic_list)
        await self.query_one("#clinic-columns").mount(self._published_column())

    def _above_clinics(self) -> list[Widget]:
        clinic_filter = Input(
            placeholder="Filtrera: namn, ort eller id",  # fits beside the preview
            compact=True,
            select_on_focus=False,
            id="clinic-filter",
        )
        clinic_filter.tooltip = "Filtrera klinikerna på namn, ort eller id."
        database = Select[str]([], prompt="(ingen databas)", compact=True, id="database")
        database.tooltip = "Opus-databaserna under Konfiguration › Databaser; F7 hämtar katalogen."
        database_row = Horizontal(
            Label("Välj databas", id="database-label"), database, id="database-row"
        )
        note = Static(DEMO_NOTE, id="catalogue-note", markup=False)
        note.display = False  # shown while the catalogue is the demo's
        return [note, database_row, clinic_filter]

    def _clinic_list(self, options: list[Option] | None = None) -> ClinicList:
        clinics = ClinicList(*(options or ()), id="clinic-list", markup=False)  # names as written
        clinics.border_title = "Välj klinik"
        clinics.tooltip = "Välj klinik; dess behandlare visas nedan."
        return clinics

    def _below_clinics(self) -> list[Widget]:
        practitioners = PractitionerList(id="practitioner-list", markup=False)
        practitioners.border_title = "Behandlare"
        practitioners.border_subtitle = "Enter = en · ctrl+a = alla"
        practitioners.tooltip = (
            "Enter lägger till behandlaren i Tillagda behandlare; ctrl+a lägger till alla."
        )
        add = Button("Lägg till", id="add", compact=True, variant="primary")
        add.tooltip = "Lägg till den markerade behandlaren under Tillagda behandlare."
        add_all = Button("Lägg till alla", id="add-all", compact=True)
        add_all.tooltip = "Lägg till klinikens alla behandlare under Tillagda behandlare (ctrl+a)."
        return [practitioners, Horizontal(add, add_all, id="add-row")]

    def _published_column(self) -> Vertical:
        published = PublishedList(id="published")
        published.border_title = PUBLISHED_LABEL
        published.border_subtitle = "alt+↑↓ flytta · Del ta bort"
        published.tooltip = PUBLISHED_HELP
        group = Input(placeholder="t.ex. MALMÖ", compact=True, id="group", disabled=True)
        group.tooltip = GROUP_HELP
        return Vertical(
            published,
            Horizontal(Label(GROUP_LABEL, id="group-label", markup=False), group, id="group-row"),
            FieldError(("clinics",), id="clinics-problems"),
            Horizontal(*_row_buttons(), id="published-buttons"),
            id="published-col",
        )

    def _start(self) -> None:
        self.index = ClinicsByDatabase(self.opus.catalogue)  # before load(): rows marked ⚠
        super()._start()
        self.opus.catalogue_changed.subscribe(self, self._on_catalogue)
        self._on_catalogue(self.opus.catalogue)

    def extra_problems(self) -> Iterable[Problem]:
        return catalogue_problems(self.current_value(), self.index)

    # -- catalogue pickers ----------------------------------------------------------------------
    def _on_catalogue(self, catalogue: Catalogue | None) -> None:
        changed = catalogue is not self.index.catalogue
        if changed:
            self.index = ClinicsByDatabase(catalogue)
        self.query_one("#catalogue-note", Static).display = self.index.demo
        if changed:  # added clinics and practitioners the new catalogue lacks: ⚠
            self._fill_published(self._highlighted_key())
            self._refresh_problems()
        select = self.query_one("#database", Select)
        with self.prevent(Select.Changed):
            # a blank choice only while there is no database: it would empty Välj klinik
            select._allow_blank = not self.index.databases  # read by set_options (8.2.8)
            select.set_options([(db, db) for db in self.index.databases])
            if self.index.databases:
                keep = self.database in self.index.databases
                self.database = self.database if keep else self.index.databases[0]
                select.value = self.database
        self._fill_clinics()

    @on(Select.Changed, "#database")
    def _database_changed(self, event: Select.Changed) -> None:
        value = event.value
        self.database = value if isinstance(value, str) else None
        self._fill_clinics()

    @on(Input.Changed, "#clinic-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self._filter = event.value.strip().casefold()
        self._fill_clinics()

    def _fill_clinics(self) -> None:
        clinic_list = self.query_one("#clinic-list", OptionList)
        clinics = self.index.clinics.get(self.database or "", [])
        words = self._filter.split()
        options: list[Option] = []
        for clinic in clinics:
            prompt = clinic_prompt(clinic)
            if words:
                haystack = f"{prompt} {clinic.clinic_id}".casefold()
                if not all(w in haystack for w in words):
                    continue
            options.append(self._clinic_options.option(prompt, clinic.clinic_id))
        clinic_list.set_options(options)
        clinic_list.border_subtitle = f"{len(options)} av {len(clinics)}"
        if options:
            ids = [o.id for o in options]
            clinic_list.highlighted = ids.index(self.clinic_id) if self.clinic_id in ids else 0
        else:
            self.select_clinic(None)

    @on(OptionList.OptionHighlighted, "#clinic-list")
    def _clinic_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self.select_clinic(event.option.id)

    def select_clinic(self, clinic_id: str | None) -> None:
        """Show the practitioners of a clinic of the chosen database."""
        self.clinic_id = clinic_id
        self._fill_practitioners()

    def _fill_practitioners(self) -> None:
        if not self._started:
            return  # first frame: the list is mounted with the rest of the tab
        practitioner_list = self.query_one("#practitioner-list", PractitionerList)
        # the same clinic again (after Lägg till): keep the cursor; another clinic: start over
        same = self._practitioners_of == (self.database, self.clinic_id)
        keep = practitioner_list.highlighted if same else None
        self._practitioners_of = (self.database, self.clinic_id)
        if self.database is None or self.clinic_id is None:
            practitioner_list.clear_options()
            practitioner_list.border_title = "Behandlare"
            return
        clinic = self.index.clinic(self.database, self.clinic_id)
        published = self.current_value().clinic(self.database, self.clinic_id)
        added = {p.practitioner_id for p in published.practitioners} if published else set()
        options = []
        width = practitioner_list.wrapped_at = practitioner_list.text_width()
        console = self.app.console
        for p in self.index.practitioners.get((self.database, self.clinic_id), ()):
            mark = "✓ " if p.practitioner_id in added else "  "
            title = f" — {p.title}" if p.title else ""
            row = hanging(mark, Text(f"{p.name}{title}"), width, console)
            options.append(
                self._practitioner_options.option(
                    row, p.practitioner_id, p.practitioner_id in added
                )
            )
        practitioner_list.set_options(options)
        practitioner_list.border_title = f"Behandlare på {clinic.name if clinic else '?'}"
        if options and keep is not None:
            practitioner_list.highlighted = min(keep, len(options) - 1)
        elif options:  # the first practitioner not yet added (Enter adds it)
            practitioner_list.highlighted = next(
                (i for i, o in enumerate(options) if not o.disabled), 0
            )

    # -- adding ---------------------------------------------------------------------------------
    @on(OptionList.OptionSelected, "#practitioner-list")
    def _practitioner_selected(self, event: OptionList.OptionSelected) -> None:
        self.add_practitioner(event.option.id)

    @on(Button.Pressed, "#add")
    def _add_pressed(self) -> None:
        practitioner_list = self.query_one("#practitioner-list", OptionList)
        index = practitioner_list.highlighted
        if index is None:
            self.notify("Välj en behandlare först.", severity="warning")
            return
        option = practitioner_list.get_option_at_index(index)
        if option.disabled:  # ✓: already under Tillagda behandlare
            self.notify("Behandlaren är redan tillagd.", severity="warning")
            return
        self.add_practitioner(option.id)

    @on(Button.Pressed, "#add-all")
    def _add_all_pressed(self) -> None:
        self.action_add_all()

    def action_add_all(self) -> None:
        """Lägg till alla: every practitioner of the chosen clinic not yet added."""
        if self.database is None or self.clinic_id is None:
            return
        key = (self.database, self.clinic_id)
        published = self.current_value().clinic(*key)
        added = {p.practitioner_id for p in published.practitioners} if published else set()
        ids = [
            p.practitioner_id
            for p in self.index.practitioners.get(key, ())
            if p.practitioner_id not in added
        ]
        if not ids:
            self.notify("Klinikens alla behandlare är redan tillagda.")
            return
        self._add(ids)
        self.notify(f"{len(ids)} behandlare tillagda.")

    def add_practitioner(self, practitioner_id: str | None) -> None:
        """Lägg till: the practitioner of the chosen clinic goes under Tillagda behandlare."""
        if practitioner_id is not None:
            self._add([practitioner_id])

    def _add(self, practitioner_ids: list[str]) -> None:
        """Add practitioners of the chosen clinic (one edit); unknown or added ones are skipped."""
        if self.database is None or self.clinic_id is None:
            return
        database, clinic_id = self.database, self.clinic_id
        wanted = set(practitioner_ids)
        sources = [
            p
            for p in self.index.practitioners.get((database, clinic_id), ())
            if p.practitioner_id in wanted
        ]
        if not sources:
            return
        from opus_tui.domain.config import PublishedClinic, PublishedPractitioner

        value: ClinicsSettings = self.current_value()
        clinics = list(value.published)
        entries = [
            PublishedPractitioner(
                practitioner_id=source.practitioner_id, name=source.name, title=source.title
            )
            for source in sources
        ]
        position = next(
            (
                i
                for i, c in enumerate(clinics)
                if (c.database, c.clinic_id) == (database, clinic_id)
            ),
            None,
        )
        if position is None:
            catalogue_clinic = self.index.clinic(database, clinic_id)
            clinics.append(
                PublishedClinic(
                    database=database,
                    clinic_id=clinic_id,
                    name=catalogue_clinic.name if catalogue_clinic else clinic_id,
                    practitioners=entries,
                )
            )
            position = len(clinics) - 1
        else:
            clinic = clinics[position]
            present = {p.practitioner_id for p in clinic.practitioners}
            entries = [e for e in entries if e.practitioner_id not in present]
            if not entries:
                return
            clinics[position] = clinic.model_copy(
                update={"practitioners": [*clinic.practitioners, *entries]}
            )
        self.edit(value.model_copy(update={"published": clinics}))
        self._fill_practitioners()
        self._fill_published((position, len(clinics[position].practitioners) - 1))
        practitioner_list = self.query_one("#practitioner-list", OptionList)
        practitioner_list.action_cursor_down()

    # -- Tillagda behandlare --------------------------------------------------------------------
    def load(self, value: Any) -> None:
        from opus_tui.domain.config import ClinicsSettings

        assert isinstance(value, ClinicsSettings)
        # nothing highlighted yet: the first clinic (opened in compact mode)
        self._fill_published(self._highlighted_key() or (0, None))
        self._fill_practitioners()

    def _highlighted_key(self) -> tuple[int, int | None] | None:
        published = self.query_one("#published", OptionList)
        if published.highlighted is None or published.option_count == 0:
            return None
        option_id = published.get_option_at_index(published.highlighted).id or ""
        return _parse_row(option_id)

    def _fill_published(self, highlight: tuple[int, int | None] | None = None) -> None:
        """Rebuild Tillagda behandlare. With very many rows (a large chain) only the clinic
        under the cursor shows its practitioners: OptionList measures every row on a rebuild."""
        published = self.query_one("#published", PublishedList)
        width = published.wrapped_at = published.text_width()
        console = self.app.console
        value: ClinicsSettings = self.current_value()
        count = sum(len(c.practitioners) for c in value.published)
        compact = count > EXPAND_ALL_LIMIT
        self._expanded = highlight[0] if compact and highlight is not None else None
        options: list[Option] = []
        target = None
        for ci, clinic in enumerate(value.published):
            expanded = not compact or ci == self._expanded
            gone, lacking = self.index.lacking(clinic)
            collapsed = None if expanded else len(clinic.practitioners)
            head = _clinic_head(clinic, collapsed, gone or bool(lacking))
            if highlight == (ci, None):
                target = len(options)
            options.append(self._published_options.option(head, f"c:{ci}"))
            if not expanded:
                continue
            for pi, p in enumerate(clinic.practitioners):
                if highlight == (ci, pi):
                    target = len(options)
                title = f" — {p.title}" if p.title else ""
                body = Text(f"{p.name or p.practitioner_id}{title}")
                if p.practitioner_id in lacking:
                    body.append("  ⚠ saknas i katalogen", style="bold")
                row = hanging("  • ", body, width, console)
                options.append(self._published_options.option(row, f"p:{ci}:{pi}"))
        published.set_options(options)
        published.border_title = f"{PUBLISHED_LABEL} ({count})"
        if options:
            published.highlighted = target if target is not None else 0
        self._show_group()

    def rewrap(self, option_list: HangingList) -> None:
        """The list's width changed: its rows wrapped again at the new width."""
        if not self._started or option_list.text_width() == option_list.wrapped_at:
            return
        if isinstance(option_list, PublishedList):
            self._fill_published(self._highlighted_key())
        else:
            self._fill_practitioners()

    def _current_clinic_index(self) -> int | None:
        key = self._highlighted_key()
        return None if key is None else key[0]

    @on(OptionList.OptionHighlighted, "#published")
    def _published_highlighted(self) -> None:
        key = self._highlighted_key()
        if self._expanded is not None and key is not None and key[0] != self._expanded:
            self._fill_published(key)  # compact mode: open the clinic under the cursor
            return
        self._show_group()

    def _show_group(self) -> None:
        group = self.query_one("#group", Input)
        index = self._current_clinic_index()
        value: ClinicsSettings = self.current_value()
        with self.prevent(Input.Changed):
            if index is None or index >= len(value.published):
                group.value = ""
                group.disabled = True
                return
            group.disabled = False
            clinic = value.published[index]
            if group.value != clinic.group:
                group.value = clinic.group
        self.query_one("#group-label", Label).update(
            f"{GROUP_LABEL} för {clinic.name or clinic.clinic_id}:"
        )

    @on(Input.Changed, "#group")
    def _group_changed(self, event: Input.Changed) -> None:
        index = self._current_clinic_index()
        if index is None:
            return
        value: ClinicsSettings = self.current_value()
        clinics = list(value.published)
        # without outer spaces: "MALMÖ " would be a heading of its own on the booking page
        clinics[index] = clinics[index].model_copy(update={"group": event.value.strip()})
        self.edit(value.model_copy(update={"published": clinics}))
        self._relabel_clinic(index)

    def _relabel_clinic(self, index: int) -> None:
        # Only the clinic's own row changes: keep the cursor and avoid rebuilding the list.
        clinic = self.current_value().published[index]
        collapsed = None if self._expanded in (None, index) else len(clinic.practitioners)
        gone, lacking = self.index.lacking(clinic)
        self.query_one("#published", OptionList).replace_option_prompt(
            f"c:{index}", _clinic_head(clinic, collapsed, gone or bool(lacking))
        )

    def action_move(self, step: int) -> None:
        key = self._highlighted_key()
        if key is None:
            return
        ci, pi = key
        value: ClinicsSettings = self.current_value()
        clinics = list(value.published)
        if pi is None:
            target = ci + step
            if not 0 <= target < len(clinics):
                return
            clinics[ci], clinics[target] = clinics[target], clinics[ci]
            new_key: tuple[int, int | None] = (target, None)
        else:
            people = list(clinics[ci].practitioners)
            target = pi + step
            if not 0 <= target < len(people):
                return
            people[pi], people[target] = people[target], people[pi]
            clinics[ci] = clinics[ci].model_copy(update={"practitioners": people})
            new_key = (ci, target)
        self.edit(value.model_copy(update={"published": clinics}))
        self._fill_published(new_key)

    def action_remove(self) -> None:
        key = self._highlighted_key()
        if key is None:
            return
        ci, pi = key
        value: ClinicsSettings = self.current_value()
        clinics = list(value.published)
        if pi is None:
            removed = clinics.pop(ci)
            self.notify(f"{removed.name or removed.clinic_id} och dess behandlare togs bort.")
            new_key: tuple[int, int | None] | None = (min(ci, len(clinics) - 1), None)
        else:
            people = list(clinics[ci].practitioners)
            people.pop(pi)
            if people:
                clinics[ci] = clinics[ci].model_copy(update={"practitioners": people})
                new_key = (ci, min(pi, len(people) - 1))
            else:
                clinics.pop(ci)
                new_key = (min(ci, len(clinics) - 1), None)
        self.edit(value.model_copy(update={"published": clinics}))
        self._fill_published(new_key if clinics else None)
        self._fill_practitioners()

    @on(Button.Pressed, "#remove")
    def _remove_pressed(self) -> None:
        self.action_remove()

    @on(Button.Pressed, "#up")
    def _up_pressed(self) -> None:
        self.action_move(-1)

    @on(Button.Pressed, "#down")
    def _down_pressed(self) -> None:
        self.action_move(1)


def _row_buttons() -> list[Button]:
    remove = Button("Ta bort", id="remove", compact=True, variant="error")
    remove.tooltip = "Ta bort den markerade raden (en klinik tas bort med sina behandlare)."
    up = Button("Upp", id="up", compact=True)
    up.tooltip = "Flytta den markerade raden uppåt i visningsordningen (alt+↑)."
    down = Button("Ner", id="down", compact=True)
    down.tooltip = "Flytta den markerade raden nedåt i visningsordningen (alt+↓)."
    return [remove, up, down]


def _clinic_head(
    clinic: PublishedClinic, collapsed: int | None = None, lacking: bool = False
) -> Text:
    """A clinic's row; ``lacking``: the catalogue lacks it or some of its practitioners."""
    group = f"  [{clinic.group}]" if clinic.group.strip() else "  [ogrupperad]"
    head = Text(f"{clinic.name or clinic.clinic_id} ({clinic.database})", style="bold")
    head.append(group, style="italic" if clinic.group.strip() else "dim italic")
    if collapsed is not None:
        head.append(f"  ▸ {collapsed} behandlare", style="dim")
    if lacking:
        head.append("  ⚠", style="bold")
    return head


def _parse_row(option_id: str) -> tuple[int, int | None] | None:
    parts = option_id.split(":")
    if parts[0] == "c" and len(parts) == 2:
        return int(parts[1]), None
    if parts[0] == "p" and len(parts) == 3:
        return int(parts[1]), int(parts[2])
    return None
