"""Behandlare with a large chain: every added practitioner is a row of Tillagda behandlare, made
only as it is drawn (``FlatOptionList.set_rows``); keys reach every row, choosing one shows its
settings, edits stay with their practitioner, and a change in Kliniker refills the list."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from typing import Any

import pytest
from textual.widgets import Input, OptionList, Static

from opus_tui.app import OpusApp
from opus_tui.domain.catalogue import Catalogue
from opus_tui.domain.config import (
    ClinicsSettings,
    PractitionerProfile,
    PractitionerSettings,
    PublishedClinic,
)
from opus_tui.services.demo import chain_catalogue, generate_chain, published_clinics
from opus_tui.store.repository import Store
from opus_tui.widgets.field import FieldError
from opus_tui.widgets.flat_list import FlatOptionList
from tests.ui.conftest import FIXED_NOW
from tests.ui.helpers import focus, settle

CLINICS, PRACTITIONERS = 60, 30
COUNT = CLINICS * PRACTITIONERS


@pytest.fixture
def catalogue() -> Catalogue:
    return replace(
        chain_catalogue(generate_chain(CLINICS, PRACTITIONERS, 1, seed=7)), source="snapshot"
    )


def _names(clinics: ClinicsSettings) -> list[str]:
    return [p.name for c in clinics.published for p in c.practitioners]


def _save(store_url: str, clinics: ClinicsSettings, profiles: list[PractitionerProfile]) -> None:
    with Store.open(store_url) as store:
        store.save_section("clinics", clinics)
        if profiles:
            store.save_section("practitioners", PractitionerSettings(profiles=profiles))


@asynccontextmanager
async def on_behandlare(
    store_url: str, catalogue: Catalogue, clinics: ClinicsSettings | None = None
) -> AsyncIterator[tuple[OpusApp, Any]]:
    """The app on Behandlare (key 2 from Kliniker), the focus in Tillagda behandlare."""
    app = OpusApp(store_url, catalogue=catalogue, clock=lambda: FIXED_NOW)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        await focus(pilot, "people")
        yield app, pilot


def _people(app: OpusApp) -> FlatOptionList:
    return app.screen.query_one("#people", FlatOptionList)


def _who(app: OpusApp) -> str:
    return str(app.screen.query_one("#who", Static).render())


def _drawn(people: OptionList) -> list[str]:
    """The rows as drawn inside the border."""
    height = people.scrollable_content_region.height
    return [people.render_line(y).text.strip() for y in range(height)]


def _made(people: FlatOptionList) -> int:
    """How many of the list's options exist as objects."""
    return len(people._option_to_index)


async def test_every_practitioner_is_a_row_and_only_the_drawn_are_made(
    store_url: str, catalogue: Catalogue
) -> None:
    clinics = published_clinics(catalogue)
    _save(store_url, clinics, [])
    names = _names(clinics)
    async with on_behandlare(store_url, catalogue) as (app, pilot):
        people = _people(app)
        assert people.option_count == COUNT
        assert people.highlighted == 0
        drawn = [line for line in _drawn(people) if line]
        assert drawn and [line.rstrip("…") for line in drawn] == [
            name[: len(line.rstrip("…"))] for name, line in zip(names, drawn, strict=False)
        ]
        assert _made(people) < 3 * len(drawn)  # not one per practitioner
        first = clinics.published[0]
        assert _who(app) == f"{names[0]} — {first.name} (Kedjan)"  # one database: no suffix
        await pilot.press("end")
        await settle(pilot)
        assert people.highlighted == COUNT - 1
        last = clinics.published[-1]
        assert _who(app) == f"{names[-1]} — {last.name} (Kedjan)"
        assert any(line.startswith(names[-1][:10]) for line in _drawn(people))
        assert _made(people) < 6 * len(drawn)
        # the whole list can still be read as options, in order
        assert [str(o.prompt) for o in people.options] == names


async def test_choosing_a_far_practitioner_shows_its_settings(
    store_url: str, catalogue: Catalogue
) -> None:
    clinics = published_clinics(catalogue)
    last = clinics.published[-1]
    far = last.practitioners[-1]
    profile = PractitionerProfile(
        database=last.database, practitioner_id=far.practitioner_id, text="Specialist i ortodonti"
    )
    _save(store_url, clinics, [profile])
    async with on_behandlare(store_url, catalogue) as (app, pilot):
        text = app.screen.query_one("#text", Input)
        assert text.value == ""  # the first practitioner has no text
        await pilot.press("end")
        await settle(pilot)
        assert far.name in _who(app)
        assert text.value == "Specialist i ortodonti"
        assert "22/100 tecken" in str(app.screen.query_one("#text-count", Static).render())
        await pilot.press("pageup")
        await settle(pilot)
        assert far.name not in _who(app)
        assert text.value == ""


