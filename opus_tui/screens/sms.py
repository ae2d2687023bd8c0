"""Placeholder until the content screen lands (same base class, same class name)."""

from __future__ import annotations

from opus_tui.screens.base import PlaceholderScreen


class SmsScreen(PlaceholderScreen):
    SECTION = "sms"
