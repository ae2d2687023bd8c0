"""The wheel carries the stylesheets, migrations and data files the app needs at run time."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_wheel_ships_styles_migrations_and_data(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "hatchling", "build", "-t", "wheel", "-d", str(tmp_path)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("opus_tui-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())

    for tcss in sorted((ROOT / "styles").glob("*.tcss")):
        assert f"opus_tui/styles/{tcss.name}" in names, tcss.name
    assert "opus_tui/services/schema_map.toml" in names
    assert any(n.startswith("opus_tui/store/migrations/versions/") for n in names)
    assert "opus_tui/store/migrations/env.py" in names
    assert not any(n.startswith(("tests/", "bench/")) for n in names)
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "opus-tui = opus_tui.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()
