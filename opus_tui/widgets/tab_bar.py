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

    def _parts(self, level: int) -> list[tuple[str, str]]:
        """Level 0: full names; 1: short names; 2: short names, tight; 3: numbers only."""
        parts: list[tuple[str, str]] = []
        for number, tab in enumerate(TABS, start=1):
            active = tab.mode == self.current
            if active or level == 0:
                name = f" {tab.label}"
            elif level == 3:
                name = ""
            else:
                name = f" {tab.short}"
            mark = DIRTY if tab.mode in self.dirty else ""
            style = "bold reverse" if active else ("bold" if mark else "dim")
            pad = " " if level < 2 or active else ""
            parts.append((f"{pad}{number}{name}{mark}{pad}", style))
            if level >= 2:
                parts.append((" ", ""))
        return parts

    def render(self) -> Text:
        for level in range(4):
            parts = self._parts(level)
            if sum(len(p) for p, _ in parts) <= self.size.width:
                break
        text = Text(no_wrap=True, overflow="ellipsis")
        for part, style in parts:
            text.append(part, style=style)
        return text
