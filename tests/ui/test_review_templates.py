"""Review of E-post, SMS, Konfiguration and Publicera, used from the keyboard as a technician
would: the merge-field picker, focus order, the publishing state."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Button, Select, TabbedContent

from opus_tui.app import OpusApp
from opus_tui.screens.configuration import ConfigurationScreen
from opus_tui.screens.email import EmailScreen
from opus_tui.screens.sms import SmsScreen
from opus_tui.services.templates import TemplateKind
from opus_tui.widgets.field import FieldError
from opus_tui.widgets.template_editor import TemplateEditor
from tests.ui.helpers import settle


async def _open(pilot, app: OpusApp, key: str) -> None:
    await settle(pilot)
    await pilot.press(key)
    await settle(pilot)


@asynccontextmanager
async def _on_connection_tab(
    make_app: Callable[[], OpusApp], pane: str
) -> AsyncIterator[tuple[OpusApp, Pilot[int]]]:
    """Konfiguration (tab 9, at 100×30) with its connection tab ``pane`` chosen."""
    app: OpusApp = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await _open(pilot, app, "9")
        app.screen.query_one("#connection-tabs", TabbedContent).active = pane
        await pilot.pause()
        yield app, pilot


def _editor(app: OpusApp, kind: TemplateKind) -> TemplateEditor:
    return app.screen.query_one(f"#editor-{kind.value}", TemplateEditor)


# --- the merge-field picker ----------------------------------------------------------------


async def test_f4_then_enter_inserts_the_first_field(make_app) -> None:
    """F4 opens the list on its first field: Enter inserts it (the blank prompt row was
    highlighted, so Enter did nothing and the list stayed open)."""
    app: OpusApp = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await _open(pilot, app, "6")
        assert isinstance(app.screen, EmailScreen)
        editor = _editor(app, TemplateKind.NEW_BOOKING)
        area = editor.text_area
        area.focus()
        await pilot.press(*"Hej ")
        await pilot.press("f4")
        await pilot.pause()
        picker = editor.query_one(Select)
        assert picker.expanded
        await pilot.press("enter")
        await pilot.pause()
        assert not picker.expanded
        assert area.text == "Hej {patient_first_name}"
        assert app.focused is area
        # again: one Down is the second field
        await pilot.press("space", "f4")
        await pilot.pause()
        await pilot.press("down", "enter")
        await pilot.pause()
        assert area.text == "Hej {patient_first_name} {patient_last_name}"


async def test_picker_opened_with_enter_starts_on_the_first_field(make_app) -> None:
    app: OpusApp = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await _open(pilot, app, "7")
        assert isinstance(app.screen, SmsScreen)
        editor = _editor(app, TemplateKind.CANCELLATION)
        app.screen.query_one("#templates", TabbedContent).active = "pane-cancellation"
        await pilot.pause()
        picker = editor.query_one(Select)
        picker.focus()
        await pilot.press("enter")  # opens the list
        await pilot.pause()
        assert picker.expanded
        await pilot.press("enter")
        await pilot.pause()
        assert editor.text == "{patient_first_name}"
        assert app.draft.sms.cancellation == "{patient_first_name}"


# --- Konfiguration: Tab goes from field to field ------------------------------------------


async def test_configuration_tab_order_has_no_invisible_stops(make_app) -> None:
    """Tab from the sub-tabs lands in the first field: the scroll areas around the fields took a
    Tab stop of their own (nothing visible had focus; what was typed went nowhere, and the next
    Tab put a secret meant for API-nyckel into Portalens adress in plain text)."""
    from textual.widgets import Input, Tabs

    app: OpusApp = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(pilot, app, "9")
        tabs = app.screen.query_one("#connection-tabs", TabbedContent)
        # a database, so that its fields are enabled
        app.screen.query_one("#db-new", Button).press()
        await settle(pilot)
        expected = {
            "pane-databases": ["db-list", "db-new", "db-remove", "db-name", "db-conn"],
            "pane-account": ["account-url", "api-key"],
            "pane-certificate": ["cert-path", "key-path", "key-passphrase"],
        }
        tabs.query_one(Tabs).focus()
        for n, (pane, ids) in enumerate(expected.items()):
            if n:
                tabs.query_one(Tabs).focus()
                await pilot.press("right")  # the next sub-tab, as a user does
            await pilot.pause()
            assert tabs.active == pane
            seen = []
            for _ in ids:
                await pilot.press("tab")
                seen.append(app.focused.id if app.focused is not None else None)
            assert seen == ids, pane
        # the API key typed after Tab from the address is in the key's (masked) field
        tabs.active = "pane-account"
        await pilot.pause()
        url = app.screen.query_one("#account-url", Input)
        url.focus()
        await pilot.press("tab", *"nyckel")
        assert url.value != "nyckel" and "nyckel" not in url.value
        key = app.screen.query_one("#api-key", Input)
        assert key.value == "nyckel" and key.password


# --- Publicera: the header says it is publishing ---------------------------------------------


async def test_header_says_publishing_until_the_outcome(make_app, store_url: str) -> None:
    """After Publicera the header showed the old state ("Portal: publicerad", "ej publicerad")
    for as long as the portal took (≈ 10 s with retries when it is down), with nothing else on
    screen: now "Portal: publicerar…" until the outcome."""
    import uuid

    from opus_tui.domain import ConnectionSettings, PortalAccount
    from opus_tui.domain.connections import API_KEY_SECRET
    from opus_tui.screens.publish import PublishScreen
    from opus_tui.store.repository import Store
    from tests.ui.test_publish import FAST, KEY, Emulator, configuration, wait_for

    emulator = Emulator()
    emulator.start()
    name = f"ui-{uuid.uuid4().hex[:8]}"
    store = Store.open(store_url)
    try:
        store.save_connections(
            ConnectionSettings(account=PortalAccount(url=emulator.url)), put={API_KEY_SECRET: KEY}
        )
        store.save_config(configuration(name), summary="test")
        app: OpusApp = make_app()
        app.portal_options = {"retry": FAST}
        async with app.run_test(size=(140, 44)) as pilot:
            await settle(pilot)
            await pilot.press("f9")
            await settle(pilot)
            assert isinstance(app.screen, PublishScreen)
            flow = app._publishing()
            with flow.sending:  # the publication waits here: the portal is "slow"
                await pilot.press("enter")
                await pilot.pause()
                assert not isinstance(app.screen, PublishScreen)
                assert "Portal: publicerar…" in app.sub_title
            await settle(pilot)
            await wait_for(pilot, lambda: "Portal: publicerad" in app.sub_title)
    finally:
        store.close()
        emulator.stop()


async def test_standard_text_button_can_be_undone(make_app) -> None:
    """Standardtext over one's own text: Ctrl+Z brings the text back (it was lost for good)."""
    from textual.widgets import Button

    from opus_tui.services import templates as tpl
    from opus_tui.services.templates import Channel

    app: OpusApp = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await _open(pilot, app, "7")
        editor = _editor(app, TemplateKind.NEW_BOOKING)
        editor.text_area.focus()
        await pilot.press(*"Egen text {date}")
        await pilot.pause()
        assert app.draft.sms.new_booking == "Egen text {date}"
        editor.query_one(".use-standard", Button).focus()
        await pilot.press("enter")
        await pilot.pause()
        standard = tpl.standard_text(Channel.SMS, TemplateKind.NEW_BOOKING)
        assert editor.text == standard
        assert app.draft.sms.new_booking == standard
        assert app.focused is editor.text_area
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert editor.text == "Egen text {date}"
        assert app.draft.sms.new_booking == "Egen text {date}"


