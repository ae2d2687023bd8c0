"""Demo and synthetic Opus data.

* :func:`demo_catalogue` — the manual's world in memory (no ODBC): two databases, the clinics
  OpusTandläkarna, City Praktiken and Utbildningsenheten, their practitioners, treatments and
  free times for the next 8 weeks.
* :func:`create_demo_databases` — the same world written to two SQLite files with the default
  schema map; returns (profile name, ODBC connection string) pairs for the SQLite3 driver.
* :func:`generate_chain` — a large deterministic chain (N clinics × M practitioners × W weeks)
  for tests and benchmarks, written with :func:`write_chain_sqlite` / :func:`write_chain_odbc`
  (PostgreSQL via psqlODBC, multi-row INSERT) or held in memory by :func:`chain_catalogue`.

Times are naive UTC; the clinics' opening hours are Swedish local time (Europe/Stockholm).
Everything is deterministic: same arguments, same rows.
"""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from opus_tui.domain.catalogue import (
    Catalogue,
    CatalogueClinic,
    CataloguePractitioner,
    CatalogueTreatment,
    OnlineTimes,
    TimeRow,
)
from opus_tui.services import opus_sql
from opus_tui.services.schema_map import SchemaMap

if TYPE_CHECKING:
    from opus_tui.domain.config import ClinicsSettings

LOCAL_ZONE = ZoneInfo("Europe/Stockholm")
DEMO_WEEKS = 8

Row = tuple[Any, ...]


# -- the manual's world -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Treatment:
    id: int
    name: str
    description: str
    minutes: int
    create: bool = True
    change: bool = True
    cancel: bool = True


@dataclass(frozen=True)
class _Clinic:
    id: int
    name: str
    address: str
    postcode: str
    city: str
    phone: str
    email: str


@dataclass(frozen=True)
class _Practitioner:
    id: int
    first: str
    last: str
    title: str
    clinics: tuple[int, ...]
    active: bool = True


@dataclass(frozen=True)
class _Database:
    name: str
    file: str
    seed: int
    clinics: tuple[_Clinic, ...]
    practitioners: tuple[_Practitioner, ...]
    treatments: tuple[_Treatment, ...]
    weekend_clinics: tuple[int, ...] = ()


_TREATMENTS = (
    _Treatment(
        1,
        "Undersökning - E-tid",
        "Regelbunden undersökning hos tandläkare eller tandhygienist.",
        30,
    ),
    _Treatment(2, "Akutbesök", "Värk, skada eller lossnad fyllning.", 30, change=False),
    _Treatment(3, "Tandhygienistbesök", "Tandstensborttagning och rengöring.", 45),
    _Treatment(4, "Tandblekning - konsultation", "Rådgivning inför tandblekning.", 30),
    _Treatment(5, "Barn- och ungdomsundersökning", "Undersökning för barn 3–23 år.", 30),
    _Treatment(6, "Lagning", "Bokas av kliniken efter undersökning.", 60, create=False),
)

