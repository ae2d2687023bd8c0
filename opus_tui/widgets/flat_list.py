"""An OptionList whose options are one line each (too long: cut with …).

Textual's OptionList measures every option when its options are set: it builds and keeps a
wrapped visual per option and a line table, ≈ 2 KiB an option (≈ 18 MiB for a chain's 9 000
practitioners). Here an option's height is known without measuring, so the line table is
computed on demand and only the options drawn on screen get a visual.

``set_rows(count, row)`` goes further: the list is given a row count and a function from an
index to the row's id and prompt, and makes an ``Option`` only for a row that is asked for (drawn,
highlighted, looked up): filling a list of 9 000 rows makes a handful of objects (Behandlare).

``OptionPool`` hands out the same ``Option`` again for the same row: an option keeps its visual
and the height measured at a width, so rebuilding a list (``set_options``, as Kliniker does on
every edit) measures only the rows that changed."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from typing import Self, overload

from rich.cells import cell_len
from rich.text import Text
from textual.geometry import Size
from textual.widgets import OptionList
from textual.widgets._option_list import OptionListContent
from textual.widgets.option_list import Option

Row = Callable[[int], tuple[str, str]]  # index → (option id, prompt)


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


class _RowOptions(Sequence[Option]):
    """The options of ``count`` rows, each made when first asked for and kept (with its visual);
    ``index_of`` maps the options made so far to their index (OptionList's ``_option_to_index``,
    only ever asked about options it was given)."""

    def __init__(self, count: int, row: Row) -> None:
        self._count = count
        self._row = row
        self._made: dict[int, Option] = {}
        self.index_of: dict[Option, int] = {}
        self._ids: dict[str, int] | None = None
        self._widest: int | None = None

    def __len__(self) -> int:
        return self._count

    @overload
    def __getitem__(self, index: int) -> Option: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Option]: ...
    def __getitem__(self, index: int | slice) -> Option | Sequence[Option]:
        if isinstance(index, slice):  # e.g. page down: a view, not a list of every option
            return _View(self, range(*index.indices(self._count)))
        position = index + self._count if index < 0 else index
        if not 0 <= position < self._count:
            raise IndexError(index)
        option = self._made.get(position)
        if option is None:
            option_id, prompt = self._row(position)
            option = self._made[position] = Option(prompt, id=option_id)
            self.index_of[option] = position
        return option

    def position_of(self, option_id: str) -> int:
        """The index of the row with this id (``KeyError`` if none); the ids are read once."""
        if self._ids is None:
            self._ids = {self._row(i)[0]: i for i in range(self._count)}
        return self._ids[option_id]

    def widest(self) -> int:
        """The widest prompt's cells; the prompts are read once."""
        if self._widest is None:
            self._widest = max((cell_len(self._row(i)[1]) for i in range(self._count)), default=0)
        return self._widest


class _View(Sequence[Option]):
    """Some of ``_RowOptions``' rows, made as they are read."""

    def __init__(self, options: _RowOptions, indexes: range) -> None:
        self._options = options
        self._indexes = indexes

    def __len__(self) -> int:
        return len(self._indexes)

    @overload
    def __getitem__(self, index: int) -> Option: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Option]: ...
    def __getitem__(self, index: int | slice) -> Option | Sequence[Option]:
        if isinstance(index, slice):
            return _View(self._options, self._indexes[index])
        return self._options[self._indexes[index]]


class _ById(Mapping[str, Option]):
    """OptionList's ``_id_to_option`` over ``_RowOptions``."""

    def __init__(self, options: _RowOptions) -> None:
        self._options = options

    def __getitem__(self, option_id: str) -> Option:
        return self._options[self._options.position_of(option_id)]

    def __iter__(self) -> Iterator[str]:
        return (option.id or "" for option in self._options)

    def __len__(self) -> int:
        return len(self._options)


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

    # -- rows made on demand ------------------------------------------------------------------
    def set_rows(self, count: int, row: Row) -> Self:
        """Show ``count`` rows; ``row(index)`` gives a row's option id and prompt (plain text),
        read only for rows drawn, highlighted or looked up. Like ``set_options``: the highlight
        is cleared and the list scrolled to the top."""
        options = _RowOptions(count, row)
        self._options = options  # type: ignore[assignment]  # a Sequence; see _plain()
        self._id_to_option = _ById(options)  # type: ignore[assignment]
        self._option_to_index = options.index_of
        self._option_render_cache.clear()
        self.highlighted = None
        self.scroll_y = 0
        if self.is_mounted:
            self.refresh(layout=self.styles.auto_dimensions)
            self._update_lines()
        return self

    def _plain(self, keep: bool) -> None:
        """Before OptionList changes its options in place: plain list and dicts again, with
        every row made (``keep``) or empty (the options are about to be cleared)."""
        rows = self._options
        if not isinstance(rows, _RowOptions):
            return
        options = list(rows) if keep else []
        self._options = options
        self._id_to_option = {o.id: o for o in options if o.id is not None}
        self._option_to_index = {o: i for i, o in enumerate(options)}

    def clear_options(self) -> Self:
        self._plain(keep=False)
        return super().clear_options()

    def set_options(self, options: Iterable[OptionListContent]) -> Self:
        self._plain(keep=False)
        return super().set_options(options)

    def add_options(self, new_options: Iterable[OptionListContent]) -> Self:
        self._plain(keep=True)
        return super().add_options(new_options)

    def _remove_option(self, option: Option) -> Self:
        self._plain(keep=True)
        return super()._remove_option(option)

    # -- one line per option ------------------------------------------------------------------
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
        rows = self._options
        if isinstance(rows, _RowOptions):
            widest = rows.widest()
        else:
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
