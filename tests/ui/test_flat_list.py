"""FlatOptionList: one line per option, drawn and navigated like an OptionList, and only the
options on screen are measured."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from opus_tui.widgets.flat_list import FlatOptionList

COUNT = 9_000
HEIGHT = 10


def _options() -> list[Option]:
    return [Option(f"Behandlare {i:04d} [db]", id=str(i)) for i in range(COUNT)]


class ListApp(App[None]):
    CSS = f"OptionList {{ height: {HEIGHT}; width: 24; border: none; }}"

    def __init__(self, flat: bool = True) -> None:
        super().__init__()
        self.flat = flat

    def compose(self) -> ComposeResult:
        kind = FlatOptionList if self.flat else OptionList
        yield kind(*_options(), markup=False)


def _screen_lines(app: App[None]) -> list[str]:
    widget = app.query_one(OptionList)
    return [strip.text.strip() for strip in widget.render_lines(widget.region.reset_offset)]


async def test_only_the_visible_options_are_measured() -> None:
    app = ListApp()
    async with app.run_test(size=(40, 20)) as pilot:
        await pilot.pause()
        widget = app.query_one(FlatOptionList)
        assert widget.virtual_size.height == COUNT
        measured = [i for i, option in enumerate(widget.options) if option._visual is not None]
        assert measured == list(range(HEIGHT))
        lines = _screen_lines(app)
        assert lines[0].startswith("Behandlare 0000 [db]")  # markup=False: brackets kept
        assert lines[HEIGHT - 1].startswith(f"Behandlare {HEIGHT - 1:04d}")


async def test_draws_the_same_lines_as_an_option_list() -> None:
    """Short prompts: identical to Textual's OptionList, before and after moving down a page."""
    screens = []
    for flat in (True, False):
        app = ListApp(flat)
        async with app.run_test(size=(40, 20)) as pilot:
            await pilot.pause()
            first = _screen_lines(app)
            await pilot.press("down", "pagedown", "down")
            await pilot.pause()
            screens.append((first, _screen_lines(app), app.query_one(OptionList).highlighted))
    assert screens[0] == screens[1]
    assert screens[0][2] == HEIGHT + 2  # 0, down, a page, down


async def test_keys_reach_the_end_and_highlight_far_options() -> None:
    app = ListApp()
    async with app.run_test(size=(40, 20)) as pilot:
        widget = app.query_one(FlatOptionList)
        widget.focus()
        await pilot.press("end")
        await pilot.pause()
        assert widget.highlighted == COUNT - 1
        assert _screen_lines(app)[-1].startswith(f"Behandlare {COUNT - 1:04d}")
        widget.highlighted = 4_321
        await pilot.pause()
        assert any(line.startswith("Behandlare 4321") for line in _screen_lines(app))
        await pilot.press("enter")
        await pilot.pause()
        assert widget.highlighted == 4_321


async def test_a_long_prompt_is_cut_to_one_line_with_an_ellipsis() -> None:
    class LongApp(App[None]):
        CSS = "FlatOptionList { width: 20; height: 4; border: none; }"

        def compose(self) -> ComposeResult:
            yield FlatOptionList(
                Option("Tandläkare Anna-Karin Svensson-Lindqvist"), Option("Bo"), markup=False
            )

    app = LongApp()
    async with app.run_test(size=(40, 10)) as pilot:
        await pilot.pause()
        lines = _screen_lines(app)
        assert lines[0].endswith("…")
        assert lines[0].startswith("Tandläkare Anna")
        assert lines[1].startswith("Bo")


async def test_set_options_replaces_the_lines() -> None:
    app = ListApp()
    async with app.run_test(size=(40, 20)) as pilot:
        widget = app.query_one(FlatOptionList)
        widget.set_options([Option("Ett"), Option("Två")])
        await pilot.pause()
        assert widget.virtual_size.height == 2
        assert _screen_lines(app)[:3] == ["Ett", "Två", ""]
