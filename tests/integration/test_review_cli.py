"""Review of the headless commands as a technician uses them: import and restore refuse what the
tabs refuse to save, ``history -n`` wants a positive count, ``publish`` prints no retry noise."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.integration import test_cli as cli_tests
from tests.integration.test_cli import Run, _runner, ok, revisions

# test_cli's fixtures, used here too (bound by assignment: as imports, the tests' parameters of
# the same names would read to ruff as redefinitions, F811).
run = cli_tests.run
demo_template = cli_tests.demo_template
demo_store = cli_tests.demo_store


BAD_TEMPLATES = [
    # (section, key, template, what the error names)
    ("email", "rebooking", "Ny tid {new_date} {datum}", "Okänt kopplingsfält '{datum}'"),
    ("sms", "new_booking", "Din tid {new_time}", "{new_time}"),
    ("sms", "cancellation", "Avbokat {", "sms.cancellation"),
]


def _with_template(text: str, section: str, key: str, template: str) -> str:
    head = text.index(f"[{section}]\n")
    start = text.index(f'{key} = ""', head)
    value = template.replace("\\", "\\\\").replace('"', '\\"')
    return text[:start] + f'{key} = "{value}"' + text[start + len(f'{key} = ""') :]


@pytest.mark.parametrize(("section", "key", "template", "named"), BAD_TEMPLATES)
def test_import_refuses_a_bad_merge_field_and_changes_nothing(
    run: Run, demo_store: Path, tmp_path: Path, section: str, key: str, template: str, named: str
) -> None:
    before = ok(run("export", "-", store=demo_store)).stdout
    bad = tmp_path / "bad.toml"
    bad.write_text(_with_template(before, section, key, template), encoding="utf-8")
    result = run("import", str(bad), store=demo_store)
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"fel: {section}.{key}" in result.stderr
    assert named in result.stderr
    assert "inget importerades" in result.stderr
    assert ok(run("export", "-", store=demo_store)).stdout == before
    assert revisions(demo_store) == 1


def test_import_of_a_good_template_keeps_its_sms_warning(
    run: Run, demo_store: Path, tmp_path: Path
) -> None:
    before = ok(run("export", "-", store=demo_store)).stdout
    good = tmp_path / "good.toml"
    text = _with_template(before, "sms", "new_booking", "Hej {patient_first_name}! 😀")
    good.write_text(text, encoding="utf-8")
    result = ok(run("import", str(good), store=demo_store))
    assert "varning: sms.new_booking" in result.stdout
    assert "UCS-2" in result.stdout
    assert revisions(demo_store) == 2


def _save_bad_revision(store_path: Path, tmp_path: Path) -> None:
    """A revision with an unknown merge field, as a store written before import checked them."""
    from opus_tui.store.repository import Store

    with Store.open(f"sqlite:///{store_path}") as store:
        config = store.load_config()
        email = config.email.model_copy(update={"rebooking": "Ny tid {datum}"})
        store.save_config(config.model_copy(update={"email": email}), summary="gammal")


def test_restore_refuses_a_revision_the_tabs_would_not_save(
    run: Run, demo_store: Path, tmp_path: Path
) -> None:
    _save_bad_revision(demo_store, tmp_path)
    ok(run("restore", "1", store=demo_store))  # back to the demo: fine
    before = ok(run("export", "-", store=demo_store)).stdout
    count = revisions(demo_store)
    result = run("restore", "2", store=demo_store)
    assert result.returncode == 1
    assert "fel: email.rebooking" in result.stderr
    assert "inget återställdes" in result.stderr
    assert revisions(demo_store) == count
    assert ok(run("export", "-", store=demo_store)).stdout == before


def test_restore_of_the_current_configuration_saves_no_revision(
    run: Run, demo_store: Path, tmp_path: Path
) -> None:
    result = ok(run("restore", "1", store=demo_store))
    assert "redan den aktuella konfigurationen" in result.stdout
    assert revisions(demo_store) == 1


def test_restore_names_what_changes(run: Run, demo_store: Path, tmp_path: Path) -> None:
    before = ok(run("export", "-", store=demo_store)).stdout
    edited = tmp_path / "edited.toml"
    edited.write_text(before.replace("any_clinic = true", "any_clinic = false", 1))
    assert edited.read_text() != before
    ok(run("import", str(edited), store=demo_store))
    result = ok(run("restore", "1", store=demo_store))
    assert "Återställde revision 1 (sparad som revision 3)" in result.stdout
    assert "Ändringar: Flexibilitet: Visa 'Vilken klinik som helst' av → på" in result.stdout
    assert ok(run("export", "-", store=demo_store)).stdout == before


@pytest.mark.parametrize("limit", ["0", "-1", "x"])
def test_history_limit_must_be_a_positive_number(run: Run, demo_store: Path, limit: str) -> None:
    result = run("history", "-n", limit, store=demo_store)
    assert result.returncode == 2
    assert "-n/--limit" in result.stderr
    assert "Rev" not in result.stdout and "Inga sparade" not in result.stdout


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


def test_publish_with_the_portal_down_prints_no_retry_noise(tmp_path: Path) -> None:
    run_ = _runner(tmp_path)
    url = f"http://127.0.0.1:{_closed_port()}"
    ok(run_("demo", "--dir", str(tmp_path / "demo"), "--no-open", "--portal-url", url))
    store = tmp_path / "demo" / "store.db"
    # as `opus-tui --store … publish`, with stamina's back-off off (its retries still happen)
    code = (
        "import sys, stamina; stamina.set_testing(True, attempts=3); "
        "from opus_tui.cli import main; sys.exit(main(sys.argv[1:]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, "--store", str(store), "publish"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=_env(tmp_path),
        timeout=120,
    )
    assert result.returncode == 3, result.stdout + result.stderr
    assert "Portalen kan inte nås" in result.stderr
    assert "stamina" not in result.stderr
    assert "Traceback" not in result.stderr


def _env(tmp_path: Path) -> dict[str, str]:
    import os

    return {
        **os.environ,
        "OPUS_TUI_KEY_FILE": str(tmp_path / "key"),
        "OPUS_TUI_STORE": str(tmp_path / "env-store.db"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
    }


def test_import_of_one_section_leaves_the_others_alone(
    run: Run, demo_store: Path, tmp_path: Path
) -> None:
    """A file with only [email] reset every other tab to its defaults (clinics, subdomain, …
    gone), with one warning about the subdomain to show for it."""
    before = ok(run("export", "-", store=demo_store)).stdout
    part = tmp_path / "epost.toml"
    part.write_text('[email]\nsender = "bokning@opus.se"\n', encoding="utf-8")
    result = ok(run("import", str(part), store=demo_store))
    assert "lämnades orörda: Underdomän, Kliniker, Behandlare, Flexibilitet" in result.stdout
    assert "E-post: Avsändare" in result.stdout
    after = ok(run("export", "-", store=demo_store)).stdout
    sender = next(line for line in before.splitlines() if line.startswith("sender = "))
    assert after == before.replace(sender, 'sender = "bokning@opus.se"')
    assert revisions(demo_store) == 2
    # the whole [email] section is the file's: its templates are the defaults (empty)
    ok(run("restore", "1", store=demo_store))
    part.write_text('[email]\nnew_booking = "Hej {patient_name}"\n', encoding="utf-8")
    ok(run("import", str(part), store=demo_store))
    after = ok(run("export", "-", store=demo_store)).stdout
    assert 'new_booking = "Hej {patient_name}"' in after
    assert 'sender = ""' in after
    assert 'name = "tandmottagningen"' in after


def test_import_without_changes_saves_no_revision(
    run: Run, demo_store: Path, tmp_path: Path
) -> None:
    same = tmp_path / "same.toml"
    ok(run("export", str(same), store=demo_store))
    result = ok(run("import", str(same), store=demo_store))
    assert "inga ändringar; ingen revision sparades" in result.stdout
    assert revisions(demo_store) == 1


def test_publish_says_when_someone_else_published_since(tmp_path: Path) -> None:
    """Both Publicera and ``opus-tui publish`` compare with the portal's current version, so
    another store's publication shows up as changes of ours ('…' → '') with nothing saying so
    (services.publisher.changed_elsewhere, new)."""
    import io
    import uuid
    from contextlib import redirect_stdout

    from opus_tui.cli import main
    from opus_tui.domain import ConnectionSettings, PortalAccount
    from opus_tui.domain import config as dc
    from opus_tui.domain.connections import API_KEY_SECRET
    from opus_tui.services.portal_emulator import running_emulator
    from opus_tui.store import open_store
    from tests.integration.test_publisher import KEY, configuration

    def publish(path: Path, *options: str) -> str:
        out = io.StringIO()
        with redirect_stdout(out):
            assert main(["--store", str(path), "publish", *options]) == 0
        return out.getvalue()

    name = f"andra-{uuid.uuid4().hex[:8]}"
    ours, theirs = tmp_path / "ours.sqlite", tmp_path / "theirs.sqlite"
    with running_emulator(api_keys=[KEY], seed=3) as emulator:
        for path in (ours, theirs):
            with open_store(str(path)) as store:
                store.save_connections(ConnectionSettings(account=PortalAccount(url=emulator.url)))
                store.set_secret(API_KEY_SECRET, KEY)
                store.save_config(configuration(name, 1), summary="test")
        assert "Publicerat" in publish(ours)
        with open_store(str(ours)) as store:
            store.save_config(configuration(name, 2), summary="vår")
        assert "notering: Portalens konfiguration har ändrats" not in publish(ours, "--dry-run")
        with open_store(str(theirs)) as store:
            theirs_config = configuration(name, 1).model_copy(
                update={"advanced": dc.AdvancedSettings(analytics_script="<script></script>")}
            )
            store.save_config(theirs_config, summary="deras")
        assert "Publicerat" in publish(theirs)
        dry = publish(ours, "--dry-run")
        assert "notering: Portalens konfiguration har ändrats sedan den senast" in dry
        assert "Webbanalys-script '<script></script>' → ''" in dry
        assert "Publicerat" in publish(ours, "--overwrite")  # undoing theirs needs the flag
        again = publish(ours, "--dry-run")  # ours is the portal's version again
        assert "har ändrats sedan" not in again
