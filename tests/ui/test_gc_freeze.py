"""The store's data leaves the cycle collector's scans once loaded (``freeze_data``, as
``run_app`` starts the app): on a 300 × 30 chain a full collection walked it for 110–150 ms every
two or three edits."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from opus_tui.app import OpusApp
from tests.ui.conftest import FIXED_NOW, ui_catalogue
from tests.ui.helpers import settle


@pytest.fixture
def unfrozen() -> Iterator[None]:
    gc.unfreeze()
    yield
    gc.unfreeze()  # the rest of the test process collects as before


async def test_data_is_frozen_once_loaded(store_url: str, unfrozen: None) -> None:
    app = OpusApp(store_url, catalogue=ui_catalogue(), clock=lambda: FIXED_NOW, freeze_data=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.pause()
        assert app.catalogue is not None and app.store is not None
        assert gc.get_freeze_count() > 0
        practitioners = app.catalogue.practitioners
        # frozen objects are in none of the collector's generations
        assert not any(o is practitioners for o in gc.get_objects())
        assert not any(o is app.saved for o in gc.get_objects())


async def test_apps_in_tests_freeze_nothing(make_app, unfrozen: None) -> None:
    app: OpusApp = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert gc.get_freeze_count() == 0
