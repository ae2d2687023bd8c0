"""The live preview pane in the app: a Flexibilitet switch shows in the pane without saving."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from textual.app import App, ComposeResult
from textual.signal import Signal
from textual.widgets import Static

from opus_tui.app import OpusApp
from opus_tui.commands.demo import demo_configuration
from opus_tui.domain.catalogue import Catalogue
from opus_tui.domain.config import WebConfiguration
from opus_tui.services.demo import demo_catalogue
from opus_tui.widgets.preview import PageLines, PreviewPane
from tests.ui.helpers import focus, settle

TODAY = date(2026, 11, 27)
NOW = datetime(2026, 11, 27, 9, 0)


def demo_store(tmp_path: Path, *, any_clinic: bool) -> tuple[str, WebConfiguration]:
    from opus_tui.store.repository import Store

    catalogue = demo_catalogue(TODAY)
    config = demo_configuration(catalogue)
    general = config.flexibility.general.model_copy(update={"any_clinic": any_clinic})
    config = config.model_copy(
        update={"flexibility": config.flexibility.model_copy(update={"general": general})}
    )
    url = f"sqlite:///{tmp_path / 'store.db'}"
    with Store.open(url) as store:
        store.save_config(config, summary="test")
        store.save_catalogue(catalogue)
    return url, config


def pane_of(app: OpusApp) -> PreviewPane:
    return app.screen.query_one(PreviewPane)


async def test_any_clinic_appears_in_the_pane_without_saving_and_goes_on_revert(
    tmp_path: Path,
) -> None:
    url, saved = demo_store(tmp_path, any_clinic=False)
    app = OpusApp(url, catalogue=demo_catalogue(TODAY), clock=lambda: NOW)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        assert app.current_mode == "flexibilitet"
        pane = pane_of(app)
        assert "OpusTandläkarna" in pane.plain_text()
        assert "Vilken som helst: LUND" not in pane.plain_text()

        await focus(pilot, "general-any_clinic")
        await pilot.press("space")
        await settle(pilot)
        text = pane.plain_text()
        assert "Vilken som helst: LUND" in text
        assert "Vilken som helst: STOCKHOLM" in text
        assert "Sök lediga tider från alla kliniker i LUND" in text
        # Not saved: the store and app.saved still have it off.
        assert app.saved.flexibility.general.any_clinic is False
        from opus_tui.store.repository import Store

        with Store.open(url) as store:
            assert store.load_config().flexibility.general.any_clinic is False

        await pilot.press("ctrl+r")  # Återställ
        await settle(pilot)
        assert app.draft.flexibility.general.any_clinic is False
        assert "Vilken som helst: LUND" not in pane.plain_text()
        assert saved.flexibility.general.any_clinic is False


async def test_a_pane_on_another_tab_catches_up_when_shown(tmp_path: Path) -> None:
    url, _ = demo_store(tmp_path, any_clinic=False)
    app = OpusApp(url, catalogue=demo_catalogue(TODAY), clock=lambda: NOW)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        first = pane_of(app)  # Kliniker's pane
        await pilot.press("4")
        await settle(pilot)
        await focus(pilot, "general-any_clinic")
        await pilot.press("space")
        await settle(pilot)
        assert "Vilken som helst: LUND" in pane_of(app).plain_text()
        await pilot.press("1")
        await settle(pilot)
        assert pane_of(app) is first
        assert "Vilken som helst: LUND" in first.plain_text()

        # The patient's path is shared: walked here, it continues on the Flexibilitet tab.
        first.focus()
        await pilot.pause()
        # The cursor stayed on OpusTandläkarna when "Vilken som helst: LUND" came above it.
        await pilot.press("enter")
        assert first.page is not None and first.page.kind == "treatment"
        await pilot.press("4")
        await settle(pilot)
        flex = pane_of(app)
        assert flex is not first
        assert flex.page is not None and flex.page.kind == "treatment"
        assert "OpusTandläkarna" in flex.page.summary


async def test_the_pane_is_walkable_like_a_patient(tmp_path: Path) -> None:
    url, _ = demo_store(tmp_path, any_clinic=False)
    app = OpusApp(url, catalogue=demo_catalogue(TODAY), clock=lambda: NOW)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        pane = pane_of(app)
        pane.focus()
        await pilot.pause()
        assert pane.page is not None and pane.page.kind == "clinic"
        await pilot.press("enter")  # OpusTandläkarna
        assert pane.page.kind == "treatment"
        assert "Klinik > Behandling > Behandlare" in pane.plain_text()
        await pilot.press("enter")  # Undersökning - E-tid
        assert pane.page.kind == "practitioner"
        await pilot.press("down", "enter")  # past "Vilken behandlare som helst": Olle Ohlsson
        assert pane.page.kind == "time"
        assert "Olle Ohlsson" in pane.page.summary
        await pilot.press("enter")  # the first free time
        assert pane.page.kind == "details"
        assert "Om personinformation" in pane.plain_text()
        await pilot.press("backspace")
        assert pane.page.kind == "time"
        await pilot.press("r")
        assert pane.page.kind == "clinic"
        assert pane.choices.picks == ()


# --- the pane alone, in a small host app ---------------------------------------------------------


class Host(App[None]):
    """Just what the pane needs from the app: draft, catalogue, clock and the two signals."""

    def __init__(self, draft: WebConfiguration, catalogue: Catalogue | None) -> None:
        super().__init__()
        self.draft = draft
        self.catalogue = catalogue
        self.clock = lambda: NOW
        self.draft_changed: Signal[WebConfiguration] = Signal(self, "draft_changed")
        self.catalogue_changed: Signal[Catalogue] = Signal(self, "catalogue_changed")

    def compose(self) -> ComposeResult:
        yield PreviewPane()

    def set_draft(self, draft: WebConfiguration) -> None:
        self.draft = draft
        self.draft_changed.publish(draft)


def with_general(config: WebConfiguration, **changes: bool) -> WebConfiguration:
    general = config.flexibility.general.model_copy(update=changes)
    return config.model_copy(
        update={"flexibility": config.flexibility.model_copy(update={"general": general})}
    )


def with_photo(config: WebConfiguration, photo: Path, consent: bool) -> WebConfiguration:
    """Olle Ohlsson's profile photo, with or without photo consent at OpusTandläkarna."""
    clinic = config.clinics.published[0]
    olle = clinic.practitioners[0]
    practitioners = config.practitioners
    profiles = [
        p.model_copy(update={"photo": str(photo)})
        if p.practitioner_id == olle.practitioner_id and p.database == clinic.database
        else p
        for p in practitioners.profiles
    ]
    consents = [
        c.model_copy(update={"photo": consent})
        if (c.practitioner_id, c.clinic_id) == (olle.practitioner_id, clinic.clinic_id)
        else c
        for c in practitioners.consents
    ]
    return config.model_copy(
        update={
            "practitioners": practitioners.model_copy(
                update={"profiles": profiles, "consents": consents}
            )
        }
    )


