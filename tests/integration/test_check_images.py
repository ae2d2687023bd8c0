"""``opus-tui check --images [KATALOG] [--pin]`` as a technician runs it: ``python -m opus_tui`` in
a subprocess on a real SQLite store (a demo store, image paths set by ``opus-tui import``), with
real image files made with Pillow, from the store's directory and from another one."""

from __future__ import annotations

import io
import os
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest
from PIL import Image

from tests.integration import test_cli as cli_tests
from tests.integration.test_cli import ok, revisions

# test_cli's fixtures (bound by assignment, see test_review_cli)
demo_template = cli_tests.demo_template
demo_store = cli_tests.demo_store

LOGO = "Media › Logotyp"
OLLE = "Behandlare › Profilbild (Olle Ohlsson)"  # profiles[0], practitioner 1
LENA = "Behandlare › Profilbild (Lena Svensson)"  # profiles[1], practitioner 2
ARNE = "Behandlare › Profilbild (Arne Andersson)"  # profiles[2], practitioner 4
NOBODY = "Behandlare › Profilbild (behandlare 99, Opus Lund)"  # not under Kliniker


def opus(
    tmp_path: Path, store: Path, *args: str, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "OPUS_TUI_KEY_FILE": str(tmp_path / "key"),
        "OPUS_TUI_STORE": str(tmp_path / "env-store.db"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
    }
    return subprocess.run(
        [sys.executable, "-m", "opus_tui", "--store", str(store), *args],
        capture_output=True,
        text=True,
        cwd=cwd or tmp_path,
        env=env,
        timeout=120,
    )


def failed(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    return result.stdout


def set_images(
    tmp_path: Path,
    store: Path,
    *,
    logo: str = "",
    photos: tuple[str, str, str] = ("", "", ""),
    nobody: str | None = None,
    cwd: Path | None = None,
) -> None:
    """Import the store's configuration with these image paths, as typed in the TOML file
    (relative ones stay relative); ``nobody``: a profile of practitioner 99, who is not on
    Kliniker."""
    text = ok(opus(tmp_path, store, "export", "-")).stdout
    text = text.replace('logo = ""', f"logo = {logo!r}", 1)
    for photo in photos:
        text = text.replace('photo = ""', f"photo = {photo!r}", 1)
    if nobody is not None:
        extra = (
            "[[practitioners.profiles]]\n"
            'database = "Opus Lund"\n'
            'practitioner_id = "99"\n'
            f"photo = {nobody!r}\n\n"
        )
        at = text.index("[[practitioners.consents]]")
        text = text[:at] + extra + text[at:]
    toml = tmp_path / "bilder.toml"
    toml.write_text(text, encoding="utf-8")
    ok(opus(tmp_path, store, "import", str(toml), cwd=cwd))


def line_of(out: str, label: str) -> str:
    found = [line for line in out.splitlines() if f"({label})" in line]
    assert len(found) == 1, out
    return found[0]


@pytest.fixture
def pictures(tmp_path: Path) -> Path:
    """tmp_path/bilder: a PNG logo, a JPEG photo, a text file named .png, a tiny photo, a GIF."""
    folder = tmp_path / "bilder"
    folder.mkdir()
    Image.new("RGB", (300, 100), "navy").save(folder / "logo.png")
    Image.new("RGB", (600, 800), "teal").save(folder / "olle.jpg", quality=90)
    (folder / "text.png").write_text("det här är ingen bild\n", encoding="utf-8")
    Image.new("RGB", (30, 40), "red").save(folder / "liten.png")
    Image.new("P", (200, 80)).save(folder / "logo.gif")
    return folder


def test_plain_check_warns_about_relative_paths_and_reads_no_photo(
    tmp_path: Path, demo_store: Path, pictures: Path
) -> None:
    set_images(
        tmp_path,
        demo_store,
        logo=str(pictures / "logo.png"),
        photos=("bilder/olle.jpg", str(pictures / "text.png"), "bilder/saknas.jpg"),
    )
    result = ok(opus(tmp_path, demo_store, "check"))
    out = result.stdout
    olle = line_of(out, OLLE)
    assert olle.startswith("varning: practitioners.profiles[0].photo")
    assert "relativ sökväg 'bilder/olle.jpg'" in olle
    assert f"härifrån {tmp_path.resolve() / 'bilder' / 'olle.jpg'}" in olle
    assert "från en annan katalog" in olle and "opus-tui check --images --pin" in olle
    assert "relativ sökväg 'bilder/saknas.jpg'" in line_of(out, ARNE)
    assert LENA not in out  # absolute, and its (bad) file is not read without --images
    assert LOGO not in out
    assert "bilder kontrollerade" not in out
    assert out.splitlines()[-1] == "Inga fel, 2 varningar."


def test_images_names_each_setting_and_rule(
    tmp_path: Path, demo_store: Path, pictures: Path
) -> None:
    logo = pictures / "logotyp.png"  # import checks the logo; it changes afterwards
    Image.new("RGB", (300, 100), "navy").save(logo)
    set_images(
        tmp_path,
        demo_store,
        logo=str(logo),
        photos=(str(pictures / "text.png"), str(pictures / "saknas.jpg"), str(pictures)),
    )
    logo.write_bytes((pictures / "logo.gif").read_bytes())
    out = failed(opus(tmp_path, demo_store, "check", "--images"))
    logo_line = line_of(out, LOGO)
    assert logo_line.startswith("fel: media.branding.logo")
    assert f"filen {logo} kan inte publiceras: Bildformatet GIF stöds inte här" in logo_line
    olle = line_of(out, OLLE)
    assert olle.startswith("fel: practitioners.profiles[0].photo")
    assert f"filen {pictures / 'text.png'} kan inte publiceras" in olle
    assert "ingen bild som kan läsas" in olle
    assert f"filen {pictures / 'saknas.jpg'} finns inte" in line_of(out, LENA)
    assert f"{pictures} är en katalog, ingen bildfil" in line_of(out, ARNE)
    assert "relativ sökväg" not in out  # all absolute
    assert "4 bilder kontrollerade." in out
    assert out.splitlines()[-1] == "4 fel, 0 varningar."


def test_images_accepts_what_the_publisher_accepts(
    tmp_path: Path, demo_store: Path, pictures: Path
) -> None:
    """A photo the publisher fits (crops, re-encodes) and an over-sized logo it scales down are
    fine; a photo too small for a portrait is not. http(s) addresses are not files."""
    big = pictures / "stor.png"
    Image.new("RGB", (2400, 900), "white").save(big)
    set_images(
        tmp_path,
        demo_store,
        logo=str(big),
        photos=(
            str(pictures / "olle.jpg"),
            "https://bilder.example.se/lena.jpg",
            str(pictures / "liten.png"),
        ),
    )
    out = failed(opus(tmp_path, demo_store, "check", "--images"))
    assert LOGO not in out and OLLE not in out and LENA not in out
    assert "för liten för ett porträtt" in line_of(out, ARNE)
    assert "3 bilder kontrollerade." in out  # not the address
    assert out.splitlines()[-1] == "1 fel, 0 varningar."


def test_the_logo_error_is_reported_once(tmp_path: Path, demo_store: Path, pictures: Path) -> None:
    """Plain ``check`` already checks the logo's content (content_checks); --images replaces
    that error with its own, which says more, instead of adding a second one."""
    logo = pictures / "logotyp.png"
    Image.new("RGB", (300, 100), "navy").save(logo)
    set_images(tmp_path, demo_store, logo=str(logo))
    logo.write_text("ersatt av en textfil\n", encoding="utf-8")
    plain = failed(opus(tmp_path, demo_store, "check"))
    assert "fel: media.branding.logo (Logotyp)" in plain
    out = failed(opus(tmp_path, demo_store, "check", "--images"))
    assert out.count("media.branding.logo") == 1
    assert f"filen {logo} kan inte publiceras" in line_of(out, LOGO)
    assert out.splitlines()[-1] == "1 fel, 0 varningar."


def test_a_relative_path_depends_on_the_working_directory(
    tmp_path: Path, demo_store: Path, pictures: Path
) -> None:
    set_images(tmp_path, demo_store, logo="bilder/logo.png", photos=("bilder/olle.jpg", "", ""))
    here = ok(opus(tmp_path, demo_store, "check", "--images"))
    logo = line_of(here.stdout, LOGO)
    assert logo.startswith("varning: media.branding.logo")
    assert f"härifrån {tmp_path.resolve() / 'bilder' / 'logo.png'}" in logo
    assert "opus-tui check --images --pin" in logo
    assert here.stdout.splitlines()[-1] == "Inga fel, 2 varningar."

    elsewhere = tmp_path / "någon annanstans"
    elsewhere.mkdir()
    out = failed(opus(tmp_path, demo_store, "check", "--images", cwd=elsewhere))
    olle = line_of(out, OLLE)
    assert olle.startswith("fel: practitioners.profiles[0].photo")
    assert f"filen {elsewhere.resolve() / 'bilder' / 'olle.jpg'}" in olle
    assert f"relativ sökväg från arbetskatalogen {elsewhere.resolve()}" in olle
    assert "finns inte — värde: 'bilder/olle.jpg'" in olle
    assert out.splitlines()[-1] == "2 fel, 0 varningar."

    # as publish --images KATALOG: the relative paths are found from anywhere
    rooted = ok(opus(tmp_path, demo_store, "check", "--images", str(tmp_path), cwd=elsewhere))
    logo = line_of(rooted.stdout, LOGO)
    assert f"utgår från --images {tmp_path}: {tmp_path.resolve() / 'bilder' / 'logo.png'}" in logo
    assert f"opus-tui check --images {tmp_path} --pin" in logo
    assert rooted.stdout.splitlines()[-1] == "Inga fel, 2 varningar."


def test_a_practitioner_not_on_kliniker_gets_warnings(
    tmp_path: Path, demo_store: Path, pictures: Path
) -> None:
    """The publisher skips the photo of a practitioner who is not under Kliniker."""
    set_images(tmp_path, demo_store, nobody=str(pictures / "saknas.jpg"))
    out = ok(opus(tmp_path, demo_store, "check", "--images")).stdout
    line = line_of(out, NOBODY)
    assert line.startswith("varning: practitioners.profiles[3].photo")
    assert "finns inte (publiceras inte: behandlaren är inte tillagd under Kliniker)" in line
    assert "1 bild kontrollerad." in out


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0, reason="root reads any file")
def test_an_unreadable_file(tmp_path: Path, demo_store: Path, pictures: Path) -> None:
    secret = pictures / "olle.jpg"
    set_images(tmp_path, demo_store, photos=(str(secret), "", ""))
    secret.chmod(0)
    try:
        out = failed(opus(tmp_path, demo_store, "check", "--images"))
    finally:
        secret.chmod(0o600)
    assert f"filen {secret} kan inte läsas" in line_of(out, OLLE)


def test_pin_saves_relative_paths_absolute_in_one_revision(
    tmp_path: Path, demo_store: Path, pictures: Path
) -> None:
    set_images(
        tmp_path,
        demo_store,
        logo="bilder/logo.png",
        photos=(
            "bilder/olle.jpg",
            "https://bilder.example.se/lena.jpg",
            str(pictures / "liten.png"),
        ),
    )
    before = revisions(demo_store)
    out = failed(opus(tmp_path, demo_store, "check", "--images", "--pin"))  # liten.png: error
    logo_file = tmp_path.resolve() / "bilder" / "logo.png"
    olle_file = tmp_path.resolve() / "bilder" / "olle.jpg"
    assert f"fäst: {LOGO}: bilder/logo.png → {logo_file}" in out
    assert f"fäst: {OLLE}: bilder/olle.jpg → {olle_file}" in out
    assert (
        f"Sparat som revision {before + 1}: Bildsökvägar fästa som absoluta: Logotyp och 1 "
        "profilbild." in out
    )
    assert "relativ sökväg" not in out  # what was saved is checked: nothing relative left
    assert "för liten för ett porträtt" in line_of(out, ARNE)
    assert revisions(demo_store) == before + 1
    exported = ok(opus(tmp_path, demo_store, "export", "-")).stdout
    assert f'logo = "{logo_file}"' in exported
    assert f'photo = "{olle_file}"' in exported
    assert 'photo = "https://bilder.example.se/lena.jpg"' in exported
    history = ok(opus(tmp_path, demo_store, "history", "-n", "1")).stdout
    assert "Alla" in history and "Bildsökvägar fästa som absoluta" in history

    # from another directory the same files are found now
    elsewhere = tmp_path / "annan"
    elsewhere.mkdir()
    out = failed(opus(tmp_path, demo_store, "check", "--images", cwd=elsewhere))
    assert LOGO not in out and OLLE not in out
    again = failed(opus(tmp_path, demo_store, "check", "--pin", cwd=elsewhere))
    assert "Inga relativa bildsökvägar att fästa." in again
    assert revisions(demo_store) == before + 1


def test_pin_of_the_logo_alone_is_a_media_revision(
    tmp_path: Path, demo_store: Path, pictures: Path
) -> None:
    set_images(tmp_path, demo_store, logo="logo.png", cwd=pictures)
    out = ok(opus(tmp_path, demo_store, "check", "--pin", "--images", "bilder")).stdout
    assert f"→ {pictures.resolve() / 'logo.png'}" in out
    assert out.splitlines()[-1] == "Inga fel."
    history = ok(opus(tmp_path, demo_store, "history", "-n", "1")).stdout.splitlines()
    assert history[1].split()[4:6] == ["Media", "Bildsökvägar"]


def test_pin_refuses_when_a_relative_file_is_missing(
    tmp_path: Path, demo_store: Path, pictures: Path
) -> None:
    """Nothing is saved: a missing file suggests the wrong directory, where the others may
    be other clinics' files of the same names."""
    set_images(
        tmp_path,
        demo_store,
        logo="bilder/logo.png",
        photos=("bilder/olle.jpg", "bilder/saknas.jpg", ""),
        nobody="bilder/borta.jpg",
    )
    before = revisions(demo_store)
    exported = ok(opus(tmp_path, demo_store, "export", "-")).stdout
    out = failed(opus(tmp_path, demo_store, "check", "--images", "--pin"))
    assert out.splitlines()[0] == (
        "Inga bildsökvägar fästes: 2 av 4 relativa sökvägar pekar inte på någon fil från "
        f"arbetskatalogen {tmp_path.resolve()} (se nedan). Kör från rätt katalog eller ange "
        "--images KATALOG."
    )
    assert "finns inte" in line_of(out, LENA)
    # the skipped practitioner's photo is a warning of the check but stops the pinning
    nobody = [line for line in out.splitlines() if "fästs inte" in line]
    assert nobody == [
        f"fel: practitioners.profiles[3].photo ({NOBODY}): fästs inte: filen "
        f"{tmp_path.resolve() / 'bilder' / 'borta.jpg'} finns inte"
    ]
    assert out.splitlines()[-1] == "2 fel, 4 varningar."
    assert revisions(demo_store) == before
    assert ok(opus(tmp_path, demo_store, "export", "-")).stdout == exported


def test_help_is_swedish(tmp_path: Path, demo_store: Path) -> None:
    out = ok(opus(tmp_path, demo_store, "check", "--help")).stdout
    assert "--images [KATALOG]" in out and "--pin" in out
    assert "bildfilerna" in out and "ny" in out and "revision" in out
    top = ok(opus(tmp_path, demo_store, "--help")).stdout
    assert "med --images även bildfilerna" in " ".join(top.split())


# --- the same verdict as the publisher ----------------------------------------------------------


@pytest.fixture(scope="module")
def portal() -> Iterator[str]:
    from opus_tui.services.portal_emulator import running_emulator
    from tests.integration.test_publisher import KEY

    with running_emulator(api_keys=[KEY], seed=7) as emulator:
        yield emulator.url


def _cli(*argv: str) -> tuple[int, str]:
    from opus_tui.cli import main

    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue() + err.getvalue()


FILES: dict[str, Callable[[Path], object]] = {
    "foto.jpg": lambda p: Image.new("RGB", (900, 1200), "teal").save(p, quality=92),
    "bred.png": lambda p: Image.new("RGBA", (1600, 500), (0, 0, 80, 128)).save(p),
    "animerad.gif": lambda p: Image.new("P", (300, 400)).save(p),
    "text.png": lambda p: p.write_text("ingen bild", encoding="utf-8"),
    "tom.jpg": lambda p: p.write_bytes(b""),
    "liten.png": lambda p: Image.new("RGB", (30, 40)).save(p),
    "saknas.jpg": lambda p: None,
    "katalog": lambda p: p.mkdir(),
}


# refused as photo and as logo; a photo must also be large enough for a 3:4 portrait, a logo
# must be PNG or JPEG
REFUSED = {"text.png", "tom.jpg", "saknas.jpg", "katalog"}


@pytest.mark.parametrize("what", ["photo", "logo"])
@pytest.mark.parametrize("name", list(FILES))
def test_check_images_agrees_with_publish_dry_run(
    tmp_path: Path, portal: str, what: str, name: str
) -> None:
    """For each file, ``check --images`` reports an error exactly when ``publish --dry-run``
    (which reads the images as the real publication does) refuses it."""
    from opus_tui.domain import ConnectionSettings, PortalAccount
    from opus_tui.domain.connections import API_KEY_SECRET
    from opus_tui.store import open_store
    from tests.integration.test_publisher import KEY, configuration

    path = tmp_path / name
    FILES[name](path)
    store_path = tmp_path / "store.sqlite"
    config = configuration(f"bild-{uuid.uuid4().hex[:8]}", 1, photo="x.jpg")
    if what == "photo":
        profile = config.practitioners.profiles[0].model_copy(update={"photo": str(path)})
        practitioners = config.practitioners.model_copy(update={"profiles": [profile]})
        config = config.model_copy(update={"practitioners": practitioners})
    else:
        branding = config.media.branding.model_copy(update={"logo": str(path)})
        media = config.media.model_copy(update={"branding": branding})
        practitioners = config.practitioners.model_copy(update={"profiles": []})
        config = config.model_copy(update={"media": media, "practitioners": practitioners})
    with open_store(str(store_path)) as store:
        store.save_connections(ConnectionSettings(account=PortalAccount(url=portal)))
        store.set_secret(API_KEY_SECRET, KEY)
        store.save_config(config, summary="test")
    checked, check_out = _cli("--store", str(store_path), "check", "--images")
    published, publish_out = _cli("--store", str(store_path), "publish", "--dry-run")
    assert checked in (0, 1) and published in (0, 2), check_out + publish_out
    assert (checked == 1) == (published != 0), check_out + publish_out
    refused = name in REFUSED or name == ("liten.png" if what == "photo" else "animerad.gif")
    assert (published != 0) == refused, publish_out


def test_a_store_with_errors_still_gets_its_images_checked_but_not_pinned(
    tmp_path: Path, demo_store: Path, pictures: Path
) -> None:
    """A store that breaks a rule (saved before the rule was tightened, edited by hand): its
    image paths are checked as stored; --pin saves nothing until the errors are put right."""
    set_images(tmp_path, demo_store, photos=("bilder/olle.jpg", "bilder/saknas.jpg", ""))
    conn = sqlite3.connect(demo_store)
    with conn:
        conn.execute(
            "UPDATE config_section SET data = json_set(data, '$.booking.hours_limit', -1) "
            "WHERE section = 'flexibility'"
        )
    conn.close()
    before = revisions(demo_store)
    out = failed(opus(tmp_path, demo_store, "check", "--images", "--pin"))
    assert out.splitlines()[0] == "Inga bildsökvägar fästes: konfigurationen har fel (se nedan)."
    assert "fel: flexibility.booking.hours_limit" in out
    assert "finns inte" in line_of(out, LENA)
    assert "relativ sökväg 'bilder/olle.jpg'" in line_of(out, OLLE)
    assert out.splitlines()[-1] == "2 fel, 1 varning."
    assert revisions(demo_store) == before
