"""Keys arriving together (a burst over SSH) apply in the order typed, in Input and TextArea
(``textual_fixes.keep_typing_order``); the control shows Textual 8.2.8's own order."""

from __future__ import annotations

import pytest
from textual import events
from textual.app import App, ComposeResult
from textual.widgets import Input, TextArea

from opus_tui.textual_fixes import ORIGINAL_ON_KEY, keep_typing_order

BURST = [("b", "b"), ("a", "a"), ("backspace", None), ("c", "c")]


class Fields(App[None]):
    def compose(self) -> ComposeResult:
        yield Input(id="input")
        yield TextArea(id="area")


async def _burst(app: Fields, widget_id: str, keys: list[tuple[str, str | None]]) -> None:
    app.query_one(f"#{widget_id}").focus()
    await app.workers.wait_for_complete()
    for key, character in keys:  # posted at once, as the driver does with one read
        app.post_message(events.Key(key, character))


@pytest.fixture(autouse=True)
def fixed() -> None:
    import textual.widgets._text_area  # noqa: F401  # loaded, so that it is patched too

    keep_typing_order()


async def test_backspace_in_a_burst_deletes_what_was_typed_before_it() -> None:
    app = Fields()
    async with app.run_test() as pilot:
        await pilot.pause()
        await _burst(app, "input", BURST)
        await pilot.pause(0.2)
        assert app.query_one("#input", Input).value == "bc"
        await _burst(app, "area", BURST)
        await pilot.pause(0.2)
        assert app.query_one("#area", TextArea).text == "bc"


async def test_clear_then_type_keeps_what_was_typed() -> None:
    app = Fields()
    async with app.run_test() as pilot:
        field = app.query_one("#input", Input)
        field.value = "tandmottagningen"
        await pilot.pause()
        await _burst(app, "input", [("end", None), ("ctrl+u", None), ("g", "g"), ("h", "h")])
        await pilot.pause(0.2)
        assert field.value == "gh"


async def test_without_the_fix_backspace_is_applied_last(monkeypatch: pytest.MonkeyPatch) -> None:
    """The control: Textual's own handler, so this test shows what the fix changes."""
    monkeypatch.setattr(Input, "_on_key", ORIGINAL_ON_KEY[Input])
    app = Fields()
    async with app.run_test() as pilot:
        await pilot.pause()
        await _burst(app, "input", BURST)
        await pilot.pause(0.2)
        assert app.query_one("#input", Input).value == "ba"
