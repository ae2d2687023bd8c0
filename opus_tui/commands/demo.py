"""``opus-tui demo [--dir DIR] [--portal-url URL] [--no-open] [--reset]``: a demo store with the
manual's clinics, the demo Opus databases (SQLite, read through the SQLite3 ODBC driver) and a
catalogue snapshot, then the app on it.

Re-running keeps an existing demo store (only missing demo databases are written again);
``--reset`` starts afresh. The store is ``DIR/store.db`` unless ``--store`` names another.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from opus_tui.domain.config import (
    ClinicsSettings,
    ClinicText,
    ClinicTexts,
    Consent,
    EmailSettings,
    FlexibilitySettings,
    GeneralSettings,
    GeneralTexts,
    MediaSettings,
    PractitionerProfile,
    PractitionerSettings,
    PublishedClinic,
    PublishedPractitioner,
    SubdomainSettings,
    WebConfiguration,
)
from opus_tui.domain.connections import ConnectionSettings, DatabaseProfile
from opus_tui.local_time import local
from opus_tui.store.location import APP_NAME

if TYPE_CHECKING:
    from opus_tui.domain.catalogue import Catalogue
    from opus_tui.store.repository import Store

DEMO_SUBDOMAIN = "tandmottagningen"
WELCOME_TEXT = (
    "Välkommen!\n"
    "Här kan ni boka, omboka och avboka era tider. Vi har kliniker både i Lund och Stockholm."
)
# Clinic → (group, published practitioners by name), as on the manual's Kliniker tab.
DEMO_CLINICS: dict[str, tuple[str, tuple[str, ...]]] = {
    "OpusTandläkarna": ("LUND", ("Olle Ohlsson", "Lena Svensson", "Eva Eriksson")),
    "City Praktiken": ("STOCKHOLM", ("Arne Andersson", "Lars Kniv", "Sven Tandställning")),
    "Utbildningsenheten": ("LUND", ("Göran Persson",)),
}
# (practitioner, clinic) → (Profilbild, Behandlars titel), the manual's Hantera Samtycke table
# (its row "Arne Andersson, OpusTandläkarna" is left out: he is not added there on Kliniker).
DEMO_CONSENTS: dict[tuple[str, str], tuple[bool, bool]] = {
    ("Olle Ohlsson", "OpusTandläkarna"): (True, False),
    ("Lena Svensson", "OpusTandläkarna"): (True, True),
    ("Arne Andersson", "City Praktiken"): (True, True),
    ("Göran Persson", "Utbildningsenheten"): (True, True),
}
DEMO_TEXTS: dict[str, str] = {
    "Olle Ohlsson": "Tandläkare sedan 1998. Särskilt intresse för bettfysiologi och implantat.",
    "Lena Svensson": "Tandhygienist. Hjälper dig med tandsten, fluor och goda vanor.",
    "Arne Andersson": "Allmäntandläkare på City Praktiken och OpusTandläkarna.",
}


def default_demo_dir() -> Path:
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False) / "demo"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--dir",
        type=Path,
        default=None,
        metavar="KATALOG",
        help="katalog för demobutiken och demodatabaserna (standard: användarens datakatalog/demo)",
    )
    parser.add_argument(
        "--portal-url",
        metavar="URL",
        default=None,
        help="portalens adress under Mitt konto, t.ex. portalemulatorn http://127.0.0.1:8765 "
        "(demots API-nyckel sparas då också)",
    )
    parser.add_argument("--no-open", action="store_true", help="öppna inte appen efteråt")
    parser.add_argument(
        "--reset", action="store_true", help="skapa demobutiken på nytt (ändringar försvinner)"
    )


def demo_configuration(catalogue: Catalogue) -> WebConfiguration:
    """The demo web configuration, built from the demo catalogue's identifiers."""
    published: list[PublishedClinic] = []
    clinic_ids: dict[str, tuple[str, str]] = {}  # clinic name -> (database, clinic id)
    person_ids: dict[tuple[str, str], str] = {}  # (database, name) -> practitioner id
    for p in catalogue.practitioners:
        person_ids.setdefault((p.database, p.name), p.practitioner_id)
    for name, (group, people) in DEMO_CLINICS.items():
        clinic = next(c for c in catalogue.clinics if c.name == name)
        clinic_ids[name] = (clinic.database, clinic.clinic_id)
        by_name = {p.name: p for p in catalogue.practitioners_of(clinic.database, clinic.clinic_id)}
        published.append(
            PublishedClinic(
                database=clinic.database,
                clinic_id=clinic.clinic_id,
                name=clinic.name,
                group=group,
                practitioners=[
                    PublishedPractitioner(
                        practitioner_id=by_name[person].practitioner_id,
                        name=person,
                        title=by_name[person].title,
                    )
                    for person in people
                ],
            )
        )
    consents = [
        Consent(
            database=clinic_ids[clinic][0],
            practitioner_id=person_ids[(clinic_ids[clinic][0], person)],
            clinic_id=clinic_ids[clinic][1],
            photo=photo,
            title=title,
        )
        for (person, clinic), (photo, title) in DEMO_CONSENTS.items()
    ]
    database = published[0].database
    profiles = [
        PractitionerProfile(
            database=database, practitioner_id=person_ids[(database, person)], text=text
        )
        for person, text in DEMO_TEXTS.items()
    ]
    city = clinic_ids["City Praktiken"]
    return WebConfiguration(
        subdomain=SubdomainSettings(name=DEMO_SUBDOMAIN),
        clinics=ClinicsSettings(published=published),
        practitioners=PractitionerSettings(profiles=profiles, consents=consents),
        flexibility=FlexibilitySettings(general=GeneralSettings(any_clinic=True)),
        media=MediaSettings(
            texts=GeneralTexts(welcome_text=WELCOME_TEXT),
            clinic_texts=ClinicTexts(
                header="Välj behandling",
                body="Hittar du inte rätt behandling? Ring oss så hjälper vi dig.",
                per_clinic=[
                    ClinicText(
                        database=city[0],
                        clinic_id=city[1],
                        header="City Praktiken",
                        body="Mitt i city, nära tunnelbanan. Vi har även öppet vissa lördagar.",
                    )
                ],
            ),
        ),
        email=EmailSettings(sender='"OpusTandläkarna" <bokning@opustandlakarna.se>'),
    )


