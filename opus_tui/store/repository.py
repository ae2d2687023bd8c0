"""The store's repository: loads and saves domain objects; every config save is one transaction
that records one revision.

Usage::

    store = Store.open(store_url(args.store))     # creates/migrates; StoreError if it can't
    config = store.load_config()
    store.save_section("flexibility", new_flex)    # ConfigInvalid if the whole config has errors
    store.close()

Storage layout: one ``config_section`` row per section (JSON), a ``revision`` per save with the
whole configuration after it (compressed: ``encode_snapshot``), ``connection_settings`` (JSON),
``secret`` (Fernet ciphertext), the catalogue snapshot tables and the publish outbox (see
``tables.py``; payloads no longer needed are dropped when a publication is applied).

The repository speaks plain DB-API (``dbapi``: stdlib sqlite3 or psycopg 3) with the names in
``schema``; SQLModel and Alembic are imported only to create or migrate a store.
"""

from __future__ import annotations

import base64
import binascii
import getpass
import json
import os
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any, Literal

from opus_tui.domain.catalogue import (
    Catalogue,
    OnlineTimes,
)
from opus_tui.domain.config import SECTION_NAMES, Section, WebConfiguration, section_label
from opus_tui.domain.connections import ConnectionSettings
from opus_tui.domain.diff import diff, summarise
from opus_tui.domain.problems import Problem, lenient_config, validate_config
from opus_tui.local_time import local_text
from opus_tui.store import schema
from opus_tui.store.crypto import SecretBox
from opus_tui.store.dbapi import (
    HEAD_REVISION,
    Database,
    Transaction,
    friendly_error,
    normalise_url,
    parse_datetime,
    sqlite_datetime,
)
from opus_tui.store.errors import ConfigInvalid, SectionChanged, StoreError
from opus_tui.store.location import default_store_path, describe, sqlite_path
from opus_tui.store.quick import StoreState, snapshot_catalogue, sqlite_times, store_state

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
    """A row of the publish outbox. ``payload`` is ``{}`` once dropped (``mark_applied``: a
    publication that can never be sent again, older than the newest applied one)."""

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


# --- SQL (names checked against tables.py by tests/unit/test_store_schema.py) ----------------

_SECTIONS = schema.select("config_section", "section", "data")
_SECTION_UPDATE = schema.update(
    "config_section", "data", "updated_at", "revision_id", where="section = ?"
)
_SECTION_INSERT = schema.insert("config_section", "section", "data", "updated_at", "revision_id")
_REVISION_INSERT = schema.insert(
    "revision", "created_at", "os_user", "section", "summary", "snapshot"
)
_HISTORY = schema.select(
    "revision", "id", "created_at", "os_user", "section", "summary", tail="ORDER BY id DESC"
)
_SNAPSHOT = schema.select("revision", "snapshot", tail="WHERE id = ?")
_SECTION_REVISION = schema.select(
    "revision",
    "os_user",
    "created_at",
    tail="WHERE id = (SELECT revision_id FROM config_section WHERE section = ?)",
)
_CONNECTIONS = schema.select("connection_settings", "data", tail="WHERE id = 1")
_CONNECTIONS_UPDATE = schema.update("connection_settings", "data", "updated_at", where="id = 1")
_CONNECTIONS_INSERT = schema.insert("connection_settings", "id", "data", "updated_at")
_SECRET = schema.select("secret", "ciphertext", tail="WHERE name = ?")
_SECRET_DELETE = "DELETE FROM secret WHERE name = ?"
_SECRET_UPDATE = schema.update("secret", "ciphertext", "updated_at", where="name = ?")
_SECRET_INSERT = schema.insert("secret", "name", "ciphertext", "updated_at")

_DATABASES = schema.select("catalogue_database", "database", "fetched_at", tail="ORDER BY position")
_MAX_POSITION = (
    f"SELECT MAX({schema.names('catalogue_database', 'position')}) FROM catalogue_database"
)
_DATABASE_INSERT = schema.insert("catalogue_database", "database", "position", "fetched_at")
_CLINIC_INSERT = schema.insert("catalogue_clinic", *schema.CLINIC_COLUMNS)
_PRACTITIONER_INSERT = schema.insert("catalogue_practitioner", *schema.PRACTITIONER_COLUMNS)
_TREATMENT_INSERT = schema.insert("catalogue_treatment", *schema.TREATMENT_COLUMNS)
_TIME_INSERT = schema.insert("online_time", *schema.TIME_COLUMNS)
# Children first (foreign keys), catalogue_database last.
_SNAPSHOT_TABLES = (
    "online_time", "catalogue_treatment", "catalogue_practitioner", "catalogue_clinic",
    "catalogue_database",
)  # fmt: skip

