"""Test-wide set-up: monochrome off, no user store or key file, the PostgreSQL plugin."""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

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
