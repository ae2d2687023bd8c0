"""The store's repository: loads and saves domain objects; every config save is one transaction
that records one revision.

Usage::

    store = Store.open(store_url(args.store))     # creates/migrates; StoreError if it can't
    config = store.load_config()
    store.save_section("flexibility", new_flex)    # ConfigInvalid if the whole config has errors
    store.close()

Storage layout: one ``config_section`` row per section (JSON), a ``revision`` per save with the
whole configuration after it, ``connection_settings`` (JSON), ``secret`` (Fernet ciphertext),
the catalogue snapshot tables and the publish outbox (see ``tables.py``).
"""

from __future__ import annotations

import getpass
import json
import os
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, Table, delete, func, insert, update
from sqlalchemy import exc as sa_exc
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from opus_tui.domain.catalogue import (
    Catalogue,
    CatalogueClinic,
    CataloguePractitioner,
    CatalogueTreatment,
    OnlineTime,
    OnlineTimes,
)
from opus_tui.domain.config import SECTION_NAMES, Section, WebConfiguration, section_label
from opus_tui.domain.connections import ConnectionSettings
from opus_tui.domain.diff import diff, summarise
from opus_tui.domain.problems import validate_config
from opus_tui.store.crypto import SecretBox
from opus_tui.store.engine import (
    WRITE_OPTION,
    is_sqlite,
    make_engine,
    migrate,
    normalise_url,
    write_lock,
)
from opus_tui.store.errors import ConfigInvalid, StoreError
from opus_tui.store.location import default_store_path, describe, sqlite_path
from opus_tui.store.tables import (
    CatalogueClinicRow,
    CatalogueDatabaseRow,
    CataloguePractitionerRow,
    CatalogueTreatmentRow,
    ConfigSectionRow,
    ConnectionSettingsRow,
    OnlineTimeRow,
    OutboxRow,
    PublishStateRow,
    RevisionRow,
    SecretRow,
)

ALL_SECTIONS = "*"
INSERT_CHUNK = 5000


def utcnow() -> datetime:
    """Naive UTC, as everything in the store."""
    return datetime.now(UTC).replace(tzinfo=None)


def os_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name (containers, services)
        return os.environ.get("USERNAME") or os.environ.get("USER") or "okänd"


@dataclass(frozen=True)
class Revision:
    id: int
    created_at: datetime  # naive UTC
    os_user: str
    section: str  # a section name, or "*" for the whole configuration
    summary: str

    @property
    def section_label(self) -> str:
        return "Alla" if self.section == ALL_SECTIONS else section_label(self.section)


@dataclass(frozen=True)
class Publication:
    """A row of the publish outbox."""

    id: int
    created_at: datetime
    idempotency_key: str
    base_etag: str | None
    payload: dict[str, Any]
    status: str  # pending / applied / conflict / failed (retried) / rejected (final)
    attempts: int
    last_error: str | None
    portal_body: str | None
    applied_at: datetime | None


@dataclass(frozen=True)
class PublishState:
    etag: str | None
    config_json: str
    published_at: datetime

    @property
    def config(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.config_json)
        return data


def _config_json(config: WebConfiguration) -> str:
    return config.model_dump_json()


def _section_json(value: Section) -> str:
    return value.model_dump_json()


def _friendly(exc: BaseException, url: str) -> StoreError:
    """A Swedish message for a failure to open or use the store (never the password)."""
    where = describe(url)
    text = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0] if str(exc) else ""
    lowered = text.lower()
    if "not a database" in lowered or "malformed" in lowered:
        return StoreError(f"butiken {where} är ingen SQLite-databas (eller är skadad)")
    if "readonly" in lowered or "read-only" in lowered:
        return StoreError(f"butiken {where} är skrivskyddad")
    if is_sqlite(url):
        return StoreError(f"kan inte öppna butiken {where}: {text}")
    # Drop anything that could echo the connection string.
    safe = describe(url)
    password = _password_of(url)
    if password:
        text = text.replace(password, "***")
    return StoreError(f"kan inte ansluta till butiken {safe}: {text}")


def _password_of(url: str) -> str | None:
    try:
        from sqlalchemy.engine import make_url

        return make_url(normalise_url(url)).password
    except Exception:
        return None


