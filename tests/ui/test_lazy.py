"""Deferred widgets: nothing is imported until realize(); then the real widget is mounted once."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.app import App, ComposeResult
from textual.widgets import Static

from opus_tui.lazy import Deferred

PROBE_MODULE = "opus_lazy_probe_widget"


@pytest.fixture
def probe_module(tmp_path: Path) -> Iterator[str]:
    """A real module on disk, not yet imported, holding a widget class."""
    (tmp_path / f"{PROBE_MODULE}.py").write_text(
        "from textual.widgets import Static\n\n"
        "class Probe(Static):\n"
        "    def __init__(self) -> None:\n"
        "        super().__init__('probe ready', id='probe')\n",
        encoding="utf-8",
    )
    sys.path.insert(0, str(tmp_path))
    try:
        yield PROBE_MODULE
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop(PROBE_MODULE, None)


class Host(App[None]):
    def __init__(self, module: str) -> None:
        super().__init__()
        self.module = module

    def compose(self) -> ComposeResult:
        yield Static("first screen")
        yield Deferred(self.module, "Probe", id="slot")


async def test_nothing_is_imported_until_realize(probe_module: str) -> None:
    app = Host(probe_module)
    async with app.run_test(size=(40, 10)) as pilot:
        await pilot.pause()
        deferred = app.query_one("#slot", Deferred)
        assert probe_module not in sys.modules
        assert deferred.widget is None
        assert not app.query("#probe")

        widget = deferred.realize()
        await pilot.pause()
        assert probe_module in sys.modules
        assert widget is not None
        assert app.query_one("#probe", Static) is widget
        assert widget.parent is deferred

        assert deferred.realize() is widget  # once only
        await pilot.pause()
        assert len(app.query("#probe")) == 1


async def test_a_missing_module_gives_none() -> None:
    app = Host("opus_tui.widgets.no_such_module_for_lazy_test")
    async with app.run_test(size=(40, 10)) as pilot:
        deferred = app.query_one("#slot", Deferred)
        assert deferred.realize() is None
        await pilot.pause()
        assert not deferred.available
        assert deferred.realize() is None
