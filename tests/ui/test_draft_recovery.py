"""Unsaved edits survive a dropped SSH link or a crash: the app keeps the draft's unsaved
sections in a file of the user's own, offers them back at the next start (Ta tillbaka / Kasta),
and removes the file once nothing is unsaved (saved, reverted, or thrown away at quit)."""

from __future__ import annotations

from typing import Any

from textual.widgets import Input, Static

from opus_tui.app import OpusApp
from opus_tui.domain.config import SubdomainSettings
from opus_tui.screens.quit import QuitDialog
from opus_tui.screens.recover import RecoverDialog
from opus_tui.services.draft_backup import SessionBackup, backup_files, read_backup, read_file
from opus_tui.store.repository import Store
from tests.ui.helpers import settle, type_subdomain
from tests.unit.test_draft_backup import write_backup

QUICK = 0.01  # seconds from the last change to the backup


def _app(make_app: Any) -> OpusApp:
    app: OpusApp = make_app()
    app.keep_drafts = True  # as run_app has it
    app.backup_seconds = QUICK
    return app


async def _wait_for(pilot: Any, condition: Any) -> None:
    for _ in range(200):
        await pilot.pause(0.01)
        await pilot.app.workers.wait_for_complete()
        if condition():
            return
    raise AssertionError("the backup never reached the expected state")


async def _edit_and_drop(make_app: Any, store_url: str, name: str) -> None:
    """Type a subdomain and end the session without saving or quitting (the link drops)."""
    app = _app(make_app)
    async with app.run_test(size=(80, 24)) as pilot:
        await type_subdomain(pilot, name)
        await _wait_for(pilot, lambda: read_backup(store_url) is not None)
    backup = read_backup(store_url)
    assert backup is not None and backup.sections == {"subdomain": {"name": name}}


async def test_edits_of_a_dropped_session_are_offered_back(make_app, store_url) -> None:
    await _edit_and_drop(make_app, store_url, "tappad-klinik")

    app = _app(make_app)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, RecoverDialog)
        assert "Underdomän" in str(app.screen.query_one("#dialog-text", Static).render())
        await pilot.press("enter")  # Ta tillbaka has the focus
        await settle(pilot)
        assert app.draft.subdomain.name == "tappad-klinik"
        assert app.saved.subdomain.name == ""  # nothing saved by taking them back
        await pilot.press("3")
        await settle(pilot)
        assert app.screen.query_one("#name", Input).value == "tappad-klinik"
        await pilot.press("ctrl+s")
        await _wait_for(pilot, lambda: read_backup(store_url) is None)
    with Store.open(store_url) as store:
        assert store.load_config().subdomain.name == "tappad-klinik"


async def test_kasta_throws_the_kept_edits_away(make_app, store_url) -> None:
    await _edit_and_drop(make_app, store_url, "tappad-klinik")

    app = _app(make_app)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, RecoverDialog)
        await pilot.press("tab", "enter")  # Kasta
        await settle(pilot)
        assert not isinstance(app.screen, RecoverDialog)
        assert app.draft.subdomain.name == ""
        assert backup_files(store_url) == []
    again = _app(make_app)
    async with again.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert not isinstance(again.screen, RecoverDialog)


async def test_discarding_at_quit_keeps_nothing(make_app, store_url) -> None:
    app = _app(make_app)
    async with app.run_test(size=(80, 24)) as pilot:
        await type_subdomain(pilot, "kastad-klinik")
        await _wait_for(pilot, lambda: read_backup(store_url) is not None)
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, QuitDialog)
        await pilot.press("tab", "enter")  # Kasta
        await settle(pilot)
    assert backup_files(store_url) == []


async def test_reverting_removes_the_backup(make_app, store_url) -> None:
    app = _app(make_app)
    async with app.run_test(size=(80, 24)) as pilot:
        await type_subdomain(pilot, "annan-klinik")
        await _wait_for(pilot, lambda: read_backup(store_url) is not None)
        await pilot.press("ctrl+r")
        await _wait_for(pilot, lambda: read_backup(store_url) is None)
        assert app.draft == app.saved


async def test_without_keep_drafts_nothing_is_kept_or_offered(make_app, store_url) -> None:
    write_backup(store_url, {"subdomain": {"name": "tappad-klinik"}})
    app: OpusApp = make_app()  # tests' default, as OpusApp's: keep_drafts=False
    app.backup_seconds = QUICK
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert not isinstance(app.screen, RecoverDialog)
        await type_subdomain(pilot, "annan-klinik")
        await pilot.pause(0.1)
        await settle(pilot)
    backup = read_backup(store_url)
    assert backup is not None and backup.sections == {"subdomain": {"name": "tappad-klinik"}}


async def test_a_backup_that_was_saved_after_all_is_not_offered(make_app, store_url) -> None:
    # The session saved, then dropped before its backup caught up: nothing is unsaved.
    with Store.open(store_url) as store:
        store.save_section("subdomain", SubdomainSettings(name="sparad-klinik"))
    write_backup(store_url, {"subdomain": {"name": "sparad-klinik"}})
    app = _app(make_app)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert not isinstance(app.screen, RecoverDialog)
        assert backup_files(store_url) == []


async def test_a_second_session_keeps_its_own_edits_and_is_not_offered_the_first_ones(
    make_app, store_url
) -> None:
    running = SessionBackup(store_url)  # another login on the same store, with an unsaved edit
    running.write({"subdomain": {"name": "forsta-inloggningen"}})

    app = _app(make_app)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert not isinstance(app.screen, RecoverDialog)  # its edits are its own
        await type_subdomain(pilot, "andra-inloggningen")
        await _wait_for(pilot, lambda: len(backup_files(store_url)) == 2)
    kept = read_file(running.path)
    assert kept is not None and kept.sections == {"subdomain": {"name": "forsta-inloggningen"}}

    running.close()  # now the first login's link drops too: both are offered, newest first
    again = _app(make_app)
    async with again.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(again.screen, RecoverDialog)
        await pilot.press("enter")
        await settle(pilot)
        assert again.draft.subdomain.name == "andra-inloggningen"
        await _wait_for(pilot, lambda: len(backup_files(store_url)) == 1)  # one session's now
