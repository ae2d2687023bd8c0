"""Errors meant for the user: the command line prints them without a traceback."""

from __future__ import annotations


class UserError(Exception):
    """A problem the user can act on; ``str(error)`` is the whole message (Swedish)."""

    exit_code = 2
