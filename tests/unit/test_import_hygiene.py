"""The modules the first screen needs must not import the heavy libraries at import time.

Each module is imported in a fresh interpreter; a meta-path hook records which opus_tui modules
were on the stack when a heavy library was first imported, so a failure names the culprit.
"""

from __future__ import annotations

import json

import pytest

from tests.unit.import_watch import WATCH, run_probe

FIRST_SCREEN_MODULES = (
    "opus_tui.cli",
    "opus_tui.app",
    "opus_tui.screens.base",
    "opus_tui.screens.clinics",
    "opus_tui.store.quick",
    "opus_tui.domain",
)
HEAVY = (
    "sqlalchemy",
    "sqlmodel",
    "alembic",
    "httpx",
    "PIL",
    "rich_pixels",
    "pyodbc",
    "cryptography",
    "psycopg",
)
# The first frame is drawn from plain data: these do not import pydantic (the domain) either.
FIRST_FRAME_MODULES = (
    "opus_tui.cli",
    "opus_tui.app",
    "opus_tui.screens",
    "opus_tui.screens.base",
    "opus_tui.screens.clinics",
    "opus_tui.store.quick",
    "opus_tui.widgets.tab_bar",
    "opus_tui.widgets.field",
    "opus_tui.labels",
    "opus_tui.lazy",
)

PROBE = (
    r"""
import importlib.util, json, sys, traceback

name, heavy = sys.argv[1], sys.argv[2].split(",")
try:
    missing = importlib.util.find_spec(name) is None
except ModuleNotFoundError:
    missing = True
if missing:
    print(json.dumps({"missing": True}))
    raise SystemExit(0)

"""
    + WATCH
    + r"""
importlib.import_module(name)
loaded = sorted(h for h in heavy if h in sys.modules)
print(json.dumps({"missing": False, "loaded": loaded, "via": culprits}))
"""
)


def _probe(module: str, heavy: tuple[str, ...] = HEAVY) -> dict[str, object]:
    return run_probe(PROBE, module, heavy)


@pytest.mark.parametrize("module", FIRST_SCREEN_MODULES)
def test_first_screen_module_imports_no_heavy_library(module: str) -> None:
    result = _probe(module)
    if result["missing"]:
        pytest.skip(f"{module} does not exist yet")
    assert result["loaded"] == [], (
        f"{module} imports {result['loaded']} at import time; first import via "
        f"(opus_tui frames, outermost first): {json.dumps(result['via'], indent=1)}"
    )


@pytest.mark.parametrize("module", FIRST_FRAME_MODULES)
def test_first_frame_module_imports_no_pydantic(module: str) -> None:
    result = _probe(module, ("pydantic", "pydantic_core"))
    assert not result["missing"], f"{module} is gone: update FIRST_FRAME_MODULES"
    assert result["loaded"] == [], (
        f"{module} imports {result['loaded']} at import time; first import via "
        f"(opus_tui frames, outermost first): {json.dumps(result['via'], indent=1)}"
    )


def test_probe_detects_a_heavy_import() -> None:
    """The probe itself works: a module that does import SQLAlchemy is caught."""
    result = _probe("opus_tui.store.engine")
    if result["missing"]:
        pytest.skip("opus_tui.store.engine does not exist")
    assert "sqlalchemy" in result["loaded"]  # type: ignore[operator]
