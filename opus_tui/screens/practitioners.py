"""Placeholder; the full screen follows."""

from __future__ import annotations

from opus_tui.screens.base import PlaceholderScreen


class PractitionersScreen(PlaceholderScreen):
    SECTION = "practitioners"
