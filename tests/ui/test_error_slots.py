"""Error lines mounted when a problem first falls on them (``widgets.field.ErrorSlots``): a tab
starts without hidden lines, and a line, once there, sits and behaves where a line composed
with the tab sat (their pictures are the snapshot tests')."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Label, TabbedContent

from opus_tui.app import OpusApp
from opus_tui.domain.problems import Problem
from opus_tui.widgets.field import ErrorSlots, FieldError, SettingCheckbox
from opus_tui.widgets.template_editor import TemplateEditor
from tests.ui.helpers import focus, settle, to_tab


def _lines(app: OpusApp) -> list[FieldError]:
    return list(app.screen.query(FieldError))


def _next_sibling(widget: FieldError) -> object:
    assert widget.parent is not None
    siblings = list(widget.parent.children)
    return siblings[siblings.index(widget) + 1] if widget is not siblings[-1] else None


def _previous_sibling(widget: FieldError) -> object:
    assert widget.parent is not None
    siblings = list(widget.parent.children)
    return siblings[siblings.index(widget) - 1]


async def test_flexibility_mounts_a_line_under_the_field_with_a_problem(
    make_app: Callable[[], OpusApp],
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await to_tab(pilot, "4")
        assert _lines(app) == []  # no problem: no error line among the tab's widgets
        await focus(pilot, "hours_limit")
        await pilot.press("backspace", "backspace", "backspace")
        await settle(pilot)
        (line,) = _lines(app)
        assert line.path == ("flexibility", "booking", "hours_limit")
        assert line.has_class("-shown") and "✗" in str(line.render())
        assert _previous_sibling(line) is app.screen.query_one("#hours-row")
        await pilot.press("5")
        await settle(pilot)
        assert _lines(app) == [line] and not line.has_class("-shown")  # hidden, not removed
        await pilot.press("backspace")
        await settle(pilot)
        assert _lines(app) == [line] and line.has_class("-shown")  # the same line again


async def test_refused_save_focuses_the_field_of_a_new_line(
    make_app: Callable[[], OpusApp],
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await to_tab(pilot, "4")
        app.update_draft(
            "flexibility",
            app.draft.flexibility.model_copy(
                update={
                    "booking": app.draft.flexibility.booking.model_copy(update={"hours_limit": "x"})
                }
            ),
        )
        await focus(pilot, "general-show_bookings")
        await pilot.press("ctrl+s")
        await settle(pilot)
        (line,) = _lines(app)
        assert line.path == ("flexibility", "booking", "hours_limit") and line.has_class("-shown")
        assert app.focused is app.screen.query_one("#hours_limit", Input)


async def test_media_line_under_the_restore_button_of_its_notice(
    make_app: Callable[[], OpusApp],
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await to_tab(pilot, "5")
        assert _lines(app) == []
        app.screen.query_one("#media-tabs", TabbedContent).active = "pane-deviations"
        await settle(pilot)
        await focus(pilot, "dev-maintenance")
        await pilot.press(*"[x](javascript:alert)")
        await settle(pilot)
        (line,) = _lines(app)
        assert line.path == ("media", "deviations", "maintenance") and line.has_class("-shown")
        assert _previous_sibling(line) is app.screen.query_one("#restore-row-maintenance")
        assert _next_sibling(line) is app.screen.query_one("#dev-maintenance-preview")


class _Form(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.slots = ErrorSlots()
        self.slots.add(("s", "a"), after="a")
        self.slots.add(("s", "c"), after="c")
        self.slots.add(("s", "c", "deep"), after="d")

    def compose(self) -> ComposeResult:
        with Vertical(id="form"):
            yield SettingCheckbox("A", id="a")
            yield Input(id="b")
            yield Label("C")
            yield Input(id="c")
            yield Input(id="d")


def _problem(*path: str | int) -> Problem:
    return Problem(tuple(path), "fel", "error", None, "Fält")


async def test_a_slot_takes_the_problems_its_path_starts_and_covers_its_fields() -> None:
    app = _Form()
    async with app.run_test() as pilot:
        form = app.query_one("#form")
        app.slots.place(form, [_problem("s", "c", 2), _problem("s", "c", "deep", 1)])
        await pilot.pause()
        lines = {line.path: line for line in form.query(FieldError)}
        assert set(lines) == {("s", "c"), ("s", "c", "deep")}  # the longest path that fits
        c_line = lines[("s", "c")]
        # the fields since the previous slot's widget (as since a line composed after it)
        assert c_line.covers == [app.query_one("#c"), *form.query(Label), app.query_one("#b")]
        assert lines[("s", "c", "deep")].covers == [app.query_one("#d")]
        assert [type(w).__name__ for w in form.children] == [
            "SettingCheckbox",
            "Input",
            "Label",
            "Input",
            "FieldError",
            "Input",
            "FieldError",
        ]
        app.slots.place(form, [_problem("s", "c")])  # already there: not mounted twice
        app.slots.place(form, [_problem("t")])  # no slot of its own: none
        await pilot.pause()
        assert len(form.query(FieldError)) == 2


async def test_sms_tab_counts_each_template_once_and_places_its_line(
    make_app: Callable[[], OpusApp], monkeypatch: pytest.MonkeyPatch
) -> None:
    """First visit: each editor is composed with its context and rendered once (it was counted
    twice, then again for the catalogue); a template's problem goes under its text."""
    from opus_tui.services import sms

    estimates: list[str] = []
    estimate = sms.estimate

    def counted(source: str, *args: Any, **kwargs: Any) -> Any:
        estimates.append(source)
        return estimate(source, *args, **kwargs)

    monkeypatch.setattr(sms, "estimate", counted)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await to_tab(pilot, "7")
        assert len(estimates) == 3  # one per template
        assert _lines(app) == []
        editor = app.screen.query_one("#editor-new_booking", TemplateEditor)
        editor.text_area.focus()
        await pilot.press(*"Hej {nope}")
        await settle(pilot)
        (line,) = _lines(app)
        assert line.path == ("sms", "new_booking") and line.has_class("-shown")
        assert line.parent is editor and _previous_sibling(line) is editor.text_area
