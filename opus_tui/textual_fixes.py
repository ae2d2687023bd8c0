"""Workarounds for Textual 8.2.8 (pinned), in one place; each names what it fixes.

- ``read_esc_digit_as_alt``: alt+digit as terminals send it (ESC + digit) reaches the bindings.
- ``keep_typing_order``: a text field's own editing keys (backspace, ctrl+u, arrows, …) apply
  in the order they were typed. Textual types printable keys in the field at once but runs its
  bound keys only after the key has bubbled up to the App, so keys arriving together — a burst
  over a slow SSH link — were applied out of order: "ab⌫c" became "ab", ctrl+u then "gh"
  left the field empty (upstream: Textualize/textual#6605).
- ``swedish_select_menu``: an open Select's footer key reads "Stäng listan", not "Dismiss menu".
- ``patch_loaded_widgets``: the two above for widget modules loaded since the last call.
"""

from __future__ import annotations

import sys
from collections.abc import Awaitable, Callable
from typing import Any, cast

from textual import events
from textual.widget import Widget

ORIGINAL_ON_KEY: dict[type[Widget], Callable[[Widget, events.Key], Awaitable[None]]] = {}


def read_esc_digit_as_alt() -> None:
    """ESC + digit is alt+digit as xterm, tmux, PuTTY and Windows Terminal send it. Textual reads
    it as a macOS option character instead ("\\x1b4" → "¢"), so alt+1–9 never reached the tab
    bindings, and typed "¢" into a text field."""
    from textual._ansi_sequences import ANSI_SEQUENCES_KEYS

    table = cast(dict[str, object], ANSI_SEQUENCES_KEYS)
    for digit in "0123456789":
        table.pop(f"\x1b{digit}", None)


def keep_typing_order() -> None:
    """Run Input's and TextArea's own (non-priority) bindings inside their key handler. TextArea
    is patched once its module is loaded (call again after importing a tab: its import is not
    paid before the first frame)."""
    from textual.widgets import Input

    _inline_own_bindings(Input)
    text_area = sys.modules.get("textual.widgets._text_area")
    if text_area is not None:
        _inline_own_bindings(text_area.TextArea)


def swedish_select_menu() -> None:
    """The one English binding text Textual shows in our footers: an open Select's escape.
    Patched once its module is loaded, like ``keep_typing_order``."""
    select = sys.modules.get("textual.widgets._select")
    if select is None or getattr(select.SelectOverlay, "_opus_swedish", False):
        return
    from textual.binding import Binding

    overlay = select.SelectOverlay
    overlay.BINDINGS = [Binding("escape", "dismiss", "Stäng listan")]
    overlay._merged_bindings = overlay._merge_bindings()  # computed once, when the class was made
    overlay._opus_swedish = True


def patch_loaded_widgets() -> None:
    """Every widget patch, for the widget modules loaded so far (idempotent)."""
    keep_typing_order()
    swedish_select_menu()


def _inline_own_bindings(cls: type[Widget]) -> None:
    if cls in ORIGINAL_ON_KEY:
        return
    original = ORIGINAL_ON_KEY[cls] = cls.__dict__["_on_key"]

    async def _on_key(self: Widget, event: events.Key) -> None:
        if await _run_own_binding(self, event):
            return
        await original(self, event)

    setattr(cls, "_on_key", _on_key)  # noqa: B010  # a method replaced on the class


async def _run_own_binding(widget: Widget, event: events.Key) -> bool:
    """What the App would do with this key for this widget, now; True if an action ran."""
    bindings: Any = widget._bindings
    for binding in bindings.key_to_bindings.get(event.key, ()):
        if not binding.priority and await widget.app.run_action(binding.action, widget):
            event.stop()
            event.prevent_default()
            return True
    return False
