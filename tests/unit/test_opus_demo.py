"""The demo world (the manual's clinics and practitioners) and the synthetic chain generator."""

from __future__ import annotations

import itertools
import sqlite3
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from opus_tui.services.demo import (
    chain_catalogue,
    create_demo_databases,
    demo_catalogue,
    generate_chain,
    write_chain_sqlite,
)

TODAY = date(2026, 11, 27)  # a Friday
STOCKHOLM = ZoneInfo("Europe/Stockholm")


def local(dt: datetime) -> datetime:
    return dt.replace(tzinfo=UTC).astimezone(STOCKHOLM)


def test_demo_has_the_manuals_world() -> None:
    cat = demo_catalogue(TODAY)
    assert cat.source == "demo"
    assert cat.databases == ("Opus Lund", "Opus Malmö")
    lund = cat.clinics_of("Opus Lund")
    assert [c.name for c in lund] == ["OpusTandläkarna", "City Praktiken", "Utbildningsenheten"]
    opus = lund[0]
    assert (opus.address, opus.postcode, opus.city, opus.phone) == (
        "Kyrkogatan 17",
        "222 22",
        "LUND",
        "046-190470",
    )
    names = {c.name: [p.name for p in cat.practitioners_of(c.database, c.clinic_id)] for c in lund}
    assert names["OpusTandläkarna"][:3] == ["Olle Ohlsson", "Lena Svensson", "Eva Eriksson"]
    assert "Göran Persson" in names["OpusTandläkarna"]
    assert names["City Praktiken"] == ["Arne Andersson", "Lars Kniv", "Sven Tandställning"]
    assert names["Utbildningsenheten"] == ["Göran Persson"]
    assert {p.title for p in cat.practitioners} == {"Tandläkare", "Tandhygienist"}
    treatments = [t.name for t in cat.treatments if t.database == "Opus Lund"]
    assert treatments[:2] == ["Undersökning - E-tid", "Akutbesök"]
    assert len(cat.clinics_of("Opus Malmö")) == 2


def test_demo_is_deterministic_and_follows_today() -> None:
    assert demo_catalogue(TODAY) == demo_catalogue(TODAY)
    later = demo_catalogue(TODAY + timedelta(days=7))
    assert later.times[0].start.date() >= TODAY + timedelta(days=7)


def test_demo_times_are_realistic() -> None:
    cat = demo_catalogue(TODAY)
    times = cat.times
    assert 500 < len(times) < 3000
    first = datetime.combine(TODAY, datetime.min.time())
    assert all(first - timedelta(hours=2) <= t.start < first + timedelta(weeks=8) for t in times)
    assert all(t.start.tzinfo is None and t.end > t.start for t in times)
    starts = [local(t.start) for t in times]
    assert all(8 <= s.hour < 17 and s.hour != 12 for s in starts)
    weekend = [s for s in starts if s.weekday() >= 5]
    assert 0 < len(weekend) < len(starts) // 10
    # Every time belongs to a clinic where that practitioner works, and the treatment exists.
    works = {(p.database, p.practitioner_id, p.clinic_id) for p in cat.practitioners}
    treatments = {(t.database, t.treatment_id) for t in cat.treatments if t.create_in_web}
    assert all((t.database, t.practitioner_id, t.clinic_id) in works for t in times)
    assert all((t.database, t.treatment_id) in treatments for t in times)
    # A practitioner is never booked twice at once.
    per: dict[tuple[str, str], list[tuple[datetime, datetime]]] = defaultdict(list)
    for t in times:
        per[(t.database, t.practitioner_id)].append((t.start, t.end))
    for slots in per.values():
        slots.sort()
        assert all(a[1] <= b[0] for a, b in itertools.pairwise(slots))
    inactive = {p.practitioner_id for p in cat.practitioners if not p.active}
    assert inactive and not any(
        t.practitioner_id in inactive for t in times if t.database == "Opus Malmö"
    )


def test_demo_databases_are_sqlite_files(tmp_path: Path) -> None:
    pairs = create_demo_databases(tmp_path, TODAY)
    assert [name for name, _ in pairs] == ["Opus Lund", "Opus Malmö"]
    for _, cs in pairs:
        assert cs.startswith("DRIVER={SQLite3};Database=")
        path = Path(cs.split("Database=", 1)[1])
        with sqlite3.connect(path) as conn:
            names = [r[0] for r in conn.execute('SELECT "Name" FROM "Clinic" ORDER BY 1')]
            assert names
            # Times stored as the SQLite3 ODBC driver binds them (milliseconds).
            start = conn.execute('SELECT "StartTime" FROM "OnlineTime" LIMIT 1').fetchone()[0]
            assert len(start) == len("2026-11-27 08:00:00.000")
    # Created again: replaced, not appended.
    create_demo_databases(tmp_path, TODAY)
    with sqlite3.connect(tmp_path / "opus-lund.db") as conn:
        assert conn.execute('SELECT COUNT(*) FROM "Clinic"').fetchone()[0] == 3


def test_chain_is_deterministic_and_sized() -> None:
    chain = generate_chain(3, 4, 2, seed=11, times_per_day=3)
    assert chain.n_times == 3 * 4 * 2 * 5 * 3
    a, b = chain_catalogue(chain), chain_catalogue(generate_chain(3, 4, 2, 11, times_per_day=3))
    assert a == b and len(a.times) == chain.n_times
    assert len(a.clinics) == 3 and len(a.practitioners) == 12
    other = chain_catalogue(generate_chain(3, 4, 2, seed=12, times_per_day=3))
    assert other.practitioners != a.practitioners
    # No practitioner has two times at once; times fall on weekdays.
    keys = [(t.practitioner_id, t.start) for t in a.times]
    assert len(set(keys)) == len(keys)
    assert all(local(t.start).weekday() < 5 for t in a.times)


def test_chain_rejects_empty_sizes() -> None:
    with pytest.raises(ValueError, match="must be ≥ 1"):
        generate_chain(0, 1, 1, 1)


def test_chain_to_sqlite_matches_memory(tmp_path: Path) -> None:
    chain = generate_chain(2, 2, 1, seed=4)
    cs = write_chain_sqlite(chain, tmp_path / "k.db")
    assert cs.endswith("k.db")
    with sqlite3.connect(tmp_path / "k.db") as conn:
        n = conn.execute('SELECT COUNT(*) FROM "OnlineTime"').fetchone()[0]
        links = conn.execute('SELECT COUNT(*) FROM "PractitionerClinic"').fetchone()[0]
    assert n == chain.n_times == 2 * 2 * 5 * 4
    assert links == 4


def test_large_chain_in_memory_shares_datetimes() -> None:
    chain = generate_chain(300, 30, 8, seed=1, times_per_day=1)
    cat = chain_catalogue(chain)
    assert len(cat.times) == 300 * 30 * 8 * 5
    assert len({id(t.start) for t in cat.times}) <= 8 * 5 * 16
