"""``opus-tui export FILE.toml``: the stored web configuration as TOML ("-" = stdout)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from opus_tui.commands._common import open_store, print_problems
from opus_tui.errors import UserError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FIL.toml", help="filen att skriva (- = standard ut)")


def run(args: argparse.Namespace) -> int:
    from opus_tui.services.config_toml import export_toml

    with open_store(args) as store:
        config, errors = store.load_config_as_stored()
    if errors:  # exported as stored, to be put right and imported again
        print_problems(errors, sys.stderr)
        print("opus-tui: konfigurationen har fel; den exporteras som den är.", file=sys.stderr)
    text = export_toml(config)
    if args.file == "-":
        sys.stdout.write(text)
        return 0
    path = Path(args.file)
    try:
        path.write_text(text, encoding="utf-8", newline="\n")
    except FileNotFoundError:
        raise UserError(f"katalogen {path.parent} finns inte") from None
    except IsADirectoryError:
        raise UserError(f"{path} är en katalog") from None
    except PermissionError:
        raise UserError(f"kan inte skriva {path} (behörighet saknas)") from None
    print(f"Exporterade webbkonfigurationen till {path}", file=sys.stderr)
    return 0
