"""The Opus gateway against real drivers: SQLite3 ODBC and PostgreSQL 15 via psqlODBC.

One suite, parametrised over both backends, plus fault tests (wrong password, server stopped
before connect and mid-fetch, timeout, unknown driver) that check the documented error kind,
the Swedish message, no chained traceback and no password in the message or the log.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

import pytest

from opus_tui.domain.catalogue import Catalogue, OnlineTimes
from opus_tui.services.demo import (
    DEMO_DATABASES,
    chain_catalogue,
    create_demo_databases,
    demo_catalogue,
    generate_chain,
    write_chain_odbc,
    write_chain_sqlite,
    write_demo_odbc,
)
from opus_tui.services.opus_db import OpusDatabaseError, OpusGateway
from opus_tui.services.schema_map import SchemaMap
from tests.pg_cluster import PgCluster

TODAY = date(2026, 11, 27)
LUND = DEMO_DATABASES[0].name
WIDE_START = datetime(2026, 11, 1)
WIDE_END = datetime(2027, 3, 1)


@dataclass(frozen=True)
class Backend:
    kind: str
    connection_string: str  # as stored in a profile: no password
    password: str | None

    def gateway(self, schema: SchemaMap | None = None, timeout: int = 10) -> OpusGateway:
        return OpusGateway(
            self.connection_string,
            self.password,
            schema or SchemaMap.default(),
            timeout,
            database_name=LUND,
        )


@pytest.fixture(scope="module")
def sqlite_demo(tmp_path_factory: pytest.TempPathFactory) -> Backend:
    pairs = dict(create_demo_databases(tmp_path_factory.mktemp("demo"), TODAY))
    return Backend("sqlite", pairs[LUND], None)


@pytest.fixture(scope="module")
def pg_demo(pg_server: PgCluster) -> Backend:
    db = pg_server.create_database("opus_demo_lund")
    write_demo_odbc(db.odbc_with_password, TODAY, LUND)
    return Backend("postgresql", db.odbc, db.password)


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> Backend:
    name = "sqlite_demo" if request.param == "sqlite" else "pg_demo"
    return request.getfixturevalue(name)  # type: ignore[no-any-return]


def lund_catalogue() -> Catalogue:
    cat = demo_catalogue(TODAY)
    return replace(
        cat,
        databases=(LUND,),
        clinics=tuple(c for c in cat.clinics if c.database == LUND),
        practitioners=tuple(p for p in cat.practitioners if p.database == LUND),
        treatments=tuple(t for t in cat.treatments if t.database == LUND),
        times=OnlineTimes(t for t in cat.times if t.database == LUND),
    )


# -- reading --------------------------------------------------------------------------------------


def test_test_connection_reports_counts(backend: Backend) -> None:
    text = backend.gateway().test_connection()
    assert text.startswith("Anslutningen fungerar")
    assert "3 kliniker, 7 behandlare, 6 behandlingar" in text


def test_list_clinics_matches_the_manual(backend: Backend) -> None:
    clinics = backend.gateway().list_clinics()
    assert [c.name for c in clinics] == ["OpusTandläkarna", "City Praktiken", "Utbildningsenheten"]
    opus = clinics[0]
    assert (opus.clinic_id, opus.address, opus.postcode, opus.city, opus.phone) == (
        "1",
        "Kyrkogatan 17",
        "222 22",
        "LUND",
        "046-190470",
    )
    assert all(c.database == LUND for c in clinics)
    assert clinics == list(lund_catalogue().clinics)


def test_list_practitioners_per_clinic(backend: Backend) -> None:
    gw = backend.gateway()
    opus = gw.list_practitioners("1")
    assert [p.name for p in opus] == [
        "Olle Ohlsson",
        "Lena Svensson",
        "Eva Eriksson",
        "Arne Andersson",
        "Göran Persson",
    ]
    assert {p.clinic_id for p in opus} == {"1"}
    city = gw.list_practitioners("2")
    assert [p.name for p in city] == ["Arne Andersson", "Lars Kniv", "Sven Tandställning"]
    everyone = gw.list_practitioners()
    assert everyone == list(lund_catalogue().practitioners)
    goran = [p for p in everyone if p.name == "Göran Persson"]
    assert {p.clinic_id for p in goran} == {"1", "3"}
    assert {p.title for p in everyone} == {"Tandläkare", "Tandhygienist"}
    assert gw.list_practitioners("999") == []


def test_list_treatments_with_web_flags(backend: Backend) -> None:
    treatments = {t.name: t for t in backend.gateway().list_treatments()}
    assert treatments["Undersökning - E-tid"].duration_minutes == 30
    assert treatments["Akutbesök"].change_in_web is False
    assert treatments["Akutbesök"].create_in_web is True
    assert treatments["Lagning"].create_in_web is False
    assert all(isinstance(t.cancel_in_web, bool) for t in treatments.values())


def test_online_times_stream_in_batches_and_match(backend: Backend) -> None:
    gw = backend.gateway()
    expected = list(lund_catalogue().times)
    streamed = list(gw.iter_online_times(WIDE_START, WIDE_END, batch=7))
    assert streamed == expected
    assert all(t.start.tzinfo is None and t.end > t.start for t in streamed)


def test_online_times_range_is_half_open(backend: Backend) -> None:
    gw = backend.gateway()
    times = lund_catalogue().times
    first, later = times[0].start, times[-1].start
    window = list(gw.iter_online_times(first, later))
    assert window[0].start == first
    assert all(first <= t.start < later for t in window)
    assert len(window) == sum(1 for t in times if first <= t.start < later)
    assert list(gw.iter_online_times(WIDE_END, WIDE_END + timedelta(days=7))) == []


def test_aware_range_is_taken_as_utc(backend: Backend) -> None:
    from zoneinfo import ZoneInfo

    gw = backend.gateway()
    first = lund_catalogue().times[0].start
    local = (first + timedelta(hours=1)).replace(tzinfo=ZoneInfo("Europe/Stockholm"))
    window = list(gw.iter_online_times(local, local + timedelta(hours=1)))
    assert window and window[0].start == first


def test_fetch_catalogue_with_progress(backend: Backend) -> None:
    calls: list[tuple[str, int, int | None]] = []
    cat = backend.gateway().fetch_catalogue(
        LUND, WIDE_START, WIDE_END, progress=lambda *a: calls.append(a), batch=100
    )
    expected = lund_catalogue()
    assert cat.source == "database" and cat.databases == (LUND,)
    assert cat.fetched_at is not None and cat.fetched_at.tzinfo is None
    assert (cat.clinics, cat.practitioners, cat.treatments, cat.times) == (
        expected.clinics,
        expected.practitioners,
        expected.treatments,
        expected.times,
    )
    phases = [c[0] for c in calls]
    assert phases[:4] == ["clinics", "practitioners", "treatments", "online_times"]
    n = len(expected.times)
    assert calls[3] == ("online_times", 0, n)
    assert calls[-1] == ("online_times", n, n)
    assert len(calls) == 4 + (n + 99) // 100


def test_progress_callback_can_abort(backend: Backend) -> None:
    class Stop(Exception):
        pass

    def progress(phase: str, done: int, total: int | None) -> None:
        if phase == "treatments":
            raise Stop

    with pytest.raises(Stop):
        backend.gateway().fetch_catalogue(LUND, WIDE_START, WIDE_END, progress=progress)


def test_time_zone_in_schema_map_converts_to_utc(backend: Backend) -> None:
    # Same rows read as if stored in Swedish local time (CET in winter): one hour earlier in UTC.
    local = replace(SchemaMap.default(), time_zone="Europe/Stockholm")
    first = lund_catalogue().times[0]
    window = list(
        backend.gateway(local).iter_online_times(
            first.start - timedelta(hours=1), first.start - timedelta(minutes=59)
        )
    )
    assert window and window[0].start == first.start - timedelta(hours=1)


def test_missing_table_is_a_schema_error(backend: Backend) -> None:
    data = SchemaMap.default().to_dict()
    data["clinics"]["table"] = "Klinik"
    with pytest.raises(OpusDatabaseError) as info:
        backend.gateway(SchemaMap.from_dict(data)).list_clinics()
    assert info.value.kind == "schema"
    assert "schemamappningen" in str(info.value)


def test_other_schema_map_with_clinic_column(
    backend: Backend, request: pytest.FixtureRequest
) -> None:
    # A practitioner table with its own clinic column and fewer optional columns.
    data = SchemaMap.default().to_dict()
    del data["practitioner_clinics"]
    data["practitioners"]["clinic_id"] = "PrimaryClinicId"
    del data["treatments"]["description"]
    del data["online_times"]["treatment_id"]
    schema = SchemaMap.from_dict(data)
    chain = generate_chain(2, 3, 1, 5)
    if backend.kind == "sqlite":
        tmp = request.getfixturevalue("tmp_path")
        cs, password = write_chain_sqlite(chain, tmp / "other.db", schema), None
    else:
        server: PgCluster = request.getfixturevalue("pg_server")
        db = server.create_database("opus_other_map")
        write_chain_odbc(chain, db.odbc_with_password, schema)
        cs, password = db.odbc, db.password
    gw = OpusGateway(cs, password, schema, 10, database_name="x")
    practitioners = gw.list_practitioners()
    assert len(practitioners) == 6 and {p.clinic_id for p in practitioners} == {"1", "2"}
    assert {t.description for t in gw.list_treatments()} == {""}
    times = list(gw.iter_online_times(datetime(2026, 1, 1), datetime(2026, 2, 1)))
    assert len(times) == 2 * 3 * 5 * 4 and {t.treatment_id for t in times} == {None}


def test_synthetic_chain_round_trips(backend: Backend, request: pytest.FixtureRequest) -> None:
    chain = generate_chain(4, 3, 2, seed=9, times_per_day=3)
    if backend.kind == "sqlite":
        tmp = request.getfixturevalue("tmp_path")
        cs, password = write_chain_sqlite(chain, tmp / "chain.db"), None
    else:
        server: PgCluster = request.getfixturevalue("pg_server")
        db = server.create_database("opus_chain_small")
        write_chain_odbc(chain, db.odbc_with_password, rows_per_statement=7)
        cs, password = db.odbc, db.password
    gw = OpusGateway(cs, password, SchemaMap.default(), 10, database_name="Kedjan")
    cat = gw.fetch_catalogue("Kedjan", datetime(2026, 1, 1), datetime(2026, 3, 1))
    expected = chain_catalogue(chain, "Kedjan")
    assert len(cat.times) == chain.n_times == 4 * 3 * 2 * 5 * 3
    assert sorted(cat.times, key=lambda t: (t.start, int(t.practitioner_id))) == list(cat.times)
    assert set(cat.times) == set(expected.times)
    assert cat.clinics == expected.clinics
    assert sorted(cat.practitioners, key=lambda p: int(p.practitioner_id)) == list(
        expected.practitioners
    )


# -- faults ---------------------------------------------------------------------------------------


def assert_clean(exc: OpusDatabaseError, caplog: pytest.LogCaptureFixture, secret: str) -> None:
    """Documented shape: Swedish text with the driver's text, no chained traceback, no secret."""
    assert exc.__cause__ is None and exc.__suppress_context__
    text = str(exc)
    assert "Drivrutinens svar:" in text
    assert secret not in text and secret not in repr(exc) and secret not in exc.driver_message
    assert "Traceback" not in text
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert secret not in logged
    assert caplog.records, "the failure is logged"