_OUTBOX_COLUMNS = schema.TABLES["outbox"]
_OUTBOX = schema.select("outbox")
_OUTBOX_BY_KEY = schema.select("outbox", "id", tail="WHERE idempotency_key = ?")
_OUTBOX_STATUSES = schema.select("outbox", "status", tail="ORDER BY id")
_OUTBOX_INSERT = schema.insert(
    "outbox", "created_at", "idempotency_key", "base_etag", "payload", "status", "attempts"
)
_PUBLISH_STATE = schema.select(
    "publish_state", "etag", "config_json", "published_at", tail="WHERE id = 1"
)
_PUBLISH_STATE_UPDATE = schema.update(
    "publish_state", "etag", "config_json", "published_at", where="id = 1"
)
_PUBLISH_STATE_INSERT = schema.insert("publish_state", "id", "etag", "config_json", "published_at")


def _mark(*columns: str) -> str:
    """An outbox status change: the given columns, one attempt more."""
    schema.names("outbox", *columns, "attempts")
    sets = ", ".join(f"{c} = ?" for c in columns)
    return f"UPDATE outbox SET {sets}, attempts = attempts + 1 WHERE id = ?"


_MARK_APPLIED = _mark("status", "applied_at")
_MARK_CONFLICT = _mark("status", "portal_body")
_MARK_FAILED = _mark("status", "last_error")

# Final statuses: such a publication is never sent again (only pending/failed are).
FINAL_STATUSES = ("applied", "conflict", "rejected")
DROPPED_PAYLOAD = "{}"  # payload is NOT NULL: what a dropped payload is stored as
schema.names("outbox", "payload", "portal_body", "status", "id")
# The payloads (and a conflict's copy of the portal's configuration) of final publications
# older than the newest applied one: nothing reads them again. Statuses, times, keys, errors stay.
_DROP_PAYLOADS = (
    "UPDATE outbox SET payload = ?, portal_body = NULL"
    " WHERE id < (SELECT MAX(id) FROM outbox WHERE status = 'applied')"
    f" AND status IN ({', '.join(repr(s) for s in FINAL_STATUSES)})"
    " AND (payload <> ? OR portal_body IS NOT NULL)"
)

# Revision snapshots: zlib (level 6) + base64 behind a prefix; a plain JSON snapshot (stores
# written before) starts with "{" and is read as it is. 300 clinics × 30 practitioners:
# 682 kB of JSON → 81 kB stored.
SNAPSHOT_PREFIX = "zlib:"
SNAPSHOT_LEVEL = 6


def encode_snapshot(config_json: str) -> str:
    """A revision's stored snapshot text (ASCII) for the configuration's JSON."""
    packed = zlib.compress(config_json.encode("utf-8"), SNAPSHOT_LEVEL)
    return SNAPSHOT_PREFIX + base64.b64encode(packed).decode("ascii")


def decode_snapshot(stored: str) -> str:
    """The configuration JSON of a stored snapshot (compressed or, from older stores, plain).
    Raises ``ValueError`` for a damaged one."""
    if not stored.startswith(SNAPSHOT_PREFIX):
        return stored
    try:
        packed = base64.b64decode(stored[len(SNAPSHOT_PREFIX) :], validate=True)
        return zlib.decompress(packed).decode("utf-8")
    except (binascii.Error, zlib.error, UnicodeDecodeError) as exc:
        raise ValueError(f"damaged snapshot: {exc}") from None


def _config_json(config: WebConfiguration) -> str:
    return config.model_dump_json()


