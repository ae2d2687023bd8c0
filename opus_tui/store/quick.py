"""Fast reads of a SQLite store with stdlib sqlite3 only (read-only), for the first screen.

They return None for a non-SQLite URL, a missing file, missing tables or unusable data; the caller
then falls back to ``opus_tui.store.repository.Store`` (which gives the user a proper error).

``read_plain`` returns plain tuples and JSON data only: importing this module and calling it
does not import pydantic or the domain (the first frame is drawn from it, issue 8).
``config_from_plain``/``catalogue_from_plain`` turn that into domain objects afterwards.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from opus_tui.store import schema
from opus_tui.store.location import sqlite_path

if TYPE_CHECKING:
    from opus_tui.domain.catalogue import Catalogue, OnlineTimes
    from opus_tui.domain.config import WebConfiguration

Row = tuple[Any, ...]
_CLINICS = schema.SELECT_CLINICS
_PRACTITIONERS = schema.SELECT_PRACTITIONERS
_TREATMENTS = schema.SELECT_TREATMENTS

# What a store's state token is made of: the schema revision (a migration changes it), the
# newest revision and the sections (every config save writes both), the snapshot's databases
# (a catalogue save gives its databases a new position and fetch time) and its tables' newest
# ids. Cheap: index look-ups only, no COUNT (8 ms for 180 000 online times, before the first frame).
_STATE_QUERIES: tuple[str, ...] = (
    "SELECT version_num FROM alembic_version",
    f"SELECT MAX({schema.names('revision', 'id')}) FROM revision",
    f"SELECT COUNT(*), MAX({schema.names('config_section', 'updated_at')}), "
    f"MAX({schema.names('config_section', 'revision_id')}) FROM config_section",
    schema.select(
        "catalogue_database", "database", "position", "fetched_at", tail="ORDER BY position"
    ),
    *(
        f"SELECT MAX({schema.names(table, 'id')}) FROM {table}"
        for table in ("catalogue_clinic", "catalogue_practitioner", "catalogue_treatment",
                      "online_time")
    ),
)  # fmt: skip

StoreState = tuple[tuple[Row, ...], ...]


def store_state(fetch: Callable[[str], Sequence[Row]]) -> StoreState:
    """The store's state token, read with ``fetch`` (SQL → rows: ``Transaction.all`` or a
    sqlite3 connection's). Equal tokens: no configuration or catalogue save and no migration
    happened in between (except the same databases' catalogue saved again with the same
    fetch time and as many rows)."""
    return tuple(tuple(tuple(row) for row in fetch(sql)) for sql in _STATE_QUERIES)


def sqlite_times(batches: Iterable[Sequence[Row]]) -> OnlineTimes:
    """Online-time rows as SQLite stores them (instants as text), batch by batch, into
    ``OnlineTimes``: never a list of all rows (peak memory, issue 8)."""
    from opus_tui.domain.catalogue import OnlineTimes

    parse = datetime.fromisoformat  # faster than a cache of the repeated instants
    times = OnlineTimes()
    for batch in batches:
        times.extend_rows((db, p, c, parse(s), parse(e), t) for db, p, c, s, e, t in batch)
    return times


@dataclass(frozen=True, slots=True)
class PlainStore:
    """What the first frame needs, as stdlib values: the stored sections' JSON data and the
    catalogue snapshot's rows without online times (``databases`` is empty without a snapshot).
    ``state``: the store's state token when they were read (``Store.state()`` gives it again),
    None if it could not be read."""

    sections: dict[str, Any]
    databases: tuple[tuple[str, str | None], ...]  # (database, fetched_at ISO)
    clinics: tuple[Row, ...]  # catalogue_clinic columns, see _CLINICS
    practitioners: tuple[Row, ...]
    treatments: tuple[Row, ...]
    state: StoreState | None = None

    @property
    def fetched_at(self) -> datetime | None:
        stamps = [d for _, f in self.databases if (d := _dt(f)) is not None]
        return min(stamps) if stamps else None


@contextmanager
def _readonly(url: str) -> Iterator[sqlite3.Connection | None]:
    path = sqlite_path(url)
    if path is None or not path.is_file():
        yield None
        return
    try:
        conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True, timeout=5)
    except sqlite3.Error:
        yield None
        return
    try:
        yield conn
    finally:
        conn.close()


def _dt(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def read_plain(url: str) -> PlainStore | None:
    """The stored sections and the catalogue without times as plain data, or None (see module
    doc). Stdlib only."""
    with _readonly(url) as conn:
        if conn is None:
            return None
        try:
            conn.execute("BEGIN")  # one snapshot of the store for all that follows
            # The token first: a save after it can only make it look older than the rows.
            try:
                state: StoreState | None = store_state(lambda sql: conn.execute(sql).fetchall())
            except sqlite3.Error:
                state = None
            rows = conn.execute("SELECT section, data FROM config_section").fetchall()
            sections = {s: json.loads(d) for s, d in rows}
            try:
                dbs = conn.execute(
                    "SELECT database, fetched_at FROM catalogue_database ORDER BY position"
                ).fetchall()
            except sqlite3.Error:
                dbs = []
            if not dbs:
                return PlainStore(sections, (), (), (), (), state)
            return PlainStore(
                sections,
                tuple((d, f) for d, f in dbs),
                tuple(conn.execute(_CLINICS)),
                tuple(conn.execute(_PRACTITIONERS)),
                tuple(conn.execute(_TREATMENTS)),
                state,
            )
        except (sqlite3.Error, ValueError):
            return None


def config_from_plain(plain: PlainStore) -> WebConfiguration | None:
    """Validate the plain sections into the web configuration, or None if unusable."""
    from pydantic import ValidationError

    from opus_tui.domain.config import SECTION_NAMES, WebConfiguration

    data = {s: d for s, d in plain.sections.items() if s in SECTION_NAMES}
    try:
        return WebConfiguration.model_validate(data)
    except (ValidationError, ValueError):
        return None


def snapshot_catalogue(
    databases: Sequence[tuple[str, datetime | None]],
    clinics: Iterable[Row],
    practitioners: Iterable[Row],
    treatments: Iterable[Row],
    times: OnlineTimes | None = None,
) -> Catalogue:
    """The catalogue snapshot from its tables' rows (columns as ``_CLINICS``, ``_PRACTITIONERS``
    and ``_TREATMENTS`` select them; the repository selects the same) and fetch times."""
    from opus_tui.domain.catalogue import (
        Catalogue,
        CatalogueClinic,
        CataloguePractitioner,
        CatalogueTreatment,
        OnlineTimes,
    )

    stamps = [when for _, when in databases if when is not None]
    return Catalogue(
        source="snapshot",
        fetched_at=min(stamps) if stamps else None,
        databases=tuple(d for d, _ in databases),
        clinics=tuple(CatalogueClinic(*r) for r in clinics),
        practitioners=tuple(
            CataloguePractitioner(r[0], r[1], r[2], r[3], r[4], r[5], bool(r[6]))
            for r in practitioners
        ),
        treatments=tuple(
            CatalogueTreatment(r[0], r[1], r[2], r[3], r[4], bool(r[5]), bool(r[6]), bool(r[7]))
            for r in treatments
        ),
        times=OnlineTimes() if times is None else times,
    )


def catalogue_from_plain(plain: PlainStore) -> Catalogue | None:
    """The snapshot without online times as a ``Catalogue``, or None without a snapshot."""
    if not plain.databases:
        return None
    databases = [(d, _dt(f)) for d, f in plain.databases]
    return snapshot_catalogue(databases, plain.clinics, plain.practitioners, plain.treatments)


def read_config_fast(url: str) -> WebConfiguration | None:
    """The stored web configuration (defaults for unsaved sections), or None (see module doc)."""
    plain = read_plain(url)
    return None if plain is None else config_from_plain(plain)


def read_catalogue_fast(url: str, *, with_times: bool = True) -> Catalogue | None:
    """The catalogue snapshot (``source="snapshot"``), or None (see module doc)."""
    with _readonly(url) as conn:
        if conn is None:
            return None
        try:
            dbs = conn.execute(
                "SELECT database, fetched_at FROM catalogue_database ORDER BY position"
            ).fetchall()
            if not dbs:
                return None
            times = None
            if with_times:
                cursor = conn.execute(schema.SELECT_TIMES)
                times = sqlite_times(iter(lambda: cursor.fetchmany(5000), []))
            return snapshot_catalogue(
                [(d, _dt(f)) for d, f in dbs],
                conn.execute(_CLINICS),
                conn.execute(_PRACTITIONERS),
                conn.execute(_TREATMENTS),
                times,
            )
        except (sqlite3.Error, ValueError):
            return None
