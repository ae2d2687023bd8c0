"""Schema creation and migrations of the local store (SQLAlchemy + Alembic).

Imported only when a store must be created or migrated (``Store.open`` reads the schema revision
with plain SQL first, ``dbapi.Database.stored_revision``), by the Alembic environment and by tests
comparing the SQLModel tables with the migrations. Everyday use of the store goes through
``opus_tui.store.dbapi`` without SQLAlchemy.

Migrations run on an engine without the foreign-keys pragma: a batch migration on an engine with
``foreign_keys=ON`` would cascade-delete child rows (TECH-NOTES).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event

from opus_tui.store.dbapi import (
    BUSY_TIMEOUT_MS,
    HEAD_REVISION,
    friendly_error,
    is_sqlite,
    normalise_url,
)

MIGRATIONS_DIR = Path(__file__).with_name("migrations")

__all__ = [
    "HEAD_REVISION",
    "MIGRATIONS_DIR",
    "alembic_config",
    "head_revision",
    "make_engine",
    "migrate",
    "normalise_url",
]


def make_engine(url: str, *, pragmas: bool = True) -> Engine:
    """A SQLAlchemy engine for the store at ``url`` (migrations use ``pragmas=False``)."""
    url = normalise_url(url)
    if not is_sqlite(url):
        return create_engine(url, pool_pre_ping=True)
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

    return engine


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


def migrate(url: str) -> None:
    """Bring the store at ``url`` to the newest schema, on an engine of its own. Raises
    ``StoreError`` for a store that cannot be reached or has an unknown (newer) revision."""
    from alembic import command
    from alembic.util import CommandError
    from sqlalchemy.exc import SQLAlchemyError

    from opus_tui.store.errors import StoreError
    from opus_tui.store.location import describe

    engine = make_engine(url, pragmas=False)
    config = alembic_config(url)
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    except CommandError:
        raise StoreError(
            f"butiken {describe(url)} har en schemaversion som denna opus-tui inte känner "
            "till (skapad av en nyare version?)"
        ) from None
    except SQLAlchemyError as exc:
        raise friendly_error(exc, url) from None
    finally:
        engine.dispose()
