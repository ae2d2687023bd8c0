"""``opus-tui import FILE.toml``: validate everything, then save it as one revision.

Every error is listed (key, label, rule, value) and nothing is changed when anything is wrong.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from opus_tui.commands._common import open_store, print_problems


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FIL.toml", help="filen att läsa (- = standard in)")


def run(args: argparse.Namespace) -> int:
    from opus_tui.domain.diff import diff, summarise
    from opus_tui.services.config_toml import import_toml, read_file

    source = "standard in" if args.file == "-" else str(args.file)
    config, problems = import_toml(read_file(args.file), source)
    if config is None:
        errors, _ = print_problems([p for p in problems if p.is_error], sys.stderr)
        print(f"opus-tui: {source}: {errors} fel; inget importerades.", file=sys.stderr)
        return 1
    with open_store(args, create=True) as store:
        before = store.load_config()
        name = "standard in" if args.file == "-" else Path(args.file).name
        revision = store.save_config(
            config, summary=f"Import från {name}: {summarise(diff(before, config))}"
        )
    print_problems(problems)
    print(f"Importerade {source} (revision {revision.id}).")
    return 0
