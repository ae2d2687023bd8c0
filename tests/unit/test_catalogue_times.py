"""OnlineTimes: online times stored column by column behave as a sequence of OnlineTime."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from opus_tui.domain.catalogue import Catalogue, OnlineTime, OnlineTimes, TimeRow

T0 = datetime(2026, 1, 5, 7, 0)


def sample() -> list[OnlineTime]:
    return [
        OnlineTime("Lund", "1", "10", T0, T0 + timedelta(minutes=30), "4"),
        OnlineTime("Lund", "2", "10", T0 + timedelta(hours=1), T0 + timedelta(hours=2), None),
        OnlineTime("Malmö", "1", "20", T0 - timedelta(days=1), T0, "5"),
        OnlineTime("Lund", "1", "10", T0 + timedelta(days=3), T0 + timedelta(days=3, hours=1)),
    ]


def rows_of(times: list[OnlineTime]) -> list[TimeRow]:
    return [
        (t.database, t.practitioner_id, t.clinic_id, t.start, t.end, t.treatment_id) for t in times
    ]


def test_round_trip_through_objects_and_rows() -> None:
    times = OnlineTimes(sample())
    assert len(times) == 4
    assert list(times) == sample()
    assert list(times.rows()) == rows_of(sample())
    assert OnlineTimes.from_rows(times.rows()) == times
    assert [times.time_at(i) for i in range(len(times))] == sample()


def test_extend_rows_appends_batches() -> None:
    times = OnlineTimes()
    rows = rows_of(sample())
    times.extend_rows(iter(rows[:1]))
    times.extend_rows(x for x in rows[1:])
    assert times == sample()


def test_equality_with_tuples_lists_and_other_online_times() -> None:
    times = OnlineTimes(sample())
    assert times == sample()
    assert times == tuple(sample())
    assert times == OnlineTimes(sample())
    assert times != sample()[:3]
    assert times != OnlineTimes(sample()[:3])
    assert times != OnlineTimes(reversed(sample()))
    other = sample()
    other[1] = OnlineTime("Lund", "2", "10", other[1].start, other[1].end, "4")
    assert times != other
    assert times != OnlineTimes(other)
    assert OnlineTimes() == () and OnlineTimes() == []
    assert (times == "not times") is False
    with pytest.raises(TypeError):
        hash(times)


def test_equality_does_not_depend_on_the_string_table_order() -> None:
    a = OnlineTimes(sample())
    b = OnlineTimes(sample()[2:])
    b.extend(OnlineTimes(sample()[:2]))
    reordered = OnlineTimes(sample()[2:] + sample()[:2])
    assert b == reordered
    assert a != b


def test_indexing_with_negative_indexes_and_out_of_range() -> None:
    times = OnlineTimes(sample())
    assert times[0] == sample()[0]
    assert times[-1] == sample()[-1]
    assert times[-4] == sample()[0]
    for bad in (4, -5, 100):
        with pytest.raises(IndexError):
            times[bad]


@pytest.mark.parametrize(
    "cut",
    [
        slice(None),
        slice(1, 3),
        slice(None, -1),
        slice(-2, None),
        slice(None, None, -1),
        slice(5, 9),
    ],
    ids=["all", "middle", "head", "tail", "reversed", "past-end"],
)
def test_slices_are_online_times_equal_to_the_list_slice(cut: slice) -> None:
    times = OnlineTimes(sample())
    part = times[cut]
    assert isinstance(part, OnlineTimes)
    assert part == sample()[cut]
    assert list(part.rows()) == rows_of(sample())[cut]


def test_take_picks_rows_in_the_given_order() -> None:
    times = OnlineTimes(sample())
    assert times.take([3, 0, 3]) == [sample()[3], sample()[0], sample()[3]]
    assert times.take([]) == []


def test_concat_and_extend_keep_every_time_in_order() -> None:
    a, b = OnlineTimes(sample()[:2]), OnlineTimes(sample()[2:])
    assert OnlineTimes.concat([a, b]) == sample()
    assert OnlineTimes.concat([]) == []
    a.extend(a)
    assert a == sample()[:2] * 2
    assert OnlineTimes(OnlineTimes(sample())) == sample()


def test_treatment_none_stays_none_and_empty_ids_read_as_empty() -> None:
    times = OnlineTimes.from_rows(
        [
            ("Lund", "1", "10", T0, T0, None),
            ("Lund", "1", "10", T0, T0, ""),
            ("Lund", None, None, T0, T0, "4"),  # type: ignore[list-item]
        ]
    )
    assert times[0].treatment_id is None
    assert times[1].treatment_id == ""
    assert times[0] != times[1]
    assert (times[2].practitioner_id, times[2].clinic_id) == ("", "")
    assert list(times.rows())[2][1:3] == ("", "")
    assert times.strings[times.treatment_codes[0]] is None


def test_identifier_strings_are_stored_once() -> None:
    times = OnlineTimes.from_rows(
        (f"D{n % 2}", str(n % 7), str(n % 3), T0, T0, str(n % 5)) for n in range(1000)
    )
    # None, 2 databases, ids 0-6 (practitioners, clinics and treatments share them).
    assert len(times.strings) == 1 + 2 + 7
    assert len(times.database_codes) == len(times.practitioner_codes) == 1000
    assert len(times.clinic_codes) == len(times.treatment_codes) == 1000
    again = list(times)
    assert again[0].database is again[2].database  # the same str object


def test_times_are_whole_seconds_and_columns_hold_seconds_since_1970() -> None:
    start = datetime(2026, 3, 29, 0, 59, 59, 999_999)
    times = OnlineTimes.from_rows([("D", "1", "1", start, start + timedelta(seconds=1), None)])
    assert times[0].start == start.replace(microsecond=0)
    assert times.starts[0] == int(
        (start.replace(microsecond=0) - datetime(1970, 1, 1)).total_seconds()
    )
    assert times.ends[0] - times.starts[0] == 1


def test_catalogue_turns_any_iterable_into_online_times() -> None:
    cat = Catalogue(source="demo", fetched_at=None, times=tuple(sample()))  # type: ignore[arg-type]
    assert isinstance(cat.times, OnlineTimes)
    assert cat.times == sample()
    assert Catalogue(source="demo", fetched_at=None).times == ()
    assert repr(cat.times) == "OnlineTimes(4 times)"


ids = st.sampled_from(["", "1", "2", "42", "Opus Lund", "Åby"])
moments = st.datetimes(min_value=datetime(1960, 1, 1), max_value=datetime(2100, 1, 1)).map(
    lambda d: d.replace(microsecond=0)
)
times_strategy = st.lists(
    st.builds(
        OnlineTime,
        database=ids,
        practitioner_id=ids,
        clinic_id=ids,
        start=moments,
        end=moments,
        treatment_id=st.none() | ids,
    ),
    max_size=40,
)


@settings(max_examples=100, deadline=None)
@given(times=times_strategy, cut=st.slices(45))
def test_round_trip_hypothesis(times: list[OnlineTime], cut: slice) -> None:
    stored = OnlineTimes(times)
    assert list(stored) == times
    assert stored == times and stored == OnlineTimes.from_rows(stored.rows())
    assert list(stored[cut]) == times[cut]
    if times:
        assert stored[-1] == times[-1]
    half = len(times) // 2
    assert OnlineTimes.concat([OnlineTimes(times[:half]), OnlineTimes(times[half:])]) == times


def test_merged_catalogues_hold_every_database_s_times_in_order() -> None:
    from opus_tui.services.demo import demo_catalogue
    from opus_tui.services.opus_db import merge_catalogues

    demo = demo_catalogue(T0.date())
    parts = [
        Catalogue(
            source="database",
            fetched_at=T0 - timedelta(hours=n),
            databases=(db,),
            times=OnlineTimes(t for t in demo.times if t.database == db),
        )
        for n, db in enumerate(demo.databases)
    ]
    merged = merge_catalogues(parts)
    assert merged.databases == demo.databases
    assert merged.fetched_at == T0 - timedelta(hours=len(parts) - 1)
    assert merged.times == [t for part in parts for t in part.times]
    assert len(merged.times) == len(demo.times)
    assert merge_catalogues([]).times == ()


def test_columns_are_narrow_for_usual_times() -> None:
    stored = OnlineTimes(sample())
    assert stored.starts.itemsize == stored.ends.itemsize == 4
    assert {stored.practitioner_codes.itemsize, stored.treatment_codes.itemsize} == {2}


def test_times_before_1970_widen_the_time_columns_and_keep_every_time() -> None:
    early = datetime(1969, 12, 31, 22, 0)
    times = [*sample(), OnlineTime("Lund", "1", "10", early, early + timedelta(hours=1)), *sample()]
    stored = OnlineTimes(times)
    assert stored.starts.itemsize == stored.ends.itemsize == 8
    assert stored.practitioner_codes.itemsize == 2  # only what did not fit was widened
    assert list(stored) == times and len(stored.practitioner_codes) == len(times)


def test_a_row_whose_end_alone_overflows_is_stored_once() -> None:
    """The start fits, the end does not: the half-appended row is cut back, then appended."""
    start = datetime(2106, 2, 7, 6, 0)
    times = [OnlineTime("Lund", "1", "10", start, start + timedelta(hours=1))]
    stored = OnlineTimes(times)
    assert stored.starts.itemsize == 4 and stored.ends.itemsize == 8
    assert list(stored) == times and len(stored.database_codes) == 1


def test_more_than_65535_identifiers_widen_the_code_columns() -> None:
    times = [
        OnlineTime("Lund", str(i), "10", T0 + timedelta(minutes=i), T0 + timedelta(minutes=i + 5))
        for i in range(70_000)
    ]
    stored = OnlineTimes.from_rows(rows_of(times))
    assert stored.practitioner_codes.itemsize == 4 and stored.database_codes.itemsize == 2
    assert stored[65_534] == times[65_534] and stored[-1] == times[-1] and stored == times


def test_extend_and_take_keep_wide_columns_wide() -> None:
    late = datetime(2110, 1, 3, 9, 0)
    wide = OnlineTimes([OnlineTime("Umeå", "9", "90", late, late + timedelta(hours=1), "7")])
    narrow = OnlineTimes(sample())
    narrow.extend(wide)
    assert narrow.starts.itemsize == 8
    assert list(narrow) == [*sample(), *wide]
    picked = narrow.take([len(narrow) - 1, 0])
    assert picked.starts.itemsize == 8 and list(picked) == [wide[0], sample()[0]]
    early = narrow.take([1])  # wide columns, values that fit in narrow ones
    back = OnlineTimes(sample())
    back.extend(early)
    assert back.starts.itemsize == 4
    assert list(back) == [*sample(), sample()[1]]
