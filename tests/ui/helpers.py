"""Keyboard-only helpers for Pilot tests."""

from __future__ import annotations

from typing import Any


async def focus(pilot: Any, widget_id: str, limit: int = 60) -> None:
    """Press Tab until the widget with ``widget_id`` has the focus."""
    app = pilot.app
    for _ in range(limit):
        if app.focused is not None and app.focused.id == widget_id:
            return
        await pilot.press("tab")
    raise AssertionError(f"#{widget_id} never got the focus (now {app.focused!r})")


async def settle(pilot: Any) -> None:
    """Let workers finish and their results arrive."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def focus_widget(pilot: Any, widget: Any, limit: int = 60) -> None:
    """Press Tab until ``widget`` has the focus."""
    app = pilot.app
    for _ in range(limit):
        if app.focused is widget:
            return
        await pilot.press("tab")
    raise AssertionError(f"{widget!r} never got the focus (now {app.focused!r})")


async def to_subdomain_name(pilot: Any) -> None:
    """Underdomän (key 3), the focus in its name field."""
    await settle(pilot)
    await pilot.press("3")
    await focus(pilot, "name")


async def type_subdomain(pilot: Any, name: str) -> None:
    """Underdomän (key 3): its name field gets ``name``, as if typed."""
    from textual.widgets import Input

    await to_subdomain_name(pilot)
    pilot.app.screen.query_one("#name", Input).value = name
    await settle(pilot)