HALF_BLOCKS = ("▀", "▄")


async def test_photo_as_half_blocks_only_with_consent(tmp_path: Path) -> None:
    from PIL import Image

    photo = tmp_path / "olle.jpg"
    Image.new("RGB", (30, 40), (200, 40, 40)).save(photo, "JPEG")
    catalogue = demo_catalogue(TODAY)
    config = with_photo(demo_configuration(catalogue), photo, consent=True)
    app = Host(config, catalogue)
    async with app.run_test(size=(100, 60)) as pilot:
        pane = app.query_one(PreviewPane)
        pane.focus()
        await pilot.pause()
        await pilot.press("enter", "enter")  # OpusTandläkarna, Undersökning
        assert pane.page is not None and pane.page.kind == "practitioner"
        olle = next(o for o in pane.page.options("practitioner") if o.label == "Olle Ohlsson")
        assert olle.photo == str(photo)
        await app.workers.wait_for_complete()  # photos are drawn in a thread worker
        await pilot.pause()
        lines = app.query_one(PageLines).plain_lines()
        assert any(ch in line for line in lines for ch in HALF_BLOCKS)

        app.set_draft(with_photo(config, photo, consent=False))
        await pilot.pause()
        olle = next(o for o in pane.page.options("practitioner") if o.label == "Olle Ohlsson")
        assert olle.photo is None
        lines = app.query_one(PageLines).plain_lines()
        assert not any(ch in line for line in lines for ch in HALF_BLOCKS)
        assert pane.page.kind == "practitioner"  # the patient's path survived the change


