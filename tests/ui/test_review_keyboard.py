"""Review round (rev2): Underdomän, Flexibilitet, Media, E-post, Konfiguration and the consent
dialog used over the keyboard at 80×24; each defect found is pinned by a test."""

from __future__ import annotations

from pathlib import Path

from textual.widget import Widget
from textual.widgets import Input, Static, TabbedContent, TextArea
from textual.widgets._footer import FooterKey

from opus_tui.app import OpusApp
from opus_tui.widgets.field import FieldError
from tests.ui.helpers import focus, focus_widget, settle, to_subdomain_name
from tests.ui.test_review_consent import chain_app, open_consent
from tests.ui.test_review_flex_media import on_tab

__all__ = ["chain_app"]  # the fixture, used by name


def on_screen(widget: Widget, container: Widget) -> bool:
    """The widget's rows lie inside the (scrolling) container's visible rows."""
    region, shown = widget.region, container.region
    return region.height > 0 and shown.y <= region.y and region.bottom <= shown.bottom


def help_line(app: OpusApp) -> str:
    return str(app.screen.query_one("#help-line", Static).render())


async def test_error_under_the_field_being_typed_in_stays_on_screen(tmp_path: Path) -> None:
    """Emptying Avbokning/ombokning … timmar at 80×24: its error line, and the tab's summary
    under the content, pushed the field and its error below the visible rows."""
    async with on_tab(tmp_path, size=(80, 24)) as (app, pilot):
        await focus(pilot, "hours_limit")
        await pilot.press("backspace")
        await settle(pilot)
        content = app.screen.query_one("#content")
        error = next(e for e in app.screen.query(FieldError) if e.path[-1:] == ("hours_limit",))
        assert error.has_class("-shown")
        assert on_screen(app.screen.query_one("#hours_limit"), content)
        assert on_screen(error, content)


async def test_subdomain_typed_in_capitals_shows_as_it_is_saved(make_app) -> None:
    """The name is saved in lower case; the field kept the capitals typed, also after Spara."""
    app: OpusApp = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await to_subdomain_name(pilot)
        await pilot.press(*"Tand", "left", "X")
        await settle(pilot)
        field = app.screen.query_one("#name", Input)
        assert app.draft.subdomain.name == "tanxd"
        assert field.value == "tanxd"
        assert field.cursor_position == 4  # typing goes on where it was


async def test_colour_copied_without_hash_is_taken(tmp_path: Path) -> None:
    """'1B5E8C' (as colour pickers copy it): the swatch showed it as a good colour while the
    field said it is no colour; it is taken as #1B5E8C."""
    async with on_tab(tmp_path, "5", size=(80, 24)) as (app, pilot):
        app.screen.query_one("#media-tabs", TabbedContent).active = "pane-media"
        await focus(pilot, "colour")
        field = app.screen.query_one("#colour", Input)
        field.value = ""
        await pilot.press(*"1B5E8C")
        await settle(pilot)
        assert field.value == "#1B5E8C"
        assert app.draft.media.branding.colour == "#1B5E8C"
        assert not [p for p in app.problems() if p.path[:3] == ("media", "branding", "colour")]


async def test_consent_dialog_footer_shows_its_own_keys(chain_app) -> None:
    """The footer under the dialog named the tab's keys (Ctrl+S Spara, F6 …), which do
    nothing while it is open."""
    app = chain_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_consent(pilot)
        await pilot.pause()
        described = {key.description for key in screen.query(FooterKey)}
        assert {"Kryssa", "Avbryt"} <= described
        assert "Spara" not in described
        box = screen.query_one("#consent-box")
        assert box.region.bottom <= 23  # the dialog stays above its footer


async def test_standard_text_button_says_what_it_does(make_app) -> None:
    app: OpusApp = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("6")
        await settle(pilot)
        button = app.screen.query_one("#editor-new_booking .use-standard")
        await focus_widget(pilot, button)
        assert "standardtext" in help_line(app)
        assert "Enter trycker" not in help_line(app)


