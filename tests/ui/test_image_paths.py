"""Image paths typed in the app do not depend on the directory the app was started from: a
relative path (or one with ~) is stored absolute, the field shows it once left (or on Spara),
and the checks and the preview use that same file from any working directory. Paths already
saved (e.g. relative ones from a TOML import, meant for ``publish --images``) stay as they are."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from textual.widgets import Input, Static, TabbedContent

from opus_tui.domain import (
    PractitionerProfile,
    PublishedClinic,
    PublishedPractitioner,
    WebConfiguration,
)
from opus_tui.domain import config as dc
from opus_tui.domain.problems import Problem
from opus_tui.screens.base import TabScreen
from opus_tui.store.repository import Store
from opus_tui.widgets.image_view import ImageView
from opus_tui.widgets.preview import PageLines
from tests.ui.helpers import focus, settle
from tests.ui.test_preview_pane import HALF_BLOCKS

LOGO = ("media", "branding", "logo")
# no such user: ``Path.expanduser`` raises for it on POSIX
UNKNOWN_USER = "~opus-tui-ingen-sadan-anvandare"


def save(store_url: str, config: WebConfiguration) -> None:
    with Store.open(store_url) as store:
        store.save_config(config, summary="test")


def stored(store_url: str) -> WebConfiguration:
    with Store.open(store_url) as store:
        return store.load_config()


def with_olle(photo: str = "", logo: str = "") -> WebConfiguration:
    clinic = PublishedClinic(
        database="Syd",
        clinic_id="1",
        name="OpusTandläkarna Malmö",
        practitioners=[
            PublishedPractitioner(practitioner_id="10", name="Olle Ohlsson", title="Tandläkare")
        ],
    )
    profiles = (
        [PractitionerProfile(database="Syd", practitioner_id="10", photo=photo)] if photo else []
    )
    return WebConfiguration(
        clinics=dc.ClinicsSettings(published=[clinic]),
        practitioners=dc.PractitionerSettings(profiles=profiles),
        media=dc.MediaSettings(branding=dc.Branding(logo=logo)),
    )


def problems(app: Any) -> list[Problem]:
    screen = app.screen
    assert isinstance(screen, TabScreen)
    return screen.section_problems()


def text_of(app: Any, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def open_logo(pilot: Any) -> Input:
    """Media tab, sub-tab Media, the focus in Logotyp (keyboard)."""
    app = pilot.app
    await settle(pilot)
    await pilot.press("5")
    await settle(pilot)
    app.screen.query_one("#media-tabs", TabbedContent).active = "pane-media"
    await pilot.pause()
    await focus(pilot, "logo")
    field = app.screen.query_one("#logo", Input)
    assert isinstance(field, Input)
    return field


async def open_photo(pilot: Any) -> Input:
    """Behandlare tab, Olle chosen, the focus in Profilbild (keyboard)."""
    app = pilot.app
    await settle(pilot)
    await pilot.press("2")
    await settle(pilot)
    await focus(pilot, "photo")
    field = app.screen.query_one("#photo", Input)
    assert isinstance(field, Input)
    return field


async def type_text(pilot: Any, text: str) -> None:
    await pilot.press("end", "ctrl+u")  # whatever was there
    await pilot.press(*text)
    await settle(pilot)


def image(path: Path, size: tuple[int, int] = (200, 80)) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, (20, 90, 160)).save(path, "PNG")
    return path


# -- Media: Logotyp ----------------------------------------------------------------------------


async def test_a_relative_logo_is_stored_absolute_and_shown_when_left(
    make_app: Callable[[], Any],
    store_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    started = tmp_path / "startkatalog"
    logo = image(started / "bilder" / "logo.png")
    monkeypatch.chdir(started)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        field = await open_logo(pilot)
        await type_text(pilot, "./bilder/../bilder/logo.png")
        absolute = str(logo.resolve())
        # the draft holds the absolute path at once; the field keeps what is typed
        assert app.draft.media.branding.logo == absolute
        assert field.value == "./bilder/../bilder/logo.png"
        assert "PNG 200×80" in text_of(app, "#logo-info")
        await pilot.press("tab")  # leaving the field shows the stored path
        await pilot.pause()
        assert field.value == absolute
        assert not any(p.path == LOGO for p in problems(app))

        # another working directory: the checks, the logo view and the preview still find it
        elsewhere = tmp_path / "annan"
        elsewhere.mkdir()
        monkeypatch.chdir(elsewhere)
        await focus(pilot, "colour")
        await pilot.press(*"#123456")
        await settle(pilot)
        assert not any(p.path == LOGO for p in problems(app))
        assert app.screen.query_one("#logo-view", ImageView).source == logo.read_bytes()
        lines = app.screen.query_one(PageLines).plain_lines()
        first_text = next(i for i, line in enumerate(lines) if line.strip())
        assert any(ch in line for line in lines[: first_text + 5] for ch in HALF_BLOCKS)

        await pilot.press("ctrl+s")
        await settle(pilot)
    assert stored(store_url).media.branding.logo == absolute


async def test_a_missing_logo_names_the_field_and_rule_with_the_absolute_path(
    make_app: Callable[[], Any],
    store_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        field = await open_logo(pilot)
        await type_text(pilot, "saknas.png")
        absolute = str((tmp_path / "saknas.png").resolve())
        (problem,) = [p for p in problems(app) if p.path == LOGO]
        assert problem.is_error and problem.label == "Logotyp"
        assert problem.message == f"filen {absolute} finns inte"
        # Spara with the focus still in the field: refused, the field shows the stored path
        assert app.focused is field
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert field.value == absolute
        assert stored(store_url).media.branding.logo == ""
        shown = text_of(app, "#problems")
        assert "fel hindrar Spara" in shown


async def test_a_logo_with_tilde_is_expanded(
    make_app: Callable[[], Any],
    store_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    home = tmp_path / "hem"
    logo = image(home / "logo.png")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("USERPROFILE", str(home))
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        field = await open_logo(pilot)
        await type_text(pilot, "~/logo.png")
        assert app.draft.media.branding.logo == str(logo)
        await pilot.press("enter")  # Enter, like leaving, shows the stored path
        await pilot.pause()
        assert field.value == str(logo)
        assert not any(p.path == LOGO for p in problems(app))


async def test_a_saved_relative_logo_is_kept_as_it_is(
    make_app: Callable[[], Any],
    store_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A relative path saved before (a TOML import for ``publish --images``) is not rewritten:
    not on loading, not when the field is only passed through."""
    image(tmp_path / "bilder" / "logo.png")
    monkeypatch.chdir(tmp_path)
    save(store_url, with_olle(logo="bilder/logo.png"))
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        field = await open_logo(pilot)
        assert field.value == "bilder/logo.png"
        await pilot.press("tab")
        await pilot.pause()
        assert field.value == "bilder/logo.png"
        assert app.draft.media.branding.logo == "bilder/logo.png"
        assert not app.screen.is_dirty()
        assert not any(p.path == LOGO for p in problems(app))


