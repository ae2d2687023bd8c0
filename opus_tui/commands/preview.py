"""``opus-tui preview``: print the booking page's pages for one path, as text.

The configuration is the store's (saved) one; the catalogue is the store's last snapshot, else
the demo catalogue. At each step the option named by ``--choose`` is taken (matched by its
label: exact, then case-insensitive, then prefix or part), else the first specific option.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime

from opus_tui.errors import UserError
from opus_tui.local_time import local_text

STEP_KEYS = {
    "clinic": "clinic",
    "klinik": "clinic",
    "treatment": "treatment",
    "behandling": "treatment",
    "practitioner": "practitioner",
    "behandlare": "practitioner",
    "time": "time",
    "tid": "time",
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--choose",
        metavar="STEG=VAL,…",
        default="",
        help="val per steg, t.ex. clinic=OpusTandläkarna,treatment=Undersökning,"
        "practitioner='Olle Ohlsson' (klinik/behandling/behandlare/tid går också)",
    )
    parser.add_argument(
        "--plain", action="store_true", help="ren text utan färg och ramar (för skript)"
    )
    parser.add_argument(
        "--explain",
        metavar="FRÅGA",
        action="append",
        default=[],
        help="förklara varför något (inte) visas, t.ex. practitioner:'Per Holm', "
        "clinic:'City Praktiken', treatment:Lagning, photo:'Olle Ohlsson', "
        "title:'Olle Ohlsson@OpusTandläkarna', booking:b1",
    )
    parser.add_argument(
        "--now",
        metavar="ÅÅÅÅ-MM-DDTTT:MM",
        help="tidpunkt (UTC) som förhandsvisningen utgår från (standard: nu)",
    )


def parse_choose(text: str) -> dict[str, str]:
    wanted: dict[str, str] = {}
    for part in (p for p in text.split(",") if p.strip()):
        key, sep, value = part.partition("=")
        step = STEP_KEYS.get(key.strip().casefold())
        if not sep or step is None or not value.strip():
            raise UserError(
                f"--choose: {part.strip()!r} ska vara STEG=VAL med STEG clinic, treatment, "
                "practitioner eller time"
            )
        wanted[step] = value.strip().strip("'\"")
    return wanted


def run(args: argparse.Namespace) -> int:
    from opus_tui.services import booking_flow as bf
    from opus_tui.services.preview_text import render_pages_plain, render_rich
    from opus_tui.store.repository import open_store

    wanted = parse_choose(args.choose)
    if args.now:
        try:
            now = datetime.fromisoformat(args.now)
        except ValueError:
            raise UserError(f"--now: {args.now!r} är ingen tidpunkt (ÅÅÅÅ-MM-DDTTT:MM)") from None
        if now.tzinfo is not None:
            now = now.astimezone(UTC).replace(tzinfo=None)
    else:
        now = datetime.now(UTC).replace(tzinfo=None)

    store = open_store(args.store, create=False)
    try:
        config = store.load_config()
        catalogue = store.load_catalogue()
    finally:
        store.close()
    if catalogue is None:
        from opus_tui.services.demo import demo_catalogue

        catalogue = demo_catalogue(now.date())
    try:
        pages = bf.walk(config, catalogue, now, wanted)
    except bf.InvalidAction as exc:
        raise UserError(str(exc)) from None

    source = {"database": "Opus-databasen", "snapshot": "sparad", "demo": "demo"}
    fetched = catalogue.fetched_at
    when = f", hämtad {local_text(fetched)}" if fetched else ""
    header = f"Katalog: {source.get(catalogue.source, catalogue.source)}{when}"
    explanations = []
    for question in args.explain:
        try:
            explanations.append(f"{question}: {bf.explain(config, catalogue, question, now)}")
        except ValueError as exc:
            raise UserError(f"--explain: {exc}") from None
    if args.plain:
        sys.stdout.write(header + "\n\n" + render_pages_plain(pages))
        for line in explanations:
            sys.stdout.write(line + "\n")
        return 0
    from rich.console import Console

    console = Console()
    console.print(header, style="dim")
    for n, page in enumerate(pages, start=1):
        console.print(render_rich(page, n))
    for line in explanations:
        console.print(line)
    return 0
