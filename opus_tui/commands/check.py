"""``opus-tui check``: errors and warnings of the stored configuration; exit 1 on errors."""

from __future__ import annotations

import argparse

from opus_tui.commands._common import open_store, print_problems


def add_arguments(parser: argparse.ArgumentParser) -> None:
    del parser  # no options


def run(args: argparse.Namespace) -> int:
    from opus_tui.services.checks import problems_of_data

    with open_store(args) as store:
        data = store.load_config_data()
    errors, warnings = print_problems(problems_of_data(data))
    counted = f"{warnings} varning" + ("ar" if warnings != 1 else "")
    if errors:
        print(f"{errors} fel, {counted}.")
        return 1
    print("Inga fel." if not warnings else f"Inga fel, {counted}.")
    return 0
