"""Placeholder; the full Konfiguration screen follows."""

from __future__ import annotations

from typing import Any

from opus_tui.screens.base import PlaceholderScreen


class ConfigurationScreen(PlaceholderScreen):
    SECTION = "connections"

    def current_value(self) -> Any:
        return None

    def saved_value(self) -> Any:
        return None
