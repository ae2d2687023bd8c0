"""Review of the preview pane as a technician meets it (Pilot)."""

from __future__ import annotations

from pathlib import Path

from opus_tui.app import OpusApp
from opus_tui.services import booking_flow as bf
from tests.ui.helpers import settle
from tests.ui.test_preview_pane import NOW, demo_store, pane_of


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
