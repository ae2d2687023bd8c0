"""Command line: ``opus-tui`` opens the app; subcommands run headless.

Each subcommand lives in ``opus_tui/commands/<module>.py`` with ``add_arguments(parser)`` and
``run(args) -> int`` and is imported only when chosen, so ``--help`` and start-up stay fast.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import sys
from collections.abc import Sequence

from opus_tui import __version__

# name -> (module, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "demo": ("opus_tui.commands.demo", "skapa demobutik och demodatabaser och öppna appen"),
    "export": ("opus_tui.commands.export", "exportera webbkonfigurationen till en TOML-fil"),
    "import": ("opus_tui.commands.import_", "importera webbkonfigurationen från en TOML-fil"),
    "check": (
        "opus_tui.commands.check",
        "kontrollera den sparade konfigurationen (med --images även bildfilerna)",
    ),
    "history": ("opus_tui.commands.history", "lista sparade versioner (revisioner)"),
    "restore": ("opus_tui.commands.restore", "återställ konfigurationen från en revision"),
    "preview": ("opus_tui.commands.preview", "skriv ut bokningssidans sidor som text"),
    "publish": ("opus_tui.commands.publish", "publicera konfigurationen till portalen"),
    "portal-emulator": (
        "opus_tui.commands.portal_emulator",
        "starta en lokal portalemulator (127.0.0.1)",
    ),
}


# argparse's own texts (it looks them up through gettext at run time, as ``argparse._``).
ARGPARSE_SWEDISH = {
    "usage: ": "användning: ",
    "positional arguments": "kommandon och argument",
    "options": "flaggor",
    "show this help message and exit": "visa den här hjälpen och avsluta",
    "%(prog)s: error: %(message)s\n": "%(prog)s: fel: %(message)s\n",
    "argument %(argument_name)s: %(message)s": "%(argument_name)s: %(message)s",
    "expected one argument": "ett värde behövs",
    "expected at most one argument": "högst ett värde",
    "expected at least one argument": "minst ett värde behövs",
    "invalid choice: %(value)r (choose from %(choices)s)": "okänt val: %(value)r "
    "(välj bland %(choices)s)",
    "invalid %(type)s value: %(value)r": "ogiltigt värde (%(type)s): %(value)r",
    "the following arguments are required: %s": "dessa argument behövs: %s",
    "unrecognized arguments: %s": "okända argument: %s",
    "ambiguous option: %(option)s could match %(matches)s": "tvetydig flagga: %(option)s kan "
    "vara %(matches)s",
    "not allowed with argument %s": "går inte tillsammans med %s",
    "one of the arguments %s is required": "ett av argumenten %s behövs",
    "can't open '%(filename)s': %(error)s": "kan inte öppna '%(filename)s': %(error)s",
    "ignored explicit argument %r": "värdet %r ignoreras",
}


def _in_swedish(message: str) -> str:
    return ARGPARSE_SWEDISH.get(message, message)


# --store after a command, where it means something else than the app's store or nothing
STORE_HELP: dict[str, str | None] = {
    "demo": "demobutikens plats (standard: store.db i katalogen --dir)",
    "portal-emulator": None,  # the emulator has no store
}


def build_parser(chosen: str | None = None) -> argparse.ArgumentParser:
    """The parser; only the chosen command's module is imported for its arguments."""
    setattr(argparse, "_", _in_swedish)  # noqa: B010  # argparse's gettext hook
    parser = argparse.ArgumentParser(
        prog="opus-tui",
        description="Konfigurera Opus Dental Online-bokningen från terminalen.",
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"opus-tui {__version__}",
        help="visa versionen och avsluta",
    )
    _add_store(parser, None)
    sub = parser.add_subparsers(dest="command", metavar="KOMMANDO")
    for name, (module, help_text) in COMMANDS.items():
        command_parser = sub.add_parser(name, help=help_text, description=help_text)
        command_parser.set_defaults(_module=module)
        if STORE_HELP.get(name, "") is not None:  # also after the command: export --store X
            _add_store(command_parser, argparse.SUPPRESS, STORE_HELP.get(name))
        if name == chosen:
            importlib.import_module(module).add_arguments(command_parser)
    return parser


def _add_store(
    parser: argparse.ArgumentParser, default: str | None, help_text: str | None = None
) -> None:
    parser.add_argument(
        "--store",
        metavar="URL|PATH",
        default=default,
        help=help_text
        or "lokal butik: sökväg till SQLite-fil eller databas-URL "
        "(standard: $OPUS_TUI_STORE eller användarens datakatalog)",
    )


def _chosen_command(argv: Sequence[str]) -> str | None:
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif arg == "--store":
            skip = True
        elif not arg.startswith("-"):
            return arg if arg in COMMANDS else None
    return None


def app_only(argv: Sequence[str]) -> tuple[bool, str | None]:
    """``opus-tui`` or ``opus-tui --store X``: (True, X) — the app opens without building the
    full parser (start-up time, issue 8). Anything else goes through argparse."""
    if not argv:
        return True, None
    if len(argv) == 2 and argv[0] == "--store" and not argv[1].startswith("-"):
        return True, argv[1]
    if len(argv) == 1 and argv[0].startswith("--store=") and len(argv[0]) > len("--store="):
        return True, argv[0].partition("=")[2]
    return False, None


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    only_app, store = app_only(args_list)
    if only_app:
        # Start-up allocates ~50 000 long-lived objects (modules, classes, the first screen):
        # the cycle collector would scan them over and over; it is back once the first frame
        # is on screen (OpusApp.on_mount), with these objects frozen out of its way.
        gc.disable()
        from opus_tui.app import run_app

        return run_app(store)
    args = build_parser(_chosen_command(args_list)).parse_args(args_list)
    try:
        if args.command is None:
            from opus_tui.app import run_app

            return run_app(args.store)
        module = importlib.import_module(args._module)
        result: int = module.run(args)
        return result
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        from opus_tui.errors import UserError

        if isinstance(exc, UserError):
            print(f"opus-tui: {exc}", file=sys.stderr)
            return exc.exit_code
        raise


if __name__ == "__main__":
    sys.exit(main())
