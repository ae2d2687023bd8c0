"""Progressive first paint (issue 8): the first frame of Kliniker is drawn from the store's plain
rows; the rest of the tab arrives once the draft is built; keys pressed meanwhile are safe."""

from __future__ import annotations

from textual.widgets import OptionList

from opus_tui.app import OpusApp
from opus_tui.domain.config import ClinicsSettings, PublishedClinic, PublishedPractitioner
from opus_tui.screens.clinics import ClinicsScreen
from opus_tui.store import Store
from opus_tui.store.quick import catalogue_from_plain, config_from_plain, read_plain
from tests.ui.conftest import FIXED_NOW, ui_catalogue
from tests.ui.helpers import settle

PUBLISHED = ClinicsSettings(
    published=[
        PublishedClinic(
            database="Syd",
            clinic_id="1",
            name="OpusTandläkarna Malmö",
            group="MALMÖ",
            practitioners=[PublishedPractitioner(practitioner_id="10", name="Olle Ohlsson")],
        )
    ]
)


def _fill(store_url: str) -> None:
    with Store.open(store_url) as store:
        store.save_catalogue(ui_catalogue())
        store.save_section("clinics", PUBLISHED)


def test_plain_read_agrees_with_the_store(store_url: str) -> None:
    _fill(store_url)
    plain = read_plain(store_url)
    assert plain is not None
    with Store.open(store_url) as store:
        assert config_from_plain(plain) == store.load_config()
        full = store.load_catalogue()
    assert full is not None
    catalogue = catalogue_from_plain(plain)
    assert catalogue is not None
    assert catalogue.clinics == full.clinics
    assert catalogue.practitioners == full.practitioners
    assert catalogue.databases == full.databases


async def test_first_frame_then_the_whole_tab(store_url: str) -> None:
    _fill(store_url)
    app = OpusApp(store_url, clock=lambda: FIXED_NOW, progressive=True)
    # Hold the draft back (the worker waits for this lock) to look at the first frame.
    app._config_lock.acquire()
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, ClinicsScreen)
            assert not app.config_ready
            clinic_list = screen.query_one("#clinic-list", OptionList)
            prompts = [str(o.prompt) for o in clinic_list.options]
            assert clinic_list.option_count == 2  # the first database (Syd) only
            assert prompts[0] == "OpusTandläkarna Malmö"
            assert not screen.query("#published")
            # keys before the draft exists: Spara says so, a tab key waits
            await pilot.press("ctrl+s")
            await pilot.press("2")
            await pilot.pause()
            assert app.current_mode == "kliniker"
            assert any("läses" in n.message for n in app._notifications)
            app._config_lock.release()
            await settle(pilot)
            await pilot.pause()
            assert app.config_ready
            assert app.current_mode == "behandlare"  # the tab key pressed meanwhile
            await pilot.press("1")
            await settle(pilot)
            published = app.screen.query_one("#published", OptionList)
            assert published.option_count == 2  # the clinic and its practitioner
            assert app.screen.query_one("#practitioner-list", OptionList).option_count == 2
            assert app.draft.clinics == PUBLISHED
            assert app.catalogue is not None and app.catalogue.databases == ("Syd", "Nord")
    finally:
        if app._config_lock.locked():
            app._config_lock.release()


async def test_cycle_collector_is_back_after_the_first_frame(store_url: str) -> None:
    """``opus-tui`` starts with the cycle collector off (cli.main); the app turns it on again,
    with the start-up objects frozen, once its first frame is drawn."""
    import gc

    _fill(store_url)
    app = OpusApp(store_url, clock=lambda: FIXED_NOW, progressive=True)
    frozen_before = gc.get_freeze_count()
    gc.disable()
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            assert gc.isenabled()
            assert gc.get_freeze_count() > frozen_before
    finally:
        gc.enable()
        gc.unfreeze()
