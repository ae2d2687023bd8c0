"""Plain DB-API access to the store: stdlib ``sqlite3`` for SQLite, psycopg 3 for PostgreSQL.

No SQLAlchemy here: an up-to-date store opens and is used without importing it (start-up time
and memory, issue 8). SQLModel (``tables.py``) and Alembic define and migrate the schema; they
load only when a store must be created or migrated (``engine.migrate``), which
``Database.stored_revision`` decides with plain SQL.

SQL is written once with ``?`` parameters (rewritten to ``%s`` for psycopg). SQLite connections
use WAL, ``foreign_keys=ON`` and a busy timeout, and run in autocommit mode so that transactions
start with our own ``BEGIN`` (``BEGIN IMMEDIATE`` for writes: the write lock up front). On
PostgreSQL a write transaction takes a transaction-scoped advisory lock.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote, urlsplit

from opus_tui.store.errors import StoreError
from opus_tui.store.location import describe

# The newest migration; a test checks it against migrations/versions. A store at this revision
# opens without importing Alembic.
HEAD_REVISION = "0001"
BUSY_TIMEOUT_MS = 10_000
# Key of the PostgreSQL advisory lock that serialises config saves.
PG_LOCK_KEY = 0x0905_7001
STREAM_BATCH = 5000
PG_CONNECT_TIMEOUT_S = 10


def normalise_url(url: str) -> str:
    """The store's URL as SQLAlchemy/Alembic take it: PostgreSQL always through psycopg 3."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def sqlite_file(url: str) -> str:
    """The file name sqlite3 opens for ``sqlite:///path`` (``sqlite+pysqlite:///path`` too);
    ``sqlite://`` is an in-memory database."""
    _, _, rest = url.partition("://")
    if rest in ("", "/", "/:memory:"):
        return ":memory:"
    return rest.removeprefix("/").partition("?")[0]


def pg_conninfo(url: str) -> str:
    """A libpq URI for psycopg: the SQLAlchemy driver suffix dropped (``+psycopg``)."""
    scheme, _, rest = url.partition("://")
    return f"{scheme.partition('+')[0]}://{rest}".replace("postgres://", "postgresql://", 1)


def password_of(url: str) -> str | None:
    try:
        return urlsplit(url).password
    except ValueError:
        return None


def sqlite_datetime(value: datetime) -> str:
    """SQLAlchemy's storage format for DATETIME on SQLite, kept for existing stores."""
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.isoformat(" ", "microseconds")


def naive_utc(value: datetime) -> datetime:
    return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo is not None else value


def parse_datetime(value: Any) -> datetime | None:
    """A datetime column's value as read: text on SQLite, ``datetime`` on PostgreSQL."""
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(value)


def friendly_error(exc: BaseException, url: str) -> StoreError:
    """A Swedish message for a failure to open or use the store (never the password)."""
    where = describe(url)
    raw = str(getattr(exc, "orig", None) or exc).strip()
    text = raw.splitlines()[0] if raw else type(exc).__name__
    lowered = text.lower()
    if "not a database" in lowered or "malformed" in lowered:
        return StoreError(f"butiken {where} är ingen SQLite-databas (eller är skadad)")
    if "readonly" in lowered or "read-only" in lowered:
        return StoreError(f"butiken {where} är skrivskyddad")
    if is_sqlite(url):
        return StoreError(f"kan inte öppna butiken {where}: {text}")
    # Drop anything that could echo the connection string.
    password = password_of(url)
    if password:
        for form in {password, unquote(password)}:
            text = text.replace(form, "***")
    return StoreError(f"kan inte ansluta till butiken {where}: {text}")


