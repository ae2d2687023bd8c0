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
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from opus_tui.store.location import sqlite_path

if TYPE_CHECKING:
    from opus_tui.domain.catalogue import Catalogue
    from opus_tui.domain.config import WebConfiguration

Row = tuple[Any, ...]
_CLINICS = (
    "SELECT database, clinic_id, name, address, postcode, city, phone, email "
    "FROM catalogue_clinic ORDER BY id"
)
_PRACTITIONERS = (
    "SELECT database, practitioner_id, clinic_id, first_name, last_name, title, "
    "active FROM catalogue_practitioner ORDER BY id"
)
_TREATMENTS = (
    "SELECT database, treatment_id, name, description, duration_minutes, "
    "create_in_web, change_in_web, cancel_in_web FROM catalogue_treatment ORDER BY id"
)


@dataclass(frozen=True, slots=True)
class PlainStore:
    """What the first frame needs, as stdlib values: the stored sections' JSON data and the
    catalogue snapshot's rows without online times (``databases`` is empty without a snapshot)."""

    sections: dict[str, Any]
    databases: tuple[tuple[str, str | None], ...]  # (database, fetched_at ISO)
    clinics: tuple[Row, ...]  # catalogue_clinic columns, see _CLINICS
    practitioners: tuple[Row, ...]
    treatments: tuple[Row, ...]

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
            rows = conn.execute("SELECT section, data FROM config_section").fetchall()
            sections = {s: json.loads(d) for s, d in rows}
            try:
                dbs = conn.execute(
                    "SELECT database, fetched_at FROM catalogue_database ORDER BY position"
                ).fetchall()
            except sqlite3.Error:
                dbs = []
            if not dbs:
                return PlainStore(sections, (), (), (), ())
            return PlainStore(
                sections,
                tuple((d, f) for d, f in dbs),
                tuple(conn.execute(_CLINICS)),
                tuple(conn.execute(_PRACTITIONERS)),
                tuple(conn.execute(_TREATMENTS)),
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


def catalogue_from_plain(plain: PlainStore) -> Catalogue | None:
    """The snapshot without online times as a ``Catalogue``, or None without a snapshot."""
    from opus_tui.domain.catalogue import (
        Catalogue,
        CatalogueClinic,
        CataloguePractitioner,
        CatalogueTreatment,
    )

    if not plain.databases:
        return None
    return Catalogue(
        source="snapshot",
        fetched_at=plain.fetched_at,
        databases=tuple(d for d, _ in plain.databases),
        clinics=tuple(CatalogueClinic(*r) for r in plain.clinics),
        practitioners=tuple(
            CataloguePractitioner(r[0], r[1], r[2], r[3], r[4], r[5], bool(r[6]))
            for r in plain.practitioners
        ),
        treatments=tuple(
            CatalogueTreatment(r[0], r[1], r[2], r[3], r[4], bool(r[5]), bool(r[6]), bool(r[7]))
            for r in plain.treatments
        ),
    )


def read_config_fast(url: str) -> WebConfiguration | None:
    """The stored web configuration (defaults for unsaved sections), or None (see module doc)."""
    plain = read_plain(url)
    return None if plain is None else config_from_plain(plain)


def read_catalogue_fast(url: str, *, with_times: bool = True) -> Catalogue | None:
    """The catalogue snapshot (``source="snapshot"``), or None (see module doc)."""
    from opus_tui.domain.catalogue import (
        Catalogue,
        CatalogueClinic,
        CataloguePractitioner,
        CatalogueTreatment,
        OnlineTimes,
    )

    with _readonly(url) as conn:
        if conn is None:
            return None
        try:
            dbs = conn.execute(
                "SELECT database, fetched_at FROM catalogue_database ORDER BY position"
            ).fetchall()
            if not dbs:
                return None
            clinics = tuple(CatalogueClinic(*r) for r in conn.execute(_CLINICS))
            practitioners = tuple(
                CataloguePractitioner(r[0], r[1], r[2], r[3], r[4], r[5], bool(r[6]))
                for r in conn.execute(_PRACTITIONERS)
            )
            treatments = tuple(
                CatalogueTreatment(r[0], r[1], r[2], r[3], r[4], bool(r[5]), bool(r[6]), bool(r[7]))
                for r in conn.execute(_TREATMENTS)
            )
            times = OnlineTimes()
            if with_times:
                # Streamed in batches: never a list of all rows (peak memory, issue 8).
                parse = datetime.fromisoformat
                cursor = conn.execute(
                    "SELECT database, practitioner_id, clinic_id, start_at, end_at, "
                    "treatment_id FROM online_time ORDER BY id"
                )
                while batch := cursor.fetchmany(5000):
                    times.extend_rows(
                        (db, p, c, parse(s), parse(e), t) for db, p, c, s, e, t in batch
                    )
            stamps = [d for _, f in dbs if (d := _dt(f)) is not None]
        except (sqlite3.Error, ValueError):
            return None
    return Catalogue(
        source="snapshot",
        fetched_at=min(stamps) if stamps else None,
        databases=tuple(d for d, _ in dbs),
        clinics=clinics,
        practitioners=practitioners,
        treatments=treatments,
        times=times,
    )
