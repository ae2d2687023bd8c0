"""Konfiguration: a saved database password, portal API key or key passphrase is removed with
the keyboard ("Ta bort sparat lösenord" …), marked until Spara, undone by Återställ, deleted in
the settings' own transaction; afterwards Testa anslutning and Publicera behave as with none."""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Button, Input, Static

from opus_tui.app import OpusApp
from opus_tui.domain.connections import (
    API_KEY_SECRET,
    CERTIFICATE_KEY_PASSPHRASE_SECRET,
    CertificateSettings,
    ConnectionSettings,
    DatabaseProfile,
    PortalAccount,
    database_secret_name,
)
from opus_tui.screens.configuration import (
    FORGET,
    KEEP,
    NONE,
    UNREADABLE,
    ConfigurationScreen,
    ConnectionsDraft,
)
from opus_tui.services.publisher import PublishError, client_from_store
from opus_tui.store.repository import Store
from opus_tui.widgets.tab_bar import TabBar
from tests.ui.conftest import FIXED_NOW
from tests.ui.helpers import focus, focus_widget, settle

PASSWORD = "hemligt-lösen-1"
API_KEY = "nyckel-abc-123"
PHRASE = "lösenfras-xyz"
SECRETS = (PASSWORD, API_KEY, PHRASE)
LUND = database_secret_name("Opus Lund")

_databases = itertools.count()


@pytest.fixture
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """SQLite by default; ``parametrize("store_url", ["postgres"], indirect=True)`` for a
    PostgreSQL store (a database of its own on the session's server)."""
    if getattr(request, "param", "sqlite") == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    pg = request.getfixturevalue("pg_server")
    return str(pg.create_database(f"secret_removal_{next(_databases)}").url)


BOTH_STORES = pytest.mark.parametrize("store_url", ["sqlite", "postgres"], indirect=True)


def save_all(url: str, tmp_path: Path, connection: str = "") -> None:
    """A database with a password, the portal account with an API key, a certificate with a
    key passphrase."""
    pem = tmp_path / "client.pem"
    pem.write_text("-----BEGIN CERTIFICATE-----\n-----BEGIN PRIVATE KEY-----\n")
    settings = ConnectionSettings(
        databases=[
            DatabaseProfile(
                name="Opus Lund",
                connection_string=connection or f"DRIVER={{SQLite3}};Database={tmp_path / 'x.db'}",
            )
        ],
        account=PortalAccount(url="https://portal.example.se"),
        certificate=CertificateSettings(certificate_path=str(pem), key_path=str(pem)),
    )
    with Store.open(url) as store:
        store.save_connections(
            settings,
            put={
                LUND: PASSWORD,
                API_KEY_SECRET: API_KEY,
                CERTIFICATE_KEY_PASSPHRASE_SECRET: PHRASE,
            },
        )


