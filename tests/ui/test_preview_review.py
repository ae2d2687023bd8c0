"""Review of the preview pane as a technician meets it (Pilot)."""

from __future__ import annotations

from pathlib import Path

from opus_tui.app import OpusApp
from opus_tui.services import booking_flow as bf
from opus_tui.services.demo import demo_catalogue
from opus_tui.widgets.preview import PageLines
from tests.ui.helpers import focus, settle
from tests.ui.test_preview_pane import NOW, TODAY, demo_store, pane_of


def highlighted(app: OpusApp) -> bf.Action | None:
    pane = pane_of(app)
    assert pane.page is not None
    actions = pane.page.selectable()
    return actions[pane.cursor] if actions else None


async def test_at_start_the_cursor_is_on_the_first_clinic_not_on_logga_in(tmp_path: Path) -> None:
    """The pane's first page came before the catalogue (nothing to choose but Logga in); when
    the clinics came, the cursor stayed on [Logga in]."""
    url, _ = demo_store(tmp_path, any_clinic=False)
    app = OpusApp(url, clock=lambda: NOW)  # the catalogue comes from the store, later
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await settle(pilot)
        action = highlighted(app)
        assert action is not None
        assert action.kind == "choose" and action.step == bf.CLINIC, action
        pane = pane_of(app)
        pane.focus()
        await pilot.pause()
        await pilot.press("enter")
        assert pane.page is not None and pane.page.kind == "treatment"


async def test_wrapped_option_lines_stay_under_their_option(tmp_path: Path) -> None:
    """In the pane beside a tab (43 columns of text) an option's wrapped lines began in the
    first column, level with the options, so one option could not be told from the next."""
    url, _ = demo_store(tmp_path, any_clinic=True)
    app = OpusApp(url, catalogue=demo_catalogue(TODAY), clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        pane = pane_of(app)
        lines = [line.rstrip() for line in pane.query_one(PageLines).plain_lines()]
        start = next(i for i, line in enumerate(lines) if "Våra behandlare: Olle" in line)
        assert lines[start].startswith("    Våra behandlare:")
        assert lines[start + 1].startswith("    ") and lines[start + 1].strip(), lines[start:]
        any_lund = next(i for i, line in enumerate(lines) if "Vilken som helst: LUND" in line)
        assert lines[any_lund + 1].startswith("  ") and lines[any_lund + 1].strip(), lines
        # the whole texts are still there, unwrapped, for scripts and tests
        assert "Sök lediga tider från alla kliniker i LUND" in pane.plain_text()
        assert "Våra behandlare: Olle Ohlsson, Lena Svensson – Tandhygienist" in pane.plain_text()


async def test_avancerat_and_boka_vard_edits_show_in_the_pane(tmp_path: Path) -> None:
    """Every tab's unsaved edit shows in the pane; the analytics script (Avancerat) and
    'Publicera på Boka Vård' changed nothing there."""
    url, _ = demo_store(tmp_path, any_clinic=False)
    app = OpusApp(url, catalogue=demo_catalogue(TODAY), clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        pane = pane_of(app)
        assert "webbanalys" not in pane.plain_text()
        await pilot.press("8")  # Avancerat
        await settle(pilot)
        pane = pane_of(app)
        await focus(pilot, "script")
        await pilot.press(*"<script>x()</script>")
        await settle(pilot)
        assert "Sidan har ett webbanalys-script (Avancerat)" in pane.plain_text()
        assert "Boka Vård" not in pane.plain_text()
        await pilot.press("alt+4")  # Flexibilitet (from inside the field)
        await settle(pilot)
        pane = pane_of(app)
        await focus(pilot, "general-publish_boka_vard")
        await pilot.press("space")
        await settle(pilot)
        text = pane.plain_text()
        assert "Tiderna publiceras även på Boka Vård" in text
        assert "syns inte för patienten" in text
        assert app.saved.advanced.analytics_script == ""  # nothing saved
