"""Review of Hantera behandlarsamtycke (rev1): a chain's worth of rows at 80×24, Enter, the keys
shown in the dialog."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.widgets import Button, DataTable, Input

from opus_tui.app import OpusApp
from opus_tui.domain.config import ClinicsSettings, PublishedClinic, PublishedPractitioner
from opus_tui.screens.consent import ConsentScreen
from opus_tui.store.repository import Store
from tests.ui.helpers import focus, settle

TOWNS = ("Malmö", "Lund", "Umeå", "Kiruna")


def chain(clinics: int, per_clinic: int) -> ClinicsSettings:
    return ClinicsSettings(
        published=[
            PublishedClinic(
                database="Syd",
                clinic_id=str(c),
                name=f"Tandvården {TOWNS[c]}",
                group="MALMÖ",
                practitioners=[
                    PublishedPractitioner(practitioner_id=f"{c}-{p}", name=f"Behandlare {c}-{p}")
                    for p in range(per_clinic)
                ],
            )
            for c in range(clinics)
        ]
    )


@pytest.fixture
def chain_app(make_app, store_url: str) -> Callable[[], OpusApp]:
    with Store.open(store_url) as store:
        store.save_section("clinics", chain(4, 10))
    return make_app  # type: ignore[no-any-return]


async def open_consent(pilot) -> ConsentScreen:
    await settle(pilot)
    await pilot.press("2", "f6")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ConsentScreen)
    return screen


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_ok_and_cancel_visible_with_many_rows(chain_app, size) -> None:
    app = chain_app()
    async with app.run_test(size=size) as pilot:
        screen = await open_consent(pilot)
        for button_id in ("ok", "cancel"):
            button = screen.query_one(f"#{button_id}", Button)
            region = button.region
            assert region.height > 0 and region.bottom <= size[1], (button_id, region)
        table = screen.query_one(DataTable)
        assert table.region.height >= 5  # several rows still shown; the table scrolls


async def test_enter_toggles_like_space(chain_app) -> None:
    app = chain_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_consent(pilot)
        await pilot.press("enter")  # Profilbild of the first row
        await pilot.press("right", "enter")  # its Behandlars titel
        await pilot.pause()
        assert (screen.rows[0].photo, screen.rows[0].title) == (True, True)
        await pilot.press("enter")
        await pilot.pause()
        assert screen.rows[0].title is False
        await focus(pilot, "ok")
        await pilot.press("enter")
        await pilot.pause()
        consents = app.draft.practitioners.consents
        assert [(c.practitioner_id, c.photo, c.title) for c in consents] == [("0-0", True, False)]


async def test_keys_are_shown_in_the_dialog(chain_app) -> None:
    app = chain_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_consent(pilot)
        hint = screen.query_one("#consent-keys")
        text = str(hint.render())
        assert "Mellanslag" in text and "Escape" in text
        assert hint.region.height > 0 and hint.region.bottom <= 24


async def test_filter_finds_rows_of_a_large_chain(make_app, store_url: str) -> None:
    """More rows than the table shows at once: the filter finds a clinic's practitioners."""
    from opus_tui.screens.consent import SHOW_LIMIT

    per_clinic = SHOW_LIMIT // 2 + 10
    with Store.open(store_url) as store:
        store.save_section("clinics", chain(2, per_clinic))
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_consent(pilot)
        table = screen.query_one(DataTable)
        assert table.row_count == SHOW_LIMIT
        count = screen.query_one("#consent-count")
        assert f"{2 * per_clinic} rader; de första {SHOW_LIMIT} visas" in str(count.render())
        await pilot.press(*"lund 1-")  # typed in the table: goes to the filter
        await pilot.pause()
        assert screen.query_one("#consent-filter", Input).value == "lund 1-"
        assert table.row_count == per_clinic
        assert f"{per_clinic} av {2 * per_clinic} rader passar" in str(count.render())
        await focus(pilot, "consent-table")
        await pilot.press("space")  # Profilbild of Behandlare 1-0
        await focus(pilot, "ok")
        await pilot.press("enter")
        await pilot.pause()
        consents = app.draft.practitioners.consents
        assert [(c.practitioner_id, c.clinic_id, c.photo) for c in consents] == [("1-0", "1", True)]


async def test_names_are_shown_as_written(make_app, store_url: str) -> None:
    """A name with brackets is text, not markup."""
    clinics = ClinicsSettings(
        published=[
            PublishedClinic(
                database="Syd",
                clinic_id="1",
                name="Klinik [bold]Syd",
                practitioners=[PublishedPractitioner(practitioner_id="1", name="Anna [vik]")],
            )
        ]
    )
    with Store.open(store_url) as store:
        store.save_section("clinics", clinics)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_consent(pilot)
        table = screen.query_one(DataTable)
        cells = [str(c) for c in table.get_row_at(0)]
        assert cells[:2] == ["Anna [vik]", "Klinik [bold]Syd"]


async def test_headings_are_the_manuals(chain_app) -> None:
    app = chain_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_consent(pilot)
        table = screen.query_one(DataTable)
        labels = [str(c.label) for c in table.ordered_columns]
        assert labels == [
            "Namn på behandlaren",
            "Namn på kliniken",
            "Profilbild",
            "Behandlars titel",
        ]


async def test_f1_shows_the_highlighted_columns_help(chain_app) -> None:
    """F1 in the dialog (a modal screen: the app's F1 did not reach it) shows the help of the
    column under the cursor and only keys that work in the dialog; Escape closes the help and
    leaves the dialog as it was."""
    from textual.widgets import Static

    from opus_tui.screens.help import HelpDialog

    app = chain_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_consent(pilot)
        await pilot.press("f1")
        await pilot.pause()
        help_dialog = app.screen
        assert isinstance(help_dialog, HelpDialog)
        field = str(help_dialog.query_one("#help-field", Static).render())
        assert field.startswith("Profilbild: Samtycke att visa behandlarens bild.")
        keys = {
            str(row.query_one(".help-key", Static).render())
            for row in help_dialog.query(".help-row")
        }
        assert {"esc", "space"} <= keys
        assert not {"f9", "^q", "^s", "1–9, alt+1–9"} & keys  # the tab's and app's: cut off here
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
        assert app.focused is screen.query_one(DataTable)
        await pilot.press("right", "f1")
        await pilot.pause()
        field = str(app.screen.query_one("#help-field", Static).render())
        assert field.startswith("Behandlars titel: Samtycke att visa behandlarens titel.")


async def test_f1_in_the_filter_says_what_it_does(chain_app) -> None:
    from textual.widgets import Static

    from opus_tui.screens.consent import FILTER_HELP

    app = chain_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_consent(pilot)
        await pilot.press("l")  # typed in the table: goes on in the filter
        await pilot.pause()
        assert app.focused is screen.query_one("#consent-filter", Input)
        await pilot.press("f1")
        await pilot.pause()
        assert str(app.screen.query_one("#help-field", Static).render()) == FILTER_HELP