async def test_konfiguration_database_list_and_buttons_have_help(make_app) -> None:
    """The help line was empty on the list of databases and only said 'Enter trycker på den'
    for Ny and Ta bort."""
    app: OpusApp = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("9")
        await settle(pilot)
        expected = {"db-list": "databas", "db-new": "Lägger till", "db-remove": "Tar bort"}
        for widget_id, words in expected.items():
            await focus(pilot, widget_id)
            assert words in help_line(app), widget_id


async def test_konfiguration_f5_only_on_databaser(make_app) -> None:
    """F5 (Testa) on Mitt konto tested the database out of sight (its result is on Databaser);
    the footer offers it on Databaser only."""
    app: OpusApp = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("9")
        await settle(pilot)

        def footer_keys() -> set[str]:
            return {key.description for key in app.screen.query(FooterKey)}

        assert "Testa" in footer_keys()
        await focus_widget(pilot, app.screen.query_one("#connection-tabs Tabs"))
        await pilot.press("right")
        await settle(pilot)
        assert app.screen.query_one("#connection-tabs", TabbedContent).active == "pane-account"
        assert "Testa" not in footer_keys()
        await pilot.press("left")
        await settle(pilot)
        assert "Testa" in footer_keys()


async def test_restore_standard_text_can_be_undone(tmp_path: Path) -> None:
    """Återställ standardtext threw the clinic's own notice away for good (no Ctrl+Z)."""
    async with on_tab(tmp_path, "5", size=(80, 24)) as (app, pilot):
        app.screen.query_one("#media-tabs", TabbedContent).active = "pane-deviations"
        await focus(pilot, "dev-maintenance")
        area = app.screen.query_one("#dev-maintenance", TextArea)
        await pilot.press(*"Stängt idag")
        await settle(pilot)
        own = area.text
        assert own == "Stängt idag"
        await focus(pilot, "restore-maintenance")
        await pilot.press("enter")
        await settle(pilot)
        assert area.text == "" and app.draft.media.deviations.maintenance == ""
        await focus(pilot, "dev-maintenance")
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert area.text == own
        assert app.draft.media.deviations.maintenance == own


async def test_enter_in_the_subdomain_checks_availability(make_app) -> None:
    """Enter after typing the name did nothing; it runs Kontrollera tillgänglighet (as F5)."""
    app: OpusApp = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await to_subdomain_name(pilot)
        await pilot.press(*"tandvarden", "enter")
        await settle(pilot)
        shown = str(app.screen.query_one("#availability", Static).render())
        assert "tillgängligheten är okontrollerad" in shown  # no portal in this store
        assert app.focused is app.screen.query_one("#name")


async def test_konfiguration_database_field_error_is_under_the_field(make_app) -> None:
    """A schema map that cannot be read: its error was at the foot of the database's fields,
    below Testa anslutning and out of sight at 80×24; it is under the field, on screen."""
    app: OpusApp = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("9")
        await settle(pilot)
        await focus(pilot, "db-new")
        await pilot.press("enter")
        await focus(pilot, "db-schema")
        await pilot.press(*"saknas.toml")
        await settle(pilot)
        line = app.screen.query_one("#db-schema-error", FieldError)
        assert "Schemamappning" in str(line.render())
        assert on_screen(line, app.screen.query_one("#db-fields"))
        assert on_screen(app.screen.query_one("#db-schema"), app.screen.query_one("#db-fields"))
        # another database chosen: its fields show its own problems, not this one's
        await focus(pilot, "db-new")
        await pilot.press("enter")
        await settle(pilot)
        assert not line.has_class("-shown")


