"""App-wide messages (posted to the app or the active screen).

Draft and catalogue changes travel as signals on the app (``draft_changed``,
``catalogue_changed``, ``status_changed``); these messages carry the results of start-up
and save workers back to the UI thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual.message import Message

from opus_tui.domain.catalogue import Catalogue
from opus_tui.domain.config import WebConfiguration


@dataclass
class StoreOpened(Message):
    """The full store is open; ``config`` is what it holds."""

    store: Any
    config: WebConfiguration
    catalogue: Catalogue | None


@dataclass
class StoreFailed(Message):
    """The store could not be opened (message in Swedish, no secrets)."""

    error: str