class Transaction:
    """One transaction on one connection; SQL with ``?`` parameters."""

    __slots__ = ("_connection", "_cursor", "sqlite")

    def __init__(self, connection: Any, sqlite: bool) -> None:
        self._connection = connection
        self._cursor = connection.cursor()
        self.sqlite = sqlite

    def close(self) -> None:
        self._cursor.close()

    def _sql(self, sql: str) -> str:
        return sql if self.sqlite else _pg_sql(sql)

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        """Run one statement; returns the cursor (``fetchone``/``fetchall``/``rowcount``)."""
        self._cursor.execute(self._sql(sql), params)
        return self._cursor

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        self._cursor.executemany(self._sql(sql), rows)

    def all(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        rows: list[tuple[Any, ...]] = self.execute(sql, params).fetchall()
        return rows

    def one(self, sql: str, params: Sequence[Any] = ()) -> tuple[Any, ...] | None:
        row: tuple[Any, ...] | None = self.execute(sql, params).fetchone()
        return row

    def scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        row = self.one(sql, params)
        return None if row is None else row[0]

    def insert_id(self, sql: str, params: Sequence[Any]) -> int:
        """Run an INSERT into a table with an ``id`` key; the new row's id."""
        if self.sqlite:
            return int(self.execute(sql, params).lastrowid)
        return int(self.execute(f"{sql} RETURNING id", params).fetchone()[0])

    def dt(self, value: datetime | None) -> Any:
        """A datetime parameter: naive UTC; on SQLite as SQLAlchemy stored it (text)."""
        if value is None:
            return None
        return sqlite_datetime(value) if self.sqlite else naive_utc(value)

    def stream(self, sql: str, size: int = STREAM_BATCH) -> Iterator[list[tuple[Any, ...]]]:
        """The rows of a query in batches of ``size`` (never all at once: on PostgreSQL a
        server-side cursor; sqlite3 steps through the result as it is fetched)."""
        cursor = (
            self._connection.cursor()
            if self.sqlite
            else self._connection.cursor(name="opus_stream")
        )
        try:
            cursor.execute(self._sql(sql))
            while batch := cursor.fetchmany(size):
                yield batch
        finally:
            cursor.close()

    def copy_rows(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        """PostgreSQL only: rows through ``COPY … FROM STDIN`` (the fastest bulk insert)."""
        with self._cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


_PG_SQL: dict[str, str] = {}


def _pg_sql(sql: str) -> str:
    converted = _PG_SQL.get(sql)
    if converted is None:
        converted = _PG_SQL[sql] = sql.replace("?", "%s")
    return converted


class Database:
    """The connections to one store: a small pool (a connection per concurrent user, kept for
    reuse) and transactions on them. ``close`` closes the idle ones; it can be used again."""

    def __init__(self, url: str) -> None:
        self.url = normalise_url(url)
        self.sqlite = is_sqlite(self.url)
        self._idle: list[Any] = []
        self._lock = threading.Lock()
        if self.sqlite:
            self.errors: tuple[type[BaseException], ...] = (sqlite3.Error,)
        else:
            import psycopg

            self.errors = (psycopg.Error,)

    # --- connections --------------------------------------------------------------------------

    def _connect(self) -> Any:
        if self.sqlite:
            conn = sqlite3.connect(
                sqlite_file(self.url),
                timeout=BUSY_TIMEOUT_MS / 1000,
                isolation_level=None,  # we BEGIN ourselves
                check_same_thread=False,  # the pool hands it to one thread at a time
            )
            try:
                conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
                conn.execute("PRAGMA journal_mode = WAL")
                conn.execute("PRAGMA foreign_keys = ON")
            except BaseException:
                conn.close()
                raise
            return conn
        import psycopg

        return psycopg.connect(pg_conninfo(self.url), connect_timeout=PG_CONNECT_TIMEOUT_S)

    def _checkout(self) -> Any:
        while True:
            with self._lock:
                conn = self._idle.pop() if self._idle else None
            if conn is None:
                return self._connect()
            if self.sqlite:
                return conn
            if not (conn.closed or conn.broken) and self._ping(conn):
                return conn
            conn.close()

    @staticmethod
    def _ping(conn: Any) -> bool:
        """A pooled PostgreSQL connection still works (the server may have restarted)."""
        import psycopg

        try:
            conn.execute("SELECT 1")  # opens the transaction that follows
        except psycopg.Error:
            return False
        return True

    def _release(self, conn: Any, *, broken: bool = False) -> None:
        if broken or (not self.sqlite and (conn.closed or conn.broken)):
            _close_quietly(conn)
            return
        with self._lock:
            self._idle.append(conn)

    def close(self) -> None:
        """Close the idle connections (like SQLAlchemy's ``dispose``)."""
        with self._lock:
            idle, self._idle = self._idle, []
        for conn in idle:
            _close_quietly(conn)

    # --- transactions -------------------------------------------------------------------------

    @contextmanager
    def transaction(self, *, write: bool = False) -> Iterator[Transaction]:
        """One transaction: committed on success, rolled back on error. ``write=True`` takes
        the store's write lock first (read, check, write: all or nothing). Database errors
        become ``StoreError`` (Swedish, password-free)."""
        try:
            conn = self._checkout()
        except self.errors as exc:
            raise friendly_error(exc, self.url) from None
        broken = False
        try:
            if self.sqlite:
                conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            tx = Transaction(conn, self.sqlite)
            if write and not self.sqlite:
                tx.execute("SELECT pg_advisory_xact_lock(?)", (PG_LOCK_KEY,))
            yield tx
            tx.close()  # no statement left in progress at COMMIT
            if self.sqlite:
                conn.execute("COMMIT")
            else:
                conn.commit()
        except BaseException as exc:
            broken = not self._rollback(conn)
            if isinstance(exc, self.errors):
                raise friendly_error(exc, self.url) from None
            raise
        finally:
            self._release(conn, broken=broken)

    def _rollback(self, conn: Any) -> bool:
        try:
            if self.sqlite:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
            else:
                conn.rollback()
        except self.errors:
            return False
        return True

    def stored_revision(self) -> str | None:
        """The store's schema revision (``alembic_version``) by plain SQL, or None for a store
        without one (new or empty). Other errors (unreachable, not a database) propagate."""
        conn = self._checkout()
        try:
            try:
                row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            except self.errors as exc:
                if not _is_missing_table(exc):
                    raise
                row = None
            finally:
                if not self.sqlite:
                    conn.rollback()
        except BaseException:
            _close_quietly(conn)
            raise
        self._release(conn)
        return None if row is None else str(row[0])


def _is_missing_table(exc: BaseException) -> bool:
    if isinstance(exc, sqlite3.OperationalError):
        return "no such table" in str(exc)
    return getattr(exc, "sqlstate", None) == "42P01"  # undefined_table


def _close_quietly(conn: Any) -> None:
    with suppress(Exception):  # already gone
        conn.close()
