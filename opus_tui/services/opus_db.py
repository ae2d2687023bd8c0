"""The Opus database gateway: clinics, practitioners, treatments and online times over ODBC.

Blocking (pyodbc): call it from a thread worker. Each call opens its own connection
(``autocommit``, read-only use) and closes it. Every failure is an :class:`OpusDatabaseError`
with a Swedish message that includes the driver's text but never the password.
All SQL lives in :mod:`opus_tui.services.opus_sql`; names come from the schema map.

Typical use::

    gw = OpusGateway(profile.connection_string, password, SchemaMap.default(), timeout=15,
                     database_name=profile.name)
    catalogue = gw.fetch_catalogue(profile.name, start, end, progress=on_progress)
"""

from __future__ import annotations

import contextlib
import logging
import re
import threading
import time
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from zoneinfo import ZoneInfo

from opus_tui.domain.catalogue import (
    Catalogue,
    CatalogueClinic,
    CataloguePractitioner,
    CatalogueTreatment,
    OnlineTime,
    OnlineTimes,
    TimeRow,
)
from opus_tui.services import opus_sql
from opus_tui.services.paths import expanded
from opus_tui.services.schema_map import SchemaMap, SchemaMapError

if TYPE_CHECKING:
    from opus_tui.domain.connections import DatabaseProfile

log = logging.getLogger(__name__)

ErrorKind = Literal["driver", "login", "unreachable", "timeout", "lost", "schema", "query"]
# (phase, done, total): phase is one of PHASES; total is None when unknown.
ProgressCallback = Callable[[str, int, int | None], None]
PHASES: dict[str, str] = {
    "clinics": "Kliniker",
    "practitioners": "Behandlare",
    "treatments": "Behandlingar",
    "online_times": "E-tider",
}
DEFAULT_BATCH = 5000

_SUMMARIES: dict[ErrorKind, str] = {
    "driver": "ODBC-drivrutinen saknas eller är okänd.",
    "login": "Inloggningen till databasen misslyckades: fel användarnamn eller lösenord.",
    "unreachable": "Databasservern kan inte nås. Kontrollera att den är igång, server och port.",
    "timeout": "Databasen svarade inte i tid.",
    "lost": "Anslutningen till databasen bröts under hämtningen.",
    "schema": "En tabell eller kolumn finns inte i databasen. Kontrollera schemamappningen.",
    "query": "Databasfrågan misslyckades.",
}


class OpusDatabaseError(Exception):
    """A failed call to an Opus database. ``str(exc)`` is a Swedish message for the user."""

    def __init__(
        self,
        kind: ErrorKind,
        message: str,
        *,
        driver_message: str = "",
        sqlstate: str = "",
    ) -> None:
        super().__init__(message)
        self.kind: ErrorKind = kind
        self.message = message
        self.driver_message = driver_message
        self.sqlstate = sqlstate

    def __str__(self) -> str:
        return self.message


# -- connection strings and secrets -------------------------------------------------------------

_SECRET_KEY_RE = re.compile(
    r"(?i)\b(PWD|PASSWORD)(\s*=\s*)(\{(?:[^}]|\}\})*\}?|[^;]*)",
)
_DRIVER_RE = re.compile(r"(?i)\bDRIVER\s*=\s*(\{(?:[^}]|\}\})*\}|[^;]*)")


def odbc_escape(value: str) -> str:
    """An ODBC connection-string value in braces (``}`` doubled)."""
    return "{" + value.replace("}", "}}") + "}"


def connection_string_with_password(connection_string: str, password: str | None) -> str:
    """The profile's connection string plus ``PWD={…}`` (the password is stored apart)."""
    base = connection_string.strip().rstrip(";")
    if password is None:
        return base
    base = _SECRET_KEY_RE.sub("", base)
    base = re.sub(r";{2,}", ";", base).strip(";")
    return f"{base};PWD={odbc_escape(password)}"


def scrub(text: str, password: str | None = None) -> str:
    """``text`` with ``PWD=…``/``Password=…`` values and the password itself replaced by ***."""
    out = _SECRET_KEY_RE.sub(lambda m: f"{m.group(1)}{m.group(2)}***", text)
    if password:
        for variant in {password, odbc_escape(password), password.replace("}", "}}")}:
            out = out.replace(variant, "***")
    return out


