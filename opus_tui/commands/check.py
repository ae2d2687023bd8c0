"""``opus-tui check [--images [KATALOG]] [--pin]``: errors and warnings of the stored
configuration; exit 1 on errors.

Image paths (Media › Logotyp, Behandlare › Profilbild):

* always (no file is read for it): a relative path is a warning. It names another file, or
  none, when the app or ``opus-tui publish`` runs from another directory. A warning, not an
  error: with ``publish --images DIR`` relative paths are the intended way (a TOML import keeps
  them). (The logo file itself is read by the content checks, ``content_checks.logo_problem``,
  as before; practitioners' photos are read only with ``--images``.)
* ``--images``: every image file is checked as the publisher would upload it: it must exist, be
  a readable file and pass ``images.fit_logo``/``fit_photo`` with the portal's limits. A
  relative path is resolved as ``publish`` does (KATALOG, else the working directory) and the
  message says which file that is. A practitioner the publisher skips (not under Kliniker)
  gets warnings instead of errors.
* ``--pin`` (implies ``--images``): relative image paths are saved absolute, as the app saves
  typed paths, in one new revision; nothing is saved when any of them names no file from here.
"""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from opus_tui.commands._common import open_store, print_problems
from opus_tui.domain.problems import Path as ProblemPath
from opus_tui.domain.problems import Problem, Severity

if TYPE_CHECKING:
    from opus_tui.domain.config import WebConfiguration
    from opus_tui.store.repository import Revision, Store

LOGO_PATH: ProblemPath = ("media", "branding", "logo")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--images",
        nargs="?",
        const="",
        default=None,
        metavar="KATALOG",
        help="läs också bildfilerna (Logotyp, Profilbild) och kontrollera dem som publiceringen "
        "gör: finns, går att läsa, är en bild som kan publiceras. KATALOG: som för publish "
        "--images, katalogen som relativa sökvägar utgår från (standard: arbetskatalogen)",
    )
    parser.add_argument(
        "--pin",
        action="store_true",
        help="spara relativa bildsökvägar som absoluta (från arbetskatalogen eller --images "
        "KATALOG) i en ny revision; inget sparas om någon av filerna saknas. Gör också "
        "--images",
    )


@dataclass(frozen=True, slots=True)
class ImageSetting:
    """One stored image path: where it is, its label as the UI shows it, and its use."""

    path: ProblemPath
    label: str  # "Media › Logotyp", "Behandlare › Profilbild (Anna Berg)"
    value: str
    photo: bool
    published: bool  # the publisher uploads it (a photo: the practitioner is under Kliniker)


def image_settings(config: WebConfiguration) -> list[ImageSetting]:
    """Every image path of ``config`` that names a file (not empty, not an http(s) address)."""
    from opus_tui.domain.config import Branding, PractitionerProfile, section_label
    from opus_tui.domain.fields import label_of
    from opus_tui.services.paths import is_url

    found: list[ImageSetting] = []
    logo: Any = config.media.branding.logo
    if isinstance(logo, str) and logo.strip() and not is_url(logo):
        label = f"{section_label('media')} › {label_of(Branding, 'logo')}"
        found.append(ImageSetting(LOGO_PATH, label, logo, photo=False, published=True))
    names: dict[tuple[str, str], str] = {}
    for clinic in config.clinics.published:
        for person in clinic.practitioners:
            key = (clinic.database, person.practitioner_id)
            names.setdefault(key, person.name or person.practitioner_id)
    several = len({db for db, _ in names}) > 1  # the UI adds the database only then
    photo_label = f"{section_label('practitioners')} › {label_of(PractitionerProfile, 'photo')}"
    for i, profile in enumerate(config.practitioners.profiles):
        photo: Any = profile.photo
        if not isinstance(photo, str) or not photo.strip() or is_url(photo):
            continue
        key = (profile.database, profile.practitioner_id)
        if key in names:
            who = f"{names[key]}, {profile.database}" if several else names[key]
        else:
            who = f"behandlare {profile.practitioner_id}, {profile.database}"
        found.append(
            ImageSetting(
                ("practitioners", "profiles", i, "photo"),
                f"{photo_label} ({who})",
                photo,
                photo=True,
                published=key in names,
            )
        )
    return found


def _cwd() -> str:
    try:
        return str(Path.cwd())
    except OSError:  # removed meanwhile
        return "(finns inte längre)"


def _where(setting: ImageSetting, root: Path | None) -> str:
    """The file a stored path names, said so that a relative one shows what it depends on."""
    from opus_tui.services.paths import image_file, is_relative_image_path, pinned_image_path

    if not is_relative_image_path(setting.value):
        return str(image_file(setting.value))
    absolute = pinned_image_path(setting.value, root)
    if root is not None:
        return f"{absolute} (relativ sökväg från --images {root})"
    return (
        f"{absolute} (relativ sökväg från arbetskatalogen {_cwd()}; "
        "från en annan katalog blir det en annan fil)"
    )


