"""The start-up benchmark's terminal: the VT screen parser, and one real pty run of the bare app.

No timings are asserted here; this only checks that the harness sees what a user would see.
"""

from __future__ import annotations

import sys

import pytest

from bench.ptyterm import PtyApp, Screen, has_text, lacks_text


def test_cursor_moves_and_text_land_where_a_terminal_puts_them() -> None:
    screen = Screen(20, 4)
    screen.feed(b"\x1b[?1049h\x1b[?25l\x1b[2;3H\x1b[1;38;2;255;0;0mHej\x1b[0m")
    screen.feed(b"\x1b[4;1H\xc3\x96rebro")  # UTF-8 Ö
    assert screen.alt_screen
    assert screen.lines()[1] == "  Hej" + " " * 15
    assert screen.lines()[3].rstrip() == "Örebro"


def test_sequences_cut_between_reads_are_joined() -> None:
    screen = Screen(20, 2)
    data = "\x1b[2;5HOpusTandläkarna".encode()
    for i in range(len(data)):  # every split point, byte by byte
        screen.feed(data[i : i + 1])
    assert screen.lines()[1].rstrip() == "    OpusTandläkarna"


def test_erase_and_osc_strings() -> None:
    screen = Screen(10, 2)
    screen.feed(b"abcdefghij\x1b[1;4H\x1b[K\x1b]0;title\x07\x1b[2;1Hxy\x1b[1D\x1b[X")
    assert screen.lines() == ["abc       ", "x         "]
    assert has_text("abc")(screen)
    assert lacks_text("title")(screen)


def test_leaving_the_alternate_screen_clears_it() -> None:
    screen = Screen(10, 1)
    screen.feed(b"\x1b[?1049hready\x1b[?1049l")
    assert not screen.alt_screen
    assert not screen.contains("ready")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="pty and /proc: Linux only")
def test_bare_app_in_a_real_pty_shows_its_text_and_answers_a_key() -> None:
    from bench.bench_startup import KEY_PROBE, KEY_PROBE_EFFECT, bare_command

    with PtyApp(bare_command(), cols=60, rows=12) as app:
        shown = app.wait_for(has_text("Bare Textual app ready"), timeout=60)
        app.send(KEY_PROBE)
        answered = app.wait_for(has_text(KEY_PROBE_EFFECT), timeout=30)
        assert 0 < shown <= answered
        assert app.status("VmHWM") > 0
        assert app.cpu_seconds() > 0
    assert app.proc is not None and app.proc.returncode is not None  # quit and reaped


def test_the_pty_size_is_the_terminal_size_not_inherited_columns_and_lines() -> None:
    """Textual prefers COLUMNS/LINES to the pty's size; a test runner's (pytest-xdist workers
    have 80×24) made a 60-column app draw its notification off our screen."""
    app = PtyApp(["true"], cols=60, rows=12, env={"COLUMNS": "80", "LINES": "24", "X": "1"})
    assert "COLUMNS" not in app.env and "LINES" not in app.env
    assert app.env["X"] == "1"


def test_chain_rows_pair_each_figure_with_its_small_chain_baseline() -> None:
    from bench.stats import chain_rows

    large = {"visit": [10.0, 30.0, 20.0], "visit_cpu": [4.0, 4.0, 4.0]}
    small = {"visit": [5.0, 5.0, 5.0], "visit_cpu": [2.0, 2.0, 2.0]}
    rows = chain_rows("beh", ("visit",), large, small)
    assert [(r["name"], r["baseline_name"], r["median"], r["ratio"]) for r in rows] == [
        ("beh_visit_300x30", "beh_visit_3x30", 20.0, 4.0),
        ("beh_visit_cpu_300x30", "beh_visit_cpu_3x30", 4.0, 2.0),
    ]
