"""The local store. Importing this package is cheap: SQLAlchemy/SQLModel load only when a name
from the repository is first used (``from opus_tui.store import Store``).

Fast, SQLAlchemy-free helpers: ``opus_tui.store.location`` and ``opus_tui.store.quick``.
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
