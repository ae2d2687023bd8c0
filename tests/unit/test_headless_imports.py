"""The headless layers load without Textual; the first screen's readers without heavy libraries."""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import opus_tui.services

ROOT = Path(__file__).resolve().parents[2]


def _loaded_after(modules: list[str]) -> set[str]:
    code = (
        "import importlib, json, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "print(json.dumps(sorted(m.split('.')[0] for m in sys.modules)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    return set(json.loads(result.stdout))


def service_modules() -> list[str]:
    return sorted(
        f"opus_tui.services.{m.name}"
        for m in pkgutil.iter_modules(opus_tui.services.__path__)
        if not m.name.startswith("_")
    )


def test_services_found() -> None:
    names = service_modules()
    for expected in ("config_toml", "checks", "config_reference", "demo"):
        assert f"opus_tui.services.{expected}" in names


def test_domain_and_services_do_not_load_textual() -> None:
    loaded = _loaded_after(["opus_tui.domain", "opus_tui.domain.diff", *service_modules()])
    assert "textual" not in loaded


def test_headless_commands_do_not_load_textual() -> None:
    modules = [
        f"opus_tui.commands.{m}"
        for m in ("export", "import_", "check", "history", "restore", "demo")
    ]
    loaded = _loaded_after([*modules, "opus_tui.store.repository"])
    assert "textual" not in loaded


def test_first_screen_readers_are_light() -> None:
    loaded = _loaded_after(
        ["opus_tui.domain", "opus_tui.store", "opus_tui.store.quick", "opus_tui.store.location"]
    )
    for heavy in ("sqlalchemy", "sqlmodel", "alembic", "httpx", "PIL", "textual", "cryptography"):
        assert heavy not in loaded, heavy
