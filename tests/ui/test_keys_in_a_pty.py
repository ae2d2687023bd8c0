"""alt+1–9 as terminals send it (ESC + digit), to the real opus-tui in a pseudo-terminal: it
switches tabs, also from a text field, which keeps what was typed and gets no digit."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from bench.bench_startup import build_demo_store, opus_command
from bench.ptyterm import PtyApp, has_text

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pty")


def _tab_bar(app: PtyApp) -> str:
    return app.screen.lines()[1]


def to_subdomain_field(app: PtyApp) -> None:
    """From any tab: Underdomän (key 3), then Tab to its name field (its help on the last line)."""
    app.send(b"3")
    app.wait_for(has_text("3 Underdomän"))
    app.settle()
    for _ in range(4):
        if "Adressen blir <underdomän>" in app.screen.text():
            return
        app.send(b"\t")
        app.settle()


def test_esc_digit_switches_tabs_also_from_a_text_field(tmp_path: Path) -> None:
    store = build_demo_store(tmp_path / "demo")
    with PtyApp(opus_command(store), cols=80, rows=24) as app:
        app.wait_for(has_text("1 Kliniker"), timeout=60)
        app.settle()
        app.send(b"\x1b4")
        app.wait_for(has_text("4 Flexibilitet"))
        to_subdomain_field(app)
        app.send(b"\x1b[F\x15ab")  # End, ctrl+u (clear), "ab"
        app.wait_for(has_text("▊  ab "))
        app.send(b"\x1b8")
        app.wait_for(has_text("8 Avancerat"))
        assert "¢" not in app.screen.text() and "•" not in app.screen.text()
        app.send(b"\x1b3")
        app.wait_for(has_text("3 Underdomän"))
        app.settle()
        assert "▊  ab " in app.screen.text(), app.screen.text()
        assert "ab8" not in app.screen.text() and "ab3" not in app.screen.text()
        assert "Underdomän" in _tab_bar(app)