# --- Konfiguration: a blocked save shows the faulty field -----------------------------------


async def test_blocked_save_focuses_the_faulty_database_field(make_app) -> None:
    from textual.widgets import Input, Tabs

    app: OpusApp = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await _open(pilot, app, "9")
        screen = app.screen
        assert isinstance(screen, ConfigurationScreen)
        for name in ("Opus Lund", "Opus Malmö"):
            screen.query_one("#db-new", Button).press()
            await settle(pilot)
            await pilot.press("ctrl+u", *name, "tab", *"DSN=opus")
        # the first database loses its connection string; the user is on Certifikat
        screen.query_one("#db-list").focus()
        await pilot.press("up")
        await pilot.pause()
        conn = screen.query_one("#db-conn", Input)
        conn.focus()
        await pilot.press("ctrl+u")
        tabs = screen.query_one("#connection-tabs", TabbedContent)
        tabs.query_one(Tabs).focus()
        await pilot.press("right", "right")
        await pilot.pause()
        assert tabs.active == "pane-certificate"
        # then shows the second database
        screen._show_db(1)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert tabs.active == "pane-databases"
        assert screen.db_index == 0
        assert app.focused is conn
        assert conn.value == ""
        assert screen.query_one("#db-name", Input).value == "Opus Lund"
        shown = [str(n.message) for n in app._notifications]
        assert "ODBC-anslutningssträng (Opus Lund): får inte vara tomt" in shown