def driver_name(connection_string: str) -> str:
    m = _DRIVER_RE.search(connection_string)
    if not m:
        return ""
    value = m.group(1).strip()
    if value.startswith("{") and value.endswith("}"):
        value = value[1:-1].replace("}}", "}")
    return value


def parse_connection_string(connection_string: str) -> dict[str, str]:
    """``KEY=value;…`` (values possibly in braces) as a dict with upper-case keys."""
    out: dict[str, str] = {}
    i, text = 0, connection_string
    while i < len(text):
        eq = text.find("=", i)
        if eq < 0:
            break
        key = text[i:eq].strip().strip(";").strip().upper()
        j = eq + 1
        if j < len(text) and text[j] == "{":
            k, value = j + 1, []
            while k < len(text):
                if text[k] == "}":
                    if text[k + 1 : k + 2] == "}":
                        value.append("}")
                        k += 2
                        continue
                    break
                value.append(text[k])
                k += 1
            out[key] = "".join(value)
            end = text.find(";", k)
        else:
            end = text.find(";", j)
            out[key] = text[j : end if end >= 0 else len(text)].strip()
        if end < 0:
            break
        i = end + 1
    return out


def missing_sqlite_file(connection_string: str) -> Path | None:
    """The database file of a SQLite ODBC string when it does not exist (the SQLite drivers
    would silently create an empty one)."""
    parts = parse_connection_string(connection_string)
    if "SQLITE" not in parts.get("DRIVER", "").upper():
        return None
    name = parts.get("DATABASE", "")
    if not name or name == ":memory:":
        return None
    if name.startswith("file:"):
        name = name[len("file:") :].split("?", 1)[0]
        if name.startswith("//"):
            name = name[2:]
    path = expanded(name)
    return None if path.exists() else path


# -- value conversion ---------------------------------------------------------------------------


def _id(value: object) -> str:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _text(value: object) -> str:
    if value is None:
        return ""
    return str(value).strip()


def _bool(value: object, default: bool = True) -> bool:
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value != 0
    if isinstance(value, bytes):
        return any(value)
    return str(value).strip().lower() in {"1", "true", "t", "yes", "y", "ja", "j"}


def _int(value: object, default: int) -> int:
    if value is None:
        return default
    try:
        return int(value)  # type: ignore[call-overload,no-any-return]
    except (TypeError, ValueError):
        return default


def _datetime(value: object) -> datetime:
    if isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value).strip())


def to_naive_utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        return value
    return value.astimezone(UTC).replace(tzinfo=None)


def utc_now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


# -- error mapping ------------------------------------------------------------------------------

_LOGIN_WORDS = ("password authentication failed", "login failed", "authentication failed")
_UNREACHABLE_WORDS = (
    "could not connect",
    "connection refused",
    "unable to connect",
    "could not translate host name",
    "server was not found",
    "no route to host",
    "name or service not known",
    "network is unreachable",
    "server is not found",
)
_LOST_WORDS = ("connection has been lost", "connection lost", "server closed the connection")
_LOST_STATES = {"08S01", "08003", "08006", "08007", "57P01", "57P02", "57P03"}


def _split_pyodbc_error(exc: BaseException) -> tuple[str, str]:
    args: tuple[Any, ...] = tuple(getattr(exc, "args", ()))
    if len(args) >= 2 and isinstance(args[0], str) and isinstance(args[1], str):
        return args[0], args[1]
    return "", str(exc)


def classify(sqlstate: str, text: str, phase: Literal["connect", "query"]) -> ErrorKind:
    """Map an ODBC SQLSTATE and driver text to an error kind."""
    low = text.lower()
    state = sqlstate.upper()
    if (
        state in {"IM002", "IM003", "IM004"}
        or "can't open lib" in low
        or ("data source name not found" in low)
    ):
        return "driver"
    if state in {"28000", "28P01"} or any(w in low for w in _LOGIN_WORDS):
        return "login"
    if state in {"HYT00", "HYT01"} or "timeout expired" in low or "statement timeout" in low:
        return "timeout"
    if phase == "connect":
        return "unreachable"
    if state in _LOST_STATES or any(w in low for w in _LOST_WORDS):
        return "lost"
    if (
        state in {"42S02", "42S22", "42P01", "42703"}
        or "no such table" in low
        or ("no such column" in low)
    ):
        return "schema"
    if any(w in low for w in _UNREACHABLE_WORDS):
        return "lost"
    return "query"


