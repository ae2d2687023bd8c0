"""Subcommands of the command line: one module each (see ``opus_tui.cli``)."""
