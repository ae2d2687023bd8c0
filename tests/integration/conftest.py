"""Stores on both engines: every test taking ``store_url`` or ``store`` runs on SQLite and on
PostgreSQL (a database of its own on the session's server)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest

from opus_tui.store import Store

_databases = itertools.count()


@pytest.fixture(params=["sqlite", "postgres"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    pg = request.getfixturevalue("pg_server")
    db = pg.create_database(f"store_{next(_databases)}")
    return str(db.url)


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    s = Store.open(store_url)
    yield s
    s.close()
