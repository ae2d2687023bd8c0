"""Välj klinik forwards typing to the filter: keys that arrive in a burst, before the filter
has the focus (a fast typist on a busy app), all land in the filter, in order."""

from __future__ import annotations

from collections.abc import Callable

from textual import events
from textual.widgets import Input, OptionList

from opus_tui.app import OpusApp
from tests.ui.helpers import focus, settle


async def test_a_burst_of_keys_reaches_the_filter(make_app: Callable[[], OpusApp]) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await focus(pilot, "clinic-list")
        screen = app.screen
        # posted at once: the focus moves to the filter only after all of them are queued
        for key, character in (("m", "m"), ("a", "a"), ("space", " "), ("1", "1")):
            app.post_message(events.Key(key, character))
        await settle(pilot)
        assert app.screen is screen  # "1" did not switch tabs
        assert screen.query_one("#clinic-filter", Input).value == "ma 1"
        assert app.focused is screen.query_one("#clinic-filter", Input)
        clinics = screen.query_one("#clinic-list", OptionList)
        assert clinics.border_subtitle == "1 av 2"  # OpusTandläkarna Malmö, id 1


async def test_digits_still_switch_tabs_from_the_list(make_app: Callable[[], OpusApp]) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await focus(pilot, "clinic-list")
        await pilot.press("m")  # to the filter, and the focus with it
        await settle(pilot)
        await focus(pilot, "clinic-list")  # back on the list: a digit is a tab again
        await pilot.press("4")
        await settle(pilot)
        assert type(app.screen).__name__ == "FlexibilityScreen"
