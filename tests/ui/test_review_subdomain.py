"""Review of Underdomän (rev1)."""

from __future__ import annotations

from textual.widgets import Input, Static

from opus_tui.app import OpusApp
from tests.ui.helpers import settle, to_subdomain_name


async def test_pasted_booking_page_address_becomes_the_name(make_app) -> None:
    """A technician pastes the whole address: the name is kept, not refused for its dots."""
    app: OpusApp = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await to_subdomain_name(pilot)
        app.screen.query_one("#name", Input).insert_text_at_cursor(
            "https://Tandmottagningen.opusdentalonline.com/"
        )
        await settle(pilot)
        assert app.draft.subdomain.name == "tandmottagningen"
        assert app.screen.query_one("#name", Input).value == "tandmottagningen"
        address = str(app.screen.query_one("#address", Static).render())
        assert "https://tandmottagningen.opusdentalonline.com" in address
        assert not [p for p in app.problems() if p.path[:1] == ("subdomain",) and p.is_error]
