"""An OptionList whose options are one line each (too long: cut with …).

Textual's OptionList measures every option when its options are set: it builds and keeps a
wrapped visual per option and a line table, ≈ 2 KiB an option (≈ 18 MiB for a chain's 9 000
practitioners). Here an option's height is known without measuring, so the line table is
computed on demand and only the options drawn on screen get a visual.

``OptionPool`` hands out the same ``Option`` again for the same row: an option keeps its visual
and the height measured at a width, so rebuilding a list (``set_options``, as Kliniker does on
every edit) measures only the rows that changed."""

from __future__ import annotations

from collections.abc import Hashable, Iterator, Mapping, Sequence
from typing import overload

from rich.cells import cell_len
from rich.text import Text
from textual.geometry import Size
from textual.widgets import OptionList
from textual.widgets.option_list import Option


class _Lines(Sequence[tuple[int, int]]):
    """Line ``y`` shows line 0 of option ``y``."""

    def __init__(self, count: int) -> None:
        self._count = count

    def __len__(self) -> int:
        return self._count

    @overload
    def __getitem__(self, index: int) -> tuple[int, int]: ...
    @overload
    def __getitem__(self, index: slice) -> list[tuple[int, int]]: ...
    def __getitem__(self, index: int | slice) -> tuple[int, int] | list[tuple[int, int]]:
        if isinstance(index, slice):
            return [(i, 0) for i in range(*index.indices(self._count))]
        position = index + self._count if index < 0 else index
        if not 0 <= position < self._count:
            raise IndexError(index)
        return (position, 0)


class _Constant(Mapping[int, int]):
    """Option index → ``value`` (``None``: the index itself), for indexes below ``count``."""

    def __init__(self, count: int, value: int | None) -> None:
        self._count = count
        self._value = value

    def __getitem__(self, index: int) -> int:
        if not 0 <= index < self._count:
            raise KeyError(index)
        return index if self._value is None else self._value

    def __iter__(self) -> Iterator[int]:
        return iter(range(self._count))

    def __len__(self) -> int:
        return self._count


class FlatOptionList(OptionList):
    """One line per option; no separators (``add_option(None)`` is not supported)."""

    DEFAULT_CSS = """
    FlatOptionList { text-wrap: nowrap; text-overflow: ellipsis; }
    """

    @property
    def _lines(self) -> Sequence[tuple[int, int]]:
        return _Lines(self.option_count)

    @property
    def _heights(self) -> dict[int, int]:
        return _Constant(self.option_count, 1)  # type: ignore[return-value]  # read only

    @property
    def _index_to_line(self) -> dict[int, int]:
        return _Constant(self.option_count, None)  # type: ignore[return-value]  # read only

    def _update_lines(self) -> None:
        if not self.scrollable_content_region:
            return
        width = self.scrollable_content_region.width - self._get_left_gutter_width()
        virtual_size = Size(width, self.option_count)
        if virtual_size != self.virtual_size:
            self.virtual_size = virtual_size
            self._scroll_update(virtual_size)

    def get_content_width(self, container: Size, viewport: Size) -> int:
        if not self.options:
            return 0
        padding = self.get_component_styles("option-list--option").padding
        widest = max(_width(option.prompt) for option in self.options)
        return widest + padding.width + self._get_left_gutter_width()

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return self.option_count


def _width(prompt: object) -> int:
    if isinstance(prompt, Text):
        return prompt.cell_len
    return cell_len(str(prompt))


class OptionPool:
    """Options reused between rebuilds of one OptionList: the same id, prompt (text and styles)
    and disabled state give the same ``Option`` object, with its visual and measured height.
    Options not used by the latest rebuilds are dropped (``limit`` keeps memory bounded)."""

    def __init__(self, limit: int = 4_000) -> None:
        self._limit = limit
        self._kept: dict[Hashable, Option] = {}

    def __len__(self) -> int:
        return len(self._kept)

    def option(self, prompt: Text | str, id: str, disabled: bool = False) -> Option:
        key = (id, disabled, *_signature(prompt))
        option = self._kept.get(key)
        if option is None or option.prompt != prompt:  # not kept, or its prompt was replaced
            if len(self._kept) >= self._limit:
                self._kept.clear()  # e.g. a new catalogue: start over
            option = self._kept[key] = Option(prompt, id=id, disabled=disabled)
        return option

    def clear(self) -> None:
        self._kept.clear()


def _signature(prompt: Text | str) -> tuple[Hashable, ...]:
    if isinstance(prompt, Text):
        return ("text", prompt.plain, str(prompt.style), tuple(prompt.spans), prompt.end)
    return ("str", prompt)
