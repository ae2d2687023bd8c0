"""``opus-tui publish`` has no dialog to confirm in: it does not undo someone else's publication
unless ``--overwrite`` says so (the emulator over loopback, real SQLite stores)."""

from __future__ import annotations

import io
import uuid
from contextlib import redirect_stdout
from pathlib import Path

import pytest

from opus_tui.cli import main
from opus_tui.domain import ConnectionSettings, PortalAccount
from opus_tui.domain import config as dc
from opus_tui.domain.connections import API_KEY_SECRET
from opus_tui.services import wire
from opus_tui.services.portal import PortalClient
from opus_tui.services.portal_emulator import running_emulator
from opus_tui.store import open_store
from tests.integration.test_publisher import FAST, KEY, configuration


def publish(path: Path, *options: str) -> tuple[int, str]:
    out = io.StringIO()
    with redirect_stdout(out):
        code = main(["--store", str(path), "publish", *options])
    return code, out.getvalue()


def portal_script(url: str, name: str) -> str:
    with PortalClient(url, KEY, retry=FAST) as client:
        body = client.get_configuration(name).value
    config = wire.from_wire(body, databases={}, ids={})
    return config.advanced.analytics_script


def test_publish_refuses_to_undo_another_publication_without_overwrite(tmp_path: Path) -> None:
    name = f"andra-{uuid.uuid4().hex[:8]}"
    ours, theirs = tmp_path / "ours.sqlite", tmp_path / "theirs.sqlite"
    script = "<script>/* deras */</script>"
    with running_emulator(api_keys=[KEY], seed=5) as emulator:
        for path in (ours, theirs):
            with open_store(str(path)) as store:
                store.save_connections(ConnectionSettings(account=PortalAccount(url=emulator.url)))
                store.set_secret(API_KEY_SECRET, KEY)
                store.save_config(configuration(name, 1), summary="test")
        assert publish(ours)[0] == 0
        with open_store(str(theirs)) as store:
            store.save_config(
                configuration(name, 1).model_copy(
                    update={"advanced": dc.AdvancedSettings(analytics_script=script)}
                ),
                summary="deras",
            )
        assert publish(theirs)[0] == 0
        with open_store(str(ours)) as store:
            store.save_config(configuration(name, 2), summary="vår")

        code, out = publish(ours)
        assert code == 4
        assert "Inget publicerades" in out
        assert "opus-tui publish --overwrite" in out
        assert f"Webbanalys-script '{script[:29]}" in out  # the list names what would go
        theirs_part, _, ours_part = out.partition("Dina ändringar:")
        assert "Ändrat på portalen av någon annan (tas bort):" in theirs_part
        assert "Webbanalys-script" in theirs_part
        assert "Avbokning/ombokning kan inte göras inom 1 timmar → 2 timmar" in ours_part
        assert portal_script(emulator.url, name) == script  # theirs is still there

        code, out = publish(ours, "--dry-run")  # a dry run only shows
        assert code == 0
        assert "notering: Portalens konfiguration har ändrats" in out

        code, out = publish(ours, "--overwrite")
        assert code == 0
        assert "Publicerat" in out
        assert portal_script(emulator.url, name) == ""
        code, out = publish(ours)  # ours is the portal's version again: nothing to refuse
        assert code == 0
        assert "Inga ändringar" in out


def test_after_a_conflict_plain_publish_still_overwrites_nothing(tmp_path: Path) -> None:
    """The conflict says 'kör sedan: opus-tui publish --overwrite'; running it without the flag
    undid the other change anyway."""
    name = f"konflikt-{uuid.uuid4().hex[:8]}"
    path = tmp_path / "ours.sqlite"
    with running_emulator(api_keys=[KEY], seed=6) as emulator:
        with open_store(str(path)) as store:
            store.save_connections(ConnectionSettings(account=PortalAccount(url=emulator.url)))
            store.set_secret(API_KEY_SECRET, KEY)
            store.save_config(configuration(name, 2), summary="test")
        assert publish(path)[0] == 0
        with open_store(str(path)) as store:
            store.save_config(configuration(name, 4), summary="test")
        emulator.emulator.faults.update({"ConcurrentChange": True})  # hours 2 → 3 on the portal
        code, out = publish(path)
        assert code == 4
        # hours: ours 2 → 4, theirs 2 → 3 — a change on the portal since we compared
        assert "Ändrat på portalen sedan jämförelsen (--overwrite tar bort det):" in out
        assert "portalen 3 timmar · lokalt 4 timmar" in out

        code, out = publish(path)
        assert code == 4
        assert "Inget publicerades" in out
        with PortalClient(emulator.url, KEY, retry=FAST) as client:
            flex = client.get_configuration(name).value.Subdomain.FlexibilitySettings
        assert flex.HourBeforModifyBookingClosing == 3

        code, out = publish(path, "--overwrite")
        assert code == 0
        with PortalClient(emulator.url, KEY, retry=FAST) as client:
            flex = client.get_configuration(name).value.Subdomain.FlexibilitySettings
        assert flex.HourBeforModifyBookingClosing == 4


def test_dry_run_names_people_and_checks_the_photos_as_publishing_would(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The dry run listed practitioners by id ('Opus Malmö/11') where Publicera names them, and
    said nothing about a photo file the real run then refused."""
    name = f"foto-{uuid.uuid4().hex[:8]}"
    path = tmp_path / "ours.sqlite"
    images = tmp_path / "bilder"
    images.mkdir()
    from PIL import Image

    Image.new("RGB", (300, 400), (180, 120, 90)).save(images / "olle.png")
    elsewhere = tmp_path / "annan"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # relative photo paths start here without --images
    with running_emulator(api_keys=[KEY], seed=7) as emulator:
        with open_store(str(path)) as store:
            store.save_connections(ConnectionSettings(account=PortalAccount(url=emulator.url)))
            store.set_secret(API_KEY_SECRET, KEY)
            store.save_config(configuration(name, 1), summary="test")
        assert publish(path)[0] == 0
        with open_store(str(path)) as store:
            store.save_config(configuration(name, 1, photo="olle.png"), summary="foto")
        capsys.readouterr()

        code, out = publish(path, "--dry-run")
        assert code == 2  # refused as the real publication would be
        err = capsys.readouterr().err
        assert "Profilbilden olle.png" in err
        assert str(elsewhere / "olle.png") in err  # where it was looked for

        code, out = publish(path, "--dry-run", "--images", str(images))
        assert code == 0
        assert "Bild och text per behandlare: Olle Ohlsson tillagd" in out
        assert "Opus Malmö/11" not in out
        code, out = publish(path, "--images", str(images))
        assert code == 0 and "Publicerat" in out