async def test_konfiguration_edit_clears_an_earlier_test_result(make_app, tmp_path: Path) -> None:
    """'✓ Anslutningen fungerar' stayed beside a connection string changed since."""
    from opus_tui.services.demo import create_demo_databases
    from tests.ui.conftest import FIXED_NOW

    (name, connection), *_ = create_demo_databases(tmp_path / "opus", FIXED_NOW.date())
    app: OpusApp = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("9")
        await settle(pilot)
        await focus(pilot, "db-new")
        await pilot.press("enter")
        await pilot.press("ctrl+u", *name, "tab", *connection, "f5")
        await settle(pilot)
        result = app.screen.query_one("#db-result", Static)
        assert str(result.render()).startswith("✓")
        await pilot.press("x")  # the connection string changes
        await settle(pilot)
        assert str(result.render()) == ""


async def test_hours_with_leading_zeros_show_as_saved(tmp_path: Path) -> None:
    """'024' was saved as 24 but the field kept showing 024 (also after Spara)."""
    async with on_tab(tmp_path, size=(80, 24)) as (app, pilot):
        await focus(pilot, "hours_limit")
        await pilot.press("backspace", "0", "2", "4")
        await settle(pilot)
        assert app.draft.flexibility.booking.hours_limit == 24
        assert app.screen.query_one("#hours_limit", Input).value == "24"


async def test_escape_in_the_consent_filter_empties_it_first(chain_app) -> None:
    """Escape to clear a filter closed the dialog and threw away the boxes ticked."""
    app = chain_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_consent(pilot)
        await pilot.press("space")  # Profilbild of the first row
        await pilot.press(*"lund")  # typed in the table: goes to the filter
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
        assert screen.query_one("#consent-filter", Input).value == ""
        assert screen.rows[0].photo is True
        await focus(pilot, "ok")
        await pilot.press("enter")
        await settle(pilot)
        assert [c.photo for c in app.draft.practitioners.consents] == [True]


async def test_a_logo_problem_is_said_once(tmp_path: Path) -> None:
    """A missing logo file was reported twice, in the error line and in the line under it;
    that line gives the limits instead."""
    async with on_tab(tmp_path, "5", size=(80, 24)) as (app, pilot):
        app.screen.query_one("#media-tabs", TabbedContent).active = "pane-media"
        await focus(pilot, "logo")
        await pilot.press(*str(tmp_path / "saknas.png"))
        await settle(pilot)
        line = next(e for e in app.screen.query(FieldError) if e.path[-1:] == ("logo",))
        assert "finns inte" in str(line.render())
        info = str(app.screen.query_one("#logo-info", Static).render())
        assert "finns inte" not in info and "200 kB" in info


async def test_clinic_heading_error_is_brought_on_screen(tmp_path: Path) -> None:
    """A clinic's own heading too long: its error line (shared with the clinic's text, under
    that text) stayed below the screen while typing in the heading at 80×24."""
    async with on_tab(tmp_path, "5", size=(80, 24)) as (app, pilot):
        app.screen.query_one("#media-tabs", TabbedContent).active = "pane-clinic"
        await focus(pilot, "clinic")
        await pilot.press("enter", "down", "enter")  # the first clinic
        await focus(pilot, "clinic-header")
        app.screen.query_one("#clinic-header", Input).value = "x" * 101
        await settle(pilot)
        line = next(e for e in app.screen.query(FieldError) if e.path[-1:] == ("per_clinic",))
        assert "Kliniktext överskrift" in str(line.render())
        content = app.screen.query_one("#content")
        assert on_screen(line, content)
        assert on_screen(app.screen.query_one("#clinic-header"), content)


async def test_space_on_a_name_ticks_nothing(chain_app) -> None:
    """Space with the cursor on a name ticked Profilbild out of sight (Enter did nothing)."""
    app = chain_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_consent(pilot)
        await pilot.press("left", "space")  # on the clinic's name
        await pilot.pause()
        assert screen.rows[0].photo is False and screen.rows[0].title is False
        await pilot.press("right", "space")  # on Profilbild
        await pilot.pause()
        assert screen.rows[0].photo is True
