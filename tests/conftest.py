"""Test-wide set-up: monochrome off, no user store or key file, the PostgreSQL plugin."""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from opus_tui import local_time
from opus_tui.services.draft_backup import DRAFT_DIR_ENV

# Textual renders monochrome with NO_COLOR set, which breaks every snapshot: drop it first.
os.environ.pop("NO_COLOR", None)
os.environ.pop("OPUS_TUI_STORE", None)
# Secrets are encrypted with a key file; tests never touch the user's own.
_key_dir = Path(tempfile.mkdtemp(prefix="opus-tui-keys-"))
os.environ["OPUS_TUI_KEY_FILE"] = str(_key_dir / "secret.key")

# Times are shown in local time: the same zone on every machine (tests/unit/test_local_time.py
# sets another one where that matters).
os.environ["TZ"] = "UTC"
time.tzset()

pytest_plugins = ["tests.pg_cluster"]

# The header says "idag 09:30" for the stores the tests make (fetched 2026-03-02 09:30), on any
# day the tests run.
TEST_TODAY = date(2026, 3, 2)


@pytest.fixture(autouse=True)
def _today_is_pinned(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(local_time, "today", lambda: TEST_TODAY)


@pytest.fixture(autouse=True)
def _draft_backups_of_this_test(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Each test keeps unsaved edits (services.draft_backup) in a directory of its own: a
    store URL two tests share never offers one test's edits to the other."""
    before = os.environ.get(DRAFT_DIR_ENV)
    os.environ[DRAFT_DIR_ENV] = str(tmp_path_factory.mktemp("utkast"))
    yield
    if before is None:
        os.environ.pop(DRAFT_DIR_ENV, None)
    else:
        os.environ[DRAFT_DIR_ENV] = before
