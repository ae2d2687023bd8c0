"""Another session saves a tab's section while this one edits it (a second SSH login on the
same store, or ``opus-tui import``): Spara does not silently undo that work. It warns, keeps
the draft, and takes what the other session saved as the saved value, so a second Spara
overwrites deliberately and Återställ takes theirs. Saving at quit behaves the same."""

from __future__ import annotations

from textual.widgets import Input

from opus_tui.app import OpusApp
from opus_tui.domain.config import SubdomainSettings
from opus_tui.screens.quit import QuitDialog
from opus_tui.store.repository import Store
from tests.ui.helpers import settle, type_subdomain


def _save_elsewhere(url: str, name: str) -> None:
    with Store.open(url) as other:
        other.save_section("subdomain", SubdomainSettings(name=name))


def _stored(url: str) -> str:
    with Store.open(url) as store:
        return store.load_config().subdomain.name


def _warnings(app: OpusApp) -> list[str]:
    return [str(n.message) for n in app._notifications if n.title == "Ändrad i butiken"]


async def _ours_and_theirs(pilot: object, app: OpusApp, store_url: str) -> None:
    """We type "var-klinik" as Underdomän; another session then saves "deras-klinik"."""
    await type_subdomain(pilot, "var-klinik")
    assert app.draft.subdomain.name == "var-klinik"
    _save_elsewhere(store_url, "deras-klinik")


async def test_save_after_another_session_warns_then_overwrites(make_app, store_url) -> None:
    app: OpusApp = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _ours_and_theirs(pilot, app, store_url)

        await pilot.press("ctrl+s")
        await settle(pilot)
        assert _stored(store_url) == "deras-klinik"  # not undone
        [warning] = _warnings(app)
        assert warning.startswith("Underdomän sparades från en annan session")
        assert "ctrl+s" in warning and "ctrl+r" in warning
        assert app.draft.subdomain.name == "var-klinik"  # nothing typed is lost
        assert app.saved.subdomain.name == "deras-klinik"
        assert app.screen.query_one("#name", Input).value == "var-klinik"

        await pilot.press("ctrl+s")  # the deliberate second save
        await settle(pilot)
        assert _stored(store_url) == "var-klinik"
        assert len(_warnings(app)) == 1


async def test_revert_after_the_warning_takes_the_other_sessions_value(make_app, store_url) -> None:
    app: OpusApp = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _ours_and_theirs(pilot, app, store_url)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert _warnings(app)

        await pilot.press("ctrl+r")
        await settle(pilot)
        assert app.screen.query_one("#name", Input).value == "deras-klinik"
        assert app.draft.subdomain.name == "deras-klinik"
        assert app.dirty_modes() == set()


async def test_save_at_quit_after_another_session_stays_open(make_app, store_url) -> None:
    app: OpusApp = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _ours_and_theirs(pilot, app, store_url)
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, QuitDialog)
        await pilot.press("enter")  # Spara has the focus
        await settle(pilot)
        assert app.is_running  # did not exit: the save was refused
        assert _warnings(app)
        assert _stored(store_url) == "deras-klinik"
        assert app.draft.subdomain.name == "var-klinik"
