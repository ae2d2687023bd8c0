"""Escape leaves the preview (closes the full-width one, gives the focus back beside a tab);
Backspace and ← step the booking path back, at both widths."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from textual.pilot import Pilot

from opus_tui.app import OpusApp
from opus_tui.screens.base import TabScreen
from opus_tui.services.demo import demo_catalogue
from opus_tui.widgets.preview import PreviewPane
from tests.ui.helpers import focus, settle
from tests.ui.test_preview_pane import NOW, TODAY, demo_store, pane_of


def footer_keys(app: OpusApp) -> dict[str, str]:
    """What the footer offers now: key → description."""
    return {
        key: active.binding.description
        for key, active in app.screen.active_bindings.items()
        if active.binding.show
    }


@asynccontextmanager
async def on_flexibility(
    tmp_path: Path, size: tuple[int, int]
) -> AsyncIterator[tuple[OpusApp, Pilot[int]]]:
    """The demo on Flexibilitet at ``size``, the focus in its first setting."""
    url, _ = demo_store(tmp_path, any_clinic=False)
    app = OpusApp(url, catalogue=demo_catalogue(TODAY), clock=lambda: NOW)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        await focus(pilot, "general-any_clinic")
        yield app, pilot


def layout_of(app: OpusApp) -> str:
    """How the tab shows its preview: beside, full, hidden or closed."""
    screen = app.screen
    assert isinstance(screen, TabScreen)
    return screen.preview_layout


async def test_escape_closes_the_full_width_preview_and_keeps_the_path(tmp_path: Path) -> None:
    async with on_flexibility(tmp_path, (80, 24)) as (app, pilot):
        field = app.focused
        await pilot.press("f2")
        await settle(pilot)
        pane = pane_of(app)
        assert layout_of(app) == "full"
        assert app.focused is pane
        keys = footer_keys(app)
        assert keys.get("escape") == "Stäng"
        assert keys.get("backspace") == "Tillbaka"

        await pilot.press("enter", "enter")  # OpusTandläkarna, Undersökning
        assert pane.page is not None and pane.page.kind == "practitioner"
        await pilot.press("left")  # ← steps back as Backspace does
        assert pane.page.kind == "treatment"
        await pilot.press("backspace")
        assert pane.page.kind == "clinic"
        await pilot.press("enter", "enter")
        assert pane.page.kind == "practitioner"

        await pilot.press("escape")  # closes the overlay; the path is not stepped back
        await settle(pilot)
        assert layout_of(app) == "closed"
        assert app.focused is field
        assert pane.page.kind == "practitioner"

        await pilot.press("f2")  # opened again: where the patient was
        await settle(pilot)
        assert layout_of(app) == "full"
        assert pane.page.kind == "practitioner"


async def test_escape_beside_the_tab_gives_the_focus_back(tmp_path: Path) -> None:
    async with on_flexibility(tmp_path, (120, 40)) as (app, pilot):
        pane = pane_of(app)
        await pilot.press("shift+tab")  # the pane is last in the focus chain: Tab round to it
        while app.focused is not pane:
            await pilot.press("shift+tab")
        await pilot.press("tab")  # the tab's first field …
        field = app.focused
        assert field is not None and field is not pane
        await pilot.press("shift+tab")  # … and from it into the pane
        assert app.focused is pane
        assert layout_of(app) == "beside"
        keys = footer_keys(app)
        assert keys.get("escape") == "Till fliken"
        assert keys.get("backspace") == "Tillbaka"

        await pilot.press("enter", "enter")
        assert pane.page is not None and pane.page.kind == "practitioner"
        await pilot.press("left")
        assert pane.page.kind == "treatment"

        await pilot.press("escape")
        await settle(pilot)
        assert app.focused is field
        assert pane.display and layout_of(app) == "beside"
        assert pane.page.kind == "treatment"


async def test_escape_follows_the_width_when_the_terminal_is_resized(tmp_path: Path) -> None:
    async with on_flexibility(tmp_path, (80, 24)) as (app, pilot):
        field = app.focused
        await pilot.press("f2")
        await settle(pilot)
        pane = app.focused
        assert isinstance(pane, PreviewPane)
        await pilot.resize_terminal(130, 40)
        await settle(pilot)
        assert layout_of(app) == "beside"
        assert footer_keys(app).get("escape") == "Till fliken"
        await pilot.press("escape")
        await settle(pilot)
        assert app.focused is field
        assert pane.display


async def test_help_names_both_back_keys_and_what_the_pane_is(tmp_path: Path) -> None:
    from opus_tui.screens.help import help_lines

    url, _ = demo_store(tmp_path, any_clinic=False)
    app = OpusApp(url, catalogue=demo_catalogue(TODAY), clock=lambda: NOW)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        pane = pane_of(app)
        assert app.focused is pane
        field, rows = help_lines(app.screen, pane)
        assert "Esc lämnar förhandsvisningen" in field  # it said: Inget fält markerat
        assert any("←" in what for _, what in rows), rows
