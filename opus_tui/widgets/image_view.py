"""An image shown with half blocks (rich-pixels), fitted to the widget's size; decoding runs in
a thread so Pillow is imported only when an image is shown."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual import work
from textual.events import Resize
from textual.widgets import Static


class ImageView(Static):
    DEFAULT_CSS = """
    ImageView { height: 8; width: 1fr; color: $text-muted; }
    ImageView.-error { color: $text-error; }
    """

    def __init__(
        self,
        source: Path | bytes | None = None,
        *,
        empty: str = "(ingen bild)",
        id: str | None = None,
    ) -> None:
        super().__init__(empty, id=id, markup=False)
        self._source = source
        self._empty = empty
        self._box: tuple[int, int] = (0, 0)
        self.error: str | None = None

    @property
    def source(self) -> Path | bytes | None:
        return self._source

    def set_source(self, source: Path | bytes | None) -> None:
        self._source = source
        self._box = (0, 0)
        self._redraw()

    def on_mount(self) -> None:
        self._redraw()

    def on_resize(self, event: Resize) -> None:
        self._redraw()

    def _redraw(self) -> None:
        width, height = self.content_size
        if self._source is None:
            self.error = None
            self.remove_class("-error")
            self.update(self._empty)
            return
        if width < 1 or height < 1 or (width, height) == self._box:
            return
        self._box = (width, height)
        self._render_image(self._source, width, height)

    @work(thread=True, exclusive=True, group="image-view", exit_on_error=False)
    def _render_image(self, source: Path | bytes, width: int, height: int) -> None:
        from opus_tui.services.images import ImageError, terminal_image

        try:
            renderable: Any = terminal_image(source, width, height)
            error = None
        except ImageError as exc:
            renderable, error = str(exc), str(exc)
        self.app.call_from_thread(self._show, source, renderable, error)

    def _show(self, source: Path | bytes, renderable: Any, error: str | None) -> None:
        if source is not self._source:
            return  # a newer image was chosen meanwhile
        self.error = error
        self.set_class(error is not None, "-error")
        self.update(renderable)
