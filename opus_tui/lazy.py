"""Deferred widgets: the first screen composes a cheap placeholder for a heavy widget; its module
is imported and the widget mounted only when it is about to be seen (issue 8).

Use it for panes that start hidden (the preview at narrow widths) or that need heavy imports
(Pillow, rich-pixels). Screens call ``realize()`` when the pane becomes visible.
"""

from __future__ import annotations

import importlib

from textual.widget import Widget


class Deferred(Widget):
    """Stands in for ``module.attribute()`` (a Widget class or factory) until ``realize()``."""

    DEFAULT_CSS = """
    Deferred { width: 1fr; height: 1fr; }
    """

    def __init__(
        self, module: str, attribute: str, *, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.module = module
        self.attribute = attribute
        self._widget: Widget | None = None
        self._missing = False

    @property
    def widget(self) -> Widget | None:
        """The real widget once realized, else None."""
        return self._widget

    @property
    def available(self) -> bool:
        """False once the module turned out to be missing (a part not written yet)."""
        return not self._missing

    def realize(self) -> Widget | None:
        """Import the module and mount its widget here (once); None if the module is missing."""
        if self._widget is None and not self._missing:
            try:
                module = importlib.import_module(self.module)
            except ImportError:
                self._missing = True
                return None
            widget: Widget = getattr(module, self.attribute)()
            self._widget = widget
            self.mount(widget)
        return self._widget
