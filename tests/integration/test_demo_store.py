"""``opus-tui demo`` run again on a later day: the demo databases and the catalogue snapshot are
made again (their free times start on the day they were made), the configuration and the
connection settings are kept; a new demo's catalogue is not hours old."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from opus_tui.commands.demo import create_demo
from opus_tui.store.repository import Store

MADE = datetime(2026, 11, 20, 14, 30)


def test_a_new_demo_is_fetched_when_it_was_made(tmp_path: Path) -> None:
    url = create_demo(tmp_path / "demo", now=MADE)
    with Store.open(url) as store:
        catalogue = store.load_catalogue(with_times=False)
        assert catalogue is not None and catalogue.fetched_at == MADE


def test_a_later_day_renews_the_times_and_keeps_the_rest(tmp_path: Path) -> None:
    url = create_demo(tmp_path / "demo", portal_url="http://127.0.0.1:8765", now=MADE)
    with Store.open(url) as store:
        first = store.load_catalogue()
        assert first is not None
        first_start = min(t.start for t in first.times)
    # the same day: nothing is made again
    create_demo(tmp_path / "demo", now=MADE + timedelta(hours=3))
    with Store.open(url) as store:
        same = store.load_catalogue(with_times=False)
        assert same is not None and same.fetched_at == MADE
    later = MADE + timedelta(days=7)
    create_demo(tmp_path / "demo", now=later)  # without --portal-url this time
    with Store.open(url) as store:
        renewed = store.load_catalogue()
        assert renewed is not None and renewed.fetched_at == later
        assert min(t.start for t in renewed.times).date() >= later.date() > first_start.date()
        assert len(store.history()) == 1  # the configuration was not made again
        assert store.load_connections().account.url == "http://127.0.0.1:8765"  # kept
        assert [d.name for d in store.load_connections().databases] == list(first.databases)