async def test_edits_stay_with_their_practitioner_and_over_tabs(
    store_url: str, catalogue: Catalogue
) -> None:
    clinics = published_clinics(catalogue)
    _save(store_url, clinics, [])
    names = _names(clinics)
    async with on_behandlare(store_url, catalogue) as (app, pilot):
        people = _people(app)
        await pilot.press("pagedown", "pagedown", "pagedown")
        await settle(pilot)
        chosen = people.highlighted
        assert chosen is not None and chosen > 20
        assert _who(app).startswith(names[chosen])
        await focus(pilot, "text")
        await pilot.press(*"x" * 101)
        await settle(pilot)
        # the error names this practitioner's profile's field
        error = app.screen.query_one("#text-error", FieldError)
        assert "högst 100 tecken" in str(error.render())
        await pilot.press("ctrl+u", *"Tandhygienist")
        await settle(pilot)
        (profile,) = app.draft.practitioners.profiles
        assert profile.text == "Tandhygienist"
        assert (profile.database, profile.practitioner_id) == app.screen.chosen  # type: ignore[attr-defined]
        assert not error.has_class("-shown")
        await focus(pilot, "people")
        await pilot.press("down")
        await settle(pilot)
        assert app.screen.query_one("#text", Input).value == ""
        await pilot.press("up")
        await settle(pilot)
        assert app.screen.query_one("#text", Input).value == "Tandhygienist"
        first_rows = people.options
        await pilot.press("1")
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        assert people.options is first_rows  # Kliniker unchanged: not refilled
        assert people.highlighted == chosen
        assert app.screen.query_one("#text", Input).value == "Tandhygienist"


async def test_a_change_in_kliniker_refills_the_list_and_keeps_the_choice(
    store_url: str, catalogue: Catalogue
) -> None:
    clinics = published_clinics(catalogue)
    _save(store_url, clinics, [])
    names = _names(clinics)
    async with on_behandlare(store_url, catalogue) as (app, pilot):
        people = _people(app)
        await pilot.press("end", "up")
        await settle(pilot)
        chosen = app.screen.chosen  # type: ignore[attr-defined]
        await pilot.press("1")
        await settle(pilot)
        fewer = clinics.model_copy(update={"published": clinics.published[1:]})
        app.update_draft("clinics", fewer)
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        assert people.option_count == COUNT - PRACTITIONERS
        assert people.highlighted == COUNT - PRACTITIONERS - 2
        assert app.screen.chosen == chosen  # type: ignore[attr-defined]
        assert _who(app).startswith(names[-2])
        assert str(people.get_option_at_index(0).prompt) == names[PRACTITIONERS]


async def test_several_clinics_and_databases(store_url: str, catalogue: Catalogue) -> None:
    """A practitioner in two clinics of a database is one row naming both; with two databases
    every row names its database."""
    clinics = published_clinics(catalogue)
    first, second = clinics.published[0], clinics.published[1]
    shared = first.practitioners[0]
    second = second.model_copy(update={"practitioners": [shared, *second.practitioners]})
    other = PublishedClinic(database="Norr", clinic_id="1", name="Norrtand", practitioners=[shared])
    clinics = clinics.model_copy(
        update={"published": [first, second, *clinics.published[2:], other]}
    )
    _save(store_url, clinics, [])
    async with on_behandlare(store_url, catalogue) as (app, pilot):
        people = _people(app)
        assert people.option_count == COUNT + 1  # shared once in Kedjan, once in Norr
        assert str(people.get_option_at_index(0).prompt) == f"{shared.name} (Kedjan)"
        assert _who(app) == f"{shared.name} — {first.name}, {second.name} (Kedjan)"
        assert people.get_option_index(f"Norr\x1f{shared.practitioner_id}") == COUNT
        await pilot.press("end")
        await settle(pilot)
        assert str(people.get_option_at_index(COUNT).prompt) == f"{shared.name} (Norr)"
        assert _who(app) == f"{shared.name} — Norrtand (Norr)"


async def test_the_first_visit_starts_the_tab_once(store_url: str, catalogue: Catalogue) -> None:
    """Textual calls TabScreen's on_mount itself: the tab's own must not call it again (the
    list was filled twice and every draft signal reached the tab twice)."""
    _save(store_url, published_clinics(catalogue), [])
    async with on_behandlare(store_url, catalogue) as (app, pilot):
        screen = app.screen
        for signal in (app.draft_changed, app.reloaded, app.status_changed):
            assert len(signal._subscriptions[screen]) == 1, signal
        await pilot.press("1")
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        assert len(app.draft_changed._subscriptions[screen]) == 1
