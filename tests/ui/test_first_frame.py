"""Progressive first paint (issue 8): the first frame of Kliniker is drawn from the store's plain
rows; the rest of the tab arrives once the draft is built; keys pressed meanwhile are safe."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from textual.widgets import OptionList

from opus_tui.app import OpusApp
from opus_tui.domain.catalogue import Catalogue, OnlineTimes
from opus_tui.domain.config import (
    ClinicsSettings,
    PublishedClinic,
    PublishedPractitioner,
    WebConfiguration,
)
from opus_tui.domain.problems import Problem
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


def _with_times() -> Catalogue:
    rows = [
        (
            "Syd",
            "10",
            "1",
            FIXED_NOW + timedelta(hours=h),
            FIXED_NOW + timedelta(hours=h, minutes=30),
            None,
        )
        for h in range(1, 25)
    ]
    return replace(ui_catalogue(), times=OnlineTimes.from_rows(rows))


def _fill(store_url: str) -> None:
    with Store.open(store_url) as store:
        store.save_catalogue(_with_times())
        store.save_section("clinics", PUBLISHED)


class _RecordingStore(Store):
    """The real store, recording what the app reads from it when it opens; ``during_times``
    runs right after the online times are read (another writer at that moment)."""

    calls: list[str]
    during_times: Any = None

    def load_config_as_stored(self) -> tuple[WebConfiguration, list[Problem]]:
        self.calls.append("load_config")
        return super().load_config_as_stored()

    def load_catalogue(self, *, with_times: bool = True) -> Catalogue | None:
        self.calls.append("load_catalogue")
        return super().load_catalogue(with_times=with_times)

    def load_times(self) -> OnlineTimes:
        self.calls.append("load_times")
        times = super().load_times()
        if self.during_times is not None:
            self.during_times()
        return times


def _recording(app: OpusApp, store_url: str) -> _RecordingStore:
    """The store the app's worker will use (``require_store`` opens one only if none is set)."""
    store = _RecordingStore.open(store_url)
    assert isinstance(store, _RecordingStore)
    store.calls = []
    app.store = store
    return store


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


@pytest.mark.parametrize("progressive", [True, False])
async def test_unchanged_store_reads_only_the_online_times(
    store_url: str, progressive: bool
) -> None:
    """The store still holds what the plain read gave: the worker keeps saved/draft and the
    catalogue's rows and reads only the online times."""
    _fill(store_url)
    app = OpusApp(store_url, clock=lambda: FIXED_NOW, progressive=progressive)
    store = _recording(app, store_url)
    with Store.open(store_url) as other:
        full = other.load_catalogue()
        expected = other.load_config()
    assert full is not None and len(full.times) == 24
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.pause()
        assert app.store_state == "öppen"
        assert store.calls == ["load_times"]
        assert app.saved == expected and app.draft is app.saved
        catalogue = app.catalogue
        assert catalogue is not None
        assert catalogue == full  # with its times, source and fetch time
        assert (catalogue.source, catalogue.fetched_at) == ("snapshot", FIXED_NOW)
        assert len(catalogue.times) == 24
    store.close()


async def test_unchanged_store_without_a_snapshot_reads_nothing_more(store_url: str) -> None:
    with Store.open(store_url) as s:
        s.save_section("clinics", PUBLISHED)
    app = OpusApp(store_url, clock=lambda: FIXED_NOW)
    store = _recording(app, store_url)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert store.calls == []
        assert app.draft.clinics == PUBLISHED
        assert app.catalogue is not None and app.catalogue.source == "demo"  # as before
    store.close()


async def test_changes_after_the_plain_read_are_picked_up(store_url: str) -> None:
    """Another store saves a section and a new catalogue after the plain read: the worker loads
    both again, as before, and the untouched draft is replaced (``reloaded``)."""
    _fill(store_url)
    app = OpusApp(store_url, clock=lambda: FIXED_NOW, progressive=True)
    store = _recording(app, store_url)
    app._config_lock.acquire()  # the draft waits: the first frame is drawn from the plain rows
    reloaded: list[WebConfiguration] = []
    changed = PUBLISHED.model_copy(update={"published": []})
    newer = replace(_with_times(), fetched_at=FIXED_NOW + timedelta(days=1))
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            assert not app.config_ready
            with Store.open(store_url) as other:
                other.save_section("clinics", changed)
                other.save_catalogue(newer)
            app.reloaded.subscribe(app, reloaded.append)
            app._config_lock.release()
            await settle(pilot)
            await settle(pilot)
            assert app.store_state == "öppen"
            assert store.calls == ["load_config", "load_catalogue"]
            assert app.saved.clinics == changed and app.draft.clinics == changed
            assert [c.clinics for c in reloaded] == [changed]
            assert app.catalogue is not None
            assert app.catalogue.fetched_at == newer.fetched_at
            assert len(app.catalogue.times) == 24
    finally:
        if app._config_lock.locked():
            app._config_lock.release()
        store.close()


async def test_a_save_while_the_times_are_read_loads_everything(store_url: str) -> None:
    _fill(store_url)
    app = OpusApp(store_url, clock=lambda: FIXED_NOW)
    store = _recording(app, store_url)
    changed = PUBLISHED.model_copy(update={"published": []})

    def save_elsewhere() -> None:
        with Store.open(store_url) as other:
            other.save_section("clinics", changed)

    store.during_times = save_elsewhere
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await settle(pilot)
        assert store.calls == ["load_times", "load_config", "load_catalogue"]
        assert app.saved.clinics == changed and app.draft.clinics == changed
        assert app.catalogue is not None and len(app.catalogue.times) == 24
    store.close()


async def test_an_invalid_stored_configuration_is_reported_and_opened(store_url: str) -> None:
    """The plain read cannot validate it: the store's load_config finds the error, which is
    said, and the configuration opens as stored (``lenient_config``) to be put right."""
    import sqlite3

    from opus_tui.store.location import sqlite_path

    _fill(store_url)
    path = sqlite_path(store_url)
    assert path is not None
    conn = sqlite3.connect(path)
    conn.execute(
        "UPDATE config_section SET data = ? WHERE section = 'clinics'",
        ('{"published": [{"database": "", "clinic_id": ""}]}',),
    )
    conn.commit()
    conn.close()
    app = OpusApp(store_url, clock=lambda: FIXED_NOW)
    store = _recording(app, store_url)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert store.calls[0] == "load_config"
        assert app.store_state == "öppen"
        assert any("sparade konfigurationen har fel" in str(n.message) for n in app._notifications)
        (clinic,) = app.saved.clinics.published
        assert (clinic.database, clinic.clinic_id) == ("", "")  # kept as stored
    store.close()
