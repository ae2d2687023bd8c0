"""The app shell: tabs as modes, tab keys, the palette, the header, the quit prompt."""

from __future__ import annotations

import re

from textual.widget import Widget
from textual.widgets import Input

from opus_tui.app import OpusApp
from opus_tui.domain.config import SubdomainSettings
from opus_tui.screens import TABS
from opus_tui.screens.quit import QuitDialog
from opus_tui.widgets.field import FieldError
from opus_tui.widgets.tab_bar import TabBar
from tests.ui.helpers import settle


async def test_tabs_switch_by_number_alt_and_ctrl_pages(make_app) -> None:
    app: OpusApp = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.current_mode == "kliniker"
        await pilot.press("4")
        assert app.current_mode == "flexibilitet"
        await pilot.press("alt+9")
        assert app.current_mode == "konfiguration"
        await pilot.press("ctrl+pagedown")
        assert app.current_mode == TABS[0].mode
        await pilot.press("ctrl+pageup")
        assert app.current_mode == "konfiguration"


async def test_header_names_store_and_catalogue(make_app, store_url: str) -> None:
    app: OpusApp = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert store_url.removeprefix("sqlite:///") in app.sub_title
        assert "Butik" not in app.sub_title  # named only when it is not simply open
        assert "Portal: ej konfigurerad" in app.sub_title
        assert "Katalog: sparad idag 09:30" in app.sub_title


async def test_header_is_the_status_line_and_names_a_store_that_failed(tmp_path) -> None:
    from textual.widgets._header import HeaderTitle

    from tests.ui.conftest import FIXED_NOW, ui_catalogue

    missing = tmp_path / "saknas" / "store.db"  # its directory does not exist
    app = OpusApp(f"sqlite:///{missing}", catalogue=ui_catalogue(), clock=lambda: FIXED_NOW)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.sub_title.startswith("Portal: ej kontrollerad · Butik: kan inte öppnas · ")
        shown = str(app.screen.query_one(HeaderTitle).render())
        assert shown.startswith("Portal: ")  # no "opus-tui — " before it


async def test_palette_goes_to_tab(make_app) -> None:
    app: OpusApp = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Gå till SMS")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert app.current_mode == "sms"


async def test_textuals_own_texts_are_swedish(make_app) -> None:
    """The footer's palette key, the palette's prompt and empty result, an open Select's key."""
    from textual.command import CommandInput, CommandList, CommandPalette
    from textual.widgets import Footer, Select
    from textual.widgets._footer import FooterKey

    from opus_tui.commands_palette import NO_MATCH

    def footer_texts() -> list[str]:
        footer = app.screen.query_one(Footer)
        return [f"{key.key_display} {key.description}" for key in footer.query(FooterKey)]

    app: OpusApp = make_app()
    async with app.run_test(size=(100, 24)) as pilot:
        await settle(pilot)
        assert "^p Meny" in footer_texts()
        assert not any("palette" in text for text in footer_texts())
        app.screen.query_one(Select).focus()
        await pilot.press("enter")  # opens the list
        await pilot.pause()
        assert "esc Stäng listan" in footer_texts()
        assert not any("Dismiss" in text for text in footer_texts())
        await pilot.press("escape")
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert app.screen.query_one(CommandInput).placeholder == "Sök kommando…"
        await pilot.press(*"qqqxz")
        await pilot.pause(0.8)  # Textual's own "No matches found" would come after 0.5 s
        prompts = [str(o.prompt) for o in app.screen.query_one(CommandList).options]
        assert len(prompts) == 1 and prompts[0].startswith(NO_MATCH)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, CommandPalette)


async def test_quit_without_changes_exits(make_app) -> None:
    app: OpusApp = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert app.return_code == 0


async def test_quit_with_changes_asks_and_cancel_stays(make_app) -> None:
    app: OpusApp = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        app.update_draft("subdomain", SubdomainSettings(name="kliniken"))
        await pilot.pause()
        assert "kliniker" not in app.dirty_modes()
        assert "underdoman" in app.dirty_modes()
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, QuitDialog)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, QuitDialog)
        assert app.is_running
        assert "●" in app.screen.query_one(TabBar).render().plain


async def test_quit_dialog_save_writes_and_exits(make_app, store_url: str) -> None:
    from opus_tui.store.repository import Store

    app: OpusApp = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.press("3")
        app.update_draft("subdomain", SubdomainSettings(name="kliniken"))
        await pilot.pause()
        await pilot.press("ctrl+q")
        await pilot.pause()
        await pilot.press("enter")  # Spara has the focus
        await app.workers.wait_for_complete()
        await pilot.pause()
    assert app.return_code == 0
    with Store.open(store_url) as store:
        assert store.load_config().subdomain.name == "kliniken"


async def test_quit_dialog_discard_exits_without_saving(make_app, store_url: str) -> None:
    from opus_tui.store.repository import Store

    app: OpusApp = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        app.update_draft("subdomain", SubdomainSettings(name="kliniken"))
        await pilot.pause()
        await pilot.press("ctrl+q")
        await pilot.pause()
        await pilot.press("tab", "enter")  # Kasta
        await pilot.pause()
    assert app.return_code == 0
    with Store.open(store_url) as store:
        assert store.load_config().subdomain.name == ""


