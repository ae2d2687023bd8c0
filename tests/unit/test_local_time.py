"""The store keeps naive UTC; a technician in Sweden reads Swedish time (header, preview CLI,
the demo's "made today")."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest

from opus_tui.local_time import local, local_text, short_text


@pytest.fixture
def stockholm() -> Iterator[None]:
    before = os.environ.get("TZ")
    os.environ["TZ"] = "Europe/Stockholm"
    time.tzset()
    yield
    os.environ["TZ"] = before or "UTC"
    time.tzset()


def test_utc_instants_read_as_swedish_time(stockholm: None) -> None:
    assert local(datetime(2026, 11, 27, 19, 48)) == datetime(2026, 11, 27, 20, 48)  # CET
    assert local(datetime(2026, 7, 1, 23, 30)) == datetime(2026, 7, 2, 1, 30)  # CEST
    assert local_text(datetime(2026, 3, 29, 0, 59)) == "2026-03-29 01:59"
    assert local_text(datetime(2026, 3, 29, 1, 0)) == "2026-03-29 03:00"  # clocks go forward


def test_the_header_shows_the_catalogue_time_in_local_time(stockholm: None) -> None:
    from opus_tui.app import OpusApp
    from opus_tui.domain.catalogue import Catalogue

    fetched = Catalogue(source="database", fetched_at=datetime(2026, 11, 27, 8, 5))
    app = OpusApp("sqlite:///:memory:", catalogue=fetched)
    app._update_status()
    assert "Katalog: Opus-databas 27 nov 09:05" in app.sub_title


def test_the_header_says_today_and_yesterday_and_the_date_before(stockholm: None) -> None:
    today = date(2026, 11, 27)
    # 23:30 UTC is already the next day in Stockholm
    assert short_text(datetime(2026, 11, 26, 23, 30), today) == "idag 00:30"
    assert short_text(datetime(2026, 11, 26, 22, 59), today) == "igår 23:59"
    assert short_text(datetime(2026, 11, 25, 12, 0), today) == "25 nov 13:00"
    assert short_text(datetime(2026, 1, 1, 0, 0), today) == "1 jan 01:00"
    assert short_text(datetime(2025, 12, 31, 22, 0), today) == "2025-12-31"
    assert short_text(datetime(2025, 12, 31, 23, 0), date(2026, 1, 1)) == "idag 00:00"


def test_a_demo_made_in_the_small_hours_is_made_today(stockholm: None, tmp_path: Path) -> None:
    from opus_tui.commands.demo import create_demo
    from opus_tui.store import open_store

    # 00:30 in Stockholm is 23:30 UTC the day before: still today's demo, not remade.
    made = datetime(2026, 11, 27, 0, 30)
    url = create_demo(tmp_path, now=made)
    with open_store(url) as store:
        catalogue = store.load_catalogue(with_times=False)
        assert catalogue is not None and catalogue.fetched_at == datetime(2026, 11, 26, 23, 30)
        revisions = len(store.history())
    create_demo(tmp_path, now=datetime(2026, 11, 27, 9, 0))
    with open_store(url) as store:
        again = store.load_catalogue(with_times=False)
        assert again is not None and again.fetched_at == catalogue.fetched_at
        assert len(store.history()) == revisions
    assert date(2026, 11, 27) == local(catalogue.fetched_at).date()


def test_the_previews_catalogue_age_counts_from_local_time(stockholm: None) -> None:
    from opus_tui.widgets.preview import age_text

    now = datetime(2026, 11, 27, 10, 30)  # the app's clock: local
    assert age_text(datetime(2026, 11, 27, 9, 29, 30), now) == "hämtad nyss"  # 10:29:30 here
    assert age_text(datetime(2026, 11, 27, 9, 0), now) == "hämtad för 30 min sedan"
    assert age_text(datetime(2026, 11, 26, 9, 0), now) == "hämtad för 24 h sedan"
    assert age_text(datetime(2026, 11, 20, 9, 0), now) == "hämtad för 7 dagar sedan"
    assert age_text(None, now) == "hämtningstid okänd"
