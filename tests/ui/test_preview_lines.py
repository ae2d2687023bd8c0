"""The preview's lines on a big chain: kept block lines give exactly what a full render gives,
only changed blocks are rendered again, and walking a long page scrolls to the cursor."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from rich.segment import Segment
from textual.pilot import Pilot
from textual.strip import Strip

from opus_tui.domain.catalogue import Catalogue
from opus_tui.domain.config import WebConfiguration
from opus_tui.services import booking_flow as bf
from opus_tui.services.demo import chain_catalogue, generate_chain, published_clinics
from opus_tui.widgets.preview import PageLines, PreviewPane
from tests.ui.helpers import focus, settle
from tests.ui.test_preview_pane import Host, pane_of, with_general

CHAIN_DAY = datetime(2026, 1, 5, 8, 0)  # the chain's first day
CLINICS = 300


@pytest.fixture(scope="module")
def chain() -> tuple[WebConfiguration, Catalogue]:
    """300 clinics × 30 practitioners (one week of times), every one published, by city."""
    catalogue = chain_catalogue(generate_chain(CLINICS, 30, 1, seed=7))
    bf.catalogue_index(catalogue)
    config = WebConfiguration().model_copy(update={"clinics": published_clinics(catalogue)})
    return config, catalogue


def host(config: WebConfiguration, catalogue: Catalogue) -> Host:
    app = Host(config, catalogue)
    app.clock = lambda: CHAIN_DAY
    return app


def full_build(lines: PageLines) -> list[list[Segment]]:
    """The straightforward build: every block rendered now at the pane's width."""
    console = lines.app.console
    width = lines.scrollable_content_region.width
    options = console.options.update_width(width)
    base = lines.rich_style
    return [
        list(Strip(line).apply_style(base))
        for block in lines._blocks
        for line in console.render_lines(block, options, pad=False)
    ]


def shown(lines: PageLines) -> list[list[Segment]]:
    return [list(strip) for strip in lines._strips]


def from_scratch(pane: PreviewPane) -> list[list[Segment]]:
    """The pane's lines with nothing kept: every option block made and rendered anew."""
    lines = pane.query_one(PageLines)
    pane._option_blocks.clear()
    lines._kept.clear()
    lines._kept_before.clear()
    pane._paint()
    assert lines.rendered_blocks == len(lines._blocks)
    return shown(lines)


async def show_every_clinic(pilot: Pilot[Any], pane: PreviewPane) -> None:
    """Choose "Visa fler" until every clinic is on the page."""
    while pane.page is not None:
        more = [a for a in pane.page.selectable() if a.kind == "more"]
        if not more:
            return
        pane.choose(more[0])
        await pilot.pause()


@asynccontextmanager
async def every_clinic_shown(
    chain: tuple[WebConfiguration, Catalogue], height: int = 40
) -> AsyncIterator[tuple[Host, Pilot[Any], PreviewPane, PageLines]]:
    """The pane on the big chain, 100 columns wide, "Visa fler" chosen until every clinic is
    on its first page."""
    config, catalogue = chain
    app = host(config, catalogue)
    async with app.run_test(size=(100, height)) as pilot:
        pane = app.query_one(PreviewPane)
        lines = pane.query_one(PageLines)
        await pilot.pause()
        await show_every_clinic(pilot, pane)
        yield app, pilot, pane, lines


def screen_lines(lines: PageLines) -> list[str]:
    """The lines painted in the pane now (after scrolling)."""
    return [lines.render_line(y).text for y in range(lines.scrollable_content_region.height)]


async def test_kept_lines_are_those_of_a_full_build_on_a_big_chain(
    chain: tuple[WebConfiguration, Catalogue],
) -> None:
    config, _catalogue = chain
    async with every_clinic_shown(chain) as (app, pilot, pane, lines):
        pane.focus()
        await pilot.pause()
        assert pane.page is not None
        assert len(pane.page.options(bf.CLINIC)) == CLINICS
        assert len(lines._blocks) > CLINICS
        assert shown(lines) == full_build(lines)
        assert len(lines._strips) > 3 * CLINICS

        # A setting changes: "Vilken som helst" options come per city, the clinics stay.
        app.set_draft(with_general(config, any_clinic=True))
        await pilot.pause()
        assert "Vilken som helst: " in pane.plain_text()
        assert shown(lines) == full_build(lines)
        assert 0 < lines.rendered_blocks < len(lines._blocks) // 10

        # The cursor moves: its old and new option only.
        await pilot.press("down", "down", "down")
        assert shown(lines) == full_build(lines)
        assert lines.rendered_blocks <= 2

        # A new width: everything again, at that width.
        await pilot.resize_terminal(70, 40)
        await pilot.pause()
        assert lines.scrollable_content_region.width < 90
        assert shown(lines) == full_build(lines)

        # Back to the first: the lines at that width are built again, and still the same.
        app.set_draft(config)
        await pilot.pause()
        assert "Vilken som helst: " not in pane.plain_text()
        assert shown(lines) == full_build(lines)

        # After all that, what is shown is what a pane that kept nothing shows.
        await pilot.press("up")
        kept = shown(lines)
        assert kept == from_scratch(pane)


