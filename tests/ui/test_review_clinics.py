"""Review of Kliniker (rev1): what a technician met at 80×24 with the manual's demo chain."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.widgets import OptionList, Select

from opus_tui.app import OpusApp
from opus_tui.commands.demo import demo_configuration
from opus_tui.services.demo import demo_catalogue
from opus_tui.store.repository import Store
from tests.ui.conftest import FIXED_NOW
from tests.ui.helpers import focus, settle


@pytest.fixture
def demo_app(store_url: str) -> Callable[[], OpusApp]:
    """The demo's catalogue and its published clinics (Opus Lund, all grouped)."""
    catalogue = demo_catalogue(FIXED_NOW.date())
    with Store.open(store_url) as store:
        store.save_section("clinics", demo_configuration(catalogue).clinics)

    def make() -> OpusApp:
        return OpusApp(store_url, catalogue=catalogue, clock=lambda: FIXED_NOW)

    return make


def shown_lines(widget: OptionList) -> list[str]:
    height = widget.scrollable_content_region.height
    return [widget.render_line(y).text.rstrip() for y in range(height)]


async def add_limhamn(pilot) -> None:
    """Opus Malmö › Limhamns Tandklinik › Lägg till Johan Berg (an ungrouped clinic: the
    warning appears under Tillagda behandlare, which gets shorter)."""
    await focus(pilot, "database")
    await pilot.press("enter", "end", "enter")
    await focus(pilot, "clinic-list")
    await pilot.press("end")
    await focus(pilot, "practitioner-list")
    await pilot.press("enter")
    await settle(pilot)


async def test_added_practitioner_stays_in_view(demo_app) -> None:
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await add_limhamn(pilot)
        published = app.screen.query_one("#published", OptionList)
        assert published.highlighted is not None
        row = published.get_option_at_index(published.highlighted)
        assert "Johan Berg" in str(row.prompt)
        lines = shown_lines(published)
        assert any("Johan Berg" in line for line in lines), lines


async def test_no_blank_lines_after_revert(demo_app) -> None:
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await add_limhamn(pilot)
        await focus(pilot, "published")
        await pilot.press("up", "alt+up")  # Limhamn above Utbildningsenheten
        await focus(pilot, "group")
        await pilot.press(*"MALMÖ")
        await focus(pilot, "clinic-list")
        await pilot.press("ctrl+r")
        await settle(pilot)
        published = app.screen.query_one("#published", OptionList)
        lines = shown_lines(published)
        used = lines[: max(i for i, line in enumerate(lines) if line) + 1]
        assert "" not in used, lines
        assert "Göran Persson" in used[-1]


async def test_database_cannot_be_chosen_away(demo_app) -> None:
    """Välj databas offers the databases only: no blank choice that empties Välj klinik."""
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        select = app.screen.query_one("#database", Select)
        await focus(pilot, "database")
        await pilot.press("enter", "home", "enter")
        await settle(pilot)
        assert select.value == "Opus Lund"
        assert app.screen.query_one("#clinic-list", OptionList).option_count == 3


async def test_names_with_brackets_are_shown_as_written(store_url: str) -> None:
    """Names from the Opus database are text, not markup (Välj klinik, Behandlare, Grupp)."""
    from textual.widgets import Label

    from opus_tui.domain.catalogue import Catalogue, CatalogueClinic, CataloguePractitioner

    catalogue = Catalogue(
        source="snapshot",
        fetched_at=FIXED_NOW,
        databases=("Syd",),
        clinics=(CatalogueClinic("Syd", "1", "Tandvården [vård]", city="Malmö"),),
        practitioners=(CataloguePractitioner("Syd", "10", "1", "Anna", "[b]Hedman", "Tandläkare"),),
    )
    app = OpusApp(store_url, catalogue=catalogue, clock=lambda: FIXED_NOW)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        clinic_list = app.screen.query_one("#clinic-list", OptionList)
        assert "Tandvården [vård], Malmö" in shown_lines(clinic_list)[0]
        practitioners = app.screen.query_one("#practitioner-list", OptionList)
        assert "Anna [b]Hedman — Tandläkare" in shown_lines(practitioners)[0]
        await focus(pilot, "practitioner-list")
        await pilot.press("enter")
        await settle(pilot)
        label = app.screen.query_one("#group-label", Label)
        assert "[vård]" in str(label.render())


