"""Keyboard-only helpers for Pilot tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
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


async def to_tab(pilot: Any, key: str) -> None:
    """Once the app has settled, go to tab ``key`` (1–9) and let it settle."""
    await settle(pilot)
    await pilot.press(key)
    await settle(pilot)


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


@contextmanager
def portal_with_name_taken(store_url: str, name: str) -> Iterator[Any]:
    """A running portal emulator the store publishes to, on which another account has claimed
    ``name``; yields the emulator."""
    from opus_tui.domain.connections import API_KEY_SECRET, ConnectionSettings, PortalAccount
    from opus_tui.services.portal import PortalClient
    from opus_tui.services.portal_emulator import running_emulator
    from opus_tui.store.repository import Store

    ours, theirs = "var-nyckel-0001", "deras-nyckel-0002"
    with running_emulator(api_keys=[ours, theirs]) as emulator:
        with PortalClient(emulator.url, theirs) as other:
            other.claim_subdomain(name)
        with Store.open(store_url) as store:
            store.save_connections(ConnectionSettings(account=PortalAccount(url=emulator.url)))
            store.set_secret(API_KEY_SECRET, ours)
        yield emulator
