"""The command line: the app opens without argparse when only --store is given; everything else
goes through the full parser."""

from __future__ import annotations

import pytest

from opus_tui.cli import _chosen_command, app_only, build_parser


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        ([], (True, None)),
        (["--store", "/tmp/x.db"], (True, "/tmp/x.db")),
        (["--store=postgresql://u@h/db"], (True, "postgresql://u@h/db")),
        (["--store"], (False, None)),
        (["--store="], (False, None)),
        (["--store", "--version"], (False, None)),
        (["--help"], (False, None)),
        (["export", "a.toml"], (False, None)),
        (["--store", "x.db", "check"], (False, None)),
    ],
)
def test_app_only(argv: list[str], expected: tuple[bool, str | None]) -> None:
    assert app_only(argv) == expected


def test_chosen_command_skips_the_store_value() -> None:
    assert _chosen_command(["--store", "check", "export", "a.toml"]) == "export"
    assert _chosen_command(["--store", "x.db"]) is None


def test_full_parser_knows_every_command() -> None:
    parser = build_parser("check")
    args = parser.parse_args(["--store", "x.db", "check"])
    assert (args.command, args.store) == ("check", "x.db")
    assert "portal-emulator" in parser.format_help()


@pytest.mark.parametrize(
    ("argv", "store"),
    [
        (["export", "--store", "x.db", "a.toml"], "x.db"),  # after the command, too
        (["--store", "x.db", "export", "a.toml"], "x.db"),
        (["--store", "a.db", "export", "--store", "b.db", "a.toml"], "b.db"),  # the later wins
        (["export", "a.toml"], None),
    ],
)
def test_store_before_or_after_the_command(argv: list[str], store: str | None) -> None:
    args = build_parser("export").parse_args(argv)
    assert (args.command, args.store, str(args.file)) == ("export", store, "a.toml")


def test_argparse_speaks_swedish(capsys: pytest.CaptureFixture[str]) -> None:
    parser = build_parser("export")
    help_text = parser.format_help()
    assert help_text.startswith("användning: opus-tui")
    assert "flaggor:" in help_text and "visa den här hjälpen och avsluta" in help_text
    assert "options" not in help_text and "show this help" not in help_text
    with pytest.raises(SystemExit) as exit_info:
        parser.parse_args(["exprt"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "opus-tui: fel: KOMMANDO: okänt val: 'exprt' (välj bland 'demo'" in err
    with pytest.raises(SystemExit):
        build_parser("export").parse_args(["export"])
    assert "fel: dessa argument behövs: FIL.toml" in capsys.readouterr().err


def test_store_after_a_command_says_what_it_is_there(capsys: pytest.CaptureFixture[str]) -> None:
    def help_of(command: str) -> str:
        with pytest.raises(SystemExit):
            build_parser(command).parse_args([command, "--help"])
        return capsys.readouterr().out

    demo_help = help_of("demo")
    assert "demobutikens plats (standard: store.db i katalogen --dir)" in demo_help
    assert "OPUS_TUI_STORE" not in demo_help  # the demo does not read it
    assert "--store" not in help_of("portal-emulator")  # the emulator has no store
    assert "OPUS_TUI_STORE" in help_of("export")