def _check_sqlite_file(url: str, create: bool) -> None:
    path = sqlite_path(url)
    if path is None:
        return
    where = str(path)
    if path.is_dir():
        raise StoreError(f"butiken {where} är en katalog, inte en fil")
    if not path.parent.is_dir():
        raise StoreError(f"katalogen för butiken finns inte: {path.parent}")
    if not path.exists():
        if not create:
            raise StoreError(
                f"butiken {where} finns inte. Skapa den med 'opus-tui import FIL.toml' "
                "eller 'opus-tui demo', eller ange en annan med --store"
            )
        return
    if not os.access(path, os.R_OK):
        raise StoreError(f"butiken {where} kan inte läsas (behörighet saknas)")
    try:
        with path.open("rb") as f:
            head = f.read(16)
    except OSError as exc:
        raise StoreError(f"butiken {where} kan inte läsas: {exc.strerror}") from None
    if head and head != b"SQLite format 3\x00":
        raise StoreError(f"butiken {where} är ingen SQLite-databas")


class Store:
    """The local store at ``url`` (SQLite file or PostgreSQL); see the module docstring."""

    def __init__(self, url: str, engine: Engine, secrets: SecretBox | None = None) -> None:
        self.url = url
        self.engine = engine
        self._secrets = secrets or SecretBox()

    # --- opening ------------------------------------------------------------------------------

    @classmethod
    def open(cls, url: str, *, create: bool = True, create_parent: bool = False) -> Store:
        """Open (creating and migrating as needed) the store at ``url``.

        ``create=False`` refuses a SQLite file that does not exist yet; ``create_parent=True``
        creates a missing directory (the default location). Raises ``StoreError`` (Swedish,
        password-free) for a missing directory, an unreadable file, a file that is not a
        database and an unreachable PostgreSQL server.
        """
        url = normalise_url(url)
        path = sqlite_path(url)
        if path is not None and path == default_store_path():
            create_parent = True  # the default location is ours to create
        if path is not None and create_parent and not path.parent.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
        _check_sqlite_file(url, create)
        try:
            migrate(url)
            engine = make_engine(url)
            with engine.connect():
                pass
        except (sa_exc.SQLAlchemyError, sqlite3.Error, OSError) as exc:
            raise _friendly(exc, url) from None
        return cls(url, engine)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    @contextmanager
    def _session(self, *, write: bool = False) -> Iterator[Session]:
        """One transaction: committed on success, rolled back on error. ``write=True`` takes
        the store's write lock first (config saves: read, check, write, all or nothing)."""
        bind = self.engine.execution_options(**{WRITE_OPTION: True}) if write else self.engine
        try:
            with Session(bind, expire_on_commit=False) as session, session.begin():
                if write:
                    write_lock(session.connection())
                yield session
        except (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.DatabaseError) as exc:
            raise _friendly(exc, self.url) from None

    # --- web configuration --------------------------------------------------------------------

    def load_config_data(self) -> dict[str, Any]:
        """The stored sections as raw JSON data (unvalidated; ``opus-tui check`` uses it)."""
        with self._session() as session:
            rows = session.exec(select(ConfigSectionRow)).all()
            try:
                return {
                    row.section: json.loads(row.data)
                    for row in rows
                    if row.section in SECTION_NAMES
                }
            except ValueError:
                raise StoreError(
                    f"butiken {describe(self.url)} innehåller en skadad konfiguration"
                ) from None

    def load_config(self) -> WebConfiguration:
        """The stored configuration; defaults for sections never saved.

        Raises ``ConfigInvalid`` if the stored data breaks the rules (e.g. a store written by a
        newer version, or edited by hand).
        """
        data = self.load_config_data()
        config, problems = validate_config(data)
        if config is None:
            raise ConfigInvalid(problems, "den sparade konfigurationen har fel")
        return config

    def _current(self, session: Session) -> WebConfiguration:
        rows = session.exec(select(ConfigSectionRow)).all()
        try:
            data = {r.section: json.loads(r.data) for r in rows if r.section in SECTION_NAMES}
        except ValueError:
            raise StoreError(
                f"butiken {describe(self.url)} innehåller en skadad konfiguration"
            ) from None
        config, problems = validate_config(data)
        if config is None:
            raise ConfigInvalid(problems, "den sparade konfigurationen har fel")
        return config

    def _write(
        self,
        session: Session,
        config: WebConfiguration,
        sections: tuple[str, ...],
        section: str,
        summary: str,
    ) -> Revision:
        now = utcnow()
        revision = RevisionRow(
            created_at=now,
            os_user=os_user(),
            section=section,
            summary=summary,
            snapshot=_config_json(config),
        )
        session.add(revision)
        session.flush()
        assert revision.id is not None
        for name in sections:
            data = _section_json(getattr(config, name))
            row = session.get(ConfigSectionRow, name)
            if row is None:
                session.add(
                    ConfigSectionRow(
                        section=name, data=data, updated_at=now, revision_id=revision.id
                    )
                )
            else:
                row.data, row.updated_at, row.revision_id = data, now, revision.id
                session.add(row)
        return Revision(revision.id, now, revision.os_user, section, summary)

    def save_section(self, section: str, value: Section, *, summary: str | None = None) -> Revision:
        """Save one section in one transaction with one revision.

        Refuses with ``ConfigInvalid`` (nothing written) when the whole configuration would have
        errors. ``summary`` defaults to a short description of the changes (``domain.diff``).
        """
        if section not in SECTION_NAMES:
            raise ValueError(f"unknown section {section!r}")
        with self._session(write=True) as session:
            current = self._current(session)
            data = current.model_dump(mode="json")
            data[section] = value.model_dump(mode="json")
            config, problems = validate_config(data)
            if config is None:
                raise ConfigInvalid(problems, f"{section_label(section)} sparades inte")
            if summary is None:
                summary = summarise(
                    diff(getattr(current, section), getattr(config, section), (section,))
                )
                if summary == "inga ändringar":
                    summary = f"{section_label(section)}: inga ändringar"
            return self._write(session, config, (section,), section, summary)

    def save_config(self, config: WebConfiguration, *, summary: str) -> Revision:
        """Save every section in one transaction with one revision (import, restore)."""
        _, problems = validate_config(config.model_dump(mode="json"))
        if any(p.is_error for p in problems):
            raise ConfigInvalid(problems, "konfigurationen sparades inte")
        with self._session(write=True) as session:
            return self._write(session, config, SECTION_NAMES, ALL_SECTIONS, summary)

    def history(self, limit: int | None = None) -> list[Revision]:
        """Revisions, newest first."""
        with self._session() as session:
            query = select(RevisionRow).order_by(col(RevisionRow.id).desc())
            if limit is not None:
                query = query.limit(limit)
            return [
                Revision(r.id, r.created_at, r.os_user, r.section, r.summary)  # type: ignore[arg-type]
                for r in session.exec(query).all()
            ]

    def revision_config(self, revision_id: int) -> WebConfiguration:
        """The whole configuration as it was right after that revision."""
        with self._session() as session:
            row = session.get(RevisionRow, revision_id)
            if row is None:
                raise StoreError(f"revision {revision_id} finns inte")
            return WebConfiguration.model_validate_json(row.snapshot)

    def restore(self, revision_id: int) -> Revision:
        """Make that revision's configuration current again (recorded as a new revision)."""
        config = self.revision_config(revision_id)
        return self.save_config(config, summary=f"Återställd till revision {revision_id}")

    # --- Konfiguration ------------------------------------------------------------------------

    def load_connections(self) -> ConnectionSettings:
        with self._session() as session:
            row = session.get(ConnectionSettingsRow, 1)
            if row is None:
                return ConnectionSettings()
            return ConnectionSettings.model_validate_json(row.data)

    def save_connections(self, settings: ConnectionSettings) -> None:
        data = settings.model_dump_json()
        with self._session(write=True) as session:
            row = session.get(ConnectionSettingsRow, 1)
            if row is None:
                row = ConnectionSettingsRow(id=1, data=data, updated_at=utcnow())
            else:
                row.data, row.updated_at = data, utcnow()
            session.add(row)

    def set_secret(self, name: str, value: str | None) -> None:
        """Store ``value`` encrypted under ``name``; None (or "") deletes it."""
        with self._session(write=True) as session:
            row = session.get(SecretRow, name)
            if not value:
                if row is not None:
                    session.delete(row)
                return
            token = self._secrets.encrypt(value)
            if row is None:
                row = SecretRow(name=name, ciphertext=token, updated_at=utcnow())
            else:
                row.ciphertext, row.updated_at = token, utcnow()
            session.add(row)

    def get_secret(self, name: str) -> str | None:
        """The secret, or None when missing or not decryptable with this machine's key."""
        with self._session() as session:
            row = session.get(SecretRow, name)
            return None if row is None else self._secrets.decrypt(row.ciphertext)

    def has_secret(self, name: str) -> bool:
        return self.get_secret(name) is not None

    # --- catalogue snapshot -------------------------------------------------------------------

    def save_catalogue(self, catalogue: Catalogue) -> None:
        """Replace the snapshot of each database in ``catalogue`` (others are kept), with its
        ``fetched_at`` (now, if the catalogue has none)."""
        databases = list(
            dict.fromkeys(
                [
                    *catalogue.databases,
                    *(c.database for c in catalogue.clinics),
                    *(p.database for p in catalogue.practitioners),
                    *(t.database for t in catalogue.treatments),
                ]
            )
        )
        if not databases:
            return
        fetched_at = catalogue.fetched_at or utcnow()
        if fetched_at.tzinfo is not None:
            fetched_at = fetched_at.astimezone(UTC).replace(tzinfo=None)
        wanted = set(databases)
        with self._session(write=True) as session:
            for table in (OnlineTimeRow, CatalogueTreatmentRow, CataloguePractitionerRow):
                session.execute(delete(table).where(col(table.database).in_(wanted)))
            session.execute(
                delete(CatalogueClinicRow).where(col(CatalogueClinicRow.database).in_(wanted))
            )
            session.execute(
                delete(CatalogueDatabaseRow).where(col(CatalogueDatabaseRow.database).in_(wanted))
            )
            start = session.exec(select(func.max(CatalogueDatabaseRow.position))).one()
            position = (start or 0) + 1
            session.execute(
                insert(CatalogueDatabaseRow),
                [
                    {"database": d, "position": position + i, "fetched_at": fetched_at}
                    for i, d in enumerate(databases)
                ],
            )
            _bulk(
                session,
                CatalogueClinicRow,
                (
                    {
                        "database": c.database,
                        "clinic_id": c.clinic_id,
                        "name": c.name,
                        "address": c.address,
                        "postcode": c.postcode,
                        "city": c.city,
                        "phone": c.phone,
                        "email": c.email,
                    }
                    for c in catalogue.clinics
                ),
            )
            _bulk(
                session,
                CataloguePractitionerRow,
                (
                    {
                        "database": p.database,
                        "practitioner_id": p.practitioner_id,
                        "clinic_id": p.clinic_id,
                        "first_name": p.first_name,
                        "last_name": p.last_name,
                        "title": p.title,
                        "active": p.active,
                    }
                    for p in catalogue.practitioners
                ),
            )
            _bulk(
                session,
                CatalogueTreatmentRow,
                (
                    {
                        "database": t.database,
                        "treatment_id": t.treatment_id,
                        "name": t.name,
                        "description": t.description,
                        "duration_minutes": t.duration_minutes,
                        "create_in_web": t.create_in_web,
                        "change_in_web": t.change_in_web,
                        "cancel_in_web": t.cancel_in_web,
                    }
                    for t in catalogue.treatments
                ),
            )
            _bulk_times(session, catalogue.times)

    def catalogue_fetched_at(self) -> dict[str, datetime | None]:
        """When each database's snapshot was fetched."""
        with self._session() as session:
            rows = session.exec(
                select(CatalogueDatabaseRow).order_by(col(CatalogueDatabaseRow.position))
            ).all()
            return {r.database: r.fetched_at for r in rows}

    def load_catalogue(self, *, with_times: bool = True) -> Catalogue | None:
        """The snapshot (``source="snapshot"``), or None when none was saved. ``fetched_at`` is
        the oldest of the databases' fetch times."""
        with self._session() as session:
            conn = session.connection()
            dbs = conn.execute(
                _columns(CatalogueDatabaseRow, "database", "fetched_at").order_by(
                    col(CatalogueDatabaseRow.position)
                )
            ).all()
            if not dbs:
                return None
            clinics = tuple(
                CatalogueClinic(*row)
                for row in conn.execute(
                    _columns(
                        CatalogueClinicRow,
                        "database",
                        "clinic_id",
                        "name",
                        "address",
                        "postcode",
                        "city",
                        "phone",
                        "email",
                    ).order_by(col(CatalogueClinicRow.id))
                )
            )
            practitioners = tuple(
                CataloguePractitioner(row[0], row[1], row[2], row[3], row[4], row[5], bool(row[6]))
                for row in conn.execute(
                    _columns(
                        CataloguePractitionerRow,
                        "database",
                        "practitioner_id",
                        "clinic_id",
                        "first_name",
                        "last_name",
                        "title",
                        "active",
                    ).order_by(col(CataloguePractitionerRow.id))
                )
            )
            treatments = tuple(
                CatalogueTreatment(
                    row[0], row[1], row[2], row[3], row[4], bool(row[5]), bool(row[6]), bool(row[7])
                )
                for row in conn.execute(
                    _columns(
                        CatalogueTreatmentRow,
                        "database",
                        "treatment_id",
                        "name",
                        "description",
                        "duration_minutes",
                        "create_in_web",
                        "change_in_web",
                        "cancel_in_web",
                    ).order_by(col(CatalogueTreatmentRow.id))
                )
            )
            times: OnlineTimes = OnlineTimes()
            if with_times:
                # Repeated ids and instants are shared: a row then costs ~80 bytes, not ~370
                # (180k times: 15 MB instead of 67 MB; issue 8).
                times = OnlineTimes.from_rows(
                    tuple(row)
                    for row in conn.execute(
                        _columns(
                            OnlineTimeRow,
                            "database",
                            "practitioner_id",
                            "clinic_id",
                            "start_at",
                            "end_at",
                            "treatment_id",
                        ).order_by(col(OnlineTimeRow.id))
                    )
                )
            stamps = [d[1] for d in dbs if d[1] is not None]
            return Catalogue(
                source="snapshot",
                fetched_at=min(stamps) if stamps else None,
                databases=tuple(d[0] for d in dbs),
                clinics=clinics,
                practitioners=practitioners,
                treatments=treatments,
                times=times,
            )

    # --- publish outbox (issue 7) -------------------------------------------------------------

    def enqueue_publication(
        self, payload: Mapping[str, Any], base_etag: str | None, idempotency_key: str
    ) -> int:
        """Queue a publication; the same ``idempotency_key`` again returns the existing id."""
        with self._session(write=True) as session:
            existing = session.exec(
                select(OutboxRow).where(OutboxRow.idempotency_key == idempotency_key)
            ).first()
            if existing is not None:
                assert existing.id is not None
                return existing.id
            row = OutboxRow(
                created_at=utcnow(),
                idempotency_key=idempotency_key,
                base_etag=base_etag,
                payload=json.dumps(payload, ensure_ascii=False, sort_keys=True),
                status="pending",
            )
            session.add(row)
            session.flush()
            assert row.id is not None
            return row.id

    def pending_publications(self) -> list[Publication]:
        """Publications still to send (status ``pending`` or ``failed``), oldest first."""
        return self.publications(statuses=("pending", "failed"))

    def publications(self, statuses: tuple[str, ...] | None = None) -> list[Publication]:
        with self._session() as session:
            query = select(OutboxRow).order_by(col(OutboxRow.id))
            if statuses is not None:
                query = query.where(col(OutboxRow.status).in_(statuses))
            return [_publication(r) for r in session.exec(query).all()]

    def mark_applied(self, publication_id: int, etag: str | None, config_json: str) -> None:
        """The portal accepted it: mark it applied and remember what is now published."""
        now = utcnow()
        with self._session(write=True) as session:
            session.execute(
                update(OutboxRow)
                .where(col(OutboxRow.id) == publication_id)
                .values(status="applied", applied_at=now, attempts=OutboxRow.attempts + 1)
            )
            state = session.get(PublishStateRow, 1)
            if state is None:
                state = PublishStateRow(id=1, etag=etag, config_json=config_json, published_at=now)
            else:
                state.etag, state.config_json, state.published_at = etag, config_json, now
            session.add(state)

    def mark_conflict(self, publication_id: int, portal_body: str) -> None:
        """The portal's configuration changed since ``base_etag``: keep its answer."""
        with self._session(write=True) as session:
            session.execute(
                update(OutboxRow)
                .where(col(OutboxRow.id) == publication_id)
                .values(status="conflict", portal_body=portal_body, attempts=OutboxRow.attempts + 1)
            )

    def mark_failed(self, publication_id: int, error: str) -> None:
        """Sending failed (still to be retried: see ``pending_publications``)."""
        with self._session(write=True) as session:
            session.execute(
                update(OutboxRow)
                .where(col(OutboxRow.id) == publication_id)
                .values(status="failed", last_error=error, attempts=OutboxRow.attempts + 1)
            )

    def mark_rejected(self, publication_id: int, error: str) -> None:
        """The portal refused it for good (credentials, invalid value): not retried."""
        with self._session(write=True) as session:
            session.execute(
                update(OutboxRow)
                .where(col(OutboxRow.id) == publication_id)
                .values(status="rejected", last_error=error, attempts=OutboxRow.attempts + 1)
            )

    def publish_state(self) -> PublishState | None:
        with self._session() as session:
            row = session.get(PublishStateRow, 1)
            if row is None:
                return None
            return PublishState(row.etag, row.config_json, row.published_at)


