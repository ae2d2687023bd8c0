"""Pieces for labelled fields: the label/help come from the domain model, the error line under a
field shows the problems whose path starts with the field's path."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, ClassVar

from textual.binding import Binding
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Checkbox, Label, Static

if TYPE_CHECKING:  # FieldError is in the first frame, which does not import pydantic (issue 8)
    from pydantic import BaseModel

    from opus_tui.domain.problems import Path, Problem


class FieldLabel(Label):
    """The manual's label of a model field."""

    def __init__(self, model: type[BaseModel], name: str, *, id: str | None = None) -> None:
        from opus_tui.domain.fields import help_of, label_of

        super().__init__(label_of(model, name), id=id, classes="field-label")
        help_text = help_of(model, name)
        if help_text:
            self.tooltip = help_text


class FieldError(Static):
    """Errors (and warnings) of the draft at ``path``; hidden when there are none."""

    DEFAULT_CSS = """
    FieldError { height: auto; display: none; color: $text-error; padding: 0 1; }
    FieldError.-warning { color: $text-warning; }
    FieldError.-shown { display: block; }
    """

    def __init__(
        self, path: Path, *, id: str | None = None, covers: Sequence[Widget] | None = None
    ) -> None:
        super().__init__("", id=id, markup=False)
        self.path = tuple(path)
        self.problems: list[Problem] = []
        # The fields this line is about (``ErrorSlots``); by default the widgets since the
        # previous error line.
        self.covers = list(covers) if covers is not None else None

    def show(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        errors = [p for p in problems if p.is_error]
        shown = errors or list(problems)
        if not shown:
            self.remove_class("-shown")
            self.update("")
            return
        lines = []
        for p in shown:
            mark = "✗" if p.is_error else "⚠"
            lines.append(f"{mark} {p.label + ': ' if p.label else ''}{p.message}")
        self.update("\n".join(lines))
        self.set_class(not errors, "-warning")
        self.add_class("-shown")
        self.call_after_refresh(self._keep_in_view)  # once the line has its row

    def _keep_in_view(self) -> None:
        """The field being typed in and this line stay on screen: the line, and the tab's
        summary of errors under the content, take rows and pushed both out of a scrolled tab.
        The line's fields are the widgets since the previous error line (e.g. a clinic's own
        heading and text share one)."""
        if not self.is_attached or not self.has_class("-shown") or self.parent is None:
            return
        focused = self.screen.focused
        if focused is None or not self.screen.is_current:
            return
        fields = self.covers if self.covers is not None else self._since_previous_line()
        if not any(focused is w or w in focused.ancestors for w in fields):
            return
        view = next((a for a in self.ancestors if isinstance(a, Widget) and a.is_scrollable), None)
        rows = self.region.bottom - focused.region.y
        if view is not None and rows <= view.scrollable_content_region.height:
            self.scroll_visible(animate=False)  # the field stays on screen above it

    def _since_previous_line(self) -> list[Widget]:
        assert self.parent is not None
        siblings = list(self.parent.children)
        fields: list[Widget] = []
        for widget in reversed(siblings[: siblings.index(self)]):
            if isinstance(widget, FieldError):
                break
            fields.append(widget)
        return fields


class ErrorSlots:
    """Error lines mounted when a problem first falls on them, not one hidden ``FieldError``
    per field composed with the tab (most fields never have a problem, and each widget costs
    its share of a tab's first visit: Flexibilitet had 30 such lines among 114 widgets).

    A slot is a path and the id of the widget its line goes under. ``place`` (call it before
    ``TabScreen.show_problems``) mounts a slot's line right after that widget when a problem
    would go to it: its path is the longest that starts the problem's, among the slots and the
    lines on the screen. Mounted, a line is what a ``FieldError`` composed after the widget was:
    the same place, hidden again when its problems are gone, covering the same fields (those
    since the previous slot or line)."""

    def __init__(self) -> None:
        self._after: dict[Path, str] = {}  # path → id of the widget the line goes under

    def add(self, path: Path, after: str) -> None:
        self._after[tuple(path)] = after

    def place(self, screen: Widget, problems: Iterable[Problem]) -> None:
        mounted = {line.path for line in screen.query(FieldError)}
        paths = sorted(mounted | self._after.keys(), key=len, reverse=True)
        for problem in problems:
            path = next((p for p in paths if problem.path[: len(p)] == p), None)
            if path is None or path in mounted:
                continue
            mounted.add(path)
            anchor = screen.query_one(f"#{self._after[path]}")
            parent = anchor.parent
            assert isinstance(parent, Widget)
            parent.mount(FieldError(path, covers=self._covered(anchor)), after=anchor)

    def _covered(self, anchor: Widget) -> list[Widget]:
        """``anchor`` and the widgets before it since the previous slot or error line."""
        assert anchor.parent is not None
        siblings = list(anchor.parent.children)
        anchors = set(self._after.values())
        fields = [anchor]
        for widget in reversed(siblings[: siblings.index(anchor)]):
            if isinstance(widget, FieldError) or widget.id in anchors:
                break
            fields.append(widget)
        return fields


class SettingCheckbox(Checkbox):
    """A Checkbox whose state shows without colour: ✓ when on, blank when off (Textual draws the
    same X in both states and tells them apart by colour only, which NO_COLOR and monochrome
    terminals lose). ↑/↓ move between fields, as in a list of settings (they scrolled the tab
    and left the cursor where it was)."""

    BINDINGS: ClassVar[list[Binding | tuple[str, str] | tuple[str, str, str]]] = [
        Binding("down", "app.focus_next", "Nästa fält", show=False),
        Binding("up", "app.focus_previous", "Föregående fält", show=False),
    ]

    def update_node_styles(self, animate: bool = True) -> None:
        """Not before it is mounted (``compact`` and ``value`` set classes in ``__init__``): it is
        styled as it is mounted, and the stylesheet applied to a box outside the DOM is wasted
        (≈ 0.3 ms a box, 28 boxes on Flexibilitet)."""
        if self.is_attached:
            super().update_node_styles(animate)

    def render(self) -> Content:
        self.BUTTON_INNER = "✓" if self.value else " "
        return super().render()
