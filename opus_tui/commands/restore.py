"""``opus-tui restore REVISION``: make an earlier revision's configuration current again."""

from __future__ import annotations

import argparse

from opus_tui.commands._common import open_store


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("revision", type=int, metavar="REVISION", help="revisionens nummer")


def run(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        revision = store.restore(args.revision)
    print(f"Återställde revision {args.revision} (sparad som revision {revision.id}).")
    return 0
