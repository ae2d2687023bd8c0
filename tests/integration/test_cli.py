"""The headless command line, run as a user would: ``python -m opus_tui`` in a subprocess."""

from __future__ import annotations

import filecmp
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

Run = Callable[..., subprocess.CompletedProcess[str]]


def _runner(tmp_path: Path) -> Run:
    env = {
        **os.environ,
        "OPUS_TUI_KEY_FILE": str(tmp_path / "key"),
        "OPUS_TUI_STORE": str(tmp_path / "env-store.db"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
    }

    def _run(*args: str, store: Path | None = None) -> subprocess.CompletedProcess[str]:
        argv = [sys.executable, "-m", "opus_tui"]
        if store is not None:
            argv += ["--store", str(store)]
        return subprocess.run(
            [*argv, *args], capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120
        )

    return _run


@pytest.fixture
def run(tmp_path: Path) -> Run:
    return _runner(tmp_path)


def ok(result: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    return result


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One demo store made by ``opus-tui demo``; each test gets a copy."""
    base = tmp_path_factory.mktemp("demo-template")
    ok(_runner(base)("demo", "--dir", str(base / "demo"), "--no-open"))
    store = base / "demo" / "store.db"
    assert store.exists()
    return store


@pytest.fixture
def demo_store(demo_template: Path, tmp_path: Path) -> Path:
    store = tmp_path / "demo" / "store.db"
    store.parent.mkdir()
    shutil.copyfile(demo_template, store)
    return store


def revisions(store: Path) -> int:
    conn = sqlite3.connect(store)
    try:
        return int(conn.execute("SELECT COUNT(*) FROM revision").fetchone()[0])
    finally:
        conn.close()


def test_export_import_export_is_byte_identical(run: Run, demo_store: Path, tmp_path: Path) -> None:
    a, b = tmp_path / "a.toml", tmp_path / "b.toml"
    ok(run("export", str(a), store=demo_store))
    ok(run("import", str(a), store=demo_store))
    ok(run("export", str(b), store=demo_store))
    assert filecmp.cmp(a, b, shallow=False)
    assert subprocess.run(["cmp", str(a), str(b)]).returncode == 0
    stdout = ok(run("export", "-", store=demo_store)).stdout
    assert stdout == a.read_text(encoding="utf-8")
    assert 'name = "tandmottagningen"' in stdout


def test_configured_store_is_created_on_first_use(run: Run, tmp_path: Path) -> None:
    """Without --store: $OPUS_TUI_STORE (here a new file) is created, as the app would."""
    a, b = tmp_path / "a.toml", tmp_path / "b.toml"
    ok(run("export", str(a)))
    assert (tmp_path / "env-store.db").exists()
    ok(run("import", str(a)))
    ok(run("export", str(b)))
    assert a.read_bytes() == b.read_bytes()
    a.write_text('[subdomain]\nname = "abc"\n', encoding="utf-8")
    ok(run("import", str(a)))
    assert 'name = "abc"' in ok(run("export", "-")).stdout


BAD_IMPORTS = [
    ('name = "tandmottagningen"', 'name = "-bad-"', "subdomain.name"),
    ('name = "tandmottagningen"', f'name = "{"a" * 51}"', "subdomain.name"),
    ('third = "practitioner"', 'third = "treatment"', "flexibility.steps.third"),
    ("hours_limit = 0", "hours_limit = -1", "flexibility.booking.hours_limit"),
    ("any_clinic = true", "any_clinic = true\nokand_nyckel = 1", "okand_nyckel"),
    ('colour = "#1B5E8C"', 'colour = "red"', "media.branding.colour"),
]


@pytest.mark.parametrize(("old", "new", "key"), BAD_IMPORTS)
def test_bad_import_names_key_and_changes_nothing(
    run: Run, demo_store: Path, tmp_path: Path, old: str, new: str, key: str
) -> None:
    before = ok(run("export", "-", store=demo_store)).stdout
    assert old in before
    bad = tmp_path / "bad.toml"
    bad.write_text(before.replace(old, new, 1), encoding="utf-8")
    result = run("import", str(bad), store=demo_store)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert key in result.stderr
    assert "inget importerades" in result.stderr
    assert ok(run("export", "-", store=demo_store)).stdout == before
    assert revisions(demo_store) == 1


def test_merged_view_with_other_order_is_refused(
    run: Run, demo_store: Path, tmp_path: Path
) -> None:
    before = ok(run("export", "-", store=demo_store)).stdout
    text = before.replace("merged_view = false", "merged_view = true", 1)
    text = text.replace('second = "treatment"', 'second = "practitioner"', 1)
    text = text.replace('third = "practitioner"', 'third = "treatment"', 1)
    bad = tmp_path / "merged.toml"
    bad.write_text(text, encoding="utf-8")
    result = run("import", str(bad), store=demo_store)
    assert result.returncode == 1
    assert "flexibility.steps.merged_view" in result.stderr
    assert "Sammanslagen visning" in result.stderr
    assert ok(run("export", "-", store=demo_store)).stdout == before


def test_practitioner_text_of_101_characters(run: Run, demo_store: Path, tmp_path: Path) -> None:
    before = ok(run("export", "-", store=demo_store)).stdout
    marker = 'text = "Tandläkare sedan 1998.'
    start = before.index(marker)
    end = before.index("\n", start)
    bad = tmp_path / "long.toml"
    bad.write_text(before[:start] + f'text = "{"x" * 101}"' + before[end:], encoding="utf-8")
    result = run("import", str(bad), store=demo_store)
    assert result.returncode == 1
    assert "practitioners.profiles[0].text" in result.stderr
    assert "högst 100 tecken" in result.stderr
    assert ok(run("export", "-", store=demo_store)).stdout == before


def test_import_lists_every_error(run: Run, demo_store: Path, tmp_path: Path) -> None:
    text = ok(run("export", "-", store=demo_store)).stdout
    text = text.replace("hours_limit = 0", "hours_limit = -1", 1)
    text = text.replace('colour = "#1B5E8C"', 'colour = "red"', 1)
    bad = tmp_path / "two.toml"
    bad.write_text(text, encoding="utf-8")
    result = run("import", str(bad), store=demo_store)
    assert result.returncode == 1
    assert "flexibility.booking.hours_limit" in result.stderr
    assert "media.branding.colour" in result.stderr
    assert "— värde: 'red'" in result.stderr
    assert "2 fel" in result.stderr


def test_check_valid_with_warnings(run: Run, tmp_path: Path, demo_store: Path) -> None:
    result = ok(run("check", store=demo_store))
    assert "Inga fel." in result.stdout
    text = ok(run("export", "-", store=demo_store)).stdout
    partial = text.replace('group = "STOCKHOLM"', 'group = ""', 1)
    f = tmp_path / "partial.toml"
    f.write_text(partial, encoding="utf-8")
    ok(run("import", str(f), store=demo_store))
    result = run("check", store=demo_store)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "varning: clinics.published" in result.stdout
    assert "Ogrupperade kliniker" in result.stdout
    assert "Inga fel, 1 varning." in result.stdout


def test_check_invalid_store(run: Run, demo_store: Path) -> None:
    conn = sqlite3.connect(demo_store)
    with conn:
        conn.execute(
            "UPDATE config_section SET data = ? WHERE section = 'flexibility'",
            ('{"booking": {"hours_limit": -1}, "steps": {"first": "time"}}',),
        )
    conn.close()
    result = run("check", store=demo_store)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "fel: flexibility.booking.hours_limit" in result.stdout
    assert "fel: flexibility.steps.first" in result.stdout
    assert "2 fel" in result.stdout
    exported = ok(run("export", "-", store=demo_store))  # as stored, to be put right
    assert "konfigurationen har fel; den exporteras som den är" in exported.stderr
    assert "fel: flexibility.booking.hours_limit" in exported.stderr
    assert "hours_limit = -1" in exported.stdout and 'first = "time"' in exported.stdout


def test_history_and_restore(run: Run, demo_store: Path, tmp_path: Path) -> None:
    text = ok(run("export", "-", store=demo_store)).stdout
    f = tmp_path / "b.toml"
    f.write_text(text.replace("hours_limit = 0", "hours_limit = 24", 1), encoding="utf-8")
    ok(run("import", str(f), store=demo_store))
    history = ok(run("history", store=demo_store)).stdout.splitlines()
    assert history[0].split() == ["Rev", "Tid", "Användare", "Flik", "Ändring"]
    assert len(history) == 3
    assert (
        "Import från b.toml: Flexibilitet: Avbokning/ombokning kan inte göras inom "
        "0 timmar → 24 timmar" in (history[1])
    )
    assert "Demokonfiguration skapad" in history[2]
    assert history[1].split()[0] == "2"
    ok(run("restore", "1", store=demo_store))
    assert ok(run("export", "-", store=demo_store)).stdout == text
    assert "Återställd till revision 1" in ok(run("history", "-n", "1", store=demo_store)).stdout
    missing = run("restore", "99", store=demo_store)
    assert missing.returncode == 2
    assert "revision 99 finns inte" in missing.stderr


@pytest.mark.parametrize("command", ["export -", "check", "history"])
def test_missing_store(run: Run, tmp_path: Path, command: str) -> None:
    result = run(*command.split(), store=tmp_path / "saknas.db")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "saknas.db finns inte" in result.stderr
    assert not (tmp_path / "saknas.db").exists()
    result = run(*command.split(), store=tmp_path / "ingen-katalog" / "s.db")
    assert result.returncode == 2
    assert "katalogen för butiken finns inte" in result.stderr


def test_unreadable_store(run: Run, tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"\x00garbage" * 100)
    for command in (["check"], ["export", "-"], ["history"]):
        result = run(*command, store=junk)
        assert result.returncode == 2
        assert "Traceback" not in result.stderr
        assert "är ingen SQLite-databas" in result.stderr
    result = run("check", store=tmp_path)
    assert result.returncode == 2
    assert "är en katalog" in result.stderr


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0, reason="root reads any file")
def test_store_without_read_permission(run: Run, demo_store: Path) -> None:
    demo_store.chmod(0)
    try:
        result = run("check", store=demo_store)
    finally:
        demo_store.chmod(0o600)
    assert result.returncode == 2
    assert "kan inte läsas" in result.stderr


def test_import_file_problems(run: Run, tmp_path: Path, demo_store: Path) -> None:
    result = run("import", str(tmp_path / "saknas.toml"), store=demo_store)
    assert result.returncode == 1
    assert "saknas.toml finns inte" in result.stderr
    broken = tmp_path / "broken.toml"
    broken.write_text("[subdomain\n", encoding="utf-8")
    result = run("import", str(broken), store=demo_store)
    assert result.returncode == 1
    assert "inte giltig TOML" in result.stderr
    assert "Traceback" not in result.stderr


def test_demo_is_idempotent_and_resettable(run: Run, tmp_path: Path) -> None:
    directory = tmp_path / "own-demo"
    ok(run("demo", "--dir", str(directory), "--no-open"))
    store = directory / "store.db"
    assert (directory / "opus-lund.db").exists()
    assert (directory / "opus-malmo.db").exists()
    text = ok(run("export", "-", store=store)).stdout
    f = tmp_path / "c.toml"
    f.write_text(text.replace("hours_limit = 0", "hours_limit = 5", 1), encoding="utf-8")
    ok(run("import", str(f), store=store))
    ok(run("demo", "--dir", str(directory), "--no-open"))
    assert revisions(store) == 2  # kept
    ok(run("demo", "--dir", str(directory), "--no-open", "--reset"))
    assert revisions(store) == 1
    assert ok(run("export", "-", store=store)).stdout == text
    ok(run("demo", "--dir", str(directory), "--no-open", "--portal-url", "http://127.0.0.1:9"))
    conn = sqlite3.connect(store)
    try:
        (settings,) = conn.execute("SELECT data FROM connection_settings").fetchone()
        secrets = conn.execute("SELECT name, ciphertext FROM secret").fetchall()
    finally:
        conn.close()
    assert '"url":"http://127.0.0.1:9"' in settings
    assert "Opus Lund" in settings
    assert [name for name, _ in secrets] == ["portal:api_key"]
    assert "opus-demo-nyckel" not in secrets[0][1]
