"""One line naming every tab, the current one highlighted, unsaved ones marked with ●."""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget

from opus_tui.screens import TABS

DIRTY = " ●"


class TabBar(Widget):
    """The tab row. Not focusable: tabs switch with 1–9, alt+1–9, ctrl+pageup/pagedown."""

    DEFAULT_CSS = """
    TabBar { height: 1; width: 1fr; background: $panel; }
    """

    def __init__(self, current: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.current = current
        self.dirty: frozenset[str] = frozenset()

    def set_dirty(self, modes: frozenset[str]) -> None:
        if modes != self.dirty:
            self.dirty = modes
            self.refresh()

    def _parts(self, short: bool) -> list[tuple[str, str]]:
        parts: list[tuple[str, str]] = []
        for number, tab in enumerate(TABS, start=1):
            active = tab.mode == self.current
            name = tab.short if short and not active else tab.label
            mark = DIRTY if tab.mode in self.dirty else ""
            style = "bold reverse" if active else ("bold" if mark else "dim")
            parts.append((f" {number} {name}{mark} ", style))
        return parts

    def render(self) -> Text:
        parts = self._parts(short=False)
        if sum(len(p) for p, _ in parts) > self.size.width:
            parts = self._parts(short=True)
        text = Text(no_wrap=True, overflow="ellipsis")
        for part, style in parts:
            text.append(part, style=style)
        return text
