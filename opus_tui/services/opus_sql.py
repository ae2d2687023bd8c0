"""Every SQL statement opus-tui runs against an Opus database, built from a schema map.

Portable on purpose: ``?`` parameters, double-quoted identifiers, no ``TOP``/``LIMIT``/``OFFSET``
(stream with ``fetchmany``), no dialect functions. The same text runs on SQL Server, SQLite and
PostgreSQL. The DDL and INSERT builders are for the demo and synthetic databases only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from opus_tui.services.schema_map import SchemaMap, TableMap


@dataclass(frozen=True, slots=True)
class Statement:
    sql: str
    params: tuple[object, ...] = ()
    fields: tuple[str, ...] = ()  # logical names of the result columns, in order


def quote_ident(name: str) -> str:
    """A double-quoted identifier (ANSI; SQL Server with QUOTED_IDENTIFIER ON, the default)."""
    return '"' + name.replace('"', '""') + '"'


def table_ref(schema: SchemaMap, table: TableMap) -> str:
    if schema.schema:
        return f"{quote_ident(schema.schema)}.{quote_ident(table.table)}"
    return quote_ident(table.table)


def _cols(alias: str, table: TableMap, fields: tuple[str, ...]) -> str:
    return ", ".join(f"{alias}.{quote_ident(table.column(f))}" for f in fields)


def _present(table: TableMap, fields: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(f for f in fields if table.has(f))


# -- reads --------------------------------------------------------------------------------------

CLINIC_FIELDS = ("id", "name", "address", "postcode", "city", "phone", "email")
PRACTITIONER_FIELDS = ("id", "first_name", "last_name", "title", "active")
TREATMENT_FIELDS = (
    "id",
    "name",
    "description",
    "duration_minutes",
    "create_in_web",
    "change_in_web",
    "cancel_in_web",
)
ONLINE_TIME_FIELDS = ("practitioner_id", "clinic_id", "start", "end", "treatment_id")


def select_clinics(schema: SchemaMap) -> Statement:
    t = schema.clinics
    fields = _present(t, CLINIC_FIELDS)
    sql = (
        f"SELECT {_cols('c', t, fields)} FROM {table_ref(schema, t)} c "
        f"ORDER BY c.{quote_ident(t.column('id'))}"
    )
    return Statement(sql, (), fields)


def select_practitioners(schema: SchemaMap, clinic_id: str | None = None) -> Statement:
    """One row per (practitioner, clinic); fields start with ``id, clinic_id``."""
    p = schema.practitioners
    own = _present(p, PRACTITIONER_FIELDS)
    pid = f"p.{quote_ident(p.column('id'))}"
    link = schema.practitioner_clinics
    if link is not None:
        clinic_col = f"l.{quote_ident(link.column('clinic_id'))}"
        source = (
            f"{table_ref(schema, p)} p JOIN {table_ref(schema, link)} l "
            f"ON l.{quote_ident(link.column('practitioner_id'))} = {pid}"
        )
    else:
        clinic_col = f"p.{quote_ident(p.column('clinic_id'))}"
        source = f"{table_ref(schema, p)} p"
    other = tuple(f for f in own if f != "id")
    select = f"{pid}, {clinic_col}"
    if other:
        select += ", " + _cols("p", p, other)
    sql = f"SELECT {select} FROM {source}"
    params: tuple[object, ...] = ()
    if clinic_id is not None:
        sql += f" WHERE {clinic_col} = ?"
        params = (clinic_id,)
    sql += f" ORDER BY {clinic_col}, {pid}"
    return Statement(sql, params, ("id", "clinic_id", *other))


def select_treatments(schema: SchemaMap) -> Statement:
    t = schema.treatments
    fields = _present(t, TREATMENT_FIELDS)
    sql = (
        f"SELECT {_cols('t', t, fields)} FROM {table_ref(schema, t)} t "
        f"ORDER BY t.{quote_ident(t.column('id'))}"
    )
    return Statement(sql, (), fields)


def _times_where(schema: SchemaMap) -> str:
    start = f"o.{quote_ident(schema.online_times.column('start'))}"
    return f"WHERE {start} >= ? AND {start} < ?"


def select_online_times(schema: SchemaMap, start: datetime, end: datetime) -> Statement:
    """Free times starting in [start, end); datetimes as the database stores them."""
    t = schema.online_times
    fields = _present(t, ONLINE_TIME_FIELDS)
    sql = (
        f"SELECT {_cols('o', t, fields)} FROM {table_ref(schema, t)} o {_times_where(schema)} "
        f"ORDER BY o.{quote_ident(t.column('start'))}, o.{quote_ident(t.column('practitioner_id'))}"
    )
    return Statement(sql, (start, end), fields)


def count_online_times(schema: SchemaMap, start: datetime, end: datetime) -> Statement:
    t = schema.online_times
    sql = f"SELECT COUNT(*) FROM {table_ref(schema, t)} o {_times_where(schema)}"
    return Statement(sql, (start, end), ("count",))


def count_rows(schema: SchemaMap, section: str) -> Statement:
    t = schema.tables()[section]
    return Statement(f"SELECT COUNT(*) FROM {table_ref(schema, t)} x", (), ("count",))


# -- writes (demo and synthetic databases only) -------------------------------------------------

_TYPES: dict[str, str] = {
    "id": "INTEGER",
    "clinic_id": "INTEGER",
    "practitioner_id": "INTEGER",
    "treatment_id": "INTEGER",
    "name": "VARCHAR(100)",
    "first_name": "VARCHAR(100)",
    "last_name": "VARCHAR(100)",
    "title": "VARCHAR(50)",
    "address": "VARCHAR(200)",
    "postcode": "VARCHAR(20)",
    "city": "VARCHAR(100)",
    "phone": "VARCHAR(50)",
    "email": "VARCHAR(200)",
    "description": "VARCHAR(500)",
    "duration_minutes": "INTEGER",
    "active": "BOOLEAN",
    "create_in_web": "BOOLEAN",
    "change_in_web": "BOOLEAN",
    "cancel_in_web": "BOOLEAN",
    "start": "TIMESTAMP",
    "end": "TIMESTAMP",
}
_NOT_NULL = frozenset({"id", "name", "first_name", "last_name", "clinic_id", "practitioner_id"})


def create_tables(schema: SchemaMap) -> list[str]:
    """CREATE TABLE/INDEX statements for SQLite and PostgreSQL (demo and test databases)."""
    out: list[str] = []
    for section, table in schema.tables().items():
        cols: list[str] = []
        for logical, physical in table.columns.items():
            null = " NOT NULL" if logical in _NOT_NULL or logical in {"start", "end"} else ""
            cols.append(f"{quote_ident(physical)} {_TYPES[logical]}{null}")
        if table.has("id"):
            cols.append(f"PRIMARY KEY ({quote_ident(table.column('id'))})")
        elif section == "practitioner_clinics":
            cols.append(
                f"PRIMARY KEY ({quote_ident(table.column('practitioner_id'))}, "
                f"{quote_ident(table.column('clinic_id'))})"
            )
        out.append(f"CREATE TABLE {table_ref(schema, table)} ({', '.join(cols)})")
    t = schema.online_times
    index = quote_ident(f"IX_{t.table}_{t.column('start')}")
    out.append(f"CREATE INDEX {index} ON {table_ref(schema, t)} ({quote_ident(t.column('start'))})")
    return out


def insert_rows(schema: SchemaMap, section: str, rows: int) -> Statement:
    """A multi-row ``INSERT … VALUES (…), (…)`` for ``rows`` rows of every mapped column."""
    table = schema.tables()[section]
    fields = tuple(table.columns)
    names = ", ".join(quote_ident(table.column(f)) for f in fields)
    one = "(" + ", ".join("?" for _ in fields) + ")"
    values = ", ".join(one for _ in range(rows))
    return Statement(
        f"INSERT INTO {table_ref(schema, table)} ({names}) VALUES {values}", (), fields
    )