async def test_certificate_files_must_be_pem(make_app, store_url: str, tmp_path, monkeypatch):
    """A DER certificate or a key file without a private key was "✓ filen kan läsas" and saved;
    publishing then failed at the TLS handshake with no field named."""
    from textual.widgets import Input, Static

    from opus_tui.store.repository import Store

    monkeypatch.chdir(tmp_path)  # short relative paths: fewer keys to type
    (tmp_path / "c.der").write_bytes(b"\x30\x82\x03\x1e\x30\x82\x02\x06")
    (tmp_path / "c.pem").write_text(
        "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"
    )
    (tmp_path / "k.pem").write_text("-----BEGIN EC PRIVATE KEY-----\nMHc\n")
    async with _on_connection_tab(make_app, "pane-certificate") as (app, pilot):
        screen = app.screen
        assert isinstance(screen, ConfigurationScreen)
        cert = screen.query_one("#cert-path", Input)
        cert.focus()
        await pilot.press(*"c.der", "tab", *"c.pem")  # the key: a certificate
        await pilot.pause()
        problems = {p.path[-1]: p for p in screen.section_problems()}
        assert problems["certificate_path"].message == (
            "är inte en PEM-fil med -----BEGIN CERTIFICATE-----"
        )
        assert problems["certificate_path"].label == "Certifikat"
        assert (
            problems["key_path"].message == "är inte en PEM-fil med -----BEGIN … PRIVATE KEY-----"
        )
        errors = [str(e.render()) for e in screen.query(FieldError)]
        assert sum("inte en PEM-fil med -----BEGIN CERTIFICATE" in e for e in errors) == 1
        assert not screen.query_one("#cert-path-state", Static).display  # not said twice
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.focused is cert
        with Store.open(store_url) as store:
            assert store.load_connections().certificate.certificate_path == ""
        cert.focus()
        await pilot.press("ctrl+u", *"c.pem", "tab", "ctrl+u", *"k.pem")
        await pilot.pause()
        assert screen.section_problems() == []
        assert "✓" in str(screen.query_one("#key-path-state", Static).render())
        await pilot.press("ctrl+s")
        await settle(pilot)
    with Store.open(store_url) as store:
        saved = store.load_connections().certificate
        pinned = (str((tmp_path / "c.pem").resolve()), str((tmp_path / "k.pem").resolve()))
        assert (saved.certificate_path, saved.key_path) == pinned  # saved absolute


async def test_f9_again_while_comparing_shows_one_dialog(make_app, store_url: str) -> None:
    """F9 pressed again while the portal is slow to answer: each press made its own dialog
    (three F9, three dialogs, each able to publish the same plan)."""
    import uuid

    from opus_tui.domain import ConnectionSettings, PortalAccount
    from opus_tui.domain.connections import API_KEY_SECRET
    from opus_tui.screens.publish import PublishScreen
    from opus_tui.store.repository import Store
    from tests.ui.test_publish import FAST, KEY, Emulator, configuration, wait_for

    emulator = Emulator()
    emulator.start()
    store = Store.open(store_url)
    try:
        store.save_connections(
            ConnectionSettings(account=PortalAccount(url=emulator.url)), put={API_KEY_SECRET: KEY}
        )
        store.save_config(configuration(f"ui-{uuid.uuid4().hex[:8]}"), summary="test")
        app: OpusApp = make_app()
        app.portal_options = {"retry": FAST}
        async with app.run_test(size=(140, 44)) as pilot:
            await settle(pilot)
            emulator.faults(LatencyMs=800)  # a slow portal: the comparison takes a while
            for _ in range(3):
                await pilot.press("f9")
                await pilot.pause(0.2)
            await settle(pilot)
            await wait_for(pilot, lambda: isinstance(app.screen, PublishScreen))
            await pilot.pause(0.5)
            dialogs = [s for s in app.screen_stack if isinstance(s, PublishScreen)]
            assert len(dialogs) == 1
            shown = [str(n.message) for n in app._notifications]
            assert "Publicera pågår redan – vänta på portalens svar." in shown
            await pilot.press("escape")
            await settle(pilot)
            assert not isinstance(app.screen, PublishScreen)
            # and F9 works again afterwards
            emulator.faults(LatencyMs=0)
            await pilot.press("f9")
            await settle(pilot)
            await wait_for(pilot, lambda: isinstance(app.screen, PublishScreen))
    finally:
        store.close()
        emulator.stop()


