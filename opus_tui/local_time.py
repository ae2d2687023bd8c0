"""The store keeps instants as naive UTC; people read local time (stdlib only: the header
uses this in the first frame)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

MONTHS = ("jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec")


def local(utc: datetime) -> datetime:
    """A naive UTC instant as naive local time (this machine's time zone)."""
    return utc.replace(tzinfo=UTC).astimezone().replace(tzinfo=None)


def local_text(utc: datetime) -> str:
    """``2026-11-27 14:05``: a naive UTC instant in local time, to the minute."""
    return f"{local(utc):%Y-%m-%d %H:%M}"


def today() -> date:
    """This machine's date (tests pin it, so that the header's words do not move)."""
    return date.today()


def short_text(utc: datetime, on: date | None = None) -> str:
    """A naive UTC instant in local time, as short as the header needs: ``idag 14:05``,
    ``igår 14:05``, ``3 mar 14:05`` this year, ``2025-03-02`` before."""
    moment = local(utc)
    day = today() if on is None else on
    clock = f"{moment:%H:%M}"
    if moment.date() == day:
        return f"idag {clock}"
    if moment.date() == day - timedelta(days=1):
        return f"igår {clock}"
    if moment.year == day.year:
        return f"{moment.day} {MONTHS[moment.month - 1]} {clock}"
    return f"{moment:%Y-%m-%d}"
