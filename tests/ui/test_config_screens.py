"""Each configuration screen driven by the keyboard alone: edit, save (the store holds it),
revert, invalid values that block the save with their message."""

from __future__ import annotations

from textual.widgets import Checkbox, OptionList, Select, Static

from opus_tui.app import OpusApp
from opus_tui.domain.config import MERGED_ORDER, StepKind
from opus_tui.services.config_toml import export_toml
from opus_tui.store.repository import Store
from opus_tui.widgets.field import FieldError
from opus_tui.widgets.tab_bar import TabBar
from tests.ui.helpers import focus, settle


def stored(store_url: str):
    with Store.open(store_url) as store:
        return store.load_config()


# -- Kliniker -------------------------------------------------------------------------------------


async def test_clinics_two_databases_order_group_save_export(make_app, store_url: str) -> None:
    app: OpusApp = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        # Syd / OpusTandläkarna Malmö: add Olle and Anna (Enter adds, the cursor moves on).
        await focus(pilot, "practitioner-list")
        await pilot.press("enter", "enter")
        # Nord / Tandvården Umeå: add Karin.
        await focus(pilot, "database")
        await pilot.press("enter", "down", "enter")
        await pilot.pause()
        await focus(pilot, "practitioner-list")
        await pilot.press("enter")
        await pilot.pause()
        clinics = app.draft.clinics.published
        assert [(c.database, c.clinic_id) for c in clinics] == [("Syd", "1"), ("Nord", "7")]
        assert [p.name for p in clinics[0].practitioners] == ["Olle Ohlsson", "Anna Hedman"]
        # Reorder: Anna above Olle, then Umeå above Malmö.
        await focus(pilot, "published")
        await pilot.press("home", "down", "down", "alt+up")  # rows: Malmö, Olle, Anna, Umeå, Karin
        await pilot.press("down", "down", "alt+up")  # the Umeå row
        # Group Umeå only: the warning about ungrouped clinics appears.
        await focus(pilot, "group")
        await pilot.press(*"UMEÅ")
        await pilot.pause()
        warning = app.screen.query_one("#clinics-problems", FieldError)
        assert any("bara vissa kliniker är grupperade" in p.message for p in warning.problems)
        assert "●" in app.screen.query_one(TabBar).render().plain
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "●" not in app.screen.query_one(TabBar).render().plain
    config = stored(store_url)
    published = config.clinics.published
    assert [(c.clinic_id, c.group) for c in published] == [("7", "UMEÅ"), ("1", "")]
    assert [p.practitioner_id for p in published[1].practitioners] == ["11", "10"]
    text = export_toml(config)
    assert text.index("Tandvården Umeå") < text.index("OpusTandläkarna Malmö")
    assert text.index("Anna Hedman") < text.index("Olle Ohlsson")
    assert 'group = "UMEÅ"' in text


async def test_clinics_filter_remove_and_revert(make_app, store_url: str) -> None:
    app: OpusApp = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await focus(pilot, "clinic-filter")
        await pilot.press(*"lund")
        await pilot.pause()
        clinic_list = app.screen.query_one("#clinic-list", OptionList)
        assert clinic_list.option_count == 1
        await focus(pilot, "practitioner-list")
        await pilot.press("enter")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert [c.clinic_id for c in stored(store_url).clinics.published] == ["2"]
        # Ta bort the practitioner (its clinic goes too), then Återställ brings it back.
        await focus(pilot, "published")
        await pilot.press("end", "delete")
        await pilot.pause()
        assert app.draft.clinics.published == []
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert [c.clinic_id for c in app.draft.clinics.published] == ["2"]
        assert app.screen.query_one("#published", OptionList).option_count == 2


# -- Flexibilitet ---------------------------------------------------------------------------------


