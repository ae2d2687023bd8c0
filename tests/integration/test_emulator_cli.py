"""``opus-tui portal-emulator`` refuses a busy port and a data path that is a file with a
Swedish message (it printed its "listening" line, then uvicorn's English error, or a
traceback)."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from tests.integration.test_cli import Run, _runner


@pytest.fixture
def run(tmp_path: Path) -> Run:
    return _runner(tmp_path)


def test_a_busy_port_is_named(run: Run) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run("portal-emulator", "--port", str(port))
    assert result.returncode == 2
    assert f"Porten {port} på 127.0.0.1 är upptagen" in result.stderr
    assert "välj en annan med --port" in result.stderr
    assert "Portalemulator på" not in result.stdout  # it never listened
    assert "Traceback" not in result.stderr and "ERROR" not in result.stderr


def test_data_that_is_a_file_is_refused(run: Run, tmp_path: Path) -> None:
    data = tmp_path / "portal"
    data.write_text("inte en katalog")
    result = run("portal-emulator", "--port", "0", "--data", str(data))
    assert result.returncode == 2
    assert f"--data: {data} är en fil, inte en katalog." in result.stderr
    assert "Traceback" not in result.stderr
    assert data.read_text() == "inte en katalog"
