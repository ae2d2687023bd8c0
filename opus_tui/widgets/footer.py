"""The key footer of a tab, rebuilt only when the keys it shows change."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.widgets import Footer

if TYPE_CHECKING:
    from textual.screen import Screen

Shown = tuple[object, ...]


class TabFooter(Footer):
    """Textual's Footer recomposes (new FooterKeys, each styled twice: compact on, then off
    through its data binding) at every change of the screen's bindings: a focus move, a
    screen shown again, five times or so on a tab's first visit, mostly with the same keys.
    This one recomposes once per refresh at most, and only when what it would show differs
    from what it shows: the bindings shown (key, action, description, enabled, tooltip) and
    the key displays."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._shown: Shown | None = None
        self._pending = False

    def bindings_changed(self, screen: Screen[object]) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen and not self._pending:
            self._pending = True
            self.call_after_refresh(self._recompose_if_changed)

    def _keys(self) -> Shown:
        """What ``compose`` builds the keys from."""
        app = self.app
        keys: list[object] = [
            (binding, enabled, tooltip, app.get_key_display(binding))
            for (_node, binding, enabled, tooltip) in self.screen.active_bindings.values()
            if binding.show
        ]
        palette = self.screen.active_bindings.get(app.COMMAND_PALETTE_BINDING)
        keys.append((self.show_command_palette, app.ENABLE_COMMAND_PALETTE, palette))
        return tuple(keys)

    async def _recompose_if_changed(self) -> None:
        self._pending = False
        if not self.is_attached:
            return
        keys = self._keys()
        if keys != self._shown:
            self._shown = keys
            await self.recompose()
