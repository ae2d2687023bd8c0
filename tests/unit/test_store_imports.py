"""An up-to-date store is opened and used without SQLAlchemy, SQLModel, Alembic or cryptography
(issue 8: together ≈ 24 MiB and 0.5 s); only creating or migrating a store imports them.

Each case runs in a fresh interpreter with a meta-path hook that records which opus_tui frames
were on the stack when a heavy library was first imported, so a failure names the culprit.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

from opus_tui.domain import (
    Catalogue,
    CatalogueClinic,
    CataloguePractitioner,
    OnlineTime,
)
from opus_tui.domain.catalogue import OnlineTimes
from opus_tui.store import Store
from tests.unit import import_watch
from tests.unit.import_watch import WATCH

HEAVY = ("sqlalchemy", "sqlmodel", "alembic", "cryptography", "psycopg")  # psycopg: PostgreSQL only

PROBE = (
    r"""
import json, sys, traceback

heavy = sys.argv[2].split(",")
"""
    + WATCH
    + r"""
url = sys.argv[1]
from opus_tui.store import Store

result = {}
with Store.open(url) as store:
    config = store.load_config()
    catalogue = store.load_catalogue()
    result["times"] = 0 if catalogue is None else len(catalogue.times)
    result["has_secret"] = store.has_secret("portal:api_key")
    result["missing_secret"] = store.has_secret("database:Opus")
    flex = config.flexibility.model_copy(deep=True)
    flex.booking.hours_limit = (flex.booking.hours_limit + 1) % 48
    store.save_section("flexibility", flex)
    result["history"] = len(store.history())
    result["fetched_at"] = len(store.catalogue_fetched_at())
    result["connections"] = store.load_connections().model_dump(mode="json")
    result["published"] = store.publish_state() is None
    result["pending"] = len(store.pending_publications())
result["loaded"] = sorted(h for h in heavy if h in sys.modules)
result["via"] = culprits
print(json.dumps(result))
"""
)


def run_probe(url: str, heavy: tuple[str, ...] = HEAVY) -> dict[str, object]:
    """Open and use the store at ``url`` in a fresh interpreter; which of ``heavy`` it loaded."""
    return import_watch.run_probe(PROBE, url, heavy)


def _catalogue() -> Catalogue:
    start = datetime(2026, 12, 1, 8)
    return Catalogue(
        "database",
        datetime(2026, 11, 27, 9),
        ("Lund",),
        (CatalogueClinic("Lund", "K1", "Klinik 1"),),
        (CataloguePractitioner("Lund", "B1", "K1", "Olle", "Ohlsson"),),
        (),
        OnlineTimes(
            OnlineTime(
                "Lund",
                "B1",
                "K1",
                start + timedelta(hours=i),
                start + timedelta(hours=i, minutes=30),
            )
            for i in range(50)
        ),
    )


def test_an_up_to_date_store_is_used_without_heavy_imports(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    with Store.open(url) as store:  # created here (Alembic) before the probe
        store.save_catalogue(_catalogue())
        store.set_secret("portal:api_key", "nyckel-4711")
        hours = store.load_config().flexibility.booking.hours_limit
    result = run_probe(url)
    assert result["loaded"] == [], (
        f"heavy imports {result['loaded']}; first import via (opus_tui frames, outermost "
        f"first): {json.dumps(result['via'], indent=1)}"
    )
    assert result["times"] == 50
    assert result["has_secret"] is True
    assert result["missing_secret"] is False
    assert result["history"] == 1
    assert result["fetched_at"] == 1
    assert result["published"] is True
    assert result["pending"] == 0
    with Store.open(url) as store:  # the save in the probe landed
        assert store.load_config().flexibility.booking.hours_limit == (hours + 1) % 48


def test_creating_a_store_still_works(tmp_path: Path) -> None:
    """A new store is created and migrated by Alembic in the same call (heavy imports allowed)."""
    url = f"sqlite:///{tmp_path / 'ny.db'}"
    result = run_probe(url)
    assert "alembic" in result["loaded"]  # type: ignore[operator]
    assert (result["times"], result["history"], result["has_secret"]) == (0, 1, False)
    conn = sqlite3.connect(tmp_path / "ny.db")
    try:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
        assert conn.execute("SELECT COUNT(*) FROM revision").fetchone() == (1,)
    finally:
        conn.close()