@dataclass(slots=True)
class _Session:
    conn: Any  # pyodbc.Connection
    native_timeout: bool  # the driver enforces the query timeout itself


# -- the gateway --------------------------------------------------------------------------------


class OpusGateway:
    """Reads one Opus database (a configured profile) through pyodbc."""

    def __init__(
        self,
        profile_connection_string: str,
        password: str | None,
        schema: SchemaMap,
        timeout: int = 15,
        *,
        database_name: str = "",
    ) -> None:
        self._connection_string = profile_connection_string
        self._password = password
        self.schema = schema
        self.timeout = max(0, int(timeout))
        self.database_name = database_name
        self._zone = None if schema.utc else ZoneInfo(schema.time_zone)

    def __repr__(self) -> str:
        return (
            f"OpusGateway({scrub(self._connection_string, self._password)!r}, "
            f"database_name={self.database_name!r})"
        )

    # -- public API ----------------------------------------------------------------------------
    def list_clinics(self) -> list[CatalogueClinic]:
        with self._connection() as conn:
            return self._clinics(conn, self.database_name)

    def list_practitioners(self, clinic_id: str | None = None) -> list[CataloguePractitioner]:
        with self._connection() as conn:
            return self._practitioners(conn, self.database_name, clinic_id)

    def list_treatments(self) -> list[CatalogueTreatment]:
        with self._connection() as conn:
            return self._treatments(conn, self.database_name)

    def iter_online_times(
        self, start: datetime, end: datetime, batch: int = DEFAULT_BATCH
    ) -> Generator[OnlineTime, None, None]:
        """Free times starting in [start, end) (naive UTC), streamed with ``fetchmany``.

        The connection stays open until the generator is exhausted or closed (``.close()``)."""
        with self._connection() as conn:
            for rows in self._time_batches(conn, self.database_name, start, end, batch):
                for row in rows:
                    yield OnlineTime(*row)

    def fetch_catalogue(
        self,
        database_name: str,
        start: datetime,
        end: datetime,
        progress: ProgressCallback | None = None,
        batch: int = DEFAULT_BATCH,
    ) -> Catalogue:
        """Everything in one connection. ``progress(phase, done, total)`` after each step and
        batch; an exception raised by ``progress`` aborts the fetch and propagates unchanged."""
        began = time.perf_counter()
        report = progress or (lambda phase, done, total: None)
        with self._connection() as conn:
            clinics = self._clinics(conn, database_name)
            report("clinics", len(clinics), len(clinics))
            practitioners = self._practitioners(conn, database_name, None)
            report("practitioners", len(practitioners), len(practitioners))
            treatments = self._treatments(conn, database_name)
            report("treatments", len(treatments), len(treatments))
            total = self._scalar(
                conn, opus_sql.count_online_times(self.schema, *self._range(start, end))
            )
            report("online_times", 0, total)
            # Each batch goes straight into the columns: no OnlineTime per time is kept.
            times = OnlineTimes()
            for rows in self._time_batches(conn, database_name, start, end, batch):
                times.extend_rows(rows)
                report("online_times", len(times), max(total, len(times)))
        log.info(
            "Fetched catalogue %r: %d clinics, %d practitioners, %d treatments, %d times in %.2fs",
            database_name,
            len(clinics),
            len(practitioners),
            len(treatments),
            len(times),
            time.perf_counter() - began,
        )
        return Catalogue(
            source="database",
            fetched_at=utc_now(),
            databases=(database_name,),
            clinics=tuple(clinics),
            practitioners=tuple(practitioners),
            treatments=tuple(treatments),
            times=times,
        )

    def test_connection(self) -> str:
        """Connect, read the mapped tables' sizes and say so (Swedish)."""
        import pyodbc

        with self._connection() as conn:
            counts = {
                section: self._scalar(conn, opus_sql.count_rows(self.schema, section))
                for section in ("clinics", "practitioners", "treatments")
            }
            info = conn.conn.getinfo
            try:
                dbms = f"{info(pyodbc.SQL_DBMS_NAME)} {info(pyodbc.SQL_DBMS_VER)}"
                drv = f"{info(pyodbc.SQL_DRIVER_NAME)} {info(pyodbc.SQL_DRIVER_VER)}"
            except pyodbc.Error:
                dbms, drv = "okänd databas", driver_name(self._connection_string)
        return (
            f"Anslutningen fungerar: {dbms} via {drv}. "
            f"{counts['clinics']} kliniker, {counts['practitioners']} behandlare, "
            f"{counts['treatments']} behandlingar."
        )

    # -- connection, execution, errors ---------------------------------------------------------
    def _error(self, exc: BaseException, phase: Literal["connect", "query"]) -> OpusDatabaseError:
        sqlstate, raw = _split_pyodbc_error(exc)
        text = scrub(raw, self._password).strip()
        kind = classify(sqlstate, text, phase)
        return self._make_error(kind, text, sqlstate)

    def _make_error(
        self, kind: ErrorKind, text: str, sqlstate: str = "", *, summary: str | None = None
    ) -> OpusDatabaseError:
        if summary is not None:
            pass
        elif kind == "driver":
            try:
                import pyodbc

                installed = ", ".join(pyodbc.drivers()) or "inga"
            except ImportError:
                installed = None
            name = driver_name(self._connection_string) or "?"
            if installed is None:
                summary = "ODBC-stödet (unixODBC, libodbc) saknas på den här datorn."
            else:
                summary = (
                    f"ODBC-drivrutinen {name!r} saknas eller är okänd. "
                    f"Installerade drivrutiner: {installed}."
                )
        elif kind == "unreachable" and "certificate" in text.lower():
            summary = _SUMMARIES[kind] + (
                " Serverns certifikat godtogs inte: installera det som betrott "
                "(eller lägg till TrustServerCertificate=yes)."
            )
        elif kind == "timeout" and self.timeout:
            unit = "sekund" if self.timeout == 1 else "sekunder"
            summary = f"Databasen svarade inte inom {self.timeout} {unit}."
        else:
            summary = _SUMMARIES[kind]
        message = f"{summary} Drivrutinens svar: {text}" if text else summary
        message = scrub(message, self._password)
        log.warning("Opus database error (%s, %s): %s", kind, sqlstate or "-", message)
        return OpusDatabaseError(kind, message, driver_message=text, sqlstate=sqlstate)

    @contextlib.contextmanager
    def _connection(self) -> Iterator[_Session]:
        try:
            import pyodbc
        except ImportError as exc:  # unixODBC missing
            raise self._make_error("driver", scrub(str(exc), self._password)) from None
        missing = missing_sqlite_file(self._connection_string)
        if missing is not None:
            raise self._make_error(
                "unreachable",
                "",
                summary=f"Databasfilen {missing} finns inte. Kontrollera Database= i anslutningen.",
            ) from None
        conn_str = connection_string_with_password(self._connection_string, self._password)
        try:
            conn = pyodbc.connect(conn_str, autocommit=True, timeout=self.timeout)
        except pyodbc.Error as exc:
            raise self._error(exc, "connect") from None
        del conn_str
        native_timeout = False
        if self.timeout:
            try:
                conn.timeout = self.timeout
                native_timeout = True
            except pyodbc.Error:
                native_timeout = False  # e.g. psqlODBC: use the watchdog instead
        try:
            yield _Session(conn, native_timeout)
        finally:
            with contextlib.suppress(Exception):
                conn.close()

    def _execute(self, conn: _Session, stmt: opus_sql.Statement) -> Any:
        import pyodbc

        cursor = conn.conn.cursor()
        fired = threading.Event()
        timer: threading.Timer | None = None
        # The watchdog may cancel only while execute runs, and execute's caller waits for a
        # running cancel to finish (closing the connection under SQLCancel crashes the driver).
        lock = threading.Lock()
        running = [True]
        if self.timeout and not conn.native_timeout:

            def cancel() -> None:
                with lock:
                    if not running[0]:
                        return
                    fired.set()
                    with contextlib.suppress(Exception):
                        cursor.cancel()

            timer = threading.Timer(self.timeout, cancel)
            timer.daemon = True
            timer.start()
        try:
            cursor.execute(stmt.sql, *stmt.params)
        except pyodbc.Error as exc:
            self._stop_watchdog(timer, lock, running)
            if fired.is_set():
                sqlstate, raw = _split_pyodbc_error(exc)
                raise self._make_error("timeout", scrub(raw, self._password), sqlstate) from None
            raise self._error(exc, "query") from None
        finally:
            self._stop_watchdog(timer, lock, running)
        return cursor

    @staticmethod
    def _stop_watchdog(
        timer: threading.Timer | None, lock: threading.Lock, running: list[bool]
    ) -> None:
        if timer is None:
            return
        with lock:  # waits for a cancel in progress
            running[0] = False
        timer.cancel()
        timer.join()

    def _fetchall(self, conn: _Session, stmt: opus_sql.Statement) -> list[Any]:
        import pyodbc

        cursor = self._execute(conn, stmt)
        try:
            return list(cursor.fetchall())
        except pyodbc.Error as exc:
            raise self._error(exc, "query") from None

    def _scalar(self, conn: _Session, stmt: opus_sql.Statement) -> int:
        rows = self._fetchall(conn, stmt)
        return int(rows[0][0]) if rows else 0

    def _range(self, start: datetime, end: datetime) -> tuple[datetime, datetime]:
        start, end = to_naive_utc(start), to_naive_utc(end)
        if self._zone is None:
            return start, end
        return self._to_db_time(start), self._to_db_time(end)

    def _to_db_time(self, value: datetime) -> datetime:
        assert self._zone is not None
        return value.replace(tzinfo=UTC).astimezone(self._zone).replace(tzinfo=None)

    # -- row mapping ---------------------------------------------------------------------------
    def _clinics(self, conn: _Session, database: str) -> list[CatalogueClinic]:
        stmt = opus_sql.select_clinics(self.schema)
        rows = self._fetchall(conn, stmt)
        out: list[CatalogueClinic] = []
        for row in rows:
            values = dict(zip(stmt.fields, row, strict=True))
            out.append(
                CatalogueClinic(
                    database=database,
                    clinic_id=_id(values["id"]),
                    name=_text(values["name"]),
                    address=_text(values.get("address")),
                    postcode=_text(values.get("postcode")),
                    city=_text(values.get("city")),
                    phone=_text(values.get("phone")),
                    email=_text(values.get("email")),
                )
            )
        return out

    def _practitioners(
        self, conn: _Session, database: str, clinic_id: str | None
    ) -> list[CataloguePractitioner]:
        stmt = opus_sql.select_practitioners(self.schema, clinic_id)
        rows = self._fetchall(conn, stmt)
        out: list[CataloguePractitioner] = []
        for row in rows:
            values = dict(zip(stmt.fields, row, strict=True))
            out.append(
                CataloguePractitioner(
                    database=database,
                    practitioner_id=_id(values["id"]),
                    clinic_id=_id(values["clinic_id"]),
                    first_name=_text(values["first_name"]),
                    last_name=_text(values["last_name"]),
                    title=_text(values.get("title")),
                    active=_bool(values.get("active"), True),
                )
            )
        return out

    def _treatments(self, conn: _Session, database: str) -> list[CatalogueTreatment]:
        stmt = opus_sql.select_treatments(self.schema)
        rows = self._fetchall(conn, stmt)
        out: list[CatalogueTreatment] = []
        for row in rows:
            values = dict(zip(stmt.fields, row, strict=True))
            out.append(
                CatalogueTreatment(
                    database=database,
                    treatment_id=_id(values["id"]),
                    name=_text(values["name"]),
                    description=_text(values.get("description")),
                    duration_minutes=_int(values.get("duration_minutes"), 30),
                    create_in_web=_bool(values.get("create_in_web"), True),
                    change_in_web=_bool(values.get("change_in_web"), True),
                    cancel_in_web=_bool(values.get("cancel_in_web"), True),
                )
            )
        return out

    def _time_batches(
        self,
        conn: _Session,
        database: str,
        start: datetime,
        end: datetime,
        batch: int,
    ) -> Iterator[Iterator[TimeRow]]:
        """Each ``fetchmany`` batch as rows, converted while they are read."""
        import pyodbc

        stmt = opus_sql.select_online_times(self.schema, *self._range(start, end))
        cursor = self._execute(conn, stmt)
        convert = self._time_converter(database, stmt.fields, cursor.description)
        fetch = cursor.fetchmany
        batch = max(1, batch)
        while True:
            try:
                rows = fetch(batch)
            except pyodbc.Error as exc:
                raise self._error(exc, "query") from None
            if not rows:
                return
            yield convert(rows)

    def _time_converter(
        self, database: str, fields: Sequence[str], description: Sequence[Any] | None
    ) -> Callable[[Sequence[Any]], Iterator[TimeRow]]:
        has_treatment = "treatment_id" in fields
        zone = self._zone
        ids = _IdCache()
        tids = _OptionalIdCache()
        # Fast path: the driver says both columns are timestamps and no zone conversion.
        typed = description is not None and all(
            description[i][1] is datetime for i in (fields.index("start"), fields.index("end"))
        )

        def when(value: object) -> datetime:
            dt = value if type(value) is datetime else _datetime(value)
            if zone is not None:
                dt = dt.replace(tzinfo=zone).astimezone(UTC).replace(tzinfo=None)
            return dt

        def convert(rows: Sequence[Any]) -> Iterator[TimeRow]:
            # A generator: each tuple lives only until OnlineTimes.extend_rows has read it.
            if typed and zone is None and has_treatment:
                return ((database, ids[r[0]], ids[r[1]], r[2], r[3], tids[r[4]]) for r in rows)
            if typed and zone is None:
                return ((database, ids[r[0]], ids[r[1]], r[2], r[3], None) for r in rows)
            return (
                (
                    database,
                    ids[r[0]],
                    ids[r[1]],
                    when(r[2]),
                    when(r[3]),
                    tids[r[4]] if has_treatment else None,
                )
                for r in rows
            )

        return convert


