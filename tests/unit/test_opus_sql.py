"""Schema map loading/validation, the portable SQL builder and the gateway's pure helpers."""

from __future__ import annotations

import re
import sqlite3
from datetime import datetime
from pathlib import Path

import pytest
import tomli_w

from opus_tui.services import opus_sql
from opus_tui.services.opus_db import (
    OpusGateway,
    classify,
    connection_string_with_password,
    driver_name,
    odbc_escape,
    scrub,
)
from opus_tui.services.schema_map import DEFAULT_SCHEMA_MAP_PATH, SchemaMap, SchemaMapError

# -- schema map -----------------------------------------------------------------------------------


def test_default_map_matches_the_demo_schema() -> None:
    m = SchemaMap.default()
    assert m.clinics.table == "Clinic" and m.clinics.column("name") == "Name"
    assert m.practitioner_clinics is not None
    assert m.online_times.column("end") == "EndTime"
    assert m.utc and m.schema is None
    assert set(m.tables()) == {
        "clinics",
        "practitioners",
        "practitioner_clinics",
        "treatments",
        "online_times",
    }


def test_map_round_trips_through_a_user_toml_file(tmp_path: Path) -> None:
    data = SchemaMap.default().to_dict()
    data["schema"] = "dbo"
    data["time_zone"] = "Europe/Stockholm"
    data["clinics"]["table"] = "Företag"
    path = tmp_path / "karta.toml"
    path.write_text(tomli_w.dumps(data), encoding="utf-8")
    loaded = SchemaMap.load(path)
    assert loaded.schema == "dbo" and loaded.clinics.table == "Företag"
    assert not loaded.utc and loaded.source == str(path)
    assert loaded.to_dict() == data


def test_the_shipped_default_file_is_documented_toml() -> None:
    text = DEFAULT_SCHEMA_MAP_PATH.read_text(encoding="utf-8")
    assert text.startswith("# opus-tui schema map")
    assert SchemaMap.from_toml(text) == SchemaMap.default()


def _broken(change: str) -> dict[str, object]:
    data = SchemaMap.default().to_dict()
    if change == "missing section":
        del data["treatments"]
    elif change == "unknown key":
        data["clinics"]["fax"] = "Fax"
    elif change == "missing column":
        del data["online_times"]["start"]
    elif change == "missing table":
        del data["clinics"]["table"]
    elif change == "both clinic links":
        data["practitioners"]["clinic_id"] = "ClinicId"
    elif change == "no clinic link":
        del data["practitioner_clinics"]
    elif change == "quote in name":
        data["clinics"]["name"] = 'Na"me'
    elif change == "semicolon in name":
        data["clinics"]["table"] = "Clinic; DROP TABLE x"
    elif change == "empty name":
        data["clinics"]["city"] = "  "
    elif change == "not text":
        data["clinics"]["city"] = 3
    elif change == "bad zone":
        data["time_zone"] = "Mars/Olympus"
    elif change == "bad version":
        data["version"] = 2
    elif change == "unknown top key":
        data["tabeller"] = {}
    return data


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ("missing section", "avsnittet [treatments] saknas"),
        ("unknown key", "[clinics] har okänd nyckel fax"),
        ("missing column", "[online_times] saknar kolumn start"),
        ("missing table", "[clinics] saknar table"),
        ("both clinic links", "ange antingen [practitioner_clinics] eller practitioners.clinic_id"),
        ("no clinic link", "ange antingen"),
        ("quote in name", "otillåtna tecken"),
        ("semicolon in name", "otillåtna tecken"),
        ("empty name", "clinics.city måste vara ett namn"),
        ("not text", "clinics.city måste vara ett namn"),
        ("bad zone", "okänd tidszon 'Mars/Olympus'"),
        ("bad version", "version 2 stöds inte"),
        ("unknown top key", "okänd nyckel tabeller"),
    ],
)
def test_invalid_maps_are_refused_with_a_clear_message(change: str, words: str) -> None:
    with pytest.raises(SchemaMapError) as info:
        SchemaMap.from_dict(_broken(change), source="min.toml")
    assert str(info.value).startswith("Schemamappningen min.toml: ")
    assert words in str(info.value)


