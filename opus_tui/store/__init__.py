"""The local store. Importing this package is cheap: the repository (and with it the domain)
loads only when one of its names is first used (``from opus_tui.store import Store``).

The repository speaks plain DB-API (stdlib sqlite3 / psycopg 3); SQLAlchemy, SQLModel and Alembic
load only to create or migrate a store (``engine.migrate``). Stdlib-only helpers for the first
frame: ``opus_tui.store.location`` and ``opus_tui.store.quick``. See docs/store.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from opus_tui.store.errors import ConfigInvalid, StoreError

if TYPE_CHECKING:
    from opus_tui.store.repository import (
        ALL_SECTIONS,
        Publication,
        PublishState,
        Revision,
        Store,
        open_store,
    )

_LAZY = {"ALL_SECTIONS", "Publication", "PublishState", "Revision", "Store", "open_store"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from opus_tui.store import repository

        return getattr(repository, name)
    raise AttributeError(f"module 'opus_tui.store' has no attribute {name!r}")


__all__ = [
    "ALL_SECTIONS",
    "ConfigInvalid",
    "Publication",
    "PublishState",
    "Revision",
    "Store",
    "StoreError",
    "open_store",
]
