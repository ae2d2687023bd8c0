"""Publicera in the app against the portal emulator on loopback: the diff dialog, publishing,
the conflict dialog (nothing overwritten), the outbox while the portal is down and the
background sender (exactly once), and the header's portal state. The API key never shows."""

from __future__ import annotations

import html
import re
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from textual.widgets import Static

from opus_tui.domain import (
    ConnectionSettings,
    Consent,
    PortalAccount,
    PractitionerProfile,
    PublishedClinic,
    PublishedPractitioner,
    WebConfiguration,
)
from opus_tui.domain import config as dc
from opus_tui.domain.connections import API_KEY_SECRET
from opus_tui.screens import publish as publish_screens
from opus_tui.screens.publish import ConflictScreen, PublishScreen
from opus_tui.services import wire
from opus_tui.services.portal import PortalClient, RetryPolicy
from opus_tui.services.portal_emulator import HOST, _uvicorn_config, create_app
from opus_tui.services.publisher import Publisher
from opus_tui.store.repository import Store
from tests.ui.helpers import settle

KEY = "ui-publicera-nyckel-93f1"
FAST = RetryPolicy(attempts=2, timeout=5.0, wait_initial=0.001, wait_max=0.002, wait_jitter=0.001)


class Emulator:
    """The emulator app served on one loopback port; it can be stopped and started again
    (same port, same state), as a portal that goes away for a while."""

    def __init__(self) -> None:
        self.app = create_app(api_keys=[KEY], seed=5)
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            probe.bind((HOST, 0))
            self.port = int(probe.getsockname()[1])
        self.url = f"http://{HOST}:{self.port}"
        self.server: Any = None
        self.thread: threading.Thread | None = None

    def start(self) -> None:
        import uvicorn

        for _ in range(200):
            self.server = uvicorn.Server(_uvicorn_config(self.app, self.port, "warning"))
            self.thread = threading.Thread(target=self.server.run, daemon=True)
            self.thread.start()
            while not self.server.started and self.thread.is_alive():
                time.sleep(0.01)
            if self.server.started:
                return
            time.sleep(0.05)  # the port is still being released
        raise RuntimeError("the emulator did not start again")

    def stop(self) -> None:
        if self.server is not None and self.thread is not None:
            self.server.should_exit = True
            self.thread.join(timeout=10)
            self.server = None

    def faults(self, **values: object) -> None:
        self.app.state.emulator.faults.update({"ErrorRate": 0, "DropRate": 0, **values})

    def stats(self) -> dict[str, Any]:
        result: dict[str, Any] = httpx.get(f"{self.url}/_emulator/stats").json()
        return result


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    emu = Emulator()
    emu.start()
    try:
        yield emu
    finally:
        emu.stop()


def configuration(name: str, hours: int = 2, welcome: str = "Välkommen!") -> WebConfiguration:
    """Matches tests/ui/conftest.ui_catalogue: Malmö (Syd/1) with Olle and Anna."""
    clinic = PublishedClinic(
        database="Syd",
        clinic_id="1",
        name="OpusTandläkarna Malmö",
        practitioners=[
            PublishedPractitioner(practitioner_id="10", name="Olle Ohlsson", title="Tandläkare"),
            PublishedPractitioner(practitioner_id="11", name="Anna Hedman", title="Tandhygienist"),
        ],
    )
    return WebConfiguration(
        subdomain=dc.SubdomainSettings(name=name),
        clinics=dc.ClinicsSettings(published=[clinic]),
        practitioners=dc.PractitionerSettings(
            profiles=[PractitionerProfile(database="Syd", practitioner_id="10", text="Erfaren")],
            consents=[
                Consent(database="Syd", practitioner_id="11", clinic_id="1", photo=True, title=True)
            ],
        ),
        flexibility=dc.FlexibilitySettings(booking=dc.BookingSettings(hours_limit=hours)),
        media=dc.MediaSettings(texts=dc.GeneralTexts(welcome_text=welcome)),
    )


@pytest.fixture
def make_app(make_app: Callable[[], Any]) -> Callable[[], Any]:
    """The app as conftest makes it, with quick portal retries."""

    def make() -> Any:
        app = make_app()
        app.portal_options = {"retry": FAST}
        return app

    return make


