"""Unsaved edits survive a dropped SSH link or a crash: the app keeps the sections that differ
from the saved configuration in a small file of the user's own (one per store), and offers them
back at the next start.

Only the web configuration's sections go there (Konfiguration's connection settings and
secrets never do). The file is replaced atomically; a damaged or foreign file reads as none.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from opus_tui.domain.config import SECTION_NAMES, Section, WebConfiguration
from opus_tui.store.location import APP_NAME, describe

DRAFT_DIR_ENV = "OPUS_TUI_DRAFT_DIR"
_VERSION = 1


@dataclass(frozen=True)
class DraftBackup:
    """What was unsaved: section name → its JSON data; ``written_at`` naive UTC."""

    written_at: datetime
    sections: dict[str, Any]


def backup_dir() -> Path:
    given = os.environ.get(DRAFT_DIR_ENV)
    if given:
        return Path(given)
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False) / "utkast"


def backup_path(store_url: str) -> Path:
    """One file per store (the URL's hash: a PostgreSQL URL may hold a password)."""
    digest = hashlib.sha256(store_url.encode()).hexdigest()[:24]
    return backup_dir() / f"{digest}.json"


def write_backup(store_url: str, sections: Mapping[str, Any], now: datetime | None = None) -> None:
    """Keep ``sections`` (JSON data) for the store; with none, remove the file."""
    if not sections:
        clear_backup(store_url)
        return
    path = backup_path(store_url)
    path.parent.mkdir(parents=True, exist_ok=True)
    written = (now or datetime.now(UTC).replace(tzinfo=None)).isoformat()
    text = json.dumps(
        {
            "version": _VERSION,
            "store": describe(store_url),
            "written_at": written,
            "sections": dict(sections),
        },
        ensure_ascii=False,
    )
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".utkast-", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def read_backup(store_url: str) -> DraftBackup | None:
    """The store's kept sections, or None (no file, or one that cannot be used)."""
    try:
        data = json.loads(backup_path(store_url).read_text(encoding="utf-8"))
        if data.get("version") != _VERSION or not isinstance(data.get("sections"), dict):
            return None
        return DraftBackup(datetime.fromisoformat(data["written_at"]), data["sections"])
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None


def clear_backup(store_url: str) -> None:
    with contextlib.suppress(OSError):  # a read-only data dir: nothing was kept there either
        backup_path(store_url).unlink(missing_ok=True)


def unsaved_sections(saved: WebConfiguration, draft: WebConfiguration) -> dict[str, Any]:
    """The draft's sections that differ from the saved ones, as JSON data."""
    return {
        name: getattr(draft, name).model_dump(mode="json")
        for name in SECTION_NAMES
        if getattr(draft, name) != getattr(saved, name)
    }


def recovered_sections(backup: DraftBackup, saved: WebConfiguration) -> dict[str, Section]:
    """The kept sections that still differ from ``saved`` (rules broken are kept as typed,
    to be shown under their fields, as for a store's own data)."""
    from opus_tui.domain.problems import lenient_config

    kept = {name: data for name, data in backup.sections.items() if name in SECTION_NAMES}
    if not kept:
        return {}
    parsed = lenient_config(kept)
    out: dict[str, Section] = {}
    for name in kept:
        value = getattr(parsed, name)
        if value != getattr(saved, name):
            out[name] = value
    return out
