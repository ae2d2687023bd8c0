"""TabFooter: the keys are built again only when what they show changes."""

from __future__ import annotations

from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Input
from textual.widgets._footer import FooterKey

from opus_tui.widgets.footer import TabFooter


class _Form(App[None]):
    ENABLE_COMMAND_PALETTE = False
    BINDINGS: ClassVar[list[Binding | tuple[str, str] | tuple[str, str, str]]] = [
        Binding("ctrl+s", "save", "Spara"),
        Binding("ctrl+r", "revert", "Återställ"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.can_revert = True

    def compose(self) -> ComposeResult:
        yield Input(id="a")
        yield Input(id="b")
        yield TabFooter()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "revert":
            return self.can_revert or None  # None: shown dimmed
        return True

    def action_save(self) -> None:
        pass

    def action_revert(self) -> None:
        pass


def _keys(app: App[None]) -> list[FooterKey]:
    return list(app.query(FooterKey))


async def test_same_keys_are_not_built_again() -> None:
    app = _Form()
    async with app.run_test() as pilot:
        await pilot.pause()
        keys = _keys(app)
        assert [k.description for k in keys] == ["Spara", "Återställ"]
        await pilot.press("tab")  # the focus moves: the screen's bindings "change"
        await pilot.pause()
        app.screen.refresh_bindings()
        app.screen.refresh_bindings()
        await pilot.pause()
        assert _keys(app) == keys  # the very same widgets


async def test_a_key_disabled_is_shown_so() -> None:
    app = _Form()
    async with app.run_test() as pilot:
        await pilot.pause()
        assert not any(k.has_class("-disabled") for k in _keys(app))
        app.can_revert = False
        app.screen.refresh_bindings()
        await pilot.pause()
        revert = next(k for k in _keys(app) if k.description == "Återställ")
        assert revert.has_class("-disabled")
