"""Kliniker with a chain too large to show every added practitioner (compact Tillagda
behandlare): an edit rebuilds the list from the options it already has — unchanged rows keep
their Option (and its measured lines) — and what is drawn follows the edit."""

from __future__ import annotations

from dataclasses import replace

import pytest
from pydantic import BaseModel, ValidationError
from textual.widgets import Input, OptionList

from opus_tui.app import OpusApp
from opus_tui.domain.problems import Problem, check, problems_from_validation_error
from opus_tui.screens.clinics import EXPAND_ALL_LIMIT
from opus_tui.services.demo import chain_catalogue, generate_chain, published_clinics
from opus_tui.store.repository import Store
from opus_tui.widgets.field import FieldError
from tests.ui.conftest import FIXED_NOW
from tests.ui.helpers import focus, settle

CLINICS, PRACTITIONERS = 40, 20


@pytest.fixture
def chain_app(store_url: str) -> OpusApp:
    catalogue = replace(
        chain_catalogue(generate_chain(CLINICS, PRACTITIONERS, 1, seed=11)), source="snapshot"
    )
    assert CLINICS * PRACTITIONERS > EXPAND_ALL_LIMIT  # one clinic open at a time
    with Store.open(store_url) as store:
        store.save_section("clinics", published_clinics(catalogue))
    return OpusApp(store_url, catalogue=catalogue, clock=lambda: FIXED_NOW)


def _rows(published: OptionList) -> list[str]:
    return [str(option.prompt) for option in published.options]


async def test_moving_a_practitioner_rebuilds_from_kept_options(chain_app: OpusApp) -> None:
    async with chain_app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await focus(pilot, "published")
        published = chain_app.screen.query_one("#published", OptionList)
        await pilot.press("down")  # the first clinic's first practitioner
        await settle(pilot)
        before = list(published.options)
        rows = _rows(published)
        assert len(before) == CLINICS + PRACTITIONERS  # one clinic open
        await pilot.press("alt+down")
        await settle(pilot)
        after = list(published.options)
        assert _rows(published)[1:3] == [rows[2], rows[1]]  # swapped
        assert published.highlighted == 2  # the cursor follows the moved row
        assert _rows(published)[3:] == rows[3:]
        unchanged = [i for i in range(len(after)) if i not in (1, 2)]
        assert all(after[i] is before[i] for i in unchanged)


async def test_a_new_group_stays_on_the_clinic_row_after_rebuilds(chain_app: OpusApp) -> None:
    async with chain_app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await focus(pilot, "published")
        published = chain_app.screen.query_one("#published", OptionList)
        await focus(pilot, "group")
        group = chain_app.screen.query_one("#group", Input)
        await pilot.press("ctrl+u", *"NORR")
        await settle(pilot)
        assert group.value == "NORR"
        assert "[NORR]" in str(published.get_option_at_index(0).prompt)
        # open another clinic (a rebuild in compact mode) and come back (another)
        await focus(pilot, "published")
        await pilot.press("end")
        await settle(pilot)
        first = str(published.get_option_at_index(0).prompt)
        assert "[NORR]" in first and f"▸ {PRACTITIONERS} behandlare" in first
        await pilot.press("home")
        await settle(pilot)
        first = str(published.get_option_at_index(0).prompt)
        assert "[NORR]" in first and "▸" not in first
        assert chain_app.draft.clinics.published[0].group == "NORR"


def _errors_now(app: OpusApp) -> list[Problem]:
    """The draft's errors as the tab has them, checked against a whole validation."""
    errors = [p for p in app.problems() if p.is_error]
    assert errors == [p for p in check(app.draft, _whole_section) if p.is_error]
    return errors


def _whole_section(name: str, value: BaseModel) -> list[Problem]:
    try:
        type(value).model_validate(value.model_dump())
    except ValidationError as exc:
        return problems_from_validation_error(exc, type(value), (name,))
    return []


async def test_errors_follow_each_edit_as_a_whole_validation_would(chain_app: OpusApp) -> None:
    """Each edit checks only the clinic it changed; what the tab shows is still what validating
    the whole chain gives: the field named, the rule, in Swedish, and gone with the clinic."""
    async with chain_app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        line = chain_app.screen.query_one("#clinics-problems", FieldError)
        await focus(pilot, "published")
        await pilot.press("end")  # the last clinic
        await focus(pilot, "group")
        chain_app.copy_to_clipboard("G" * 100)  # a 100-character group, pasted (ctrl+v)
        await pilot.press("ctrl+u", "ctrl+v")
        await settle(pilot)
        assert _errors_now(chain_app) == []
        await pilot.press("G")
        await settle(pilot)
        (error,) = _errors_now(chain_app)
        assert error.key == f"clinics.published[{CLINICS - 1}].group"
        assert [str(p) for p in line.problems if p.is_error] == [str(error)]
        assert str(line.render()) == "✗ Grupp: får vara högst 100 tecken (är 101)"
        await pilot.press("backspace")
        await settle(pilot)
        assert _errors_now(chain_app) == []
        assert not line.has_class("-shown") or "✗" not in str(line.render())
        await pilot.press("G")  # the error again, then Del on that clinic
        await settle(pilot)
        assert len(_errors_now(chain_app)) == 1
        await focus(pilot, "published")
        published = chain_app.screen.query_one("#published", OptionList)
        assert published.highlighted is not None
        assert published.get_option_at_index(published.highlighted).id == f"c:{CLINICS - 1}"
        await pilot.press("delete")
        await settle(pilot)
        assert len(chain_app.draft.clinics.published) == CLINICS - 1
        assert _errors_now(chain_app) == []
        assert "✗" not in str(line.render())