async def test_flexibility_toggle_steps_hours_save_and_revert(make_app, store_url: str) -> None:
    app: OpusApp = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await pilot.pause()
        await focus(pilot, "general-login_enabled")
        await pilot.press("space")
        # Andra steget := Tid. A plain swap would make Behandling the fourth step (not allowed),
        # so the nearest valid order is taken.
        await focus(pilot, "step-second")
        await pilot.press("enter", "down", "enter")
        await pilot.pause()
        steps = app.draft.flexibility.steps
        assert steps.order == (
            StepKind.CLINIC,
            StepKind.TIME,
            StepKind.TREATMENT,
            StepKind.PRACTITIONER,
        )
        # Hours: only digits get in; empty is an error that blocks the save.
        await focus(pilot, "hours_limit")
        await pilot.press("backspace", "-", "x")
        await pilot.pause()
        hours_error = app.screen.query(FieldError).filter(".-shown").exclude(".-warning").first()
        assert hours_error.path == ("flexibility", "booking", "hours_limit")
        assert "heltal" in str(hours_error.render())
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert stored(store_url).flexibility.general.login_enabled is True  # not saved
        await pilot.press(*"24")
        await pilot.pause()
        assert not app.screen.query(FieldError).filter(".-shown").exclude(".-warning")
        await pilot.press("ctrl+s")
        await settle(pilot)
        saved = stored(store_url).flexibility
        assert saved.general.login_enabled is False
        assert saved.booking.hours_limit == 24
        assert saved.steps.order == steps.order
        # Revert after a further change restores the saved state, fields included.
        await focus(pilot, "general-weekend_booking")
        await pilot.press("space", "ctrl+r")
        await pilot.pause()
        assert app.draft.flexibility == saved
        assert app.screen.query_one("#general-weekend_booking", Checkbox).value is True


async def test_flexibility_merged_view_locks_order(make_app, store_url: str) -> None:
    app: OpusApp = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await focus(pilot, "step-first")
        await pilot.press("enter", "down", "enter")  # Behandlare first
        await pilot.pause()
        assert app.draft.flexibility.steps.first == StepKind.PRACTITIONER
        await focus(pilot, "merged_view")
        await pilot.press("space")
        await pilot.pause()
        steps = app.draft.flexibility.steps
        assert steps.merged_view and steps.order == MERGED_ORDER
        for name in ("first", "second", "third", "fourth"):
            assert app.screen.query_one(f"#step-{name}", Select).disabled
        summary = app.screen.query_one("#order-summary", Static)
        assert "Klinik › Behandling › Behandlare › Tid" in str(summary.render())
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert stored(store_url).flexibility.steps.merged_view is True


# -- Underdomän -----------------------------------------------------------------------------------


async def test_subdomain_invalid_blocks_save_valid_saves_unchecked(make_app, store_url) -> None:
    app: OpusApp = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await focus(pilot, "name")
        await pilot.press(*"-bad-")
        await pilot.pause()
        error = app.screen.query_one(FieldError)
        assert "bindestreck" in str(error.render())
        assert "rätta underdomänen" in str(app.screen.query_one("#address", Static).render())
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert stored(store_url).subdomain.name == ""
        await pilot.press(*("backspace" for _ in range(5)), *"Kliniken")
        await pilot.pause()
        assert app.draft.subdomain.name == "kliniken"
        address = str(app.screen.query_one("#address", Static).render())
        assert "https://kliniken.opusdentalonline.com" in address
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert stored(store_url).subdomain.name == "kliniken"
        assert "okontrollerad" in str(app.screen.query_one("#availability", Static).render())


async def test_subdomain_taken_at_the_portal_cannot_be_saved(make_app, store_url) -> None:
    from opus_tui.domain.connections import API_KEY_SECRET, ConnectionSettings, PortalAccount
    from opus_tui.services.portal import PortalClient
    from opus_tui.services.portal_emulator import running_emulator

    ours, theirs = "var-nyckel-0001", "deras-nyckel-0002"
    with running_emulator(api_keys=[ours, theirs]) as emu:
        with PortalClient(emu.url, theirs) as other:
            other.claim_subdomain("upptagen")
        with Store.open(store_url) as store:
            store.save_connections(ConnectionSettings(account=PortalAccount(url=emu.url)))
            store.set_secret(API_KEY_SECRET, ours)
        app: OpusApp = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("3")
            await focus(pilot, "name")
            await pilot.press(*"upptagen", "f5")
            await settle(pilot)
            availability = str(app.screen.query_one("#availability", Static).render())
            assert "upptaget" in availability
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert stored(store_url).subdomain.name == ""
            await pilot.press(*("backspace" for _ in range(8)), *"ledigkliniken", "f5")
            await settle(pilot)
            assert "ledigt" in str(app.screen.query_one("#availability", Static).render())
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert stored(store_url).subdomain.name == "ledigkliniken"
