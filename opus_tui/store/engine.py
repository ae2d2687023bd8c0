"""Engine factory and schema migrations for the local store.

SQLite: WAL, ``foreign_keys=ON`` and a busy timeout, set on every connection by a ``connect``
listener. PostgreSQL through psycopg 3 (``postgresql://`` is rewritten to ``postgresql+psycopg://``).
Migrations run on their own engine without the foreign-keys pragma: a batch migration on an engine
with ``foreign_keys=ON`` would cascade-delete child rows (TECH-NOTES).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event

BUSY_TIMEOUT_MS = 10_000
# The newest migration; a test checks it against migrations/versions. Lets an up-to-date store
# open without importing Alembic (start-up time).
HEAD_REVISION = "0001"
# Execution option marking a write transaction (see ``write_lock``).
WRITE_OPTION = "opus_write"
# Key of the PostgreSQL advisory lock that serialises config saves.
PG_LOCK_KEY = 0x0905_7001
MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def normalise_url(url: str) -> str:
    """The SQLAlchemy URL to use: PostgreSQL always through psycopg 3."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def make_engine(url: str, *, pragmas: bool = True) -> Engine:
    """An engine for the store at ``url``; ``pragmas=False`` is for migrations only."""
    url = normalise_url(url)
    if is_sqlite(url):
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            try:
                cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
                if pragmas:
                    cursor.execute("PRAGMA journal_mode = WAL")
                    cursor.execute("PRAGMA foreign_keys = ON")
            finally:
                cursor.close()
            if pragmas:
                # We emit BEGIN ourselves (below): pysqlite's own handling defers it.
                dbapi_connection.isolation_level = None

        if pragmas:

            @event.listens_for(engine, "begin")
            def _on_begin(connection: Any) -> None:
                # A write transaction takes the write lock up front (BEGIN IMMEDIATE), so a
                # read-modify-write cannot fail half-way on a lock upgrade; others wait
                # (busy_timeout).
                immediate = connection.get_execution_options().get(WRITE_OPTION)
                connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

        return engine
    return create_engine(url, pool_pre_ping=True)


def write_lock(connection: Any) -> None:
    """Serialise config saves between processes: on PostgreSQL a transaction-scoped advisory
    lock (SQLite write transactions already start with BEGIN IMMEDIATE)."""
    if connection.dialect.name == "postgresql":
        from sqlalchemy import text

        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_LOCK_KEY})


def alembic_config(url: str | None = None) -> Any:
    """An Alembic ``Config`` pointing at the package's migrations."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url is not None:
        config.set_main_option("sqlalchemy.url", normalise_url(url).replace("%", "%%"))
    return config


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def _stored_revision(engine: Engine) -> str | None:
    """The store's schema revision by plain SQL (no Alembic import), or None."""
    from sqlalchemy import exc, text

    with engine.connect() as connection:
        try:
            return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
        except exc.DBAPIError:
            return None


def migrate(url: str) -> None:
    """Bring the store at ``url`` to the newest schema, on an engine of its own."""
    engine = make_engine(url, pragmas=False)
    try:
        if _stored_revision(engine) == HEAD_REVISION:
            return
        from alembic import command
        from alembic.util import CommandError

        config = alembic_config(url)
        try:
            with engine.begin() as connection:
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
        except CommandError:
            from opus_tui.store.errors import StoreError
            from opus_tui.store.location import describe

            raise StoreError(
                f"butiken {describe(url)} har en schemaversion som denna opus-tui inte känner "
                "till (skapad av en nyare version?)"
            ) from None
    finally:
        engine.dispose()