def _publication(row: OutboxRow) -> Publication:
    assert row.id is not None
    return Publication(
        id=row.id,
        created_at=row.created_at,
        idempotency_key=row.idempotency_key,
        base_etag=row.base_etag,
        payload=json.loads(row.payload),
        status=row.status,
        attempts=row.attempts,
        last_error=row.last_error,
        portal_body=row.portal_body,
        applied_at=row.applied_at,
    )


def _columns(table: Any, *names: str) -> Any:
    """A Core SELECT of some columns of a table class (rows as plain tuples)."""
    t: Table = table.__table__
    return sa_select(*(t.c[n] for n in names))


_TIME_COLUMNS = ("database", "practitioner_id", "clinic_id", "start_at", "end_at", "treatment_id")


def _sqlite_datetime(value: datetime) -> str:
    # SQLAlchemy's storage format for DATETIME on SQLite (what it parses back).
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.isoformat(" ", "microseconds")


def _bulk_times(session: Session, times: Iterable[OnlineTime]) -> None:
    """The online times straight through the driver's executemany: the bulk of a snapshot
    (200k rows) without SQLAlchemy's per-value processing."""
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        # COPY on the session's own connection (same transaction): the fastest bulk path.
        columns = ", ".join(_TIME_COLUMNS)
        cursor = conn.connection.cursor()
        try:
            with cursor.copy(f"COPY online_time ({columns}) FROM STDIN") as copy:
                for t in times:
                    copy.write_row(
                        (
                            t.database,
                            t.practitioner_id,
                            t.clinic_id,
                            _naive_utc(t.start),
                            _naive_utc(t.end),
                            t.treatment_id,
                        )
                    )
        finally:
            cursor.close()
        return
    sqlite = conn.dialect.name == "sqlite"
    mark = "?" if sqlite else "%s"
    sql = (
        f"INSERT INTO online_time ({', '.join(_TIME_COLUMNS)}) "
        f"VALUES ({', '.join([mark] * len(_TIME_COLUMNS))})"
    )
    convert = _sqlite_datetime if sqlite else _naive_utc
    chunk: list[tuple[Any, ...]] = []
    for t in times:
        chunk.append(
            (
                t.database,
                t.practitioner_id,
                t.clinic_id,
                convert(t.start),
                convert(t.end),
                t.treatment_id,
            )
        )
        if len(chunk) >= INSERT_CHUNK:
            conn.exec_driver_sql(sql, chunk)
            chunk = []
    if chunk:
        conn.exec_driver_sql(sql, chunk)


def _naive_utc(value: datetime) -> datetime:
    return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo is not None else value


def _bulk(session: Session, table: Any, rows: Iterable[dict[str, Any]]) -> None:
    """Insert rows in chunks with Core executemany (no ORM bookkeeping)."""
    conn = session.connection()
    statement = table.__table__.insert()
    chunk: list[dict[str, Any]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= INSERT_CHUNK:
            conn.execute(statement, chunk)
            chunk = []
    if chunk:
        conn.execute(statement, chunk)


def open_store(given: str | None = None, *, create: bool = True) -> Store:
    """Open the store named by ``--store`` (or $OPUS_TUI_STORE, or the default location).

    A store named with ``--store`` must exist unless ``create``; the configured one
    ($OPUS_TUI_STORE or the default) is created on first use, as the app does (the default
    location's directory too)."""
    from opus_tui.store.location import STORE_ENV, store_url

    configured = not given
    default = configured and not os.environ.get(STORE_ENV)
    return Store.open(store_url(given), create=create or configured, create_parent=default)


__all__ = [
    "ALL_SECTIONS",
    "ConfigInvalid",
    "Publication",
    "PublishState",
    "Revision",
    "Store",
    "StoreError",
    "open_store",
]
