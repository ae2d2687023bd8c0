"""Review of Underdomän (rev1)."""

from __future__ import annotations

from textual.widgets import Input, Static

from opus_tui.app import OpusApp
from tests.ui.helpers import portal_with_name_taken, settle, to_subdomain_name


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


async def test_taken_name_is_said_once(make_app, store_url: str) -> None:
    """A name the portal says is taken: the error line under the name says so; the line under
    Kontrollera tillgänglighet no longer says it a second time."""
    from opus_tui.widgets.field import FieldError

    with portal_with_name_taken(store_url, "kliniken"):
        app: OpusApp = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await to_subdomain_name(pilot)
            await pilot.press(*"kliniken", "f5")
            await settle(pilot)
            shown = [str(w.render()) for w in app.screen.query(Static).results() if w.display]
            assert sum("upptaget" in text for text in shown) == 1, shown
            error = str(app.screen.query_one(FieldError).render())
            assert error == "✗ Underdomän: namnet är upptaget hos portalen; välj ett annat namn"
            assert str(app.screen.query_one("#availability", Static).render()) == ""
