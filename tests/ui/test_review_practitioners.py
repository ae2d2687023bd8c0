"""Review of Behandlare (rev1): the list of added practitioners."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from textual.widgets import OptionList

from opus_tui.app import OpusApp
from opus_tui.domain.config import ClinicsSettings, PublishedClinic, PublishedPractitioner
from opus_tui.store.repository import Store
from tests.ui.helpers import focus, settle


def one_database(store_url: str) -> None:
    clinics = ClinicsSettings(
        published=[
            PublishedClinic(
                database="Kedjan",
                clinic_id="1",
                name="Kedjetandvården 0001",
                group="MALMÖ",
                practitioners=[
                    PublishedPractitioner(practitioner_id="10", name="Kerstin Johansson-Lindqvist")
                ],
            )
        ]
    )
    with Store.open(store_url) as store:
        store.save_section("clinics", clinics)


@asynccontextmanager
async def on_practitioners(
    make_app: Callable[[], OpusApp], store_url: str, size: tuple[int, int] = (80, 24)
) -> AsyncIterator[OpusApp]:
    """The app on Behandlare (tab 2), with the one database of ``one_database``."""
    one_database(store_url)
    app: OpusApp = make_app()
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        yield app


async def test_one_database_names_without_it(make_app, store_url: str) -> None:
    """With one database the list shows the names only (the narrow list cut them)."""
    async with on_practitioners(make_app, store_url) as app:
        people = app.screen.query_one("#people", OptionList)
        assert [str(o.prompt) for o in people.options] == ["Kerstin Johansson-Lindqvist"]


async def test_list_rebuilt_only_when_kliniker_changed(make_app, store_url: str) -> None:
    app: OpusApp = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await focus(pilot, "practitioner-list")
        await pilot.press("enter")  # Olle Ohlsson (Syd)
        await pilot.press("2")
        await settle(pilot)
        people = app.screen.query_one("#people", OptionList)
        first = people.options
        assert [str(o.prompt) for o in first] == ["Olle Ohlsson"]
        await pilot.press("1")
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        assert people.options is first  # nothing changed: not rebuilt
        await pilot.press("1")
        await settle(pilot)
        await focus(pilot, "database")
        await pilot.press("enter", "down", "enter")  # Nord
        await focus(pilot, "practitioner-list")
        await pilot.press("enter")  # Karin Berg
        await pilot.press("2")
        await settle(pilot)
        assert [str(o.prompt) for o in people.options] == [
            "Olle Ohlsson (Syd)",
            "Karin Berg (Nord)",
        ]


async def test_list_title_not_cut_beside_the_preview(make_app, store_url: str) -> None:
    """At 120 columns the preview takes its share; the list still shows its whole title."""
    async with on_practitioners(make_app, store_url, (120, 40)) as app:
        people = app.screen.query_one("#people", OptionList)
        assert app.screen.has_class("-wide")
        assert people.outer_size.width >= len("╭─ Tillagda behandlare ─╮")


async def test_the_manuals_photo_note_is_shown(make_app, store_url: str) -> None:
    from textual.widgets import Static

    async with on_practitioners(make_app, store_url) as app:
        note = app.screen.query_one("#photo-note", Static)
        assert "* Maxstorlek på bild som laddas upp är 25 kb" in str(note.render())
        assert note.region.height > 0
