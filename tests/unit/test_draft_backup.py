"""services.draft_backup: each session's file of unsaved sections (per store, replaced whole,
never holding the store URL's password; a damaged file reads as none), locked while the session
runs: a second session neither overwrites it nor is offered it."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import Any

from opus_tui.domain.config import FlexibilitySettings, SubdomainSettings, WebConfiguration
from opus_tui.services.draft_backup import (
    DRAFT_DIR_ENV,
    SessionBackup,
    backup_files,
    claim_ended,
    read_backup,
    read_file,
    recovered_sections,
    unsaved_sections,
)

PG = "postgresql://opus:hemligt-lösen@db.klinik.se/opus_tui"


def write_backup(url: str, sections: dict[str, Any], now: datetime | None = None) -> None:
    """As a session that kept ``sections`` and then ended (its link dropped)."""
    session = SessionBackup(url)
    session.write(sections, now=now)
    session.close()


def test_round_trip_and_clear() -> None:
    when = datetime(2026, 11, 27, 20, 5)
    session = SessionBackup(PG)
    session.write({"subdomain": {"name": "kliniken"}}, now=when)
    backup = read_backup(PG)
    assert backup is not None
    assert backup.written_at == when
    assert backup.sections == {"subdomain": {"name": "kliniken"}}
    assert session.path.parent == Path(os.environ[DRAFT_DIR_ENV])
    text = session.path.read_text(encoding="utf-8")
    assert "hemligt" not in text and "hemligt" not in session.path.name
    names = sorted(p.name for p in session.path.parent.iterdir())
    assert names == sorted([session.path.name, session.lock_path.name])

    session.write({})  # nothing unsaved any more
    assert not session.path.exists()
    session.clear()  # twice is fine
    session.close()
    assert list(session.path.parent.iterdir()) == []  # nothing left behind


def test_each_store_has_its_own_files() -> None:
    write_backup("sqlite:////a/store.db", {"sms": {}})
    assert read_backup("sqlite:////b/store.db") is None
    assert claim_ended("sqlite:////b/store.db").backup is None


def test_a_damaged_or_foreign_file_reads_as_none() -> None:
    write_backup(PG, {"sms": {}})
    [path] = backup_files(PG)
    for text in ("{", "[]", '{"version": 99, "sections": {}}', '{"version": 1}'):
        path.write_text(text, encoding="utf-8")
        assert read_file(path) is None, text
        assert read_backup(PG) is None, text
    assert claim_ended(PG).backup is None
    assert backup_files(PG) == [path]  # left be: a newer version of the app may read it


def test_a_lock_left_without_edits_is_removed() -> None:
    # A session that had saved everything, then crashed: its lock file, nobody holding it.
    stray = SessionBackup(PG).lock_path
    stray.parent.mkdir(parents=True, exist_ok=True)
    stray.touch()
    running = SessionBackup(PG)
    running.write({"sms": {}})
    running.clear()  # all saved, still running: its lock file stays while it runs
    assert claim_ended(PG).backup is None
    assert not stray.exists() and running.lock_path.exists()
    running.close()
    assert not running.lock_path.exists()


def test_a_running_session_is_neither_overwritten_nor_offered() -> None:
    first, second = SessionBackup(PG), SessionBackup(PG)
    first.write({"subdomain": {"name": "forsta"}})
    second.write({"sms": {"sender": "Kliniken"}})
    assert first.path != second.path
    kept = read_file(first.path)
    assert kept is not None and kept.sections == {"subdomain": {"name": "forsta"}}
    ended = claim_ended(PG)  # a third start: both still run
    assert ended.backup is None
    second.close()  # the second one's link drops
    ended = claim_ended(PG)
    assert ended.backup is not None and ended.backup.sections == {"sms": {"sender": "Kliniken"}}
    assert claim_ended(PG).backup is None  # claimed: a fourth start at once is not offered it
    ended.release()  # left for a later start
    again = claim_ended(PG)
    assert again.backup is not None
    again.remove()  # taken back or thrown away
    assert backup_files(PG) == [first.path]
    first.close()


def test_ended_sessions_merge_newest_first() -> None:
    older = {"sms": {"sender": "Gammal"}, "subdomain": {"name": "a"}}
    write_backup(PG, older, datetime(2026, 1, 1))
    write_backup(PG, {"sms": {"sender": "Ny"}}, datetime(2026, 1, 2))
    ended = claim_ended(PG)
    assert ended.backup is not None
    assert ended.backup.written_at == datetime(2026, 1, 2)
    assert ended.backup.sections == {"sms": {"sender": "Ny"}, "subdomain": {"name": "a"}}
    ended.remove()
    assert backup_files(PG) == []


def test_unsaved_and_recovered_sections() -> None:
    saved = WebConfiguration()
    flex = FlexibilitySettings().model_copy(deep=True)
    flex.general.any_clinic = True
    draft = saved.model_copy(
        update={"subdomain": SubdomainSettings(name="ny-klinik"), "flexibility": flex}
    )
    unsaved = unsaved_sections(saved, draft)
    assert sorted(unsaved) == ["flexibility", "subdomain"]
    assert unsaved["subdomain"] == {"name": "ny-klinik"}

    write_backup(PG, {**unsaved, "okänd": {"x": 1}})
    backup = read_backup(PG)
    assert backup is not None
    recovered = recovered_sections(backup, saved)
    assert recovered == {"subdomain": draft.subdomain, "flexibility": flex}
    # Saved meanwhile (the session saved, then dropped before its backup caught up).
    assert recovered_sections(backup, draft) == {}


def test_a_kept_value_that_breaks_a_rule_comes_back_as_typed() -> None:
    write_backup(PG, {"subdomain": {"name": "x"}})  # too short: shown under its field later
    backup = read_backup(PG)
    assert backup is not None
    recovered = recovered_sections(backup, WebConfiguration())
    assert recovered["subdomain"] == SubdomainSettings.model_construct(name="x")