async def test_walking_a_long_page_scrolls_to_the_cursor(
    chain: tuple[WebConfiguration, Catalogue],
) -> None:
    async with every_clinic_shown(chain, height=30) as (_app, pilot, pane, lines):
        pane.focus()
        await pilot.pause()
        assert pane.page is not None
        clinics = [o.label.split("  ")[0] for o in pane.page.options(bf.CLINIC)]
        assert lines.scroll_offset.y == 0

        # Up from the first clinic: [Logga in], then round to the last clinic, at the foot.
        await pilot.press("up", "up")
        await pilot.pause()
        visible = "\n".join(screen_lines(lines))
        assert f"▶ {clinics[-1]}" in visible
        assert lines.scroll_offset.y == lines.max_scroll_y > 0

        # Down: round to the top, then down the page; the cursor's option stays in view.
        for _ in range(42):
            await pilot.press("down")
        await pilot.pause()
        actions = pane.page.selectable()
        chosen = next(o for o in pane.page.options() if o.action == actions[pane.cursor])
        assert chosen.label.startswith(clinics[40])
        assert 0 < lines.scroll_offset.y < lines.max_scroll_y
        visible = "\n".join(screen_lines(lines))
        assert f"▶ {chosen.label}" in visible

        # Enter chooses the highlighted clinic as a patient does; the next page starts on top.
        await pilot.press("enter")
        assert pane.page.kind == "treatment"
        assert clinics[40] in pane.plain_text()
        assert lines.scroll_offset.y == 0
        assert shown(lines) == full_build(lines)


async def test_a_hidden_pane_builds_its_lines_when_shown_again(
    chain: tuple[WebConfiguration, Catalogue],
) -> None:
    config, _catalogue = chain
    async with every_clinic_shown(chain) as (app, pilot, pane, lines):
        pane.display = False
        await pilot.pause()
        app.set_draft(with_general(config, any_clinic=True))
        await pilot.pause()
        pane.display = True
        await pilot.pause()
        await pilot.pause()
        assert "Vilken som helst: " in "\n".join(lines.plain_lines())
        assert shown(lines) == full_build(lines)
        visible = "\n".join(screen_lines(lines))
        assert "Kedjetandvården" in visible


async def test_f2_on_a_big_chain_shows_the_change_made_while_closed(
    chain: tuple[WebConfiguration, Catalogue], tmp_path: Path
) -> None:
    from opus_tui.app import OpusApp
    from opus_tui.store.repository import Store

    config, catalogue = chain
    url = f"sqlite:///{tmp_path / 'store.db'}"
    with Store.open(url) as store:
        store.save_config(config, summary="test")
    app = OpusApp(url, catalogue=catalogue, clock=lambda: CHAIN_DAY)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        await focus(pilot, "general-any_clinic")
        field = app.focused
        await pilot.press("f2")
        await settle(pilot)
        pane = pane_of(app)
        lines = pane.query_one(PageLines)
        assert app.focused is pane
        await show_every_clinic(pilot, pane)
        first = "\n".join(screen_lines(lines))
        assert "▶ Kedjetandvården" in first

        await pilot.press("f2")  # closed: the tab's field has the keys again
        await settle(pilot)
        assert app.focused is field
        await pilot.press("space")  # Visa 'Vilken klinik som helst'
        await settle(pilot)
        assert app.draft.flexibility.general.any_clinic is True

        await pilot.press("f2")
        await settle(pilot)
        assert app.focused is pane
        assert pane.page is not None
        assert len(pane.page.options(bf.CLINIC)) > CLINICS  # still every clinic, and "any"
        assert shown(lines) == full_build(lines)
        visible = "\n".join(screen_lines(lines))
        assert "Vilken som helst: " in visible
        assert "▶ " in visible
