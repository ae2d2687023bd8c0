"""``opus-tui publish [--dry-run] [--overwrite]``: publish the stored configuration to the portal,
headless.

There is no dialog to confirm in: when someone else has published since this store did, the
publication would undo their changes, so it is refused (exit 4) unless ``--overwrite`` says so,
as after a conflict.

Exit codes: 0 published (or nothing to do), 1 refused by the portal, 3 waiting in the outbox
(portal unreachable), 4 conflict (changed on the portal; nothing overwritten).
"""

from __future__ import annotations

import argparse
import sys

from opus_tui.commands._common import open_store

EXIT_REFUSED, EXIT_PENDING, EXIT_CONFLICT = 1, 3, 4
OVERWRITE_NEEDED = (
    "Inget publicerades: någon annan har publicerat sedan, och det som står ovan skulle skriva "
    "över deras ändringar. Granska och kör sedan: opus-tui publish --overwrite"
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="visa vad som ändras på portalen utan att publicera",
    )
    parser.add_argument(
        "--overwrite",
        action="store_true",
        help="efter en konflikt, eller när någon annan har publicerat sedan: publicera ändå, "
        "ovanpå portalens nuvarande version",
    )
    parser.add_argument(
        "--images",
        metavar="KATALOG",
        help="katalog som relativa bildsökvägar utgår från (standard: arbetskatalogen)",
    )


def quiet_retries() -> None:
    """The portal client's retries (stamina) log each one as a bare "stamina.retry_scheduled"
    warning; with no logging set up Python printed those to stderr, a line per retry."""
    import logging

    logger = logging.getLogger("stamina")
    if not logger.handlers:
        logger.addHandler(logging.NullHandler())


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from opus_tui.domain.diff import Change
    from opus_tui.services.portal import PortalError
    from opus_tui.services.publisher import (
        CHANGED_ELSEWHERE,
        Conflict,
        Names,
        Publisher,
        by_tab,
        changed_elsewhere,
        client_from_store,
        conflict_line,
        published_from_here,
        readable,
    )

    def print_changes(conflict: Conflict, changes: list[Change], indent: str = "") -> None:
        names = Names([conflict.local, conflict.portal], catalogue)
        for group in by_tab(changes):
            print(f"{indent}{group.tab}:")
            for change in group.changes:
                shown = readable(change, conflict.portal, conflict.local, names)
                print(f"{indent}  {conflict_line(shown)}")

    def print_conflict(conflict: Conflict) -> None:
        print("Konfigurationen har ändrats på portalen. Skillnader (portalen → lokalt):")
        on_portal, ours = conflict.split()
        if on_portal:
            print("Ändrat på portalen sedan jämförelsen (--overwrite tar bort det):")
            print_changes(conflict, on_portal, "  ")
            if ours:
                print("Dina ändringar:")
                print_changes(conflict, ours, "  ")
        else:
            print_changes(conflict, ours)
        print("Inget skrevs över. Granska och kör sedan: opus-tui publish --overwrite")

    quiet_retries()
    with open_store(args) as store:
        image_root = Path(args.images) if args.images else None
        catalogue = store.load_catalogue(with_times=False)  # names for practitioner ids
        try:
            with client_from_store(store) as client:
                publisher = Publisher(store, client, image_root)
                if not args.dry_run and store.pending_publications():
                    queued = publisher.send_pending()
                    if queued.status == "conflict" and queued.conflict and not args.overwrite:
                        print_conflict(queued.conflict)
                        return EXIT_CONFLICT
                    if queued.status == "published":
                        print(f"Köade publiceringar skickade: {queued.sent}.")
                plan = publisher.prepare(upload=not args.dry_run)
                elsewhere = changed_elsewhere(store, plan)
                if elsewhere:
                    print(f"notering: {CHANGED_ELSEWHERE}")
                here = published_from_here(store, plan) if elsewhere else None
                for line in plan.describe(Names([plan.local, plan.portal], catalogue), here):
                    print(line)
                for note in plan.notes:
                    print(f"notering: {note}")
                if args.dry_run:
                    return 0
                if elsewhere and plan.has_changes and not args.overwrite:
                    # No dialog here: their changes are undone only when asked for.
                    print(OVERWRITE_NEEDED)
                    return EXIT_CONFLICT
                outcome = publisher.publish(plan)
        except PortalError as exc:
            print(f"opus-tui: {exc.message}", file=sys.stderr)
            return EXIT_PENDING if exc.kind == "unreachable" else EXIT_REFUSED
    print(outcome.message)
    if outcome.status == "conflict" and outcome.conflict is not None:
        print_conflict(outcome.conflict)
        return EXIT_CONFLICT
    if outcome.status == "pending":
        return EXIT_PENDING
    if outcome.status == "rejected":
        return EXIT_REFUSED
    return 0
