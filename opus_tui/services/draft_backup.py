"""Unsaved edits survive a dropped SSH link or a crash: each session keeps the sections that
differ from the saved configuration in a small file of the user's own, and a later start offers
back those of sessions that have ended.

A session's file is ``<store key>-<session>.json``, beside a ``.lock`` file the session holds
locked while it runs: a second session on the same store (another SSH login) neither overwrites
the first one's edits nor is offered them while the first one runs. Only the web
configuration's sections go there (Konfiguration's connection settings and secrets never do).
Files are replaced atomically; a damaged or foreign file reads as none.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import secrets
import sys
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

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


def store_key(store_url: str) -> str:
    """The store's part of the file names (a hash: a PostgreSQL URL may hold a password)."""
    return hashlib.sha256(store_url.encode()).hexdigest()[:24]


def backup_files(store_url: str) -> list[Path]:
    """Every session's file for the store, running or ended."""
    return sorted(backup_dir().glob(f"{store_key(store_url)}-*.json"))


def read_file(path: Path) -> DraftBackup | None:
    """One session's kept sections, or None (no file, or one that cannot be used)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("version") != _VERSION or not isinstance(data.get("sections"), dict):
            return None
        return DraftBackup(datetime.fromisoformat(data["written_at"]), data["sections"])
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None


def merged(backups: Iterable[DraftBackup]) -> DraftBackup | None:
    """Several sessions' sections as one: the newest file's value of a section wins."""
    ordered = sorted(backups, key=lambda b: b.written_at)
    if not ordered:
        return None
    sections: dict[str, Any] = {}
    for backup in ordered:
        sections.update(backup.sections)
    return DraftBackup(ordered[-1].written_at, sections)


def read_backup(store_url: str) -> DraftBackup | None:
    """What all sessions of the store keep, running or ended (merged), or None."""
    return merged(b for b in map(read_file, backup_files(store_url)) if b is not None)


def _lock(path: Path) -> IO[bytes] | None:
    """``path`` (made if need be) locked for this process, or None if another one holds it.
    The lock ends when the handle is closed or the process ends, however it ends."""
    try:
        handle = path.open("a+b")  # held for the session's life
    except OSError:
        return None
    try:
        handle.seek(0)
        if sys.platform == "win32":
            import msvcrt

            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        else:
            import fcntl

            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        return None
    return handle


def _unlink(*paths: Path) -> None:
    for path in paths:
        with contextlib.suppress(OSError):  # a read-only data dir: nothing was kept there either
            path.unlink(missing_ok=True)


class SessionBackup:
    """This session's file of the store's unsaved sections, locked from the first write until
    :meth:`close` (or the process's end)."""

    def __init__(self, store_url: str) -> None:
        self.store_url = store_url
        self.session = secrets.token_hex(6)
        stem = f"{store_key(store_url)}-{self.session}"
        self.path = backup_dir() / f"{stem}.json"
        self.lock_path = backup_dir() / f"{stem}.lock"
        self._lock: IO[bytes] | None = None
        self._closed = False

    def write(self, sections: Mapping[str, Any], now: datetime | None = None) -> None:
        """Keep ``sections`` (JSON data); with none, remove the file."""
        if not sections:
            self.clear()
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if self._lock is None and not self._closed:
            self._lock = _lock(self.lock_path)
        written = (now or datetime.now(UTC).replace(tzinfo=None)).isoformat()
        text = json.dumps(
            {
                "version": _VERSION,
                "store": describe(self.store_url),
                "written_at": written,
                "sections": dict(sections),
            },
            ensure_ascii=False,
        )
        handle, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=".utkast-", suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(text)
            Path(temporary).replace(self.path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def clear(self) -> None:
        """Nothing of this session is unsaved."""
        _unlink(self.path)

    def close(self) -> None:
        """The session ends: a file still here is offered at a later start."""
        self._closed = True
        if self._lock is not None:
            self._lock.close()
            self._lock = None
            if not self.path.exists():
                _unlink(self.lock_path)


@dataclass
class EndedSessions:
    """The files of the store's sessions that ended with edits unsaved, held locked by this
    session until their edits are taken or thrown away (:meth:`remove`) or left for a later
    start (:meth:`release`)."""

    backup: DraftBackup | None = None
    _held: list[tuple[IO[bytes], Path, Path]] = field(default_factory=list)

    def remove(self) -> None:
        for handle, path, lock_path in self._held:
            _unlink(path)
            handle.close()
            _unlink(lock_path)
        self._held.clear()

    def release(self) -> None:
        for handle, _, _ in self._held:
            handle.close()
        self._held.clear()


def claim_ended(store_url: str) -> EndedSessions:
    """The edits of the store's ended sessions (merged); running sessions' files are left be,
    and so are files that cannot be read. A lock file left by a session that ended with nothing
    unsaved is removed."""
    directory = backup_dir()
    key = store_key(store_url)
    stems = {p.stem for p in directory.glob(f"{key}-*.json")}
    stems |= {p.stem for p in directory.glob(f"{key}-*.lock")}
    ended = EndedSessions()
    backups: list[DraftBackup] = []
    for stem in sorted(stems):
        path, lock_path = directory / f"{stem}.json", directory / f"{stem}.lock"
        handle = _lock(lock_path)
        if handle is None:
            continue  # running
        backup = read_file(path)
        if backup is None:
            handle.close()
            if not path.exists():  # a lock left by a session that ended with nothing unsaved
                _unlink(lock_path)
            continue  # a file this version cannot read (damaged, or a newer format) is left be
        backups.append(backup)
        ended._held.append((handle, path, lock_path))
    ended.backup = merged(backups)
    return ended


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