@pytest.fixture
def prepared(store_url: str, emulator: Emulator) -> Iterator[Callable[[WebConfiguration], Store]]:
    """Save ``config`` and the portal connection (with the API key) in the app's store."""
    opened: list[Store] = []

    def prepare(config: WebConfiguration) -> Store:
        store = Store.open(store_url)
        store.save_connections(
            ConnectionSettings(account=PortalAccount(url=emulator.url)), put={API_KEY_SECRET: KEY}
        )
        store.save_config(config, summary="test")
        opened.append(store)
        return store

    yield prepare
    for store in opened:
        store.close()


def screen_text(app: Any) -> str:
    """The whole rendered screen as text (from the SVG screenshot)."""
    svg = app.export_screenshot()
    text = re.sub(r"<[^>]+>", "", svg)
    return html.unescape(text).replace("\xa0", " ")


def static_text(app: Any, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def portal_config(emulator: Emulator, name: str) -> WebConfiguration:
    with PortalClient(emulator.url, KEY, retry=FAST) as client:
        value = client.get_configuration(name).value
    return wire.from_wire(value, databases=["Syd"], ids=["1", "10", "11"])


async def wait_for(pilot: Any, condition: Callable[[], bool], rounds: int = 400) -> None:
    for _ in range(rounds):
        if condition():
            return
        await pilot.pause(0.02)
    raise AssertionError("the condition never became true")


async def test_diff_shown_confirmed_and_published(
    make_app: Callable[[], Any], prepared: Callable[[WebConfiguration], Store], emulator: Emulator
) -> None:
    name = f"ui-{uuid.uuid4().hex[:8]}"
    store = prepared(configuration(name))
    app = make_app()
    async with app.run_test(size=(140, 44)) as pilot:
        await settle(pilot)
        assert "Portal: ej publicerad" in app.sub_title
        # an unsaved edit is named, and not published
        app.update_draft("sms", dc.SmsSettings(new_booking="Osparad text {patient_first_name}"))
        await pilot.press("f9")
        await settle(pilot)
        assert isinstance(app.screen, PublishScreen)
        changes = static_text(app, "#change-list")
        assert "Flexibilitet" in changes
        # label, old, new
        assert "Avbokning/ombokning kan inte göras inom 0 timmar → 2 timmar" in changes
        assert "Anna Hedman, OpusTandläkarna Malmö" in changes  # the consent, by names
        assert "Olle Ohlsson" in changes  # the profile, by name
        assert "Syd/" not in changes
        assert "SMS" in static_text(app, "#unsaved")
        shown = screen_text(app)
        assert f"Publicera till {name}." in shown
        assert KEY not in shown
        await pilot.press("enter")  # Publicera has the focus
        await settle(pilot)
        await wait_for(pilot, lambda: "Portal: publicerad" in app.sub_title)
        assert not isinstance(app.screen, PublishScreen)
        assert KEY not in screen_text(app)
    saved = store.load_config()
    assert saved.sms.new_booking == ""  # the unsaved edit stayed local
    portal = portal_config(emulator, name)
    assert portal.flexibility.booking.hours_limit == 2
    assert portal.media.texts.welcome_text == "Välkommen!"
    assert portal.practitioners.consents == saved.practitioners.consents


async def test_palette_opens_it_escape_cancels_and_nothing_is_sent(
    make_app: Callable[[], Any], prepared: Callable[[WebConfiguration], Store], emulator: Emulator
) -> None:
    name = f"ui-{uuid.uuid4().hex[:8]}"
    store = prepared(configuration(name))
    app = make_app()
    async with app.run_test(size=(140, 44)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")  # the command palette
        await pilot.pause()
        await pilot.press(*"Publicera")
        await wait_for(pilot, lambda: "publicera det sparade (F9)" in screen_text(app))
        await pilot.press("enter")
        await settle(pilot)
        await wait_for(pilot, lambda: isinstance(app.screen, PublishScreen))
        assert "reserveras" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, PublishScreen)
        assert "Portal: ej publicerad" in app.sub_title
    assert store.publications() == []
    with PortalClient(emulator.url, KEY, retry=FAST) as client:
        assert client.availability(name).Available is True


async def test_conflict_shows_both_sides_and_overwrites_nothing(
    make_app: Callable[[], Any], prepared: Callable[[WebConfiguration], Store], emulator: Emulator
) -> None:
    name = f"ui-{uuid.uuid4().hex[:8]}"
    store = prepared(configuration(name, hours=2))
    with PortalClient(emulator.url, KEY, retry=FAST) as client:
        publisher = Publisher(store, client)
        assert publisher.publish(publisher.prepare()).status == "published"
    store.save_config(configuration(name, hours=10), summary="test")
    app = make_app()
    async with app.run_test(size=(140, 44)) as pilot:
        await settle(pilot)
        assert "Portal: opublicerade ändringar" in app.sub_title  # saved since it was published
        await pilot.press("f9")
        await settle(pilot)
        assert isinstance(app.screen, PublishScreen)
        assert "2 timmar → 10 timmar" in static_text(app, "#change-list")
        emulator.faults(ConcurrentChange=True)  # someone changes the portal (hours 2 → 3)
        await pilot.press("enter")
        await settle(pilot)
        await wait_for(pilot, lambda: isinstance(app.screen, ConflictScreen))
        both = static_text(app, "#conflict-list")
        assert "portalen 3 timmar · lokalt 10 timmar" in both, both
        assert app.focused is not None and app.focused.id == "cancel"
        await pilot.press("escape")
        await settle(pilot)
        assert "Portal: konflikt" in app.sub_title
        assert portal_config(emulator, name).flexibility.booking.hours_limit == 3  # kept
        # Again, another change on the portal (3 → 4); this time Skriv över, explicitly.
        await pilot.press("f9")
        await settle(pilot)
        assert "3 timmar → 10 timmar" in static_text(app, "#change-list")
        emulator.faults(ConcurrentChange=True)
        await pilot.press("enter")
        await settle(pilot)
        await wait_for(pilot, lambda: isinstance(app.screen, ConflictScreen))
        assert "portalen 4 timmar · lokalt 10 timmar" in static_text(app, "#conflict-list")
        assert portal_config(emulator, name).flexibility.booking.hours_limit == 4
        assert KEY not in screen_text(app)
        await pilot.click("#overwrite")
        await settle(pilot)
        await wait_for(pilot, lambda: "Portal: publicerad" in app.sub_title)
    assert portal_config(emulator, name).flexibility.booking.hours_limit == 10


async def test_conflict_dialog_names_what_the_portal_changed_apart_from_ours(
    make_app: Callable[[], Any], prepared: Callable[[WebConfiguration], Store], emulator: Emulator
) -> None:
    """Every line of the conflict dialog has both sides; which ones Skriv över would undo (the
    other side's changes) was not said."""
    from opus_tui.screens.publish import OURS_HEADING, THEIRS_HEADING

    name = f"ui-{uuid.uuid4().hex[:8]}"
    store = prepared(configuration(name, hours=2))
    with PortalClient(emulator.url, KEY, retry=FAST) as client:
        publisher = Publisher(store, client)
        assert publisher.publish(publisher.prepare()).status == "published"
    store.save_config(configuration(name, hours=2, welcome="Vår text"), summary="test")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f9")
        await settle(pilot)
        assert isinstance(app.screen, PublishScreen)
        emulator.faults(ConcurrentChange=True)  # theirs: hours 2 → 3
        await pilot.press("enter")
        await settle(pilot)
        await wait_for(pilot, lambda: isinstance(app.screen, ConflictScreen))
        both = static_text(app, "#conflict-list")
        theirs, _, ours = both.partition(OURS_HEADING)
        assert THEIRS_HEADING in theirs
        assert "inom: portalen 3 timmar · lokalt 2 timmar" in theirs
        assert "Välkommen text" not in theirs
        assert "Välkommen text: portalen 'Välkommen!' · lokalt 'Vår text'" in ours
        await pilot.press("escape")
        await settle(pilot)
    assert portal_config(emulator, name).flexibility.booking.hours_limit == 3


async def test_a_portal_in_trouble_gives_the_offline_dialog_after_three_tries(
    make_app: Callable[[], Any], prepared: Callable[[WebConfiguration], Store], emulator: Emulator
) -> None:
    """With the client's default retries (6 tries, backing off to 5 s) Publicera showed only
    'Portal: jämför…' for 10–20 s before the offline dialog came."""
    name = f"ui-{uuid.uuid4().hex[:8]}"
    store = prepared(configuration(name, hours=2))
    with PortalClient(emulator.url, KEY, retry=FAST) as client:
        publisher = Publisher(store, client)
        assert publisher.publish(publisher.prepare()).status == "published"
    store.save_config(configuration(name, hours=7), summary="test")
    app = make_app()
    app.portal_options = {}  # the app's own retries, not the tests' quick ones
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        emulator.faults(ErrorRate=1.0)  # every API call answers 503
        before = emulator.stats()["InjectedErrors"]
        await pilot.press("f9")
        await settle(pilot)
        await wait_for(pilot, lambda: isinstance(app.screen, PublishScreen), rounds=1500)
        assert "utkorgen" in static_text(app, "#offline")
        assert emulator.stats()["InjectedErrors"] - before == 3
        await pilot.press("escape")
        emulator.faults(ErrorRate=0)


async def test_plan_names_what_someone_else_published_apart_from_ours(
    make_app: Callable[[], Any],
    prepared: Callable[[WebConfiguration], Store],
    emulator: Emulator,
    tmp_path: Path,
) -> None:
    """After someone else published, the plan listed their change (to be undone) among ours,
    under one note for the whole list."""
    from opus_tui.screens.publish import ELSEWHERE_HEADING, OURS_HEADING

    name = f"ui-{uuid.uuid4().hex[:8]}"
    store = prepared(configuration(name, hours=2))
    with PortalClient(emulator.url, KEY, retry=FAST) as client:
        publisher = Publisher(store, client)
        assert publisher.publish(publisher.prepare()).status == "published"
        theirs = Store.open(f"sqlite:///{tmp_path / 'theirs.db'}")
        try:
            theirs.save_connections(
                ConnectionSettings(account=PortalAccount(url=emulator.url)),
                put={API_KEY_SECRET: KEY},
            )
            theirs.save_config(configuration(name, hours=2, welcome="Deras text"), summary="d")
            other = Publisher(theirs, client)
            assert other.publish(other.prepare()).status == "published"
        finally:
            theirs.close()
    store.save_config(configuration(name, hours=10), summary="vår")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f9")
        await settle(pilot)
        await wait_for(pilot, lambda: isinstance(app.screen, PublishScreen))
        assert app.screen.query("#changed-elsewhere")
        listed = static_text(app, "#change-list")
        elsewhere, _, ours = listed.partition(OURS_HEADING)
        assert ELSEWHERE_HEADING in elsewhere
        assert "Välkommen text 'Deras text' → 'Välkommen!'" in elsewhere
        assert "2 timmar → 10 timmar" in ours and "Välkommen text" not in ours
        await pilot.press("escape")
        await settle(pilot)


async def test_unreachable_portal_queues_and_the_background_sends_once(
    make_app: Callable[[], Any],
    prepared: Callable[[WebConfiguration], Store],
    emulator: Emulator,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(publish_screens, "OUTBOX_SECONDS", 0.2)
    name = f"ui-{uuid.uuid4().hex[:8]}"
    store = prepared(configuration(name, hours=2))
    with PortalClient(emulator.url, KEY, retry=FAST) as client:
        publisher = Publisher(store, client)
        assert publisher.publish(publisher.prepare()).status == "published"
    store.save_config(configuration(name, hours=7, welcome="**Ny** text"), summary="test")
    app = make_app()
    async with app.run_test(size=(140, 44)) as pilot:
        await settle(pilot)
        emulator.stop()
        await pilot.press("f9")
        await settle(pilot)
        assert isinstance(app.screen, PublishScreen)
        assert "utkorgen" in static_text(app, "#offline")
        assert "2 timmar → 7 timmar" in static_text(app, "#change-list")
        await pilot.press("enter")
        await settle(pilot)
        await wait_for(pilot, lambda: "Portal: väntar (1)" in app.sub_title)
        await pilot.resize_terminal(260, 44)  # the header shows the whole status
        await pilot.pause()
        assert "Portal: väntar (1)" in screen_text(app)
        [queued] = store.pending_publications()
        emulator.start()
        # the background worker (every OUTBOX_SECONDS here) sends it
        await wait_for(pilot, lambda: "Portal: publicerad" in app.sub_title)
        await settle(pilot)
        assert KEY not in screen_text(app)
    assert store.pending_publications() == []
    applications = emulator.stats()["Applications"]
    assert applications.get(queued.idempotency_key) == 1  # applied exactly once
    assert max(applications.values()) == 1
    portal = portal_config(emulator, name)
    assert portal.flexibility.booking.hours_limit == 7
    assert portal.media.texts.welcome_text == "**Ny** text"


SIZES = [(80, 24), (120, 40)]


@pytest.mark.parametrize("dialog", ["plan", "conflict"])
@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_snapshot_dialogs(
    snap_compare: Any,
    make_app: Callable[[], Any],
    prepared: Callable[[WebConfiguration], Store],
    emulator: Emulator,
    monkeypatch: pytest.MonkeyPatch,
    dialog: str,
    size: tuple[int, int],
) -> None:
    """The publish dialog (a removed consent, a setting, a text) and the conflict dialog."""
    monkeypatch.setattr("opus_tui.app.describe", lambda url: "test.db")
    name = "opustandlakarna"
    store = prepared(configuration(name, hours=2))
    with PortalClient(emulator.url, KEY, retry=FAST) as client:
        publisher = Publisher(store, client)
        assert publisher.publish(publisher.prepare()).status == "published"
    local = configuration(name, hours=10, welcome="Nu med **fet** text")
    store.save_config(
        local.model_copy(
            update={"practitioners": local.practitioners.model_copy(update={"consents": []})}
        ),
        summary="test",
    )
    app = make_app()

    async def run_before(pilot: Any) -> None:
        await settle(pilot)
        if size[0] >= 120:
            await pilot.press("f2")  # the preview hidden, as in the other snapshots
        await pilot.press("f9")
        await settle(pilot)
        if dialog == "conflict":
            emulator.faults(ConcurrentChange=True)
            await pilot.press("enter")
            await settle(pilot)
            await wait_for(pilot, lambda: isinstance(pilot.app.screen, ConflictScreen))
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=run_before)


async def test_the_buttons_stay_on_an_80x24_screen_under_long_notes(tmp_path: Path) -> None:
    """Unsaved tabs, a portal changed elsewhere and Opus data to update: at 80×24 Publicera and
    Avbryt fell below the screen (the list kept its 35vh)."""
    from opus_tui.app import OpusApp
    from opus_tui.domain.diff import diff
    from opus_tui.services.publisher import Names, PublishPlan
    from tests.ui.test_preview_pane import NOW, demo_store

    url, local = demo_store(tmp_path, any_clinic=False)
    portal = WebConfiguration()
    name = local.subdomain.name
    plan = PublishPlan(
        subdomain=name,
        base_etag='"1-a"',
        body=wire.empty_configuration(name, uuid.uuid4()),
        media={},
        portal=portal,
        local=local,
        changes=diff(portal, local),
        other_changes=True,
    )
    unsaved = ["Kliniker", "Flexibilitet", "Media", "E-post"]
    app = OpusApp(url, clock=lambda: NOW)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(PublishScreen(plan, Names([local, portal], None), unsaved, True))
        await settle(pilot)
        screen = app.screen
        for button in ("#publish", "#cancel"):
            assert screen.region.contains_region(screen.query_one(button).region), button
        changes = screen.query_one("#changes")
        assert changes.size.height >= 1
        await pilot.resize_terminal(120, 40)  # room again: the list grows back
        await settle(pilot)
        assert changes.outer_size.height > 8
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        for button in ("#publish", "#cancel"):
            assert screen.region.contains_region(screen.query_one(button).region), button
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, PublishScreen)