def _section_json(value: Section) -> str:
    return value.model_dump_json()


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

    def __init__(self, url: str, database: Database, secrets: SecretBox | None = None) -> None:
        self.url = url
        self.database = database
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
        database = Database(url)
        errors: tuple[type[BaseException], ...] = (*database.errors, OSError)
        try:
            if database.stored_revision() != HEAD_REVISION:
                # New or older schema: only now SQLAlchemy and Alembic (on their own engine).
                database.close()
                from opus_tui.store.engine import migrate

                migrate(url)
            with database.transaction():
                pass
        except errors as exc:
            database.close()
            raise friendly_error(exc, url) from None
        except BaseException:
            database.close()
            raise
        return cls(url, database)

    def close(self) -> None:
        self.database.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    @contextmanager
    def _transaction(self, *, write: bool = False) -> Iterator[Transaction]:
        """One transaction: committed on success, rolled back on error. ``write=True`` takes
        the store's write lock first (config saves: read, check, write, all or nothing)."""
        with self.database.transaction(write=write) as tx:
            yield tx

    # --- web configuration --------------------------------------------------------------------

    def _sections(self, tx: Transaction) -> dict[str, Any]:
        try:
            return {s: json.loads(d) for s, d in tx.all(_SECTIONS) if s in SECTION_NAMES}
        except ValueError:
            raise StoreError(
                f"butiken {describe(self.url)} innehåller en skadad konfiguration"
            ) from None

    def load_config_data(self) -> dict[str, Any]:
        """The stored sections as raw JSON data (unvalidated; ``opus-tui check`` uses it)."""
        with self._transaction() as tx:
            return self._sections(tx)

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

    def load_config_as_stored(self) -> tuple[WebConfiguration, list[Problem]]:
        """The stored configuration even where it breaks a rule (``lenient_config``: what breaks
        one is kept as stored), and those errors (none: it is ``load_config()``'s)."""
        data = self.load_config_data()
        config, problems = validate_config(data)
        if config is not None:
            return config, []
        return lenient_config(data), problems

    def _write(
        self,
        tx: Transaction,
        config: WebConfiguration,
        sections: tuple[str, ...],
        section: str,
        summary: str,
    ) -> Revision:
        now = utcnow()
        user = os_user()
        stamp = tx.dt(now)
        snapshot = encode_snapshot(_config_json(config))
        revision_id = tx.insert_id(_REVISION_INSERT, (stamp, user, section, summary, snapshot))
        for name in sections:
            data = _section_json(getattr(config, name))
            if tx.execute(_SECTION_UPDATE, (data, stamp, revision_id, name)).rowcount == 0:
                tx.execute(_SECTION_INSERT, (name, data, stamp, revision_id))
        return Revision(revision_id, now, user, section, summary)

    def save_section(
        self,
        section: str,
        value: Section,
        *,
        summary: str | None = None,
        expected: Section | None = None,
    ) -> Revision:
        """Save one section in one transaction with one revision.

        Refuses with ``ConfigInvalid`` (nothing written) when the whole configuration would have
        errors, and with ``SectionChanged`` when ``expected`` (the value the editor started
        from) is no longer the stored one. ``summary`` defaults to a short description of the
        changes (``domain.diff``).
        """
        if section not in SECTION_NAMES:
            raise ValueError(f"unknown section {section!r}")
        with self._transaction(write=True) as tx:
            stored = self._sections(tx)
            current = lenient_config(stored)  # what was stored, even if it broke a rule
            if expected is not None and getattr(current, section) != _as_stored(section, expected):
                raise self._changed(tx, section, getattr(current, section))
            data = {**stored, section: value.model_dump(mode="json")}
            config, problems = validate_config(data)
            if config is None:
                raise ConfigInvalid(problems, f"{section_label(section)} sparades inte")
            if summary is None:
                summary = summarise(
                    diff(getattr(current, section), getattr(config, section), (section,))
                )
                if summary == "inga ändringar":
                    summary = f"{section_label(section)}: inga ändringar"
            return self._write(tx, config, (section,), section, summary)

    def _changed(self, tx: Transaction, section: str, stored: Section) -> SectionChanged:
        row = tx.one(_SECTION_REVISION, (section,))
        if row is None:  # the other session's revision is gone (cannot happen short of SQL)
            by, when = "okänd", "okänd tid"
        else:
            by, when = row[0], local_text(_datetime(row[1]))
        return SectionChanged(section, section_label(section), stored, by, when)

    def save_config(
        self, config: WebConfiguration, *, summary: str, expected: WebConfiguration | None = None
    ) -> Revision:
        """Save every section in one transaction with one revision (import, restore).
        ``expected``: refused (``SectionChanged``) unless the store still holds it."""
        _, problems = validate_config(config.model_dump(mode="json"))
        if any(p.is_error for p in problems):
            raise ConfigInvalid(problems, "konfigurationen sparades inte")
        with self._transaction(write=True) as tx:
            if expected is not None:
                current = lenient_config(self._sections(tx))
                for name in SECTION_NAMES:
                    if getattr(current, name) != _as_stored(name, getattr(expected, name)):
                        raise self._changed(tx, name, getattr(current, name))
            return self._write(tx, config, SECTION_NAMES, ALL_SECTIONS, summary)

    def history(self, limit: int | None = None) -> list[Revision]:
        """Revisions, newest first."""
        with self._transaction() as tx:
            limited = _HISTORY if limit is None else f"{_HISTORY} LIMIT {int(limit)}"
            rows = tx.all(limited)
        return [Revision(r[0], _datetime(r[1]), r[2], r[3], r[4]) for r in rows]

    def revision_config(self, revision_id: int) -> WebConfiguration:
        """The whole configuration as it was right after that revision."""
        with self._transaction() as tx:
            snapshot = tx.scalar(_SNAPSHOT, (revision_id,))
        if snapshot is None:
            raise StoreError(f"revision {revision_id} finns inte")
        try:
            text = decode_snapshot(snapshot)
        except ValueError:
            raise StoreError(f"revision {revision_id} är skadad i butiken") from None
        return WebConfiguration.model_validate_json(text)

    def restore(self, revision_id: int) -> Revision:
        """Make that revision's configuration current again (recorded as a new revision)."""
        config = self.revision_config(revision_id)
        return self.save_config(config, summary=f"Återställd till revision {revision_id}")

    # --- Konfiguration ------------------------------------------------------------------------

    def load_connections(self) -> ConnectionSettings:
        with self._transaction() as tx:
            data = tx.scalar(_CONNECTIONS)
        if data is None:
            return ConnectionSettings()
        return ConnectionSettings.model_validate_json(data)

    def save_connections(
        self,
        settings: ConnectionSettings,
        *,
        delete: Iterable[str] = (),
        move: Mapping[str, str] | None = None,
        put: Mapping[str, str | None] | None = None,
    ) -> None:
        """The connection settings and their secrets in one transaction, in this order: the
        secrets named in ``delete`` are removed, those in ``move`` (old name → new name) keep
        their value under the new name, and ``put`` sets (or, with None or "", removes) them."""
        data = settings.model_dump_json()
        tokens = {n: self._secrets.encrypt(v) if v else None for n, v in (put or {}).items()}
        with self._transaction(write=True) as tx:
            stamp = tx.dt(utcnow())
            if tx.execute(_CONNECTIONS_UPDATE, (data, stamp)).rowcount == 0:
                tx.execute(_CONNECTIONS_INSERT, (1, data, stamp))
            for name in delete:
                tx.execute(_SECRET_DELETE, (name,))
            for old, new in (move or {}).items():
                token = tx.scalar(_SECRET, (old,))
                tx.execute(_SECRET_DELETE, (old,))
                _put_secret(tx, new, token, stamp)
            for name, token in tokens.items():
                _put_secret(tx, name, token, stamp)

    def set_secret(self, name: str, value: str | None) -> None:
        """Store ``value`` encrypted under ``name``; None (or "") deletes it."""
        token = self._secrets.encrypt(value) if value else None
        with self._transaction(write=True) as tx:
            _put_secret(tx, name, token, tx.dt(utcnow()))

    def _ciphertext(self, name: str) -> str | None:
        with self._transaction() as tx:
            token: str | None = tx.scalar(_SECRET, (name,))
        return token

    def get_secret(self, name: str) -> str | None:
        """The secret, or None when missing or not decryptable with this machine's key."""
        token = self._ciphertext(name)
        return None if token is None else self._secrets.decrypt(token)

    def has_secret(self, name: str) -> bool:
        """Whether ``get_secret`` would give a value (checked without decrypting)."""
        token = self._ciphertext(name)
        return token is not None and self._secrets.can_decrypt(token)

    def secret_state(self, name: str) -> Literal["none", "readable", "unreadable"]:
        """ "unreadable": a value is stored that this machine's key cannot decrypt (saved on
        another machine sharing the store, or before the key file was lost)."""
        token = self._ciphertext(name)
        if token is None:
            return "none"
        return "readable" if self._secrets.can_decrypt(token) else "unreadable"

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
        marks = ", ".join(["?"] * len(databases))
        with self._transaction(write=True) as tx:
            for table in _SNAPSHOT_TABLES:
                tx.execute(f"DELETE FROM {table} WHERE database IN ({marks})", databases)
            position = (tx.scalar(_MAX_POSITION) or 0) + 1
            stamp = tx.dt(fetched_at)
            tx.executemany(
                _DATABASE_INSERT, [(d, position + i, stamp) for i, d in enumerate(databases)]
            )
            _insert_chunked(
                tx,
                _CLINIC_INSERT,
                (
                    (c.database, c.clinic_id, c.name, c.address, c.postcode, c.city, c.phone,
                     c.email)
                    for c in catalogue.clinics
                ),
            )  # fmt: skip
            _insert_chunked(
                tx,
                _PRACTITIONER_INSERT,
                (
                    (p.database, p.practitioner_id, p.clinic_id, p.first_name, p.last_name,
                     p.title, p.active)
                    for p in catalogue.practitioners
                ),
            )  # fmt: skip
            _insert_chunked(
                tx,
                _TREATMENT_INSERT,
                (
                    (t.database, t.treatment_id, t.name, t.description, t.duration_minutes,
                     t.create_in_web, t.change_in_web, t.cancel_in_web)
                    for t in catalogue.treatments
                ),
            )  # fmt: skip
            _save_times(tx, catalogue.times)

    def catalogue_fetched_at(self) -> dict[str, datetime | None]:
        """When each database's snapshot was fetched."""
        with self._transaction() as tx:
            rows = tx.all(_DATABASES)
        return {d: parse_datetime(f) for d, f in rows}

    def state(self) -> StoreState:
        """A cheap token of what the store holds: equal tokens, no configuration or catalogue
        save (and no migration) in between. ``quick.read_plain`` gives it too (``.state``)."""
        with self._transaction() as tx:
            return store_state(tx.all)

    def load_times(self) -> OnlineTimes:
        """Only the snapshot's online times (empty without a snapshot), e.g. for a catalogue
        read without them (``quick.catalogue_from_plain``, ``load_catalogue(with_times=False)``)."""
        with self._transaction() as tx:
            return _load_times(tx)

    def load_catalogue(self, *, with_times: bool = True) -> Catalogue | None:
        """The snapshot (``source="snapshot"``), or None when none was saved. ``fetched_at`` is
        the oldest of the databases' fetch times."""
        with self._transaction() as tx:
            dbs = tx.all(_DATABASES)
            if not dbs:
                return None
            return snapshot_catalogue(
                [(d, parse_datetime(f)) for d, f in dbs],
                tx.all(schema.SELECT_CLINICS),
                tx.all(schema.SELECT_PRACTITIONERS),
                tx.all(schema.SELECT_TREATMENTS),
                _load_times(tx) if with_times else None,
            )

    # --- publish outbox (issue 7) -------------------------------------------------------------

    def enqueue_publication(
        self, payload: Mapping[str, Any], base_etag: str | None, idempotency_key: str
    ) -> int:
        """Queue a publication; the same ``idempotency_key`` again returns the existing id."""
        body = json.dumps(payload, ensure_ascii=False, sort_keys=True)
        with self._transaction(write=True) as tx:
            existing = tx.scalar(_OUTBOX_BY_KEY, (idempotency_key,))
            if existing is not None:
                return int(existing)
            return tx.insert_id(
                _OUTBOX_INSERT,
                (tx.dt(utcnow()), idempotency_key, base_etag, body, "pending", 0),
            )

    def pending_publications(self) -> list[Publication]:
        """Publications still to send (status ``pending`` or ``failed``), oldest first."""
        return self.publications(statuses=("pending", "failed"))

    def publication_statuses(self) -> list[str]:
        """Every publication's status, oldest first, without the payloads (a 300-clinic
        configuration is 3 MB of JSON a publication, kept until ``mark_applied`` drops it)."""
        with self._transaction() as tx:
            return [status for (status,) in tx.all(_OUTBOX_STATUSES)]

    def publications(self, statuses: tuple[str, ...] | None = None) -> list[Publication]:
        with self._transaction() as tx:
            if statuses is None:
                rows = tx.all(f"{_OUTBOX} ORDER BY id")
            elif not statuses:
                rows = []
            else:
                marks = ", ".join(["?"] * len(statuses))
                rows = tx.all(f"{_OUTBOX} WHERE status IN ({marks}) ORDER BY id", statuses)
        return [_publication(r) for r in rows]

    def mark_applied(self, publication_id: int, etag: str | None, config_json: str) -> None:
        """The portal accepted it: mark it applied and remember what is now published. In the
        same transaction, drop the payloads of the final publications older than the newest
        applied one (see ``_DROP_PAYLOADS``): pending and failed ones keep theirs."""
        with self._transaction(write=True) as tx:
            stamp = tx.dt(utcnow())
            tx.execute(_MARK_APPLIED, ("applied", stamp, publication_id))
            tx.execute(_DROP_PAYLOADS, (DROPPED_PAYLOAD, DROPPED_PAYLOAD))
            state = (etag, config_json, stamp)
            if tx.execute(_PUBLISH_STATE_UPDATE, state).rowcount == 0:
                tx.execute(_PUBLISH_STATE_INSERT, (1, *state))

    def mark_conflict(self, publication_id: int, portal_body: str) -> None:
        """The portal's configuration changed since ``base_etag``: keep its answer."""
        with self._transaction(write=True) as tx:
            tx.execute(_MARK_CONFLICT, ("conflict", portal_body, publication_id))

    def mark_failed(self, publication_id: int, error: str) -> None:
        """Sending failed (still to be retried: see ``pending_publications``)."""
        with self._transaction(write=True) as tx:
            tx.execute(_MARK_FAILED, ("failed", error, publication_id))

    def mark_rejected(self, publication_id: int, error: str) -> None:
        """The portal refused it for good (credentials, invalid value): not retried."""
        with self._transaction(write=True) as tx:
            tx.execute(_MARK_FAILED, ("rejected", error, publication_id))

    def publish_state(self) -> PublishState | None:
        with self._transaction() as tx:
            row = tx.one(_PUBLISH_STATE)
        if row is None:
            return None
        return PublishState(row[0], row[1], _datetime(row[2]))