DEMO_DATABASES: tuple[_Database, ...] = (
    _Database(
        name="Opus Lund",
        file="opus-lund.db",
        seed=17,
        clinics=(
            _Clinic(
                1,
                "OpusTandläkarna",
                "Kyrkogatan 17",
                "222 22",
                "LUND",
                "046-190470",
                "info@opustandlakarna.se",
            ),
            _Clinic(
                2,
                "City Praktiken",
                "Drottninggatan 12",
                "111 51",
                "STOCKHOLM",
                "08-411 22 33",
                "reception@citypraktiken.se",
            ),
            _Clinic(
                3,
                "Utbildningsenheten",
                "Sölvegatan 2",
                "223 62",
                "LUND",
                "046-222 00 00",
                "utbildning@opustandlakarna.se",
            ),
        ),
        practitioners=(
            _Practitioner(1, "Olle", "Ohlsson", "Tandläkare", (1,)),
            _Practitioner(2, "Lena", "Svensson", "Tandhygienist", (1,)),
            _Practitioner(3, "Eva", "Eriksson", "Tandläkare", (1,)),
            _Practitioner(4, "Arne", "Andersson", "Tandläkare", (2, 1)),
            _Practitioner(5, "Lars", "Kniv", "Tandläkare", (2,)),
            _Practitioner(6, "Sven", "Tandställning", "Tandläkare", (2,)),
            _Practitioner(7, "Göran", "Persson", "Tandhygienist", (3, 1)),
        ),
        treatments=_TREATMENTS,
        weekend_clinics=(2,),
    ),
    _Database(
        name="Opus Malmö",
        file="opus-malmo.db",
        seed=40,
        clinics=(
            _Clinic(
                1,
                "Tandvården Möllan",
                "Möllevångstorget 5",
                "214 24",
                "MALMÖ",
                "040-12 34 50",
                "mollan@tandvarden.se",
            ),
            _Clinic(
                2,
                "Limhamns Tandklinik",
                "Linnégatan 40",
                "216 14",
                "LIMHAMN",
                "040-15 60 70",
                "limhamn@tandvarden.se",
            ),
        ),
        practitioners=(
            _Practitioner(1, "Maria", "Lind", "Tandläkare", (1,)),
            _Practitioner(2, "Johan", "Berg", "Tandläkare", (1, 2)),
            _Practitioner(3, "Sara", "Nilsson", "Tandhygienist", (2,)),
            _Practitioner(4, "Per", "Holm", "Tandläkare", (2,), active=False),
        ),
        treatments=_TREATMENTS[:3],
        weekend_clinics=(),
    ),
)

# Which treatments each title offers online.
_TITLE_TREATMENTS = {"Tandläkare": (1, 2, 4, 5), "Tandhygienist": (1, 3)}
_DAY_SLOTS = tuple(time(h, m) for h in range(8, 17) for m in (0, 30) if h != 12)


def _to_utc(day: date, at: time) -> datetime:
    local = datetime.combine(day, at, tzinfo=LOCAL_ZONE)
    return local.astimezone(UTC).replace(tzinfo=None)


def _db_times(db: _Database, today: date) -> list[tuple[int, int, datetime, datetime, int]]:
    """(practitioner, clinic, start, end, treatment) rows, sorted like the gateway's query."""
    rng = random.Random(f"{db.seed}:{today.isoformat()}")
    durations = {t.id: t.minutes for t in db.treatments}
    rows: list[tuple[int, int, datetime, datetime, int]] = []
    for p in db.practitioners:
        if not p.active:
            continue
        offered = [t for t in _TITLE_TREATMENTS[p.title] if durations.get(t)]
        offered = [t for t in offered if next(x for x in db.treatments if x.id == t).create]
        for n in range(DEMO_WEEKS * 7):
            day = today + timedelta(days=n)
            weekday = day.weekday()
            # Several clinics: the days of the week are shared out between them.
            clinic = p.clinics[weekday % len(p.clinics)]
            if weekday >= 5:
                if clinic not in db.weekend_clinics or rng.random() > 0.5:
                    continue
                slots = rng.sample(_DAY_SLOTS[:6], 2)
            else:
                slots = rng.sample(_DAY_SLOTS, rng.randint(1, 5))
            busy_until: datetime | None = None
            for at in sorted(slots):
                treatment = rng.choice(offered)
                start = _to_utc(day, at)
                if busy_until is not None and start < busy_until:
                    continue  # a longer treatment still runs
                end = start + timedelta(minutes=durations[treatment])
                rows.append((p.id, clinic, start, end, treatment))
                busy_until = end
    rows.sort(key=lambda r: (r[2], r[0]))
    return rows


def _db_catalogue_parts(
    db: _Database, today: date
) -> tuple[
    list[CatalogueClinic], list[CataloguePractitioner], list[CatalogueTreatment], Iterator[TimeRow]
]:
    clinics = [
        CatalogueClinic(db.name, str(c.id), c.name, c.address, c.postcode, c.city, c.phone, c.email)
        for c in db.clinics
    ]
    pairs = sorted((c, p.id) for p in db.practitioners for c in p.clinics)
    by_id = {p.id: p for p in db.practitioners}
    practitioners = [
        CataloguePractitioner(
            db.name,
            str(pid),
            str(cid),
            by_id[pid].first,
            by_id[pid].last,
            by_id[pid].title,
            by_id[pid].active,
        )
        for cid, pid in pairs
    ]
    treatments = [
        CatalogueTreatment(
            db.name, str(t.id), t.name, t.description, t.minutes, t.create, t.change, t.cancel
        )
        for t in db.treatments
    ]
    times = ((db.name, str(p), str(c), s, e, str(t)) for p, c, s, e, t in _db_times(db, today))
    return clinics, practitioners, treatments, times