async def test_dialog_says_when_the_portal_was_changed_elsewhere(
    make_app, store_url: str, tmp_path
) -> None:
    """Someone else published after us: Publicera compared with the portal's version and
    listed their change as one of ours to make (their script '…' → ''), with nothing saying
    that publishing undoes someone else's work."""
    import uuid

    from opus_tui.domain import ConnectionSettings, PortalAccount
    from opus_tui.domain import config as dc
    from opus_tui.domain.connections import API_KEY_SECRET
    from opus_tui.screens.publish import PublishScreen
    from opus_tui.services.portal import PortalClient
    from opus_tui.services.publisher import Publisher
    from opus_tui.store.repository import Store
    from tests.ui.test_publish import FAST, KEY, Emulator, configuration, static_text, wait_for

    emulator = Emulator()
    emulator.start()
    name = f"ui-{uuid.uuid4().hex[:8]}"
    ours, theirs = Store.open(store_url), Store.open(f"sqlite:///{tmp_path / 'theirs.db'}")
    try:
        for store in (ours, theirs):
            store.save_connections(
                ConnectionSettings(account=PortalAccount(url=emulator.url)),
                put={API_KEY_SECRET: KEY},
            )
            store.save_config(configuration(name), summary="test")
        with PortalClient(emulator.url, KEY, retry=FAST) as client:
            publisher = Publisher(ours, client)
            assert publisher.publish(publisher.prepare()).status == "published"
        ours.save_config(configuration(name, hours=5), summary="vår ändring")
        app: OpusApp = make_app()
        app.portal_options = {"retry": FAST}
        async with app.run_test(size=(140, 44)) as pilot:
            await settle(pilot)
            await pilot.press("f9")
            await settle(pilot)
            await wait_for(pilot, lambda: isinstance(app.screen, PublishScreen))
            assert not app.screen.query("#changed-elsewhere")  # only our change
            await pilot.press("escape")
            await settle(pilot)
            # someone else publishes a script from another store
            theirs.save_config(
                configuration(name).model_copy(
                    update={"advanced": dc.AdvancedSettings(analytics_script="<script></script>")}
                ),
                summary="deras",
            )
            with PortalClient(emulator.url, KEY, retry=FAST) as client:
                publisher = Publisher(theirs, client)
                assert publisher.publish(publisher.prepare()).status == "published"
            await pilot.press("f9")
            await settle(pilot)
            await wait_for(pilot, lambda: isinstance(app.screen, PublishScreen))
            assert "har ändrats sedan den senast publicerades härifrån" in static_text(
                app, "#changed-elsewhere"
            )
            assert "Webbanalys-script" in static_text(app, "#change-list")
    finally:
        ours.close()
        theirs.close()
        emulator.stop()


async def test_portal_address_over_http_only_to_this_machine(make_app, store_url: str) -> None:
    """http://portal.example.se was saved, and refused only at the first Publicera."""
    from textual.widgets import Input

    from opus_tui.store.repository import Store

    async with _on_connection_tab(make_app, "pane-account") as (app, pilot):
        screen = app.screen
        assert isinstance(screen, ConfigurationScreen)
        url = screen.query_one("#account-url", Input)
        url.focus()
        await pilot.press("ctrl+u", *"http://portal.example.se")
        await pilot.pause()
        (problem,) = screen.section_problems()
        assert problem.label == "Portalens adress"
        assert problem.message.startswith("måste börja med https://")
        await pilot.press("ctrl+s")
        await settle(pilot)
        with Store.open(store_url) as store:
            assert store.load_connections().account.url != "http://portal.example.se"
        for ok in ("http://127.0.0.1:8765", "http://localhost:8765", "https://portal.example.se"):
            await pilot.press("ctrl+u", *ok)
            await pilot.pause()
            assert screen.section_problems() == [], ok
        await pilot.press("ctrl+s")
        await settle(pilot)
    with Store.open(store_url) as store:
        assert store.load_connections().account.url == "https://portal.example.se"


