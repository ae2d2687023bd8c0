"""``opus-tui history``: the saved revisions, newest first."""

from __future__ import annotations

import argparse

from opus_tui.commands._common import open_store
from opus_tui.local_time import local


def positive(text: str) -> int:
    """A count of at least 1 (argparse type)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' är inget heltal") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"måste vara minst 1 (är {value})")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-n", "--limit", type=positive, default=None, metavar="N", help="visa bara de N senaste"
    )


def run(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        revisions = store.history(args.limit)
    if not revisions:
        print("Inga sparade revisioner.")
        return 0
    rows = [
        (
            str(r.id),
            f"{local(r.created_at):%Y-%m-%d %H:%M:%S}",
            r.os_user,
            r.section_label,
            r.summary,
        )
        for r in revisions
    ]
    head = ("Rev", "Tid", "Användare", "Flik", "Ändring")
    widths = [max(len(row[i]) for row in [head, *rows]) for i in range(4)]
    for row in [head, *rows]:
        cells = [row[i].ljust(widths[i]) if i else row[i].rjust(widths[i]) for i in range(4)]
        print("  ".join([*cells, row[4]]))
    return 0
