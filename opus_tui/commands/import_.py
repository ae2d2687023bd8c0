"""``opus-tui import FILE.toml``: validate everything, then save it as one revision.

Every error is listed (key, label, rule, value) and nothing is changed when anything is wrong:
the domain's rules and also the checks the tabs make before Spara (merge fields of the e-post and
SMS templates, the analytics script, links in the texts; ``services.checks.all_problems``).
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
    from opus_tui.services.checks import all_problems
    from opus_tui.services.config_toml import import_toml, read_file

    source = "standard in" if args.file == "-" else str(args.file)
    config, problems = import_toml(read_file(args.file), source)
    if config is not None:
        problems = all_problems(config)  # the rules' warnings and the tabs' own checks
        if any(p.is_error for p in problems):
            config = None
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