def test_bad_toml_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(SchemaMapError, match="är inte giltig TOML"):
        SchemaMap.from_toml("[clinics\n", source="x.toml")
    with pytest.raises(SchemaMapError, match="kan inte läsas"):
        SchemaMap.load(tmp_path / "saknas.toml")


# -- SQL builder ----------------------------------------------------------------------------------

START, END = datetime(2026, 1, 1), datetime(2026, 2, 1)


def _all_statements(m: SchemaMap) -> list[opus_sql.Statement]:
    return [
        opus_sql.select_clinics(m),
        opus_sql.select_practitioners(m),
        opus_sql.select_practitioners(m, "7"),
        opus_sql.select_treatments(m),
        opus_sql.select_online_times(m, START, END),
        opus_sql.count_online_times(m, START, END),
        *(opus_sql.count_rows(m, s) for s in ("clinics", "practitioners", "treatments")),
    ]


def _alternative_map() -> SchemaMap:
    data = SchemaMap.default().to_dict()
    del data["practitioner_clinics"]
    data["practitioners"]["clinic_id"] = "KlinikNr"
    for optional in ("address", "postcode", "phone", "email"):
        del data["clinics"][optional]
    del data["treatments"]["cancel_in_web"]
    del data["online_times"]["treatment_id"]
    return SchemaMap.from_dict(data)


@pytest.mark.parametrize("m", [SchemaMap.default(), _alternative_map()], ids=["link", "column"])
def test_statements_are_portable(m: SchemaMap) -> None:
    for stmt in _all_statements(m):
        sql = stmt.sql
        upper = sql.upper()
        for word in (" TOP ", " LIMIT ", " OFFSET ", " FETCH ", "ISNULL", "GETDATE", "[", "]"):
            assert word not in upper, (word, sql)
        assert ":" not in sql and "%s" not in sql
        assert sql.count("?") == len(stmt.params)
        # Every identifier is double-quoted: no bare mapped name remains.
        bare = re.sub(r'"[^"]*"', "", sql)
        for table in m.tables().values():
            for name in (table.table, *table.columns.values()):
                assert re.search(rf"\b{re.escape(name)}\b", bare) is None, (name, sql)


def test_schema_qualified_names() -> None:
    m = SchemaMap.from_dict({**SchemaMap.default().to_dict(), "schema": "dbo"})
    sql = opus_sql.select_clinics(m).sql
    assert 'FROM "dbo"."Clinic" c' in sql
    assert opus_sql.quote_ident('a"b') == '"a""b"'


def test_optional_columns_are_left_out() -> None:
    m = _alternative_map()
    clinics = opus_sql.select_clinics(m)
    assert clinics.fields == ("id", "name", "city")
    practitioners = opus_sql.select_practitioners(m, "3")
    assert practitioners.fields[:2] == ("id", "clinic_id")
    assert 'WHERE p."KlinikNr" = ?' in practitioners.sql and practitioners.params == ("3",)
    times = opus_sql.select_online_times(m, START, END)
    assert times.fields == ("practitioner_id", "clinic_id", "start", "end")
    assert times.params == (START, END)


