"""The booking-flow engine's catalogue index: columns over every online time, grouped by
(database, clinic, practitioner), checked against a plain computation from OnlineTime objects."""

from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from opus_tui.domain.catalogue import Catalogue, OnlineTime, OnlineTimes
from opus_tui.services import booking_flow as bf

T0 = datetime(2026, 3, 27, 20, 0)  # a Friday evening: the local date turns late in UTC

ids = st.sampled_from(["", "1", "2"])
times_strategy = st.lists(
    st.builds(
        OnlineTime,
        database=st.sampled_from(["Lund", "Malmö"]),
        practitioner_id=ids,
        clinic_id=ids,
        start=st.integers(0, 4 * 24 * 4).map(lambda q: T0 + timedelta(minutes=15 * q)),
        end=st.just(T0 + timedelta(days=9)),
        treatment_id=st.none() | ids,
    ),
    max_size=80,
)


def check(times: list[OnlineTime]) -> None:
    catalogue = Catalogue(source="demo", fetched_at=None, times=OnlineTimes(times))
    idx = bf.build_index(catalogue)
    expected: dict[bf.CpKey, list[tuple[datetime, int]]] = {}
    for row, t in enumerate(times):
        expected.setdefault((t.database, t.clinic_id, t.practitioner_id), []).append((t.start, row))
    assert set(idx.times) == set(expected)
    covered = 0
    for key, cp in idx.times.items():
        # Sorted by start; equal starts keep the catalogue's order.
        want = sorted(expected[key], key=lambda x: x[0])
        assert list(idx.rows[cp.lo : cp.hi]) == [row for _, row in want]
        assert [idx.time_at(r) for r in idx.rows[cp.lo : cp.hi]] == [times[r] for _, r in want]
        assert [bf._EPOCH + s * bf._SECOND for s in idx.starts[cp.lo : cp.hi]] == [
            s for s, _ in want
        ]
        weekend = [bf.local(s).weekday() >= 5 for s, _ in want]
        assert list(idx.weekend[cp.lo : cp.hi]) == [int(w) for w in weekend]
        last: dict[str, list[datetime | None]] = {}
        for (start, row), we in zip(want, weekend, strict=True):
            slot = last.setdefault(times[row].treatment_id or "", [None, None])
            slot[we] = start
        got = {
            tid: [None if s is None else bf._EPOCH + s * bf._SECOND for s in (wd, we)]
            for tid, wd, we in cp.lasts()
        }
        assert got == last
        covered += cp.hi - cp.lo
    assert covered == len(times) == len(idx.rows) == len(idx.starts) == len(idx.weekend)


def test_index_of_the_demo_catalogue() -> None:
    from opus_tui.services.demo import demo_catalogue

    check(list(demo_catalogue(T0.date()).times))


def test_index_of_an_empty_catalogue() -> None:
    idx = bf.build_index(Catalogue(source="demo", fetched_at=None))
    assert idx.times == {} and len(idx.rows) == 0


def test_a_missing_id_and_an_empty_one_meet_in_one_key() -> None:
    times = OnlineTimes.from_rows(
        [
            ("Lund", "1", None, T0 + timedelta(hours=2), T0, None),  # type: ignore[list-item]
            ("Lund", "1", "", T0 + timedelta(hours=1), T0, "4"),
            ("Lund", "1", None, T0, T0, "4"),  # type: ignore[list-item]
        ]
    )
    check(list(times))
    idx = bf.build_index(Catalogue(source="demo", fetched_at=None, times=times))
    (cp,) = idx.times.values()
    assert list(idx.rows[cp.lo : cp.hi]) == [2, 1, 0]


@settings(max_examples=150, deadline=None)
@given(times=times_strategy)
def test_index_matches_the_times(times: list[OnlineTime]) -> None:
    check(times)