def save_on_another_machine(url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``save_all`` with another key file than this machine's (a shared store)."""
    ours = os.environ["OPUS_TUI_KEY_FILE"]
    monkeypatch.setenv("OPUS_TUI_KEY_FILE", str(tmp_path / "other-machine.key"))
    save_all(url, tmp_path)
    monkeypatch.setenv("OPUS_TUI_KEY_FILE", ours)


def held(url: str) -> dict[str, bool]:
    with Store.open(url) as store:
        return {
            name: store.has_secret(name)
            for name in (LUND, API_KEY_SECRET, CERTIFICATE_KEY_PASSPHRASE_SECRET)
        }


def screen(app: OpusApp) -> ConfigurationScreen:
    current = app.screen
    assert isinstance(current, ConfigurationScreen)
    return current


def dirty_marker(app: OpusApp) -> bool:
    return "●" in app.screen.query_one(TabBar).render().plain


def row_shown(button: Button) -> bool:
    """Whether the button's row (under its field) is displayed."""
    row = button.parent
    return row is not None and bool(getattr(row, "display", False))


def no_secret_shown(app: OpusApp) -> None:
    shot = app.export_screenshot()
    for secret in SECRETS:
        assert secret not in shot


async def released(pilot: Any, button: Button) -> None:
    """Wait until the button no longer shows its last press (a press during that is ignored)."""
    while button.has_class("-active"):
        await pilot.pause(0.05)


async def open_tab(pilot: Any, pane: str = "") -> None:
    """Konfiguration (9), then the sub-tab ``pane`` ("Mitt konto", "Certifikat") by keys."""
    await settle(pilot)
    await pilot.press("9")
    await settle(pilot)
    if pane:
        await next_pane(pilot, {"Mitt konto": 1, "Certifikat": 2}[pane])


async def next_pane(pilot: Any, steps: int = 1) -> None:
    """The sub-tab ``steps`` to the right of the shown one."""
    tabs = pilot.app.screen.query_one("#connection-tabs Tabs")
    await focus_widget(pilot, tabs)
    await pilot.press(*["right"] * steps)
    await pilot.pause()


# -- the draft ------------------------------------------------------------------------------------


def test_draft_mark_typing_and_unmark() -> None:
    draft = ConnectionsDraft(ConnectionSettings())
    marked = draft.with_forget(API_KEY_SECRET, True)
    assert marked.forget == (API_KEY_SECRET,) and marked != draft
    assert marked.with_forget(API_KEY_SECRET, False) == draft
    typed = marked.with_secret(API_KEY_SECRET, "ny")  # a typed key replaces the saved one
    assert typed.forget == () and typed.secret(API_KEY_SECRET) == "ny"
    assert typed.with_secret(API_KEY_SECRET, "") == draft  # emptied: keep the saved one


# -- Databaser ------------------------------------------------------------------------------------


@BOTH_STORES
async def test_database_password_removed_reverted_and_saved(
    make_app: Callable[[], OpusApp], store_url: str, tmp_path: Path
) -> None:
    save_all(store_url, tmp_path)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_tab(pilot)
        password = app.screen.query_one("#db-password", Input)
        button = app.screen.query_one("#db-password-forget", Button)
        assert password.placeholder == KEEP and str(button.label) == "Ta bort sparat lösenord"
        assert not dirty_marker(app)
        await focus(pilot, "db-password-forget")
        assert isinstance(app.screen.focused, Button)
        await pilot.press("enter")
        await pilot.pause()
        assert password.placeholder == FORGET
        assert str(button.label) == "Behåll sparat lösenord"
        assert dirty_marker(app)
        no_secret_shown(app)
        # Återställ undoes the mark; nothing was deleted
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert password.placeholder == KEEP and str(button.label) == "Ta bort sparat lösenord"
        assert not dirty_marker(app) and not screen(app).is_dirty()
        assert held(store_url)[LUND]
        # the button undoes its own mark too (Textual ignores Enter while the button shows
        # its previous press)
        await focus(pilot, "db-password-forget")
        await pilot.press("enter")
        await released(pilot, button)
        await pilot.press("enter")
        await pilot.pause()
        assert not screen(app).is_dirty() and password.placeholder == KEEP
        await released(pilot, button)
        await pilot.press("enter", "ctrl+s")
        await settle(pilot)
        assert not dirty_marker(app)
        assert password.placeholder == NONE
        assert not row_shown(button)
        assert app.focused is password  # the button went away under the cursor
        no_secret_shown(app)
    assert held(store_url) == {
        LUND: False,
        API_KEY_SECRET: True,
        CERTIFICATE_KEY_PASSPHRASE_SECRET: True,
    }
    with Store.open(store_url) as store:
        (profile,) = store.load_connections().databases
        assert profile.name == "Opus Lund"  # the settings themselves are kept
        assert store.get_secret(LUND) is None


async def test_typing_a_password_disables_removal_and_replaces_it(
    make_app: Callable[[], OpusApp], store_url: str, tmp_path: Path
) -> None:
    save_all(store_url, tmp_path)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_tab(pilot)
        button = app.screen.query_one("#db-password-forget", Button)
        await focus(pilot, "db-password-forget")
        await pilot.press("enter")
        await focus(pilot, "db-password")
        await pilot.press(*"nytt")
        await pilot.pause()
        assert button.disabled and str(button.label) == "Ta bort sparat lösenord"
        assert screen(app).draft_value.forget == ()
        await pilot.press("ctrl+s")
        await settle(pilot)
    with Store.open(store_url) as store:
        assert store.get_secret(LUND) == "nytt"


async def test_renamed_database_keeps_no_password_behind(
    make_app: Callable[[], OpusApp], store_url: str, tmp_path: Path
) -> None:
    """A removed password is deleted under the old name when the database is renamed in the
    same save; a new password typed for a renamed database leaves no copy under the old one."""
    save_all(store_url, tmp_path)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_tab(pilot)
        await focus(pilot, "db-name")
        await pilot.press("ctrl+u", *"Opus Malmö")
        await focus(pilot, "db-password-forget")
        await pilot.press("enter", "ctrl+s")
        await settle(pilot)
        with Store.open(store_url) as store:
            assert not store.has_secret(LUND)
            assert not store.has_secret(database_secret_name("Opus Malmö"))
        # a new password, then a rename with another new password
        await focus(pilot, "db-password")
        await pilot.press(*"ett", "ctrl+s")
        await settle(pilot)
        await focus(pilot, "db-name")
        await pilot.press("ctrl+u", *"Opus Ystad")
        await focus(pilot, "db-password")
        await pilot.press(*"två", "ctrl+s")
        await settle(pilot)
    with Store.open(store_url) as store:
        assert not store.has_secret(database_secret_name("Opus Malmö"))
        assert store.get_secret(database_secret_name("Opus Ystad")) == "två"


async def test_mark_follows_its_database_when_another_is_removed(
    make_app: Callable[[], OpusApp], store_url: str, tmp_path: Path
) -> None:
    save_all(store_url, tmp_path)
    with Store.open(store_url) as store:
        settings = store.load_connections()
        second = DatabaseProfile(
            name="Opus Umeå", connection_string=f"DRIVER={{SQLite3}};Database={tmp_path / 'y.db'}"
        )
        settings = settings.model_copy(update={"databases": [*settings.databases, second]})
        store.save_connections(settings, put={database_secret_name("Opus Umeå"): "umeå-lösen"})
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_tab(pilot)
        await focus(pilot, "db-list")
        await pilot.press("down")  # Opus Umeå
        await pilot.pause()
        await focus(pilot, "db-password-forget")
        await pilot.press("enter")
        await focus(pilot, "db-list")
        await pilot.press("up")  # Opus Lund, removed as a whole
        await focus(pilot, "db-remove")
        await pilot.press("enter")
        await pilot.pause()
        assert screen(app).draft_value.forget == ("db:0",)  # Umeå is now the first
        assert app.screen.query_one("#db-password", Input).placeholder == FORGET
        await pilot.press("ctrl+s")
        await settle(pilot)
    with Store.open(store_url) as store:
        assert [d.name for d in store.load_connections().databases] == ["Opus Umeå"]
        assert not store.has_secret(LUND)
        assert not store.has_secret(database_secret_name("Opus Umeå"))


async def test_testa_anslutning_uses_no_password_once_removed(
    make_app: Callable[[], OpusApp], store_url: str, tmp_path: Path, pg_server: Any
) -> None:
    """PostgreSQL over TCP wants the password: the test connects with the saved one, and
    fails without it once it is marked for removal (before and after Spara)."""
    from opus_tui.services.demo import write_demo_odbc

    db = pg_server.create_database("secret_removal_opus")
    write_demo_odbc(db.odbc_with_password, FIXED_NOW.date(), "Opus Lund")
    save_all(store_url, tmp_path, connection=db.odbc)
    with Store.open(store_url) as store:
        store.set_secret(LUND, db.password)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_tab(pilot)
        result = app.screen.query_one("#db-result", Static)

        async def tested() -> str:
            await pilot.press("f5")
            await settle(pilot)
            return str(result.render())

        assert (await tested()).startswith("✓")
        await focus(pilot, "db-password-forget")
        await pilot.press("enter")
        assert (await tested()).startswith("✗ Anslutningen misslyckades")
        await pilot.press("ctrl+r")
        assert (await tested()).startswith("✓")
        await focus(pilot, "db-password-forget")
        await pilot.press("enter", "ctrl+s")
        await settle(pilot)
        assert (await tested()).startswith("✗ Anslutningen misslyckades")
        assert db.password not in app.export_screenshot()
    assert not held(store_url)[LUND]


# -- Mitt konto and Certifikat --------------------------------------------------------------------


@BOTH_STORES
async def test_api_key_and_passphrase_removed_then_publish_says_no_key(
    make_app: Callable[[], OpusApp], store_url: str, tmp_path: Path
) -> None:
    save_all(store_url, tmp_path)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_tab(pilot, "Mitt konto")
        key = app.screen.query_one("#api-key", Input)
        assert key.placeholder == KEEP
        await focus(pilot, "api-key-forget")
        await pilot.press("enter")
        await pilot.pause()
        assert key.placeholder == FORGET and dirty_marker(app)
        await next_pane(pilot)  # Certifikat
        phrase = app.screen.query_one("#key-passphrase", Input)
        await focus(pilot, "key-passphrase-forget")
        assert str(app.screen.query_one("#key-passphrase-forget", Button).label) == (
            "Ta bort sparad lösenfras"
        )
        await pilot.press("enter")
        await pilot.pause()
        assert phrase.placeholder == FORGET
        no_secret_shown(app)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not dirty_marker(app)
        assert (key.placeholder, phrase.placeholder) == (NONE, NONE)
        assert "Portal: ej konfigurerad" in app.sub_title
        await pilot.press("f9")  # Publicera
        await settle(pilot)
        shown = [str(n.message) for n in app._notifications]
        assert any(m.startswith("API-nyckel saknas") for m in shown), shown
        no_secret_shown(app)
    assert held(store_url) == {
        LUND: True,
        API_KEY_SECRET: False,
        CERTIFICATE_KEY_PASSPHRASE_SECRET: False,
    }
    with Store.open(store_url) as store:
        assert store.load_connections().account.url == "https://portal.example.se"
        with pytest.raises(PublishError, match="API-nyckel saknas"):
            client_from_store(store)


async def test_no_button_without_a_saved_secret(
    make_app: Callable[[], OpusApp], store_url: str
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_tab(pilot, "Mitt konto")
        key = app.screen.query_one("#api-key", Input)
        assert key.placeholder == NONE
        assert not row_shown(app.screen.query_one("#api-key-forget", Button))
        await focus(pilot, "api-key")
        await pilot.press("tab")
        assert app.focused is not None and app.focused.id != "api-key-forget"


async def test_a_secret_saved_with_another_machines_key_can_be_removed(
    make_app: Callable[[], OpusApp],
    store_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A shared store: the API key was saved on another machine. It reads as none here, and
    said "(inget sparat)" with no way to remove it."""
    save_on_another_machine(store_url, tmp_path, monkeypatch)
    with Store.open(store_url) as store:
        assert store.secret_state(API_KEY_SECRET) == "unreadable"
        assert store.get_secret(API_KEY_SECRET) is None
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_tab(pilot, "Mitt konto")
        key = app.screen.query_one("#api-key", Input)
        button = app.screen.query_one("#api-key-forget", Button)
        assert key.placeholder == UNREADABLE
        assert row_shown(button) and not button.disabled
        await focus(pilot, "api-key-forget")
        await pilot.press("enter")
        await pilot.pause()
        assert key.placeholder == FORGET and dirty_marker(app)
        await released(pilot, button)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert key.placeholder == NONE and not row_shown(button)
    with Store.open(store_url) as store:
        assert store.secret_state(API_KEY_SECRET) == "none"
        assert store.secret_state(CERTIFICATE_KEY_PASSPHRASE_SECRET) == "unreadable"  # kept


def test_publishing_names_an_api_key_this_machine_cannot_read(
    store_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    save_on_another_machine(store_url, tmp_path, monkeypatch)
    with Store.open(store_url) as store, pytest.raises(PublishError) as raised:
        client_from_store(store)
    assert "sparades på en annan dator och kan inte läsas här" in str(raised.value)
