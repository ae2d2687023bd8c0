"""Every tab starts once: Textual calls each class's ``on_mount`` itself, so a tab that also
called ``super().on_mount()`` subscribed twice to the draft's signals and did every draft
change's work twice."""

from __future__ import annotations

import pytest

from opus_tui.app import OpusApp
from opus_tui.screens import TABS
from tests.ui.helpers import settle


@pytest.mark.parametrize("number", range(1, len(TABS) + 1))
async def test_each_tab_subscribes_once(make_app, number: int) -> None:
    app: OpusApp = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press(str(number))
        await settle(pilot)
        screen = app.screen
        assert screen.__class__.__name__ == TABS[number - 1].cls
        assert len(app.status_changed._subscriptions[screen]) == 1  # TabScreen.on_mount ran once
        for signal in (app.draft_changed, app.reloaded, app.catalogue_changed):
            callbacks = signal._subscriptions.get(screen, [])
            assert len(callbacks) == len(set(callbacks)), (signal, screen)
