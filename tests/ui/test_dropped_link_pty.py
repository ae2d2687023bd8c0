"""The SSH link drops (SIGHUP) with an unsaved edit: the real opus-tui, started again on the
same store, offers the edit back."""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

import pytest

from bench.bench_startup import build_demo_store, opus_command
from bench.ptyterm import PtyApp, has_text
from opus_tui.services.draft_backup import read_backup
from opus_tui.store.location import store_url
from tests.ui.test_keys_in_a_pty import to_subdomain_field

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pty and SIGHUP")


def test_an_edit_survives_a_dropped_link(tmp_path: Path) -> None:
    store = build_demo_store(tmp_path / "demo")
    with PtyApp(opus_command(store), cols=80, rows=24) as app:
        app.wait_for(has_text("1 Kliniker"), timeout=60)
        app.settle()
        to_subdomain_field(app)
        app.send(b"\x1b[F\x15tappad-klinik")  # End, ctrl+u (clear), the new name
        app.wait_for(has_text("▊  tappad-klinik "))
        deadline = time.monotonic() + 20
        while read_backup(store_url(str(store))) is None and time.monotonic() < deadline:
            app.settle(quiet=0.2)
        assert app.proc is not None
        os.kill(app.proc.pid, signal.SIGHUP)  # what a dropped SSH session sends
        app.proc.wait(timeout=10)

    with PtyApp(opus_command(store), cols=80, rows=24) as again:
        again.wait_for(has_text("Osparade ändringar från förra gången"), timeout=60)
        again.wait_for(has_text("Underdomän."))  # the tab named in the dialog
        again.send(b"\r")  # Ta tillbaka
        again.wait_for(has_text("3 Underd ●"))  # the tab bar marks the tab unsaved
        again.send(b"3")
        again.wait_for(has_text("tappad-klinik"))
