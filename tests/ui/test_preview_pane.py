"""The live preview pane in the app: a Flexibilitet switch shows in the pane without saving."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from opus_tui.app import OpusApp
from opus_tui.commands.demo import demo_configuration
from opus_tui.domain.config import WebConfiguration
from opus_tui.services.demo import demo_catalogue
from opus_tui.widgets.preview import PreviewPane
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
        assert "Vilken som helst: MALMÖ" in text
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
