"""``opus-tui demo`` tells how to open the demo store again: a command that works as printed,
also when the venv's bin directory is not on PATH (as after ``make demo``)."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from opus_tui.commands.demo import reopen_command

SCRIPT = Path(sys.executable).parent / "opus-tui"
REOPEN = "Öppna den igen med: "


def _env(tmp_path: Path, path: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"OPUS_TUI_STORE", "VIRTUAL_ENV"}
    }
    return {
        **env,
        "PATH": path,
        "OPUS_TUI_KEY_FILE": str(tmp_path / "key"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
    }


def _reopen_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.startswith(REOPEN)]
    assert len(lines) == 1, stderr
    return lines[0][len(REOPEN) :]


@pytest.mark.skipif(not SCRIPT.exists(), reason="the opus-tui console script is not installed")
def test_printed_command_opens_the_demo_store_without_the_venv_on_path(tmp_path: Path) -> None:
    env = _env(tmp_path, "/usr/bin:/bin")
    made = subprocess.run(
        [str(SCRIPT), "demo", "--dir", str(tmp_path / "demo"), "--no-open"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=120,
    )
    assert made.returncode == 0, made.stderr
    command = shlex.split(_reopen_line(made.stderr))
    assert command[-2:] == ["--store", str(tmp_path / "demo" / "store.db")]
    # The printed command, run as printed from the same directory, reads the demo store.
    history = subprocess.run(
        [*command, "history"], capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120
    )
    assert history.returncode == 0, history.stderr
    assert "Demokonfiguration skapad" in history.stdout


def test_plain_name_when_path_finds_this_program(tmp_path: Path) -> None:
    program = tmp_path / "bin" / "opus-tui"
    assert reopen_command(str(program), str(program), tmp_path) == "opus-tui"


def test_path_of_this_program_when_path_finds_another_or_none(tmp_path: Path) -> None:
    program = tmp_path / ".venv" / "bin" / "opus-tui"
    assert reopen_command(str(program), None, tmp_path) == ".venv/bin/opus-tui"
    assert reopen_command(str(program), "/usr/local/bin/opus-tui", tmp_path) == (
        ".venv/bin/opus-tui"
    )
    elsewhere = tmp_path / "other dir"
    elsewhere.mkdir()
    assert reopen_command(str(program), None, elsewhere) == shlex.quote(str(program))
    assert reopen_command(str(program), None, program.parent) == "./opus-tui"


def test_module_run_gives_this_interpreter(tmp_path: Path) -> None:
    command = reopen_command(str(tmp_path / "opus_tui" / "__main__.py"), None, tmp_path)
    assert shlex.split(command)[1:] == ["-m", "opus_tui"]
    assert Path(shlex.split(command)[0]).absolute() == Path(sys.executable).absolute()
