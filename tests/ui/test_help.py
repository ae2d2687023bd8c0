"""Hjälp (F1): the focused field's whole help text and the keys that work here."""

from __future__ import annotations

from typing import Any

from textual.widgets import Input, Static

from opus_tui.app import OpusApp
from opus_tui.screens.help import HelpDialog
from tests.ui.helpers import focus, settle


def shown(app: OpusApp) -> tuple[str, list[tuple[str, str]]]:
    dialog = app.screen
    assert isinstance(dialog, HelpDialog)
    field = str(dialog.query_one("#help-field", Static).render())
    rows = [
        (
            str(row.query_one(".help-key", Static).render()),
            str(row.query_one(".help-what", Static).render()),
        )
        for row in dialog.query(".help-row")
    ]
    return field, rows


async def test_f1_shows_the_fields_whole_help_and_the_keys(make_app) -> None:
    app: OpusApp = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        await focus(pilot, "name")
        field_widget = app.screen.query_one("#name", Input)
        help_text = field_widget.tooltip
        assert isinstance(help_text, str) and help_text
        await pilot.press("f1")
        await pilot.pause()
        field, rows = shown(app)
        assert field == help_text
        keys = dict(rows)
        assert keys["^s"] == "Spara fliken (en revision)"
        assert keys["f5"].startswith("Kontrollera")  # the tab's own key
        assert keys["f9"].startswith("Visa vad som ändras")  # the app's, shown only here
        assert keys["^pgdn"] == "Nästa flik"  # shadowed by scrolling in active bindings
        assert keys["1–9, alt+1–9"] == "Går till flik 1–9"
        whats = " ".join(what for _, what in rows)
        for english in ("Focus Next", "Copy selected text", "Scroll", "Delete"):
            assert english not in whats
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpDialog)
        assert app.focused is field_widget  # back where it was


async def test_help_from_the_palette_on_the_tabs_scroll_area(make_app) -> None:
    from opus_tui.screens.help import ON_THE_TAB

    app: OpusApp = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("8")
        await settle(pilot)
        app.screen.set_focus(None)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Hjälp")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        field, rows = shown(app)
        assert field == ON_THE_TAB  # the palette gave the focus back to the tab's scroll area
        assert ("f2", "Visa/dölj förhandsvisningen av bokningssidan") in rows
        await pilot.press("f1")  # F1 closes it too
        await pilot.pause()
        assert not isinstance(app.screen, HelpDialog)


async def test_help_line_says_how_to_move_on_where_nothing_is_typed(make_app) -> None:
    from opus_tui.screens.help import ON_SUB_TABS, ON_THE_TAB

    def help_line() -> str:
        return str(app.screen.query_one("#help-line", Static).render())

    app: OpusApp = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        assert app.focused is not None and app.focused.id == "content"  # digits still switch tabs
        assert help_line() == ON_THE_TAB
        await pilot.press("9")
        await settle(pilot)
        assert app.focused is not None and type(app.focused).__name__ == "ContentTabs"
        assert help_line() == ON_SUB_TABS


def test_a_button_without_help_says_what_it_is() -> None:
    from textual.widgets import Button

    from opus_tui.screens.help import help_text

    assert help_text(Button("Välj fil…")) == "Knappen ”Välj fil…”: Enter trycker på den."
    assert help_text(Button("Spara", tooltip="Sparar fliken")) == "Sparar fliken"
    assert help_text(None) == ""


async def test_f1_in_a_dialog_shows_its_help_and_esc_returns_to_it(make_app) -> None:
    from opus_tui.screens.quit import QuitDialog
    from opus_tui.screens.recover import RecoverDialog

    app: OpusApp = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for dialog in (QuitDialog(["Kliniker"]), RecoverDialog(["Underdomän"], "idag 09:30")):
            app.push_screen(dialog)
            await settle(pilot)
            await pilot.press("f1")
            await pilot.pause()
            _, rows = shown(app)
            assert "esc" in dict(rows)  # the dialog's own keys
            assert not any("Avsluta" in what for _, what in rows)  # the app's are cut off here
            await pilot.press("escape")
            await pilot.pause()
            assert app.screen is dialog
            dialog.dismiss(None)
            await settle(pilot)


def test_every_dialog_binds_f1() -> None:
    """A modal screen cuts the app's F1 off: each dialog (but Hjälp itself) binds it."""
    from textual.screen import ModalScreen

    import opus_tui.screens.consent
    import opus_tui.screens.practitioners
    import opus_tui.screens.publish
    import opus_tui.screens.quit
    import opus_tui.screens.recover  # noqa: F401 - their dialogs are the subclasses below

    def subclasses(cls: type[ModalScreen[Any]]) -> list[type[ModalScreen[Any]]]:
        return [c for sub in cls.__subclasses__() for c in (sub, *subclasses(sub))]

    ours = [c for c in subclasses(ModalScreen) if c.__module__.startswith("opus_tui.screens.")]
    assert len(ours) >= 6
    for dialog in ours:
        if dialog is HelpDialog:
            continue
        if dialog.__name__.startswith("_"):
            continue  # a base of dialogs, not one
        keys = {
            key for b in dialog.BINDINGS if not isinstance(b, tuple) for key in b.key.split(",")
        }
        assert "f1" in keys, dialog.__name__


async def test_every_help_text_on_every_tab_fits_the_help_line(make_app) -> None:
    """The help line under a tab is one row (cut with … beyond 78 columns at 80)."""
    from textual.widget import Widget

    from opus_tui.screens.help import help_text
    from tests.unit.test_help_texts import HELP_LINE_WIDTH

    app: OpusApp = make_app()
    too_long: list[str] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for key in "123456789":
            await pilot.press(key)
            await settle(pilot)
            for widget in app.screen.walk_children(Widget):
                too_long += [
                    f"{key} #{widget.id}: {line}"
                    for line in help_text(widget).splitlines()
                    if len(line) > HELP_LINE_WIDTH
                ]
    assert too_long == []