def demo_catalogue(today: date, made_at: datetime | None = None) -> Catalogue:
    """The manual's world, in memory, with free times for 8 weeks from ``today``; "fetched"
    ``made_at`` (naive UTC, as the store keeps it; default: the start of ``today``), so that a
    new demo is not hours old."""
    clinics: list[CatalogueClinic] = []
    practitioners: list[CataloguePractitioner] = []
    treatments: list[CatalogueTreatment] = []
    times = OnlineTimes()
    for db in DEMO_DATABASES:
        c, p, t, o = _db_catalogue_parts(db, today)
        clinics += c
        practitioners += p
        treatments += t
        times.extend_rows(o)
    return Catalogue(
        source="demo",
        fetched_at=made_at or datetime.combine(today, time()).astimezone(UTC).replace(tzinfo=None),
        databases=tuple(db.name for db in DEMO_DATABASES),
        clinics=tuple(clinics),
        practitioners=tuple(practitioners),
        treatments=tuple(treatments),
        times=times,
    )


# -- writing databases --------------------------------------------------------------------------


def sqlite_connection_string(path: Path) -> str:
    """ODBC connection string for the SQLite3 driver (read by the gateway)."""
    return f"DRIVER={{SQLite3}};Database={Path(path).resolve()}"


def _sqlite_value(value: Any) -> Any:
    # The SQLite3 ODBC driver binds datetimes as 'YYYY-MM-DD HH:MM:SS.fff' text: store the same.
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S.") + f"{value.microsecond // 1000:03d}"
    if isinstance(value, bool):
        return int(value)
    return value


def _rows_for(schema: SchemaMap, section: str, rows: Sequence[dict[str, Any]]) -> list[Row]:
    fields = tuple(schema.tables()[section].columns)
    return [tuple(r.get(f) for f in fields) for r in rows]


def _write_sqlite(
    path: Path, schema: SchemaMap, data: Mapping[str, Iterator[Row] | list[Row]]
) -> None:
    if path.exists():
        path.unlink()
    conn = sqlite3.connect(path)
    try:
        for ddl in opus_sql.create_tables(schema):
            conn.execute(ddl)
        for section, rows in data.items():
            stmt = opus_sql.insert_rows(schema, section, 1)
            conn.executemany(stmt.sql, (tuple(_sqlite_value(v) for v in r) for r in rows))
        conn.commit()
    finally:
        conn.close()


def _demo_rows(db: _Database, today: date, schema: SchemaMap) -> dict[str, list[Row]]:
    clinics = [
        {
            "id": c.id,
            "name": c.name,
            "address": c.address,
            "postcode": c.postcode,
            "city": c.city,
            "phone": c.phone,
            "email": c.email,
        }
        for c in db.clinics
    ]
    practitioners = [
        {
            "id": p.id,
            "first_name": p.first,
            "last_name": p.last,
            "title": p.title,
            "active": p.active,
            "clinic_id": p.clinics[0],
        }
        for p in db.practitioners
    ]
    links = [{"practitioner_id": p.id, "clinic_id": c} for p in db.practitioners for c in p.clinics]
    treatments = [
        {
            "id": t.id,
            "name": t.name,
            "description": t.description,
            "duration_minutes": t.minutes,
            "create_in_web": t.create,
            "change_in_web": t.change,
            "cancel_in_web": t.cancel,
        }
        for t in db.treatments
    ]
    times = [
        {"practitioner_id": p, "clinic_id": c, "start": s, "end": e, "treatment_id": t}
        for p, c, s, e, t in _db_times(db, today)
    ]
    out = {
        "clinics": _rows_for(schema, "clinics", clinics),
        "practitioners": _rows_for(schema, "practitioners", practitioners),
        "treatments": _rows_for(schema, "treatments", treatments),
        "online_times": _rows_for(schema, "online_times", times),
    }
    if schema.practitioner_clinics is not None:
        out["practitioner_clinics"] = _rows_for(schema, "practitioner_clinics", links)
    return out


def create_demo_databases(directory: Path, today: date | None = None) -> list[tuple[str, str]]:
    """Write the demo world to SQLite files in ``directory`` (replacing them).

    Returns ``[(profile name, ODBC connection string), …]`` for the SQLite3 ODBC driver.
    """
    today = today or date.today()
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    schema = SchemaMap.default()
    out: list[tuple[str, str]] = []
    for db in DEMO_DATABASES:
        path = directory / db.file
        _write_sqlite(path, schema, _demo_rows(db, today, schema))
        out.append((db.name, sqlite_connection_string(path)))
    return out


# -- synthetic chains ---------------------------------------------------------------------------

_FIRST = [
    "Anna",
    "Maria",
    "Eva",
    "Karin",
    "Sara",
    "Emma",
    "Lena",
    "Kerstin",
    "Ingrid",
    "Elin",
    "Johan",
    "Erik",
    "Lars",
    "Anders",
    "Per",
    "Karl",
    "Nils",
    "Olle",
    "Mikael",
    "Jonas",
    "Fredrik",
    "Sofia",
    "Ida",
    "Hanna",
    "Linnea",
    "Oskar",
    "Hugo",
    "Axel",
    "Maja",
    "Alma",
]
_LAST = [
    "Andersson",
    "Johansson",
    "Karlsson",
    "Nilsson",
    "Eriksson",
    "Larsson",
    "Olsson",
    "Persson",
    "Svensson",
    "Gustafsson",
    "Pettersson",
    "Jonsson",
    "Jansson",
    "Hansson",
    "Bengtsson",
    "Lindberg",
    "Lindqvist",
    "Berg",
    "Lund",
    "Holm",
    "Ek",
    "Sjöberg",
]
_CITIES = [
    "STOCKHOLM",
    "GÖTEBORG",
    "MALMÖ",
    "UPPSALA",
    "LUND",
    "LINKÖPING",
    "ÖREBRO",
    "VÄSTERÅS",
    "UMEÅ",
    "GÄVLE",
    "JÖNKÖPING",
    "NORRKÖPING",
    "HELSINGBORG",
    "KARLSTAD",
    "SUNDSVALL",
]
CHAIN_START = date(2026, 1, 5)  # a Monday


@dataclass(frozen=True)
class Chain:
    """A synthetic chain's rows in the default schema map's logical order (see ``rows``)."""

    n_clinics: int
    n_practitioners: int
    weeks: int
    seed: int
    start: date = CHAIN_START
    times_per_day: int = 4

    @property
    def n_times(self) -> int:
        return self.n_clinics * self.n_practitioners * self.weeks * 5 * self.times_per_day

    def clinic_rows(self) -> list[dict[str, Any]]:
        rng = random.Random(self.seed)
        return [
            {
                "id": c,
                "name": f"Kedjetandvården {c:04d}",
                "address": f"Storgatan {rng.randint(1, 99)}",
                "postcode": f"{rng.randint(100, 999)} {rng.randint(10, 99)}",
                "city": rng.choice(_CITIES),
                "phone": f"0{rng.randint(10, 99)}-{rng.randint(100000, 999999)}",
                "email": f"klinik{c}@kedjan.se",
            }
            for c in range(1, self.n_clinics + 1)
        ]

    def practitioner_rows(self) -> list[dict[str, Any]]:
        rng = random.Random(self.seed + 1)
        out = []
        for c in range(1, self.n_clinics + 1):
            for k in range(self.n_practitioners):
                pid = (c - 1) * self.n_practitioners + k + 1
                out.append(
                    {
                        "id": pid,
                        "first_name": rng.choice(_FIRST),
                        "last_name": rng.choice(_LAST),
                        "title": "Tandhygienist" if k % 4 == 3 else "Tandläkare",
                        "active": rng.random() > 0.02,
                        "clinic_id": c,
                    }
                )
        return out

    def link_rows(self) -> list[dict[str, Any]]:
        return [
            {"practitioner_id": p["id"], "clinic_id": p["clinic_id"]}
            for p in self.practitioner_rows()
        ]

    def treatment_rows(self) -> list[dict[str, Any]]:
        return [
            {
                "id": t.id,
                "name": t.name,
                "description": t.description,
                "duration_minutes": t.minutes,
                "create_in_web": t.create,
                "change_in_web": t.change,
                "cancel_in_web": t.cancel,
            }
            for t in _TREATMENTS
        ]

    def time_tuples(self) -> Iterator[tuple[int, int, datetime, datetime, int]]:
        """(practitioner, clinic, start, end, treatment), in practitioner/day order."""
        slots = len(_DAY_SLOTS)
        step = max(1, slots // max(1, self.times_per_day))
        days = [self.start + timedelta(days=d) for d in range(self.weeks * 7)]
        weekdays = [d for d in days if d.weekday() < 5]
        # Shared datetime objects: a chain of 1M times does not need 2M datetimes.
        starts = {(d, i): _to_utc(d, _DAY_SLOTS[i]) for d in weekdays for i in range(slots)}
        ends = {k: v + timedelta(minutes=30) for k, v in starts.items()}
        treatments = (1, 1, 3, 2, 4, 5)
        for c in range(1, self.n_clinics + 1):
            for k in range(self.n_practitioners):
                pid = (c - 1) * self.n_practitioners + k + 1
                offset = (pid * 7 + self.seed) % slots
                for n, day in enumerate(weekdays):
                    for j in range(self.times_per_day):
                        i = (offset + n * 3 + j * step) % slots
                        key = (day, i)
                        yield pid, c, starts[key], ends[key], treatments[(pid + n + j) % 6]

    def rows(self, schema: SchemaMap) -> dict[str, Iterator[Row] | list[Row]]:
        times = (
            {"practitioner_id": p, "clinic_id": c, "start": s, "end": e, "treatment_id": t}
            for p, c, s, e, t in self.time_tuples()
        )
        fields = tuple(schema.online_times.columns)
        out: dict[str, Iterator[Row] | list[Row]] = {
            "clinics": _rows_for(schema, "clinics", self.clinic_rows()),
            "practitioners": _rows_for(schema, "practitioners", self.practitioner_rows()),
            "treatments": _rows_for(schema, "treatments", self.treatment_rows()),
            "online_times": (tuple(t.get(f) for f in fields) for t in times),
        }
        if schema.practitioner_clinics is not None:
            out["practitioner_clinics"] = _rows_for(
                schema, "practitioner_clinics", self.link_rows()
            )
        return out


def generate_chain(
    n_clinics: int,
    n_practitioners: int,
    weeks: int,
    seed: int,
    *,
    times_per_day: int = 4,
    start: date = CHAIN_START,
) -> Chain:
    """A deterministic synthetic chain: ``n_practitioners`` per clinic, ``times_per_day`` free
    times per practitioner and weekday for ``weeks`` weeks from ``start``."""
    if min(n_clinics, n_practitioners, weeks, times_per_day) < 1:
        raise ValueError("n_clinics, n_practitioners, weeks and times_per_day must be ≥ 1")
    return Chain(n_clinics, n_practitioners, weeks, seed, start, min(times_per_day, 16))


def write_chain_sqlite(chain: Chain, path: Path, schema: SchemaMap | None = None) -> str:
    """Write ``chain`` to a new SQLite file; returns its SQLite3 ODBC connection string."""
    schema = schema or SchemaMap.default()
    _write_sqlite(Path(path), schema, chain.rows(schema))
    return sqlite_connection_string(Path(path))


def write_chain_odbc(
    chain: Chain,
    connection_string: str,
    schema: SchemaMap | None = None,
    rows_per_statement: int = 500,
) -> None:
    """Create the tables and write ``chain`` through ODBC (PostgreSQL: psqlODBC).

    Multi-row ``INSERT … VALUES`` (``rows_per_statement`` rows each) — never
    ``fast_executemany`` (it crashes the SQLite3 driver and drops fractions on psqlODBC).
    """
    schema = schema or SchemaMap.default()
    _write_odbc(connection_string, schema, chain.rows(schema), rows_per_statement)


def write_demo_odbc(
    connection_string: str,
    today: date,
    database: str = DEMO_DATABASES[0].name,
    schema: SchemaMap | None = None,
) -> None:
    """Write one demo database (by profile name) into an empty ODBC database (e.g. PostgreSQL)."""
    schema = schema or SchemaMap.default()
    db = next(d for d in DEMO_DATABASES if d.name == database)
    _write_odbc(connection_string, schema, _demo_rows(db, today, schema), 500)


def _write_odbc(
    connection_string: str,
    schema: SchemaMap,
    data: Mapping[str, Iterator[Row] | list[Row]],
    rows_per_statement: int,
) -> None:
    import pyodbc

    conn = pyodbc.connect(connection_string, autocommit=False)
    try:
        cursor = conn.cursor()
        for ddl in opus_sql.create_tables(schema):
            cursor.execute(ddl)
        for section, rows in data.items():
            _insert_many(cursor, schema, section, rows, rows_per_statement)
        conn.commit()
    finally:
        conn.close()


def _insert_many(
    cursor: Any, schema: SchemaMap, section: str, rows: Iterator[Row] | list[Row], per: int
) -> None:
    full = opus_sql.insert_rows(schema, section, per).sql
    chunk: list[Any] = []
    count = 0
    for row in rows:
        chunk.extend(row)
        count += 1
        if count == per:
            cursor.execute(full, chunk)
            chunk, count = [], 0
    if count:
        cursor.execute(opus_sql.insert_rows(schema, section, count).sql, chunk)


def chain_catalogue(chain: Chain, database: str = "Kedjan") -> Catalogue:
    """The chain in memory, as the gateway would return it (no database involved)."""
    ids: dict[int, str] = {}

    def sid(n: int) -> str:
        s = ids.get(n)
        if s is None:
            s = ids[n] = str(n)
        return s

    clinics = tuple(
        CatalogueClinic(
            database,
            str(c["id"]),
            c["name"],
            c["address"],
            c["postcode"],
            c["city"],
            c["phone"],
            c["email"],
        )
        for c in chain.clinic_rows()
    )
    practitioners = tuple(
        CataloguePractitioner(
            database,
            str(p["id"]),
            str(p["clinic_id"]),
            p["first_name"],
            p["last_name"],
            p["title"],
            p["active"],
        )
        for p in chain.practitioner_rows()
    )
    treatments = tuple(
        CatalogueTreatment(
            database,
            str(t["id"]),
            t["name"],
            t["description"],
            t["duration_minutes"],
            t["create_in_web"],
            t["change_in_web"],
            t["cancel_in_web"],
        )
        for t in chain.treatment_rows()
    )
    tids = {t: str(t) for t in range(1, 7)}
    # Straight into the columns: no OnlineTime per time (1.44 M at 300x30 for 8 weeks).
    times = OnlineTimes.from_rows(
        (database, sid(p), sid(c), s, e, tids[t]) for p, c, s, e, t in chain.time_tuples()
    )
    return Catalogue(
        source="demo",
        fetched_at=datetime.combine(chain.start, time()),
        databases=(database,),
        clinics=clinics,
        practitioners=practitioners,
        treatments=treatments,
        times=times,
    )


def published_clinics(catalogue: Catalogue) -> ClinicsSettings:
    """Kliniker with every clinic of the catalogue published with all its practitioners (named
    as Opus names them, grouped by city): a large chain's configuration for benches and tests."""
    from opus_tui.domain.config import ClinicsSettings, PublishedClinic, PublishedPractitioner

    by_clinic: dict[tuple[str, str], list[PublishedPractitioner]] = {}
    for p in catalogue.practitioners:
        by_clinic.setdefault((p.database, p.clinic_id), []).append(
            PublishedPractitioner(
                practitioner_id=p.practitioner_id,
                name=f"{p.first_name} {p.last_name}",
                title=p.title,
            )
        )
    return ClinicsSettings(
        published=[
            PublishedClinic(
                database=c.database,
                clinic_id=c.clinic_id,
                name=c.name,
                group=c.city.title(),
                practitioners=by_clinic.get((c.database, c.clinic_id), []),
            )
            for c in catalogue.clinics
        ]
    )