async def test_add_all_practitioners_of_a_clinic(demo_app) -> None:
    """ctrl+a (or Lägg till alla) adds the clinic's practitioners not yet added, in one edit."""
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await add_limhamn(pilot)  # Johan Berg
        await pilot.press("ctrl+a")  # Sara Nilsson too (Per Holm is inactive)
        await settle(pilot)
        limhamn = app.draft.clinics.clinic("Opus Malmö", "2")
        assert limhamn is not None
        assert [p.name for p in limhamn.practitioners] == ["Johan Berg", "Sara Nilsson"]
        draft = app.draft.clinics
        await pilot.press("ctrl+a")  # nothing left to add
        await settle(pilot)
        assert app.draft.clinics is draft
        # Tandvården Möllan with the button.
        await focus(pilot, "clinic-list")
        await pilot.press("home")
        await focus(pilot, "add-all")
        await pilot.press("enter")
        await settle(pilot)
        mollan = app.draft.clinics.clinic("Opus Malmö", "1")
        assert mollan is not None
        assert [p.name for p in mollan.practitioners] == ["Maria Lind", "Johan Berg"]


async def test_add_button_on_an_added_practitioner_says_so(demo_app) -> None:
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)  # Opus Lund › OpusTandläkarna
        await focus(pilot, "practitioner-list")
        await pilot.press("ctrl+a")  # all of them added: the cursor is on an added one
        await settle(pilot)
        draft = app.draft.clinics
        await focus(pilot, "add")
        await pilot.press("enter")
        await settle(pilot)
        assert app.draft.clinics is draft
        messages = [n.message for n in app._notifications]
        assert "Behandlaren är redan tillagd." in messages


async def test_another_clinic_starts_at_its_first_practitioner_not_added(demo_app) -> None:
    """The cursor under Behandlare does not keep the row number of the previous clinic."""
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        practitioners = app.screen.query_one("#practitioner-list", OptionList)
        # OpusTandläkarna: Olle, Lena, Eva added; Arne is the first not added.
        assert practitioners.highlighted == 3
        await focus(pilot, "practitioner-list")
        await pilot.press("end")
        await focus(pilot, "database")
        await pilot.press("enter", "end", "enter")  # Opus Malmö › Tandvården Möllan
        await settle(pilot)
        assert practitioners.highlighted == 0
        await focus(pilot, "practitioner-list")
        await pilot.press("enter")
        await settle(pilot)
        mollan = app.draft.clinics.clinic("Opus Malmö", "1")
        assert mollan is not None and [p.name for p in mollan.practitioners] == ["Maria Lind"]


async def test_group_kept_without_outer_spaces(demo_app) -> None:
    """'MALMÖ ' and 'MALMÖ' are one heading: the group is kept without outer spaces, while
    the field keeps what is typed (a space between words still works)."""
    from textual.widgets import Input

    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await focus(pilot, "group")  # OpusTandläkarna (LUND)
        await pilot.press("ctrl+u", *" MALMÖ ")
        await settle(pilot)
        assert app.draft.clinics.published[0].group == "MALMÖ"
        await pilot.press(*"SYD")
        await settle(pilot)
        assert app.draft.clinics.published[0].group == "MALMÖ SYD"
        assert app.screen.query_one("#group", Input).value == " MALMÖ SYD"


async def test_demo_catalogue_is_marked_until_f7(store_url: str, tmp_path) -> None:
    """A store without a catalogue shows the demo's clinics: Kliniker says so, until F7 has
    read the configured Opus databases."""
    from textual.widgets import Static

    from opus_tui.domain.connections import ConnectionSettings, DatabaseProfile
    from opus_tui.services.demo import create_demo_databases

    databases = create_demo_databases(tmp_path / "opus", FIXED_NOW.date())
    with Store.open(store_url) as store:
        store.save_connections(
            ConnectionSettings(
                databases=[DatabaseProfile(name=n, connection_string=c) for n, c in databases]
            )
        )
    catalogue = demo_catalogue(FIXED_NOW.date())
    app = OpusApp(store_url, catalogue=catalogue, clock=lambda: FIXED_NOW)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        note = app.screen.query_one("#catalogue-note", Static)
        assert note.display and note.region.height > 0
        assert "Demokatalog" in str(note.render())
        await pilot.press("f7")
        await settle(pilot)
        assert app.catalogue is not None and app.catalogue.source == "database"
        assert not note.display