def _remove_sqlite(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def create_demo(
    directory: Path,
    store: str | None = None,
    *,
    reset: bool = False,
    portal_url: str | None = None,
    now: datetime | None = None,
) -> str:
    """Create (or keep) the demo store and databases; returns the store URL.

    ``portal_url`` (e.g. the portal emulator) goes into Mitt konto with the emulator's demo
    API key, also for an existing demo store. The demo databases and the catalogue snapshot
    are made again when they are from an earlier day (their free times start on the day they
    were made); the configuration and the connection settings are kept."""
    from opus_tui.services.demo import create_demo_databases, demo_catalogue
    from opus_tui.store.location import sqlite_path, store_url
    from opus_tui.store.repository import Store

    directory = directory.expanduser().resolve()
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        from opus_tui.errors import UserError

        raise UserError(f"kan inte skapa katalogen {directory}: {exc.strerror}") from None
    url = store_url(store or str(directory / "store.db"))
    path = sqlite_path(url)
    if reset and path is not None:
        _remove_sqlite(path)

    now = now or datetime.now()
    today = now.date()
    with Store.open(url) as s:
        fresh = reset or not s.history()
        if fresh or not _databases_present(s) or _made_before(s, today):
            connections = create_demo_databases(directory, today)
            databases = [DatabaseProfile(name=name, connection_string=c) for name, c in connections]
            s.save_connections(s.load_connections().model_copy(update={"databases": databases}))
            catalogue = demo_catalogue(today, now.astimezone(UTC).replace(tzinfo=None))
            s.save_catalogue(catalogue)
            if fresh:
                s.save_config(demo_configuration(catalogue), summary="Demokonfiguration skapad")
        if portal_url:
            _use_portal(s, portal_url)
    return url


def _made_before(store: Store, today: date) -> bool:
    catalogue = store.load_catalogue(with_times=False)
    if catalogue is None or catalogue.fetched_at is None:
        return True
    return local(catalogue.fetched_at).date() < today


def _use_portal(store: Store, url: str) -> None:
    from pydantic import ValidationError

    from opus_tui.domain.connections import API_KEY_SECRET, PortalAccount
    from opus_tui.errors import UserError
    from opus_tui.services.portal_emulator import DEFAULT_API_KEY

    try:
        account = PortalAccount(url=url)
    except ValidationError:
        raise UserError(
            f"--portal-url: {url!r} är ingen adress (börjar med http:// eller https://)"
        ) from None
    settings = store.load_connections()
    store.save_connections(settings.model_copy(update={"account": account}))
    if not store.has_secret(API_KEY_SECRET):
        store.set_secret(API_KEY_SECRET, DEFAULT_API_KEY)


def _databases_present(store: object) -> bool:
    """Are the demo databases of the store's profiles still on disk?"""
    load = getattr(store, "load_connections", None)
    if load is None:
        return False
    settings: ConnectionSettings = load()
    if not settings.databases:
        return False
    for profile in settings.databases:
        _, _, rest = profile.connection_string.partition("Database=")
        if not rest or not Path(rest.split(";", 1)[0]).exists():
            return False
    return True


def reopen_command(program: str, on_path: str | None, cwd: Path) -> str:
    """How to start this opus-tui again from the same directory: ``opus-tui`` when that name
    finds this program, else its path (``.venv/bin/opus-tui`` after ``make demo``, whose venv
    is not on PATH), else ``python -m opus_tui`` with this interpreter."""
    import shlex

    def shown(path: Path) -> str:
        absolute = Path(cwd, path).absolute()
        try:
            relative = absolute.relative_to(cwd)
        except ValueError:
            return shlex.quote(str(absolute))
        # a bare name would be looked up on PATH
        return shlex.quote(str(relative) if relative.parent != Path() else f"./{relative}")

    running = Path(program)
    if running.stem != "opus-tui":  # python -m opus_tui (Windows: opus-tui.exe is a script)
        return f"{shown(Path(sys.executable))} -m opus_tui"
    if on_path is not None and Path(on_path).resolve() == Path(cwd, running).resolve():
        return "opus-tui"
    return shown(running)


def run(args: argparse.Namespace) -> int:
    directory = args.dir or default_demo_dir()
    url = create_demo(
        directory, getattr(args, "store", None), reset=args.reset, portal_url=args.portal_url
    )
    import shlex
    import shutil

    from opus_tui.store.location import describe

    command = reopen_command(sys.argv[0], shutil.which("opus-tui"), Path.cwd())
    print(f"Demobutiken: {describe(url)}", file=sys.stderr)
    print(f"Öppna den igen med: {command} --store {shlex.quote(describe(url))}", file=sys.stderr)
    if args.no_open:
        return 0
    from opus_tui.app import run_app

    return run_app(url)
