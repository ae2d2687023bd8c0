"""The one command-palette provider: go to a tab, Spara, Återställ, Förhandsvisning, Avsluta.
Spara/Återställ act on the current tab."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any, ClassVar

from textual.binding import Binding
from textual.command import CommandPalette, DiscoveryHit, Hit, Hits, Provider

NO_MATCH = "Inget kommando matchar"


class OpusCommandPalette(CommandPalette):
    """Textual's command palette, in Swedish."""

    BINDINGS: ClassVar[list[Any]] = [Binding("escape", "escape", "Stäng")]

    def __init__(self) -> None:
        super().__init__(placeholder="Sök kommando…", id="--command-palette")


class OpusCommands(Provider):
    def _commands(self) -> list[tuple[str, Callable[[], object], str]]:
        from opus_tui.screens import TABS
        from opus_tui.screens.base import TabScreen

        app = self.app
        commands: list[tuple[str, Callable[[], object], str]] = []
        screen = self.screen
        if isinstance(screen, TabScreen):
            label = screen.tab.label
            commands += [
                (f"Spara {label}", screen.action_save, "Spara fliken (ctrl+s)"),
                (f"Återställ {label}", screen.action_revert, "Till det senast sparade (ctrl+r)"),
                ("Förhandsvisning", screen.action_toggle_preview, "Visa/dölj (F2)"),
            ]
        for number, tab in enumerate(TABS, start=1):
            commands.append(
                (
                    f"Gå till {tab.label}",
                    partial(app.run_action, f"go('{tab.mode}')"),
                    f"Flik {number} (tangent {number}; ctrl+pageup/pagedown bläddrar)",
                )
            )
        commands.append(
            (
                "Hämta katalog från Opus-databaserna",
                partial(app.run_action, "refresh_catalogue"),
                "Kliniker, behandlare och e-tider från Konfiguration › Databaser (F7 i Kliniker)",
            )
        )
        commands.append(
            (
                "Publicera",
                partial(app.run_action, "publish"),
                "Visa vad som ändras på portalen och publicera det sparade (F9)",
            )
        )
        commands.append(
            (
                "Hjälp",
                partial(app.run_action, "help"),
                "Hela hjälptexten för det markerade fältet och alla tangenter (F1)",
            )
        )
        commands.append(("Avsluta", partial(app.run_action, "quit"), "Frågar om osparat (ctrl+q)"))
        return commands

    async def discover(self) -> Hits:
        for name, callback, help_text in self._commands():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        found = False
        for name, callback, help_text in self._commands():
            score = matcher.match(name)
            if score > 0:
                found = True
                yield Hit(score, matcher.highlight(name), callback, help=help_text)
        if not found:  # instead of Textual's "No matches found"
            yield Hit(
                1.0,
                NO_MATCH,
                lambda: None,
                help="Sök på en fliks namn, Spara, Återställ, Publicera, Katalog … (esc stänger)",
            )