@pytest.mark.parametrize("m", [SchemaMap.default(), _alternative_map()], ids=["link", "column"])
def test_statements_run_on_sqlite(m: SchemaMap) -> None:
    # The DDL, multi-row INSERT and every SELECT execute on a real engine.
    conn = sqlite3.connect(":memory:")
    for ddl in opus_sql.create_tables(m):
        conn.execute(ddl)
    values: dict[str, dict[str, object]] = {
        "clinics": {"id": 1, "name": "A", "city": "LUND"},
        "practitioners": {"id": 7, "first_name": "Olle", "last_name": "Ohlsson", "clinic_id": 1},
        "practitioner_clinics": {"practitioner_id": 7, "clinic_id": 1},
        "treatments": {"id": 1, "name": "Akutbesök"},
        "online_times": {
            "practitioner_id": 7,
            "clinic_id": 1,
            "start": "2026-01-10 08:00:00.000",
            "end": "2026-01-10 08:30:00.000",
            "treatment_id": 1,
        },
    }
    for section, table in m.tables().items():
        stmt = opus_sql.insert_rows(m, section, 2)
        assert stmt.sql.count("?") == 2 * len(table.columns)
        row = [values[section].get(f) for f in stmt.fields]
        if section == "online_times":
            conn.execute(stmt.sql, row + row)
        else:
            conn.execute(opus_sql.insert_rows(m, section, 1).sql, row)
    for stmt in _all_statements(m):
        params = [
            p.strftime("%Y-%m-%d %H:%M:%S.000") if isinstance(p, datetime) else p
            for p in stmt.params
        ]
        cursor = conn.execute(stmt.sql, params)
        assert len(cursor.description) == len(stmt.fields)
        rows = cursor.fetchall()
        expected = 0 if stmt.params == ("7",) else 2 if "start" in stmt.fields else 1
        if stmt.fields == ("count",):
            expected = 1
        assert len(rows) == expected, stmt.sql
    times = opus_sql.select_online_times(m, START, END)
    assert len(conn.execute(times.sql, [str(START), str(END)]).fetchall()) == 2


# -- connection strings, secrets, error kinds -----------------------------------------------------


def test_password_is_added_in_braces() -> None:
    cs = "DRIVER={PostgreSQL Unicode};SERVER=db;UID=opus;"
    assert connection_string_with_password(cs, "a;b}c") == (
        "DRIVER={PostgreSQL Unicode};SERVER=db;UID=opus;PWD={a;b}}c}"
    )
    assert connection_string_with_password(cs, None) == cs.rstrip(";")
    # An old PWD in the profile string is replaced, not duplicated.
    assert connection_string_with_password("DSN=x;pwd={old;}}x};UID=u", "new") == (
        "DSN=x;UID=u;PWD={new}"
    )
    assert odbc_escape("}") == "{}}}"


def test_scrub_removes_every_form_of_the_password() -> None:
    secret = "Topp;Hemligt}"
    text = (
        "failed for DRIVER={X};PWD={Topp;Hemligt}}};UID=u and Password=abc; "
        "also raw Topp;Hemligt} here"
    )
    out = scrub(text, secret)
    assert "Hemligt" not in out and "abc" not in out
    assert "PWD=***" in out and "Password=***" in out and "UID=u" in out


def test_driver_name() -> None:
    assert driver_name("Driver={ODBC Driver 18 for SQL Server};Server=x") == (
        "ODBC Driver 18 for SQL Server"
    )
    assert driver_name("DRIVER=FreeTDS;SERVER=x") == "FreeTDS"
    assert driver_name("DSN=opus") == ""


@pytest.mark.parametrize(
    ("state", "text", "phase", "kind"),
    [
        (
            "01000",
            "[unixODBC][Driver Manager]Can't open lib 'X' : file not found",
            "connect",
            "driver",
        ),
        (
            "IM002",
            "Data source name not found and no default driver specified",
            "connect",
            "driver",
        ),
        ("08001", 'FATAL:  password authentication failed for user "opus"', "connect", "login"),
        ("28000", "Login failed for user 'opus'.", "connect", "login"),
        ("08001", "Connection refused\n\tIs the server running", "connect", "unreachable"),
        ("HYT00", "Login timeout expired", "connect", "timeout"),
        ("HYT00", "Query timeout expired", "query", "timeout"),
        ("57P01", "server closed the connection unexpectedly", "query", "lost"),
        ("08S01", "Communication link failure", "query", "lost"),
        ("42S02", "Invalid object name 'Clinic'.", "query", "schema"),
        ("42P01", 'relation "Clinic" does not exist', "query", "schema"),
        ("HY000", "no such table: Clinic", "query", "schema"),
        ("22003", "Numeric value out of range", "query", "query"),
    ],
)
def test_classify(state: str, text: str, phase: str, kind: str) -> None:
    assert classify(state, text, phase) == kind  # type: ignore[arg-type]


