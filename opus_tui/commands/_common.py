"""Helpers shared by the headless commands (store opening, problem printing)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING, TextIO

from opus_tui.domain.problems import Problem

if TYPE_CHECKING:
    from opus_tui.store.repository import Store


def open_store(args: argparse.Namespace, *, create: bool = False) -> Store:
    """The store of ``--store`` (or $OPUS_TUI_STORE / the default); ``StoreError`` if it can't
    be opened. An explicitly named SQLite file must exist unless ``create``."""
    from opus_tui.store.repository import open_store as _open

    return _open(getattr(args, "store", None), create=create)


def print_problems(problems: Iterable[Problem], out: TextIO | None = None) -> tuple[int, int]:
    """Print errors, then warnings; returns (errors, warnings)."""
    out = out or sys.stdout
    items = list(problems)
    errors = [p for p in items if p.is_error]
    warnings = [p for p in items if not p.is_error]
    for p in errors:
        print(f"fel: {p}", file=out)
    for p in warnings:
        print(f"varning: {p}", file=out)
    return len(errors), len(warnings)