def test_unknown_driver(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    secret = "Hemligt-0ss}"
    gw = OpusGateway(
        "DRIVER={Opus Imaginary Driver};SERVER=127.0.0.1;DATABASE=x;UID=u",
        secret,
        SchemaMap.default(),
        3,
    )
    with pytest.raises(OpusDatabaseError) as info:
        gw.list_clinics()
    assert info.value.kind == "driver"
    assert "ODBC-drivrutinen 'Opus Imaginary Driver' saknas" in str(info.value)
    assert "SQLite3" in str(info.value)  # lists the installed drivers
    assert_clean(info.value, caplog, secret)
    assert secret not in repr(gw)


def test_wrong_password(pg_demo: Backend, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    wrong = "fel-lösen;ord}X"
    gw = OpusGateway(pg_demo.connection_string, wrong, SchemaMap.default(), 5)
    with pytest.raises(OpusDatabaseError) as info:
        gw.test_connection()
    assert info.value.kind == "login"
    assert str(info.value).startswith("Inloggningen till databasen misslyckades")
    assert "password authentication failed" in str(info.value)
    assert_clean(info.value, caplog, wrong)


def test_password_in_profile_string_is_replaced_and_scrubbed(
    pg_demo: Backend, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    # A stale PWD left in the profile's string is replaced by the stored password.
    gw = OpusGateway(
        pg_demo.connection_string + ";PWD=gammalt", pg_demo.password, SchemaMap.default()
    )
    assert "3 kliniker" in gw.test_connection()
    assert "gammalt" not in repr(gw) and str(pg_demo.password) not in repr(gw)


@pytest.fixture
def private_demo(pg_private_server: PgCluster) -> tuple[PgCluster, Backend]:
    db = pg_private_server.create_database("opus_private")
    chain = generate_chain(5, 4, 4, seed=3, times_per_day=4)  # 1,600 times
    write_chain_odbc(chain, db.odbc_with_password)
    return pg_private_server, Backend("postgresql", db.odbc, db.password)


def test_server_stopped_before_connect(
    private_demo: tuple[PgCluster, Backend], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    cluster, be = private_demo
    cluster.stop()
    with pytest.raises(OpusDatabaseError) as info:
        be.gateway(timeout=3).list_clinics()
    assert info.value.kind == "unreachable"
    assert str(info.value).startswith("Databasservern kan inte nås")
    assert "Connection refused" in str(info.value)
    assert_clean(info.value, caplog, str(be.password))


def test_server_stopped_between_queries(
    private_demo: tuple[PgCluster, Backend], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    cluster, be = private_demo

    def progress(phase: str, done: int, total: int | None) -> None:
        if phase == "clinics":
            cluster.stop()

    with pytest.raises(OpusDatabaseError) as info:
        be.gateway().fetch_catalogue("Kedjan", WIDE_START - timedelta(days=400), WIDE_END, progress)
    assert info.value.kind == "lost"
    assert str(info.value).startswith("Anslutningen till databasen bröts")
    assert_clean(info.value, caplog, str(be.password))
    # The server comes back: the same gateway works again.
    cluster.start()
    assert len(be.gateway().list_clinics()) == 5


def test_server_stopped_mid_fetch_of_times(
    private_demo: tuple[PgCluster, Backend], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    cluster, be = private_demo
    # psqlODBC reads the whole result at execute unless it uses a cursor (UseDeclareFetch).
    streaming = replace(be, connection_string=be.connection_string + ";UseDeclareFetch=1;Fetch=100")
    seen: list[int] = []

    def progress(phase: str, done: int, total: int | None) -> None:
        if phase == "online_times" and done > 0:
            seen.append(done)
            if len(seen) == 1:
                cluster.stop()

    with pytest.raises(OpusDatabaseError) as info:
        streaming.gateway().fetch_catalogue(
            "Kedjan", datetime(2025, 1, 1), datetime(2027, 1, 1), progress, batch=200
        )
    assert seen == [200]  # one batch arrived, then the connection was lost
    assert info.value.kind == "lost"
    assert_clean(info.value, caplog, str(be.password))


def test_query_timeout(pg_server: PgCluster, caplog: pytest.LogCaptureFixture) -> None:
    import psycopg

    caplog.set_level(logging.DEBUG)
    db = pg_server.create_database("opus_locked")
    write_chain_odbc(generate_chain(1, 1, 1, seed=1), db.odbc_with_password)
    with psycopg.connect(
        host=str(pg_server.socket_dir),
        port=pg_server.port,
        user=pg_server.superuser,
        dbname=db.name,
    ) as locker:
        locker.execute('LOCK TABLE "Clinic" IN ACCESS EXCLUSIVE MODE')
        gw = OpusGateway(db.odbc, db.password, SchemaMap.default(), timeout=1)
        with pytest.raises(OpusDatabaseError) as info:
            gw.list_clinics()
        locker.rollback()
    assert info.value.kind == "timeout"
    assert str(info.value).startswith("Databasen svarade inte inom 1 sekund.")
    assert_clean(info.value, caplog, db.password)
    assert len(gw.list_clinics()) == 1


def test_freetds_sql_server_down(caplog: pytest.LogCaptureFixture) -> None:
    # The SQL Server driver path: FreeTDS loads; nothing listens on the port.
    import socket

    import pyodbc

    if "FreeTDS" not in pyodbc.drivers():
        pytest.skip("FreeTDS ODBC driver not installed")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again when the test connects
    caplog.set_level(logging.DEBUG)
    secret = "Sql}Server;lösen"
    gw = OpusGateway(
        f"DRIVER={{FreeTDS}};SERVER=127.0.0.1;PORT={port};DATABASE=OpusDental;"
        "UID=opus_tui_read;TDS_Version=7.4",
        secret,
        SchemaMap.default(),
        3,
    )
    with pytest.raises(OpusDatabaseError) as info:
        gw.test_connection()
    assert info.value.kind == "unreachable"
    assert "[FreeTDS]" in str(info.value)
    assert_clean(info.value, caplog, secret)


def test_stream_closed_early_releases_the_connection(backend: Backend) -> None:
    gw = backend.gateway()
    stream = gw.iter_online_times(WIDE_START, WIDE_END, batch=5)
    first = [next(stream) for _ in range(3)]
    stream.close()  # GeneratorExit closes the cursor's connection
    assert first == list(lund_catalogue().times[:3])
    assert len(gw.list_clinics()) == 3
