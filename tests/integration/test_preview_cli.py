"""``opus-tui preview`` as a script would run it, on the demo store made by ``opus-tui demo``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from opus_tui.domain import standard_texts


def opus_tui(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "OPUS_TUI_STORE"}
    env["NO_COLOR"] = "1"
    return subprocess.run(
        [sys.executable, "-m", "opus_tui", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("demo")
    done = opus_tui("demo", "--no-open", "--dir", str(directory))
    assert done.returncode == 0, done.stderr
    return directory / "store.db"


def test_plain_preview_prints_the_manuals_example_path(demo_store: Path) -> None:
    done = opus_tui("--store", str(demo_store), "preview", "--plain")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    pages = out.split("### Sida ")[1:]
    assert [p.splitlines()[0] for p in pages] == [
        "1: Välj klinik",
        "2: Välj typ av behandling",
        "3: Välj en behandlare",
        "4: Välj tid",
        "5: Personuppgifter",
        "6: Bekräfta din bokning",
    ]
    assert "Katalog: sparad, hämtad " in out
    assert "[Klinik] > Behandling > Behandlare > Tid > Personuppgifter > Bekräfta" in pages[0]
    assert "( ) OpusTandläkarna" in pages[0]
    assert "( ) Undersökning - E-tid" in pages[1]
    assert "( ) Olle Ohlsson" in pages[2]
    time_page = pages[3]
    assert any(" - " in line and line.startswith("  ( ) ") for line in time_page.splitlines())
    details = pages[4]
    assert standard_texts.PATIENT_INFO_HEADING in details
    assert standard_texts.PATIENT_INFO in details
    assert "Personnummer *: 19361211-0402" in details
    confirm = pages[5]
    summary = confirm.split("Dina val\n", 1)[1]
    for want in ("OpusTandläkarna", "Olle Ohlsson", "Undersökning - E-tid"):
        assert f"  {want}\n" in summary
    assert "[Bekräfta bokning]" in confirm
    assert "--- Tidbokstext ---\nUndersökning - E-tid CC: 1234" in confirm
    assert "Du har bokat tid hos Olle Ohlsson på OpusTandläkarna" in confirm
    # Plain: no colour codes, no box drawing.
    assert "\x1b[" not in out
    assert not any(ch in out for ch in "╭╮╰╯│─")


def test_choose_and_explain(demo_store: Path) -> None:
    done = opus_tui(
        "--store",
        str(demo_store),
        "preview",
        "--plain",
        "--choose",
        "klinik=City Praktiken,behandlare=Arne Andersson",
        "--explain",
        "photo:Eva Eriksson",
    )
    assert done.returncode == 0, done.stderr
    confirm = done.stdout.split("### Sida 6")[1]
    assert "  City Praktiken\n" in confirm
    assert "  Arne Andersson\n" in confirm
    assert "photo:Eva Eriksson: Ingen bild: samtycke för profilbild saknas" in done.stdout


def test_unknown_choice_is_a_user_error(demo_store: Path) -> None:
    done = opus_tui("--store", str(demo_store), "preview", "--choose", "clinic=Finns Inte")
    assert done.returncode == 2
    assert "Klinik: inget val matchar 'Finns Inte'" in done.stderr
    assert "Traceback" not in done.stderr


def test_framed_preview_without_plain(demo_store: Path) -> None:
    done = opus_tui("--store", str(demo_store), "preview")
    assert done.returncode == 0, done.stderr
    assert "Sida 1: Välj klinik" in done.stdout
    assert "╭" in done.stdout