class _IdCache(dict[object, str]):
    """Identifier → str, computed once per distinct value (ids repeat across many rows)."""

    def __missing__(self, key: object) -> str:
        value = self[key] = _id(key)
        return value


class _OptionalIdCache(dict[object, str | None]):
    """As :class:`_IdCache`, with ``None`` kept as ``None``."""

    def __missing__(self, key: object) -> str | None:
        value = self[key] = None if key is None else _id(key)
        return value


def gateway_for_profile(
    profile: DatabaseProfile, password: str | None, timeout: int = 15
) -> OpusGateway:
    """A gateway for a configured profile (Konfiguration › Databaser).

    Loads the profile's schema map (empty: the default); a bad map raises
    :class:`OpusDatabaseError` of kind ``"schema"`` with the map's own message.
    """
    try:
        schema = SchemaMap.load(profile.schema_map) if profile.schema_map else SchemaMap.default()
    except SchemaMapError as exc:
        log.warning("Schema map error: %s", exc)
        raise OpusDatabaseError("schema", str(exc)) from None
    return OpusGateway(
        profile.connection_string, password, schema, timeout, database_name=profile.name
    )


def merge_catalogues(catalogues: Sequence[Catalogue]) -> Catalogue:
    """One catalogue from several databases' catalogues (oldest ``fetched_at`` wins)."""
    if not catalogues:
        return Catalogue(source="database", fetched_at=None)
    stamps = [c.fetched_at for c in catalogues if c.fetched_at is not None]
    sources = {c.source for c in catalogues}
    source = catalogues[0].source if len(sources) == 1 else "snapshot"
    return Catalogue(
        source=source,
        fetched_at=min(stamps) if stamps else None,
        databases=tuple(d for c in catalogues for d in c.databases),
        clinics=tuple(x for c in catalogues for x in c.clinics),
        practitioners=tuple(x for c in catalogues for x in c.practitioners),
        treatments=tuple(x for c in catalogues for x in c.treatments),
        times=OnlineTimes.concat(c.times for c in catalogues),
    )