def test_gateway_repr_hides_the_password() -> None:
    gw = OpusGateway("DRIVER={SQLite3};Database=x.db;PWD=inline", "lösen", SchemaMap.default())
    assert "inline" not in repr(gw) and "lösen" not in repr(gw)


def test_gateway_for_profile_loads_the_schema_map(tmp_path: Path) -> None:
    from opus_tui.domain.connections import DatabaseProfile
    from opus_tui.services.opus_db import OpusDatabaseError, gateway_for_profile

    default = gateway_for_profile(
        DatabaseProfile(name="Opus Lund", connection_string="DRIVER={SQLite3};Database=x.db"),
        None,
    )
    assert default.database_name == "Opus Lund" and default.schema == SchemaMap.default()
    data = SchemaMap.default().to_dict()
    data["schema"] = "dbo"
    path = tmp_path / "karta.toml"
    path.write_text(tomli_w.dumps(data), encoding="utf-8")
    custom = gateway_for_profile(
        DatabaseProfile(name="x", connection_string="DSN=opus", schema_map=str(path)), "pw", 5
    )
    assert custom.schema.schema == "dbo" and custom.timeout == 5
    path.write_text("[clinics]\n", encoding="utf-8")
    with pytest.raises(OpusDatabaseError) as info:
        gateway_for_profile(
            DatabaseProfile(name="x", connection_string="DSN=opus", schema_map=str(path)), None
        )
    assert info.value.kind == "schema"
    assert str(info.value).startswith(f"Schemamappningen {path}: ")


def test_gateway_modules_import_no_heavy_packages() -> None:
    import subprocess
    import sys

    code = (
        "import sys, opus_tui.services.opus_db, opus_tui.services.demo; "
        "print(sorted(m for m in ('pyodbc', 'textual', 'sqlalchemy') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_missing_unixodbc_is_a_driver_error() -> None:
    # Without unixODBC `import pyodbc` fails; simulated in a child process.
    import subprocess
    import sys

    code = (
        "import sys; sys.modules['pyodbc'] = None\n"
        "from opus_tui.services.opus_db import OpusGateway, OpusDatabaseError\n"
        "from opus_tui.services.schema_map import SchemaMap\n"
        "try:\n"
        "    OpusGateway('DRIVER={SQLite3};Database=x', 'pw', SchemaMap.default()).list_clinics()\n"
        "except OpusDatabaseError as e:\n"
        "    print(e.kind, '|', e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.startswith("driver | ODBC-stödet (unixODBC, libodbc) saknas")


def test_parse_connection_string() -> None:
    from opus_tui.services.opus_db import parse_connection_string

    parsed = parse_connection_string(
        "Driver={ODBC Driver 18 for SQL Server};Server=tcp:x,1433;pwd={a;b}}c};Encrypt=yes;"
    )
    assert parsed == {
        "DRIVER": "ODBC Driver 18 for SQL Server",
        "SERVER": "tcp:x,1433",
        "PWD": "a;b}c",
        "ENCRYPT": "yes",
    }
    assert parse_connection_string("DSN=opus") == {"DSN": "opus"}


def test_missing_sqlite_file_is_reported_not_created(tmp_path: Path) -> None:
    from opus_tui.services.opus_db import OpusDatabaseError, missing_sqlite_file

    path = tmp_path / "saknas.db"
    gw = OpusGateway(f"DRIVER={{SQLite3}};Database={path}", None, SchemaMap.default(), 3)
    with pytest.raises(OpusDatabaseError) as info:
        gw.list_clinics()
    assert info.value.kind == "unreachable"
    assert str(info.value) == (
        f"Databasfilen {path} finns inte. Kontrollera Database= i anslutningen."
    )
    assert not path.exists()
    assert missing_sqlite_file(f"DRIVER={{SQLite3}};Database=file:{path}?mode=ro") == path
    assert missing_sqlite_file("DRIVER={SQLite3};Database=:memory:") is None
    assert missing_sqlite_file("DRIVER={FreeTDS};DATABASE=/nope") is None
