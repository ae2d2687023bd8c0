"""Image paths typed in the app are pinned to the working directory of the moment they are typed
(``services.paths.pinned_image_path``), so they name the same file wherever the app or
``opus-tui publish`` runs later."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PIL import Image

from opus_tui.screens.practitioners import photo_info
from opus_tui.services import content_checks
from opus_tui.services.paths import (
    expanded,
    image_file,
    is_relative_image_path,
    is_url,
    pinned_image_path,
    typed_image_path,
)

# no such user: ``Path.expanduser`` raises for it on POSIX
UNKNOWN_USER = "~opus-tui-ingen-sadan-anvandare"


@pytest.fixture
def cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    here = tmp_path / "här"
    here.mkdir()
    monkeypatch.chdir(here)
    return here.resolve()


def test_a_relative_path_is_joined_to_the_working_directory(cwd: Path) -> None:
    assert pinned_image_path("logo.png") == str(cwd / "logo.png")
    assert pinned_image_path(str(Path("bilder", "logo.png"))) == str(cwd / "bilder" / "logo.png")
    assert pinned_image_path(str(Path(".", "a", "..", "logo.png"))) == str(cwd / "logo.png")
    assert pinned_image_path(str(Path("..", "logo.png"))) == str(cwd.parent / "logo.png")
    assert pinned_image_path("  logo.png \n") == str(cwd / "logo.png")
    assert Path(pinned_image_path("logo.png")).is_absolute()


def test_the_working_directory_of_the_moment_counts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    one, two = tmp_path / "ett", tmp_path / "två"
    one.mkdir()
    two.mkdir()
    monkeypatch.chdir(one)
    pinned = pinned_image_path("logo.png")
    monkeypatch.chdir(two)
    assert pinned == str(one.resolve() / "logo.png")
    assert pinned_image_path(pinned) == pinned  # pinning twice changes nothing


def test_tilde_is_the_home_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "hem"
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("USERPROFILE", str(home))  # Windows
    assert pinned_image_path(str(Path("~", "logo.png"))) == str(home / "logo.png")
    assert pinned_image_path("~") == str(home)


def test_an_unknown_users_tilde_is_a_relative_path(cwd: Path) -> None:
    typed = str(Path(UNKNOWN_USER, "logo.png"))
    pinned = Path(pinned_image_path(typed))
    assert pinned.is_absolute()
    if os.name != "nt":  # Windows guesses a home directory beside the user's own
        assert pinned == cwd / UNKNOWN_USER / "logo.png"
        assert expanded(typed) == Path(typed)


def test_absolute_paths_urls_and_nothing_are_kept(cwd: Path) -> None:
    absolute = str(cwd.anchor + str(Path("bilder", "..", "logo.png")))
    assert pinned_image_path(absolute) == absolute  # as typed: not resolved
    for url in ("https://bilder.example.se/logo.png", "http://exempel.se/a.jpg"):
        assert pinned_image_path(url) == url
    assert pinned_image_path("") == ""
    assert pinned_image_path("   ") == ""


def test_an_unchanged_text_keeps_what_is_stored(cwd: Path) -> None:
    """A saved relative path (imported for ``publish --images``) is not rewritten by a field
    that only shows it; any other text is pinned."""
    assert typed_image_path("bilder/logo.png", "bilder/logo.png") == "bilder/logo.png"
    assert typed_image_path(" bilder/logo.png ", "bilder/logo.png") == "bilder/logo.png"
    assert typed_image_path("bilder/logo2.png", "bilder/logo.png") == str(
        cwd / "bilder" / "logo2.png"
    )
    assert typed_image_path("", "bilder/logo.png") == ""


@pytest.mark.skipif(os.name != "nt", reason="Windows paths")
def test_windows_paths(cwd: Path) -> None:
    assert pinned_image_path("C:\\Bilder\\logo.png") == "C:\\Bilder\\logo.png"
    assert pinned_image_path("\\\\server\\delat\\logo.png") == "\\\\server\\delat\\logo.png"
    assert pinned_image_path("bilder\\logo.png") == str(cwd / "bilder" / "logo.png")
    assert pinned_image_path("bilder/logo.png") == str(cwd / "bilder" / "logo.png")
    rooted = Path(pinned_image_path("\\Bilder\\logo.png"))  # on the current drive
    assert rooted.is_absolute() and rooted.drive == cwd.drive


@pytest.mark.skipif(os.name == "nt", reason="POSIX paths")
def test_backslashes_are_part_of_a_posix_name(cwd: Path) -> None:
    assert pinned_image_path("C:\\Bilder\\logo.png") == str(cwd / "C:\\Bilder\\logo.png")


def test_the_checks_name_the_rule_as_before(cwd: Path) -> None:
    assert content_checks.logo_problem("saknas.png") == "filen saknas.png finns inte"
    missing = pinned_image_path("saknas.png")
    assert content_checks.logo_problem(missing) == f"filen {missing} finns inte"
    Image.new("RGB", (50, 20), "navy").save(cwd / "logo.png")
    assert content_checks.logo_problem(pinned_image_path("logo.png")) is None
    assert content_checks.logo_problem(str(cwd)) == f"{cwd} är ingen fil"


def test_an_unknown_users_tilde_is_reported_not_raised(cwd: Path) -> None:
    typed = str(Path(UNKNOWN_USER, "logo.png"))
    assert (content_checks.logo_problem(typed) or "").endswith("finns inte")
    assert photo_info(typed) == "logo.png: filen finns inte eller kan inte läsas."


def test_relative_image_paths_are_told_apart(cwd: Path) -> None:
    """What ``opus-tui check`` warns about: a path that names another file elsewhere."""
    for relative in ("logo.png", str(Path("bilder", "logo.png")), " logo.png ", ".."):
        assert is_relative_image_path(relative), relative
    absolute = str(cwd / "logo.png")
    for other in (absolute, "", "  ", "https://exempel.se/a.png", "http://exempel.se/a.png"):
        assert not is_relative_image_path(other), other
    assert is_url(" https://exempel.se/a.png") and not is_url("httpsbilder/a.png")


def test_tilde_is_not_relative(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("USERPROFILE", str(tmp_path))  # Windows
    assert not is_relative_image_path(str(Path("~", "logo.png")))


def test_pinned_to_another_directory(cwd: Path, tmp_path: Path) -> None:
    """``check --images KATALOG --pin``: relative paths joined to KATALOG, as publish does."""
    root = tmp_path / "bildkatalog"
    assert pinned_image_path("logo.png", root) == str(root.resolve() / "logo.png")
    assert pinned_image_path(str(Path("a", "..", "b.png")), root) == str(root.resolve() / "b.png")
    # a relative KATALOG is taken from the working directory, as publish --images takes it
    assert pinned_image_path("logo.png", Path("kat")) == str(cwd / "kat" / "logo.png")
    absolute = str(cwd / "logo.png")
    assert pinned_image_path(absolute, root) == absolute
    assert pinned_image_path("https://exempel.se/a.png", root) == "https://exempel.se/a.png"


def test_image_file_is_what_the_publisher_opens(cwd: Path, tmp_path: Path) -> None:
    assert image_file("logo.png") == Path("logo.png")  # relative: opened from the cwd
    assert image_file("logo.png", tmp_path) == tmp_path / "logo.png"
    assert image_file(str(cwd / "logo.png"), tmp_path) == cwd / "logo.png"
    assert image_file(" logo.png", tmp_path) == tmp_path / " logo.png"  # not stripped
