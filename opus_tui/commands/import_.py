"""``opus-tui import FILE.toml``: validate everything, then save it as one revision.

Every error is listed (key, label, rule, value) and nothing is changed when anything is wrong:
the domain's rules and also the checks the tabs make before Spara (merge fields of the e-post and
SMS templates, the analytics script, links in the texts; ``services.checks.all_problems``).

A section (``[email]``, ``[sms]``, …) that the file does not have keeps its stored value: a file
with only the e-post templates changes only them (it used to reset every other tab, clinics and
all, to the defaults). A section in the file is the whole section: its missing keys are defaults.
A file with no changes saves no revision.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from opus_tui.commands._common import open_store, print_problems
from opus_tui.domain.problems import Problem


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "file",
        metavar="FIL.toml",
        help="filen att läsa (- = standard in); avsnitt som saknas i filen lämnas orörda",
    )


def run(args: argparse.Namespace) -> int:
    from opus_tui.domain.config import SECTION_NAMES, section_label
    from opus_tui.domain.diff import diff, summarise
    from opus_tui.services.checks import all_problems
    from opus_tui.services.config_toml import import_toml, parse_toml, read_file

    source = "standard in" if args.file == "-" else str(args.file)
    text = read_file(args.file)
    config, problems = import_toml(text, source)  # the file alone, before the store is opened
    if config is not None:
        problems = all_problems(config)  # the rules' warnings and the tabs' own checks
    if config is None or any(p.is_error for p in problems):
        return _refused(problems, source)
    present = set(parse_toml(text, source))
    kept = [name for name in SECTION_NAMES if name not in present]
    with open_store(args, create=True) as store:
        before, _ = store.load_config_as_stored()  # a store breaking a rule can be put right
        if kept:
            config = config.model_copy(update={name: getattr(before, name) for name in kept})
            problems = all_problems(config)
            if any(p.is_error for p in problems):
                return _refused(problems, source)
        changes = diff(before, config)
        if config == before:
            print_problems(problems)
            print(f"{source}: inga ändringar; ingen revision sparades.")
            return 0
        name = "standard in" if args.file == "-" else Path(args.file).name
        revision = store.save_config(config, summary=f"Import från {name}: {summarise(changes)}")
    print_problems(problems)
    if kept:
        labels = ", ".join(section_label(name) for name in kept)
        print(f"Finns inte i filen och lämnades orörda: {labels}.")
    print(f"Importerade {source} (revision {revision.id}): {summarise(changes, limit=3)}")
    return 0


def _refused(problems: list[Problem], source: str) -> int:
    errors = [p for p in problems if p.is_error]
    count, _ = print_problems(errors, sys.stderr)
    print(f"opus-tui: {source}: {count} fel; inget importerades.", file=sys.stderr)
    return 1