def _relative_problem(setting: ImageSetting, root: Path | None, *, checked: bool) -> Problem:
    from opus_tui.services.paths import pinned_image_path

    absolute = pinned_image_path(setting.value, root)
    if root is not None:
        base = f"utgår från --images {root}: {absolute}"
    else:
        base = (
            f"utgår från arbetskatalogen, härifrån {absolute}; från en annan katalog hittar "
            "appen och opus-tui publish en annan fil eller ingen"
        )
    command = "opus-tui check --images" + (f" {root}" if root is not None else "") + " --pin"
    advice = f"fäst den med {command}" if checked else f"kontrollera och fäst med {command}"
    message = f"relativ sökväg {setting.value!r} {base}; {advice}"
    return Problem(setting.path, message, "warning", None, setting.label)


def relative_path_problems(settings: list[ImageSetting], root: Path | None = None) -> list[Problem]:
    """A warning per relative image path (no file is read)."""
    from opus_tui.services.paths import is_relative_image_path

    return [
        _relative_problem(s, root, checked=False)
        for s in settings
        if is_relative_image_path(s.value)
    ]


FileKey = tuple[int, int, int, int, bool]  # device, inode, size, mtime, as a photo


def _stat_problem(setting: ImageSetting, root: Path | None) -> tuple[str, FileKey | None, Path]:
    """Without reading: (why the file cannot be used, "" if it may be; the key of its
    contents when it is to be read; the path the publisher opens)."""
    import stat as stat_

    from opus_tui.services.paths import image_file

    path = image_file(setting.value, root)
    where = _where(setting, root)
    try:
        info = path.stat()
    except OSError:
        return f"filen {where} finns inte", None, path
    if stat_.S_ISDIR(info.st_mode):
        return f"{where} är en katalog, ingen bildfil", None, path
    if not stat_.S_ISREG(info.st_mode):
        return f"{where} är ingen vanlig fil", None, path
    return "", (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, setting.photo), path


def _read_problem(path: Path, *, photo: bool) -> str | None:
    """The publisher's verdict on a regular file: None, or why it would refuse it."""
    from opus_tui.services import images
    from opus_tui.services import wire_models as wm

    try:
        with path.open("rb") as f:
            f.read(1)
    except OSError as exc:
        return f"kan inte läsas ({exc.strerror or exc})"
    try:
        if photo:
            images.fit_photo(path, max_bytes=wm.PHOTO_MAX_BYTES)
        else:
            images.fit_logo(path, max_bytes=wm.LOGO_MAX_BYTES)
    except images.ImageError as exc:
        return f"kan inte publiceras: {exc}"
    return None


def image_file_problems(settings: list[ImageSetting], root: Path | None = None) -> list[Problem]:
    """Every image file checked as the publisher uploads it (files are read). An error per file
    the publisher would refuse (a warning when the publisher skips it), else a warning per
    relative path. A file used twice is read once."""
    from concurrent.futures import ThreadPoolExecutor

    from opus_tui.services.paths import is_relative_image_path

    def verdict(item: tuple[FileKey, Path]) -> str | None:
        return _read_problem(item[1], photo=item[0][4])

    stats = [_stat_problem(s, root) for s in settings]
    to_read = {key: path for _, key, path in stats if key is not None}  # each file once
    # Pillow decodes, resizes and encodes without the GIL: files are read side by side
    workers = max(1, min(4, os.cpu_count() or 1, len(to_read)))
    with ThreadPoolExecutor(workers) as pool:
        verdicts = dict(zip(to_read, pool.map(verdict, to_read.items()), strict=True))
    found: list[Problem] = []
    for setting, (message, key, _) in zip(settings, stats, strict=True):
        reason = verdicts.get(key) if key is not None else None
        if reason:
            message = f"filen {_where(setting, root)} {reason}"
        if message:
            severity: Severity = "error"
            if not setting.published:
                severity = "warning"
                message += " (publiceras inte: behandlaren är inte tillagd under Kliniker)"
            found.append(Problem(setting.path, message, severity, setting.value, setting.label))
        elif is_relative_image_path(setting.value):
            found.append(_relative_problem(setting, root, checked=True))
    return found


# --- --pin -----------------------------------------------------------------------------------


@dataclass
class Pinned:
    """What ``--pin`` did: the new revision (None: nothing saved), the paths it refused (no
    file there) and lines to print."""

    revision: Revision | None = None
    missing: list[tuple[ImageSetting, str]] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)