async def test_no_demo_note_for_a_real_catalogue(make_app) -> None:
    from textual.widgets import Static

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert not app.screen.query_one("#catalogue-note", Static).display


async def test_added_clinic_missing_from_the_catalogue_is_warned(make_app, store_url) -> None:
    from opus_tui.domain.config import ClinicsSettings, PublishedClinic, PublishedPractitioner
    from opus_tui.widgets.field import FieldError

    clinics = ClinicsSettings(
        published=[
            PublishedClinic(
                database="Syd",
                clinic_id="9",
                name="Stängda kliniken",
                group="MALMÖ",
                practitioners=[PublishedPractitioner(practitioner_id="90", name="Ex Tandläkare")],
            )
        ]
    )
    with Store.open(store_url) as store:
        store.save_section("clinics", clinics)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        problems = app.screen.query_one("#clinics-problems", FieldError).problems
        messages = [p.message for p in problems]
        assert "1 klinik saknas i katalogen (⚠ i listan): Stängda kliniken (Syd)" in messages
        published = app.screen.query_one("#published", OptionList)
        assert str(published.get_option_at_index(0).prompt).endswith("⚠")
        assert not any(p.is_error for p in app.screen.section_problems())  # Spara still works


async def test_inactive_practitioner_marked_in_the_list(make_app, store_url) -> None:
    """An added practitioner the catalogue lacks is marked on its row (found among many)."""
    from opus_tui.domain.config import ClinicsSettings, PublishedClinic, PublishedPractitioner

    clinics = ClinicsSettings(
        published=[
            PublishedClinic(
                database="Syd",
                clinic_id="1",
                name="OpusTandläkarna Malmö",
                group="MALMÖ",
                practitioners=[
                    PublishedPractitioner(practitioner_id="10", name="Olle Ohlsson"),
                    PublishedPractitioner(practitioner_id="19", name="Slutat Person"),
                ],
            )
        ]
    )
    with Store.open(store_url) as store:
        store.save_section("clinics", clinics)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        published = app.screen.query_one("#published", OptionList)
        rows = [str(published.get_option_at_index(i).prompt) for i in range(3)]
        assert rows[0].endswith("⚠")
        assert "⚠" not in rows[1]
        # (wrapped under the name at 80 columns)
        assert " ".join(rows[2].split()) == "• Slutat Person ⚠ saknas i katalogen"


def continued(lines: list[str], start: str) -> tuple[str, str]:
    """The shown line holding ``start`` and the line after it."""
    at = next(i for i, line in enumerate(lines) if start in line)
    return lines[at], lines[at + 1]


def name_column(line: str) -> int:
    """Where a row's name starts: after its bullet (•) or mark (✓ or blank)."""
    stripped = line.lstrip(" │")
    return len(line) - len(stripped.lstrip("•✓ "))


async def test_a_long_practitioner_row_goes_on_under_the_name(demo_app) -> None:
    """At 80×24 "Sven Tandställning — Tandläkare" does not fit Tillagda behandlare: its title
    goes on under the name (it went on at column 0, under the clinics' rows); the rows are
    wrapped again when the list gets wider or narrower (F2 puts the preview beside it)."""
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        published = app.screen.query_one("#published", OptionList)
        first, second = continued(shown_lines(published), "Sven Tandställning")
        assert second.strip() == "Tandläkare"
        assert second.index("Tandläkare") == name_column(first) == first.index("Sven")
        await pilot.resize_terminal(120, 40)  # the preview beside the tab: narrower lists
        await settle(pilot)
        first, second = continued(shown_lines(published), "Lena Svensson")
        assert second.strip() == "Tandhygienist"
        assert second.index("Tandhygienist") == first.index("Lena")
        practitioners = app.screen.query_one("#practitioner-list", OptionList)
        first, second = continued(shown_lines(practitioners), "Lena Svensson")
        assert first.lstrip().startswith("✓ Lena Svensson")
        assert second.index("Tandhygienist") == first.index("Lena")
        await pilot.press("f2")  # no preview: room for every row on one line
        await settle(pilot)
        lines = shown_lines(published)
        assert any(line.strip() == "• Sven Tandställning — Tandläkare" for line in lines), lines
