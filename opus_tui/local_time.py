"""The store keeps instants as naive UTC; people read local time (stdlib only: the header
uses this in the first frame)."""

from __future__ import annotations

from datetime import UTC, datetime


def local(utc: datetime) -> datetime:
    """A naive UTC instant as naive local time (this machine's time zone)."""
    return utc.replace(tzinfo=UTC).astimezone().replace(tzinfo=None)


def local_text(utc: datetime) -> str:
    """``2026-11-27 14:05``: a naive UTC instant in local time, to the minute."""
    return f"{local(utc):%Y-%m-%d %H:%M}"