def pin_relative_paths(store: Store, root: Path | None) -> Pinned:
    """Save every relative image path absolute (joined to ``root`` or the working directory) in
    one revision. Nothing is saved when any of them names no file (the working directory is
    probably the wrong one) or the configuration has errors."""
    from opus_tui.services.paths import image_file, is_relative_image_path, pinned_image_path
    from opus_tui.store.errors import ConfigInvalid, SectionChanged

    try:
        config = store.load_config()
    except ConfigInvalid:
        return Pinned(lines=["Inga bildsökvägar fästes: konfigurationen har fel (se nedan)."])
    relative = [s for s in image_settings(config) if is_relative_image_path(s.value)]
    if not relative:
        return Pinned(lines=["Inga relativa bildsökvägar att fästa."])
    pinned = {s.path: pinned_image_path(s.value, root) for s in relative}
    missing = [(s, pinned[s.path]) for s in relative if not image_file(s.value, root).is_file()]
    if missing:
        where = f"--images {root}" if root is not None else f"arbetskatalogen {_cwd()}"
        return Pinned(
            missing=missing,
            lines=[
                f"Inga bildsökvägar fästes: {len(missing)} av {len(relative)} relativa sökvägar "
                f"pekar inte på någon fil från {where} (se nedan). Kör från rätt katalog eller "
                "ange --images KATALOG."
            ],
        )
    media = config.media
    if LOGO_PATH in pinned:
        branding = media.branding.model_copy(update={"logo": pinned[LOGO_PATH]})
        media = media.model_copy(update={"branding": branding})
    profiles = [
        p.model_copy(update={"photo": pinned[path]})
        if (path := ("practitioners", "profiles", i, "photo")) in pinned
        else p
        for i, p in enumerate(config.practitioners.profiles)
    ]
    practitioners = config.practitioners.model_copy(update={"profiles": profiles})
    photos = sum(1 for s in relative if s.photo)
    what = ["Logotyp"] if LOGO_PATH in pinned else []
    if photos:
        what.append(f"{photos} profilbild" + ("er" if photos != 1 else ""))
    summary = "Bildsökvägar fästa som absoluta: " + " och ".join(what)
    try:
        if photos and LOGO_PATH in pinned:  # both sections, one revision
            new = config.model_copy(update={"media": media, "practitioners": practitioners})
            revision = store.save_config(new, summary=summary, expected=config)
        elif photos:
            revision = store.save_section(
                "practitioners", practitioners, summary=summary, expected=config.practitioners
            )
        else:
            revision = store.save_section("media", media, summary=summary, expected=config.media)
    except ConfigInvalid:
        return Pinned(lines=["Inga bildsökvägar fästes: konfigurationen har fel (se nedan)."])
    except SectionChanged as exc:  # saved in the app meanwhile: that work is not undone
        return Pinned(lines=[f"Inga bildsökvägar fästes: {exc}. Kör kommandot igen."])
    lines = [f"fäst: {s.label}: {s.value} → {pinned[s.path]}" for s in relative]
    lines.append(f"Sparat som revision {revision.id}: {summary}.")
    return Pinned(revision, lines=lines)


# --- the command -----------------------------------------------------------------------------


def run(args: argparse.Namespace) -> int:
    from opus_tui.domain.problems import lenient_config, validate_config
    from opus_tui.services.checks import all_problems

    images_arg: str | None = getattr(args, "images", None)
    pin: bool = getattr(args, "pin", False)
    with_files = images_arg is not None or pin
    root = Path(images_arg) if images_arg else None
    with open_store(args) as store:
        pinned = pin_relative_paths(store, root) if pin else None
        data = store.load_config_data()  # after --pin: what it saved is checked
    config, problems = validate_config(data)  # as services.checks.problems_of_data
    if config is not None:
        problems = all_problems(config)
    if config is not None and with_files:
        # the logo's content check (content_checks) is replaced by the fuller one below
        problems = [p for p in problems if not (p.path == LOGO_PATH and p.is_error)]
    elif config is None:
        try:
            config = lenient_config(data)
        except Exception:  # too broken to find its image paths; the errors say why
            config = None
    try:
        settings = image_settings(config) if config is not None else []
    except (AttributeError, TypeError):  # a lenient config with lists of the wrong kind
        settings = []
    if with_files:
        problems += image_file_problems(settings, root)
    else:
        problems += relative_path_problems(settings)
    if pinned is not None:
        for line in pinned.lines:
            print(line)
    errors, warnings = print_problems(problems)
    if pinned is not None:
        reported = {p.path for p in problems if p.is_error}
        for setting, absolute in pinned.missing:
            if setting.path not in reported:  # else already an error above
                message = f"fästs inte: filen {absolute} finns inte"
                print(f"fel: {Problem(setting.path, message, 'error', None, setting.label)}")
                errors += 1
    if with_files:
        n = len(settings)
        print(f"{n} bild{'er' if n != 1 else ''} kontrollerad{'e' if n != 1 else ''}.")
    counted = f"{warnings} varning" + ("ar" if warnings != 1 else "")
    if errors:
        print(f"{errors} fel, {counted}.")
        return 1
    print("Inga fel." if not warnings else f"Inga fel, {counted}.")
    return 0
