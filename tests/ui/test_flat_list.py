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


# -- rows made on demand (set_rows) -------------------------------------------------------------
def _row(index: int) -> tuple[str, str]:
    return str(index), f"Behandlare {index:04d} [db]"


class RowsApp(App[None]):
    """The same rows as ListApp, given as a count and a function."""

    CSS = f"OptionList {{ height: {HEIGHT}; width: 24; border: none; }}"

    def __init__(self) -> None:
        super().__init__()
        self.asked: list[int] = []

    def compose(self) -> ComposeResult:
        yield FlatOptionList(markup=False)

    def on_mount(self) -> None:
        def row(index: int) -> tuple[str, str]:
            self.asked.append(index)
            return _row(index)

        self.query_one(FlatOptionList).set_rows(COUNT, row)


async def test_set_rows_makes_only_the_rows_asked_for() -> None:
    app = RowsApp()
    async with app.run_test(size=(40, 20)) as pilot:
        await pilot.pause()
        widget = app.query_one(FlatOptionList)
        assert widget.option_count == COUNT
        assert widget.virtual_size.height == COUNT
        assert sorted(set(app.asked)) == list(range(HEIGHT))  # the rows drawn
        assert _screen_lines(app)[0].startswith("Behandlare 0000 [db]")
        widget.focus()
        await pilot.press("end", "pageup", "up")
        await pilot.pause()
        assert len(set(app.asked)) < 5 * HEIGHT
        assert widget.highlighted_option is not None
        assert widget.highlighted_option.id == str(COUNT - 1 - HEIGHT - 1)


class SetOptionsApp(ListApp):
    """ListApp's options given after mounting (no option highlighted yet, as with set_rows)."""

    def compose(self) -> ComposeResult:
        yield FlatOptionList(markup=False)

    def on_mount(self) -> None:
        self.query_one(FlatOptionList).set_options(_options())


async def test_set_rows_draws_and_moves_as_set_options() -> None:
    screens = []
    for app in (SetOptionsApp(), RowsApp()):
        async with app.run_test(size=(40, 20)) as pilot:
            await pilot.pause()
            widget = app.query_one(FlatOptionList)
            widget.focus()
            seen = [_screen_lines(app)]
            for keys in (("down", "pagedown", "down"), ("end",), ("pageup", "up", "home")):
                await pilot.press(*keys)
                await pilot.pause()
                seen.append([*_screen_lines(app), str(widget.highlighted)])
            screens.append(seen)
    assert screens[0] == screens[1]


async def test_set_rows_finds_options_by_id_and_index() -> None:
    from textual.widgets.option_list import OptionDoesNotExist

    app = RowsApp()
    async with app.run_test(size=(40, 20)) as pilot:
        await pilot.pause()
        widget = app.query_one(FlatOptionList)
        assert widget.get_option_index("4321") == 4_321
        option = widget.get_option("4321")
        assert option is widget.get_option_at_index(4_321)  # one object per row
        assert str(option.prompt) == "Behandlare 4321 [db]"
        try:
            widget.get_option("no such row")
        except OptionDoesNotExist:
            pass
        else:
            raise AssertionError("an unknown id was found")
        widget.highlighted = 4_321
        await pilot.pause()
        assert any(line.startswith("Behandlare 4321") for line in _screen_lines(app))


async def test_set_rows_then_the_option_list_changes_in_place() -> None:
    app = RowsApp()
    async with app.run_test(size=(40, 20)) as pilot:
        await pilot.pause()
        widget = app.query_one(FlatOptionList)
        widget.remove_option("0")
        widget.add_option(Option("Sist", id="sist"))
        await pilot.pause()
        assert widget.option_count == COUNT
        assert _screen_lines(app)[0].startswith("Behandlare 0001")
        assert widget.get_option_index("sist") == COUNT - 1
        assert widget.get_option_index("1") == 0
        widget.set_rows(3, _row)
        await pilot.pause()
        assert _screen_lines(app)[:4] == [
            "Behandlare 0000 [db]",
            "Behandlare 0001 [db]",
            "Behandlare 0002 [db]",
            "",
        ]
        widget.set_options([Option("Ett")])
        await pilot.pause()
        assert _screen_lines(app)[:2] == ["Ett", ""]
        assert widget.virtual_size.height == 1
