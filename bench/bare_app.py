"""The baseline for start-up benchmarks: a minimal Textual app with one Static.

Same Textual as opus-tui, nothing else. Run as ``python bench/bare_app.py``.
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Static

TEXT = "Bare Textual app ready"


class BareApp(App[None]):
    def compose(self) -> ComposeResult:
        yield Static(TEXT)


if __name__ == "__main__":
    BareApp().run()