async def test_missing_photo_file_is_skipped(tmp_path: Path) -> None:
    catalogue = demo_catalogue(TODAY)
    config = with_photo(demo_configuration(catalogue), tmp_path / "saknas.jpg", consent=True)
    app = Host(config, catalogue)
    async with app.run_test(size=(100, 60)) as pilot:
        pane = app.query_one(PreviewPane)
        pane.focus()
        await pilot.press("enter", "enter")
        assert pane.page is not None and pane.page.kind == "practitioner"
        assert "Olle Ohlsson" in pane.plain_text()


async def test_a_burst_of_changes_is_coalesced() -> None:
    catalogue = demo_catalogue(TODAY)
    config = demo_configuration(catalogue)
    app = Host(config, catalogue)
    async with app.run_test(size=(100, 40)) as pilot:
        pane = app.query_one(PreviewPane)
        await pilot.pause()
        before = pane.recomputes
        for n in range(20):
            app.set_draft(with_general(config, any_clinic=n % 2 == 0))
        await pilot.pause()
        assert 1 <= pane.recomputes - before < 20
        # The last change wins: n = 19 left any_clinic off.
        assert "Vilken som helst: LUND" not in pane.plain_text()
        app.set_draft(with_general(config, any_clinic=True))
        await pilot.pause()
        assert "Vilken som helst: LUND" in pane.plain_text()


async def test_without_a_catalogue_the_pane_uses_the_demo_and_says_so() -> None:
    catalogue = demo_catalogue(TODAY)
    app = Host(demo_configuration(catalogue), None)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        text = str(app.query_one("#pv-source", Static).render())
        assert "Katalog: demo" in text
        assert "hämtad " in text
        assert "OpusTandläkarna" in app.query_one(PreviewPane).plain_text()


async def test_an_invalid_draft_order_shows_a_notice_not_a_crash() -> None:
    catalogue = demo_catalogue(TODAY)
    config = demo_configuration(catalogue)
    steps = config.flexibility.steps.model_copy(update={"second": config.flexibility.steps.first})
    broken = config.model_copy(
        update={"flexibility": config.flexibility.model_copy(update={"steps": steps})}
    )
    app = Host(config, catalogue)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        app.set_draft(broken)
        await pilot.pause()
        assert "Ogiltig stegordning" in app.query_one(PreviewPane).plain_text()


async def test_a_large_catalogue_is_indexed_off_the_ui_thread() -> None:
    from opus_tui.services import booking_flow as bf
    from opus_tui.services.demo import chain_catalogue, generate_chain
    from opus_tui.widgets.preview import INLINE_INDEX_TIMES

    catalogue = chain_catalogue(generate_chain(20, 30, 8, seed=3))
    assert len(catalogue.times) > INLINE_INDEX_TIMES
    assert not bf.index_ready(catalogue)
    published = [
        {
            "database": c.database,
            "clinic_id": c.clinic_id,
            "name": c.name,
            "practitioners": [
                {"practitioner_id": p.practitioner_id}
                for p in catalogue.practitioners_of(c.database, c.clinic_id)
            ],
        }
        for c in catalogue.clinics
    ]
    config = WebConfiguration.model_validate({"clinics": {"published": published}})
    app = Host(config, catalogue)
    app.clock = lambda: datetime(2026, 1, 5, 8, 0)  # the chain's first day
    async with app.run_test(size=(100, 40)) as pilot:
        pane = app.query_one(PreviewPane)
        await pilot.pause()
        kinds = {pane.page.kind} if pane.page else set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.pause()
        assert bf.index_ready(catalogue)
        assert pane.page is not None and pane.page.kind == "clinic"
        assert kinds <= {"loading", "clinic"}
        assert "Kedjetandvården 0001" in pane.plain_text()


async def test_explain_the_highlighted_practitioner() -> None:
    catalogue = demo_catalogue(TODAY)
    app = Host(demo_configuration(catalogue), catalogue)
    async with app.run_test(size=(100, 40)) as pilot:
        pane = app.query_one(PreviewPane)
        pane.focus()
        await pilot.press("enter", "enter", "down")  # OpusTandläkarna, Undersökning, Olle
        assert pane.page is not None and pane.page.kind == "practitioner"
        text = pane.explanation()
        assert "Olle Ohlsson erbjuds." in text
        assert "Ingen bild: Olle Ohlsson har ingen profilbild" in text
        await pilot.press("question_mark")  # shows it as a notification; must not fail
        await pilot.pause()
