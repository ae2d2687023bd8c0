"""Where the local store lives: ``--store URL|PATH``, else $OPUS_TUI_STORE, else the user data dir.

Kept free of SQLAlchemy so the command line and the first screen can resolve it cheaply.
"""

from __future__ import annotations

import os
from pathlib import Path

STORE_ENV = "OPUS_TUI_STORE"
APP_NAME = "opus-tui"


def default_store_path() -> Path:
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False) / "store.db"


def store_url(given: str | None = None) -> str:
    """The store's URL: a URL is kept, a path becomes ``sqlite:///<path>``."""
    value = given or os.environ.get(STORE_ENV) or str(default_store_path())
    if "://" in value:
        return value
    return f"sqlite:///{Path(value).expanduser().resolve()}"


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite store URL, or None for other databases."""
    prefix = "sqlite:///"
    if url.startswith(prefix):
        return Path(url[len(prefix) :])
    return None


def describe(url: str) -> str:
    """The store as shown in the header: a path, or a URL without its password."""
    path = sqlite_path(url)
    if path is not None:
        return str(path)
    head, sep, tail = url.partition("://")
    if "@" in tail:
        credentials, _, host = tail.rpartition("@")
        user = credentials.split(":", 1)[0]
        return f"{head}{sep}{user}@{host}"
    return url