async def test_an_unknown_users_tilde_does_not_stop_the_app(
    make_app: Callable[[], Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``~name`` of no user used to raise in the field's handler; now it is an ordinary
    relative path (as in a shell), reported missing."""
    monkeypatch.chdir(tmp_path)
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await open_logo(pilot)
        await type_text(pilot, f"{UNKNOWN_USER}/logo.png")
        (problem,) = [p for p in problems(app) if p.path == LOGO]
        assert problem.message.endswith("finns inte")
        assert Path(app.draft.media.branding.logo).is_absolute()


# -- Behandlare: Profilbild --------------------------------------------------------------------


async def test_a_relative_photo_is_stored_absolute_and_shown_when_left(
    make_app: Callable[[], Any],
    store_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    started = tmp_path / "startkatalog"
    photo = image(started / "olle.png", (300, 400))
    monkeypatch.chdir(started)
    save(store_url, with_olle())
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        field = await open_photo(pilot)
        await type_text(pilot, "olle.png")
        absolute = str(photo.resolve())
        (profile,) = app.draft.practitioners.profiles
        assert profile.photo == absolute
        assert field.value == "olle.png"
        assert app.screen.query_one("#photo-view", ImageView).source == Path(absolute)
        assert text_of(app, "#photo-info").startswith("olle.png — ")
        await pilot.press("tab")
        await pilot.pause()
        assert field.value == absolute

        monkeypatch.chdir(tmp_path)  # elsewhere: still the same file
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert text_of(app, "#photo-info").startswith("olle.png — ")
    (saved,) = stored(store_url).practitioners.profiles
    assert saved.photo == absolute


async def test_spara_in_the_photo_field_shows_the_stored_path(
    make_app: Callable[[], Any],
    store_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    image(tmp_path / "olle.png", (300, 400))
    monkeypatch.chdir(tmp_path)
    save(store_url, with_olle())
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        field = await open_photo(pilot)
        await type_text(pilot, "olle.png")
        assert app.focused is field
        await pilot.press("ctrl+s")
        await settle(pilot)
        absolute = str((tmp_path / "olle.png").resolve())
        assert field.value == absolute
    (saved,) = stored(store_url).practitioners.profiles
    assert saved.photo == absolute


async def test_another_tab_and_back_shows_the_stored_paths(
    make_app: Callable[[], Any],
    store_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Ctrl+PgDn leaves the tab with the focus in the field (it gets the focus back on return,
    so it is never left): the field shows the stored path when the tab is back."""
    monkeypatch.chdir(tmp_path)
    save(store_url, with_olle())
    for open_field, name in ((open_photo, "olle.png"), (open_logo, "logo.png")):
        app = make_app()
        async with app.run_test(size=(100, 40)) as pilot:
            field = await open_field(pilot)
            await type_text(pilot, name)
            await pilot.press("ctrl+pagedown")
            await settle(pilot)
            await pilot.press("ctrl+pageup")
            await settle(pilot)
            assert app.focused is field
            assert field.value == str((tmp_path / name).resolve())


async def test_a_missing_photo_says_so_at_the_field(
    make_app: Callable[[], Any],
    store_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    save(store_url, with_olle())
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await open_photo(pilot)
        await type_text(pilot, "saknas.png")
        assert text_of(app, "#photo-info") == ("saknas.png: filen finns inte eller kan inte läsas.")
        assert not app.screen.query_one("#photo-view", ImageView).display
        await type_text(pilot, f"{UNKNOWN_USER}/olle.png")  # used to stop the app
        assert text_of(app, "#photo-info") == "olle.png: filen finns inte eller kan inte läsas."


async def test_a_saved_relative_photo_is_kept_and_a_url_is_not_a_path(
    make_app: Callable[[], Any],
    store_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    image(tmp_path / "bilder" / "olle.png", (300, 400))
    monkeypatch.chdir(tmp_path)
    save(store_url, with_olle(photo="bilder/olle.png"))
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        field = await open_photo(pilot)
        assert field.value == "bilder/olle.png"
        await pilot.press("tab")
        await pilot.pause()
        assert field.value == "bilder/olle.png"
        assert not app.screen.is_dirty()
        await focus(pilot, "photo")
        url = "https://bilder.example.se/olle.png"
        await type_text(pilot, url)
        await pilot.press("tab")
        await pilot.pause()
        assert field.value == url
        (profile,) = app.draft.practitioners.profiles
        assert profile.photo == url


# The directory tree ("Bläddra…") already gives absolute paths: its root is resolved;
# tests/ui/test_config_screens.py::test_practitioner_photo_from_the_directory_tree.


async def test_a_saved_logo_under_an_unknown_users_home_does_not_stop_the_preview(
    make_app: Callable[[], Any], store_url: str
) -> None:
    """Saved (e.g. from a TOML import) as ``~nobody/logo.png``: the preview's drawing raised
    'Could not determine home directory' and the app stopped (at 120 columns, on Media)."""
    save(store_url, with_olle(logo=f"{UNKNOWN_USER}/logo.png"))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        await pilot.pause(0.3)
        await settle(pilot)
        assert app.is_running and app.current_mode == "media"
        assert app.screen.query(PageLines)  # the preview is there, beside the tab
