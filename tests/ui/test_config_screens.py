"""Each configuration screen driven by the keyboard alone: edit, save (the store holds it),
revert, invalid values that block the save with their message."""

from __future__ import annotations

from textual.widgets import OptionList

from opus_tui.app import OpusApp
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