async def test_tab_keys_do_nothing_while_a_dialog_is_open(make_app) -> None:
    app: OpusApp = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.update_draft("subdomain", SubdomainSettings(name="kliniken"))
        await pilot.press("ctrl+q")
        await pilot.pause()
        await pilot.press("4", "ctrl+pagedown")
        await pilot.pause()
        assert isinstance(app.screen, QuitDialog)
        assert app.current_mode == "kliniker"


async def test_palette_revert_and_save_act_on_the_current_tab(make_app, store_url: str) -> None:
    from opus_tui.store.repository import Store

    app: OpusApp = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.press("3")
        await pilot.pause()
        app.update_draft("subdomain", SubdomainSettings(name="forsta"))
        for command in ("Spara Underdomän", "Återställ Underdomän"):
            if command.startswith("Återställ"):
                app.update_draft("subdomain", SubdomainSettings(name="andra"))
            await pilot.press("ctrl+p")
            await pilot.pause()
            await pilot.press(*command)
            await pilot.pause(0.3)
            await pilot.press("enter")
            await settle(pilot)
        assert app.draft.subdomain.name == "forsta"
    with Store.open(store_url) as store:
        assert store.load_config().subdomain.name == "forsta"


async def test_quit_dialog_save_with_errors_stays_and_shows_them(make_app, store_url) -> None:
    from opus_tui.widgets.field import FieldError

    app: OpusApp = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        app.update_draft("subdomain", SubdomainSettings.model_construct(name="-fel-"))
        await pilot.pause()
        await pilot.press("ctrl+q")
        await pilot.pause()
        await pilot.press("enter")  # Spara
        await settle(pilot)
        assert app.is_running
        assert app.current_mode == "underdoman"
        error = app.screen.query_one(FieldError)
        assert "bindestreck" in str(error.render())


async def test_digits_typed_in_a_text_field_stay_there(make_app) -> None:
    app: OpusApp = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("3")
        await pilot.pause()
        app.screen.query_one("#name").focus()
        await pilot.press(*"klinik24")
        await pilot.pause()
        assert app.current_mode == "underdoman"
        assert app.draft.subdomain.name == "klinik24"


async def test_quit_dialog_saves_a_tab_never_opened(make_app, store_url: str) -> None:
    from opus_tui.store.repository import Store

    app: OpusApp = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        app.update_draft("subdomain", SubdomainSettings(name="oppnad-aldrig"))
        await pilot.press("ctrl+q")
        await pilot.pause()
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
    assert app.return_code == 0
    with Store.open(store_url) as store:
        assert store.load_config().subdomain.name == "oppnad-aldrig"


async def test_a_tab_left_and_shown_again_looks_the_same(make_app) -> None:
    """Leaving a tab drops its rendered lines (issue 8); showing it again draws it as before."""
    app: OpusApp = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        first: dict[str, str] = {}
        for key, tab in zip("123456789", TABS, strict=True):
            await pilot.press(key)
            await settle(pilot)
            first[tab.mode] = _screen(app)
        left = app._screen_stacks[TABS[0].mode][-1]
        assert all(not w._render_cache.lines for w in left.walk_children(Widget))
        for key, tab in zip("123456789", TABS, strict=True):
            await pilot.press(key)
            await settle(pilot)
            assert _screen(app) == first[tab.mode], tab.label


def _screen(app: OpusApp) -> str:
    """The screenshot without its per-export id."""
    return re.sub(r"terminal-\d+", "terminal", app.export_screenshot())


async def test_a_store_breaking_a_rule_opens_with_its_values_and_is_put_right(
    make_app, store_url: str
) -> None:
    """Saved before a rule was tightened (or edited by hand): the app opens it, shows the value
    under its error, and Spara of the fixed tab saves."""
    import json
    import sqlite3

    from opus_tui.domain import EmailSettings
    from opus_tui.store import Store

    with Store.open(store_url) as store:
        store.save_section("email", EmailSettings(sender="bokning@klinik.se"))
    path = store_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as db:
        db.execute(
            "UPDATE config_section SET data = ? WHERE section = 'email'",
            (json.dumps({"sender": "a@klinik.se, b@klinik.se"}),),
        )
    app: OpusApp = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert app.store_state == "öppen"
        assert any("bara en avsändaradress" in str(n.message) for n in app._notifications)
        await pilot.press("6")
        await settle(pilot)
        sender = app.screen.query_one("#sender", Input)
        assert sender.value == "a@klinik.se, b@klinik.se"
        shown = [str(e.render()) for e in app.screen.query(FieldError) if e.has_class("-shown")]
        assert any("bara en avsändaradress" in text for text in shown), shown
        sender.value = "bokning@klinik.se"
        await pilot.press("ctrl+s")
        await settle(pilot)
    with Store.open(store_url) as store:
        assert store.load_config().email.sender == "bokning@klinik.se"