def _as_stored(section: str, value: Section) -> Section:
    """``value`` as reading it back from the store gives it (the validators' normalising
    applied: a draft built with ``model_copy`` skipped them)."""
    section_value: Section = getattr(
        lenient_config({section: value.model_dump(mode="json")}), section
    )
    return section_value


def _datetime(value: Any) -> datetime:
    parsed = parse_datetime(value)
    assert parsed is not None  # a NOT NULL column
    return parsed


def _publication(row: Sequence[Any]) -> Publication:
    r = dict(zip(_OUTBOX_COLUMNS, row, strict=True))
    return Publication(
        id=r["id"],
        created_at=_datetime(r["created_at"]),
        idempotency_key=r["idempotency_key"],
        base_etag=r["base_etag"],
        payload=json.loads(r["payload"] or DROPPED_PAYLOAD),
        status=r["status"],
        attempts=r["attempts"],
        last_error=r["last_error"],
        portal_body=r["portal_body"],
        applied_at=parse_datetime(r["applied_at"]),
    )


def _insert_chunked(tx: Transaction, sql: str, rows: Iterable[Sequence[Any]]) -> None:
    """executemany in chunks: a bounded list of rows at a time."""
    chunk: list[Sequence[Any]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= INSERT_CHUNK:
            tx.executemany(sql, chunk)
            chunk = []
    if chunk:
        tx.executemany(sql, chunk)


def _save_times(tx: Transaction, times: OnlineTimes) -> None:
    """The online times (the bulk of a snapshot): COPY on PostgreSQL, executemany in chunks on
    SQLite with the datetimes as SQLAlchemy stored them."""
    if not tx.sqlite:
        tx.copy_rows("online_time", schema.TIME_COLUMNS, times.rows())
        return
    # Many times share their instants: convert each once.
    text = lru_cache(maxsize=8192)(sqlite_datetime)
    _insert_chunked(
        tx,
        _TIME_INSERT,
        ((db, p, c, text(s), text(e), t) for db, p, c, s, e, t in times.rows()),
    )


def _load_times(tx: Transaction) -> OnlineTimes:
    """The online times streamed in batches into ``OnlineTimes`` (never a list of all rows)."""
    sql = schema.SELECT_TIMES
    times = OnlineTimes()
    if not tx.sqlite:
        for batch in tx.stream(sql):
            times.extend_rows(batch)
        return times
    return sqlite_times(tx.stream(sql))


def _put_secret(tx: Transaction, name: str, token: str | None, stamp: Any) -> None:
    if token is None:
        tx.execute(_SECRET_DELETE, (name,))
    elif tx.execute(_SECRET_UPDATE, (token, stamp, name)).rowcount == 0:
        tx.execute(_SECRET_INSERT, (name, token, stamp))


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
    "decode_snapshot",
    "encode_snapshot",
    "open_store",
]
