"""``opus-tui restore REVISION``: make an earlier revision's configuration current again.

Like ``import``, nothing is saved when the revision holds something the tabs would refuse to
save (e.g. an unknown merge field in a template), and a revision that is already the current
configuration saves no new revision."""

from __future__ import annotations

import argparse
import sys

from opus_tui.commands._common import open_store, print_problems


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("revision", type=int, metavar="REVISION", help="revisionens nummer")


def run(args: argparse.Namespace) -> int:
    from opus_tui.domain.diff import diff, summarise
    from opus_tui.services.checks import all_problems

    number = args.revision
    with open_store(args) as store:
        target = store.revision_config(number)
        current, _ = store.load_config_as_stored()
        if target == current:
            print(f"Revision {number} är redan den aktuella konfigurationen; inget ändrades.")
            return 0
        errors = [p for p in all_problems(target) if p.is_error]
        if errors:
            print_problems(errors, sys.stderr)
            print(
                f"opus-tui: revision {number}: {len(errors)} fel; inget återställdes.",
                file=sys.stderr,
            )
            return 1
        changes = diff(current, target)
        revision = store.restore(number)
    print(f"Återställde revision {number} (sparad som revision {revision.id}).")
    print(f"Ändringar: {summarise(changes, limit=3)}")
    return 0