async def test_schema_map_must_be_a_readable_mapping(
    make_app, store_url: str, tmp_path, monkeypatch
) -> None:
    """Schemamappning was saved as typed: a missing file or a broken mapping showed up only at
    Testa anslutning or the catalogue fetch."""
    from textual.widgets import Input

    from opus_tui.store.repository import Store

    monkeypatch.chdir(tmp_path)
    (tmp_path / "fel.toml").write_text("[tabeller\n", encoding="utf-8")
    default = Path(__file__).parents[2] / "opus_tui" / "services" / "schema_map.toml"
    (tmp_path / "ok.toml").write_text(default.read_text(encoding="utf-8"), encoding="utf-8")
    app: OpusApp = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await _open(pilot, app, "9")
        screen = app.screen
        assert isinstance(screen, ConfigurationScreen)
        screen.query_one("#db-new", Button).press()
        await settle(pilot)
        await pilot.press("ctrl+u", *"Opus", "tab", *"DSN=opus")
        schema = screen.query_one("#db-schema", Input)
        schema.focus()
        await pilot.press(*"saknas.toml")
        await pilot.pause()
        (problem,) = screen.section_problems()
        assert problem.key == "connections.databases[0].schema_map"
        assert (problem.label, problem.message) == ("Schemamappning (Opus)", "filen finns inte")
        await pilot.press("ctrl+u", *"fel.toml")
        await pilot.pause()
        (problem,) = screen.section_problems()
        assert "inte giltig TOML" in problem.message
        screen.query_one("#db-name", Input).focus()
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.focused is schema
        with Store.open(store_url) as store:
            assert store.load_connections().databases == []
        await pilot.press("ctrl+u", *"ok.toml")
        await pilot.pause()
        assert screen.section_problems() == []
        await pilot.press("ctrl+s")
        await settle(pilot)
    with Store.open(store_url) as store:
        saved = store.load_connections().databases[0].schema_map
        assert saved == str((tmp_path / "ok.toml").resolve())  # saved absolute


async def test_escape_from_the_field_list_goes_back_to_the_text(make_app) -> None:
    """F4 in the text, then Escape: the cursor was left on the picker, so the next letters
    typed went to the list's search instead of the template."""
    app: OpusApp = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await _open(pilot, app, "6")
        editor = _editor(app, TemplateKind.REBOOKING)
        app.screen.query_one("#templates", TabbedContent).active = "pane-rebooking"
        await pilot.pause()
        area = editor.text_area
        area.focus()
        await pilot.press(*"Ny tid ")
        await pilot.press("f4")
        await pilot.pause()
        assert editor.query_one(Select).expanded
        await pilot.press("escape")
        await settle(pilot)
        assert not editor.query_one(Select).expanded
        assert app.focused is area
        await pilot.press(*"ok")
        assert area.text == "Ny tid ok"
        # the picker reached with Tab (not F4) keeps the focus after Escape
        picker = editor.query_one(Select)
        picker.focus()
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("escape")
        await settle(pilot)
        assert picker.has_focus


async def test_header_follows_a_saved_api_key(make_app) -> None:
    """'Portal: ej konfigurerad' stayed in the header after the API key was saved."""
    from textual.widgets import Input

    app: OpusApp = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await _open(pilot, app, "9")
        assert "Portal: ej konfigurerad" in app.sub_title
        app.screen.query_one("#connection-tabs", TabbedContent).active = "pane-account"
        await pilot.pause()
        app.screen.query_one("#api-key", Input).focus()
        await pilot.press(*"hemlig-42", "ctrl+s")
        await settle(pilot)
        assert "Portal: ej publicerad" in app.sub_title
        assert "hemlig-42" not in app.export_screenshot()
