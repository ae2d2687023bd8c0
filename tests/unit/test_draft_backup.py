"""services.draft_backup: the unsaved sections' file (one per store, replaced whole, never
holding the store URL's password; a damaged file reads as none)."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

from opus_tui.domain.config import FlexibilitySettings, SubdomainSettings, WebConfiguration
from opus_tui.services.draft_backup import (
    DRAFT_DIR_ENV,
    backup_path,
    clear_backup,
    read_backup,
    recovered_sections,
    unsaved_sections,
    write_backup,
)

PG = "postgresql://opus:hemligt-lösen@db.klinik.se/opus_tui"


def test_round_trip_and_clear() -> None:
    when = datetime(2026, 11, 27, 20, 5)
    write_backup(PG, {"subdomain": {"name": "kliniken"}}, now=when)
    backup = read_backup(PG)
    assert backup is not None
    assert backup.written_at == when
    assert backup.sections == {"subdomain": {"name": "kliniken"}}
    assert backup_path(PG).parent == Path(os.environ[DRAFT_DIR_ENV])
    text = backup_path(PG).read_text(encoding="utf-8")
    assert "hemligt" not in text and "hemligt" not in backup_path(PG).name
    assert [p.name for p in backup_path(PG).parent.iterdir()] == [backup_path(PG).name]

    write_backup(PG, {})  # nothing unsaved any more
    assert not backup_path(PG).exists()
    clear_backup(PG)  # twice is fine


def test_each_store_has_its_own_file() -> None:
    write_backup("sqlite:////a/store.db", {"sms": {}})
    assert read_backup("sqlite:////b/store.db") is None


def test_a_damaged_or_foreign_file_reads_as_none() -> None:
    path = backup_path(PG)
    path.parent.mkdir(parents=True, exist_ok=True)
    for text in ("{", "[]", '{"version": 99, "sections": {}}', '{"version": 1}'):
        path.write_text(text, encoding="utf-8")
        assert read_backup(PG) is None, text


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
