"""The store's table and column names as the repository's SQL uses them (stdlib only).

``tables.py`` (SQLModel) and the Alembic migrations define the schema; this is the plain-SQL
view of it. ``tests/unit/test_store_schema.py`` checks it against ``tables.metadata``, and every
statement is built through ``select``/``insert``/``names``, which refuse unknown names.
"""

from __future__ import annotations

TABLES: dict[str, tuple[str, ...]] = {
    "revision": ("id", "created_at", "os_user", "section", "summary", "snapshot"),
    "config_section": ("section", "data", "updated_at", "revision_id"),
    "connection_settings": ("id", "data", "updated_at"),
    "secret": ("name", "ciphertext", "updated_at"),
    "catalogue_database": ("database", "position", "fetched_at"),
    "catalogue_clinic": (
        "id", "database", "clinic_id", "name", "address", "postcode", "city", "phone", "email",
    ),
    "catalogue_practitioner": (
        "id", "database", "practitioner_id", "clinic_id", "first_name", "last_name", "title",
        "active",
    ),
    "catalogue_treatment": (
        "id", "database", "treatment_id", "name", "description", "duration_minutes",
        "create_in_web", "change_in_web", "cancel_in_web",
    ),
    "online_time": (
        "id", "database", "practitioner_id", "clinic_id", "start_at", "end_at", "treatment_id",
    ),
    "outbox": (
        "id", "created_at", "idempotency_key", "base_etag", "payload", "status", "attempts",
        "last_error", "portal_body", "applied_at",
    ),
    "publish_state": ("id", "etag", "config_json", "published_at"),
}  # fmt: skip

# Columns holding naive UTC datetimes (SQLite: text "YYYY-MM-DD HH:MM:SS.ffffff", as SQLAlchemy
# writes DATETIME; PostgreSQL: TIMESTAMP WITHOUT TIME ZONE).
DATETIME_COLUMNS: frozenset[tuple[str, str]] = frozenset(
    {
        ("revision", "created_at"),
        ("config_section", "updated_at"),
        ("connection_settings", "updated_at"),
        ("secret", "updated_at"),
        ("catalogue_database", "fetched_at"),
        ("online_time", "start_at"),
        ("online_time", "end_at"),
        ("outbox", "created_at"),
        ("outbox", "applied_at"),
        ("publish_state", "published_at"),
    }
)


def names(table: str, *columns: str) -> str:
    """``a, b, c`` for columns of ``table`` (all of them when none are given)."""
    known = TABLES[table]
    unknown = [c for c in columns if c not in known]
    if unknown:
        raise KeyError(f"{table} has no column(s) {unknown}")
    return ", ".join(columns or known)


def select(table: str, *columns: str, tail: str = "") -> str:
    """``SELECT columns FROM table tail`` (``?`` parameters)."""
    sql = f"SELECT {names(table, *columns)} FROM {table}"
    return f"{sql} {tail}" if tail else sql


def insert(table: str, *columns: str) -> str:
    """``INSERT INTO table (columns) VALUES (?, …)``."""
    return (
        f"INSERT INTO {table} ({names(table, *columns)}) VALUES ({', '.join(['?'] * len(columns))})"
    )


def update(table: str, *columns: str, where: str) -> str:
    """``UPDATE table SET a = ?, b = ? WHERE where``."""
    names(table, *columns)
    return f"UPDATE {table} SET {', '.join(f'{c} = ?' for c in columns)} WHERE {where}"


# The catalogue snapshot's columns, in the order of the domain's dataclass fields
# (``quick.snapshot_catalogue`` reads them so; ``Store.save_catalogue`` writes them so).
CLINIC_COLUMNS = ("database", "clinic_id", "name", "address", "postcode", "city", "phone", "email")
PRACTITIONER_COLUMNS = (
    "database",
    "practitioner_id",
    "clinic_id",
    "first_name",
    "last_name",
    "title",
    "active",
)
TREATMENT_COLUMNS = (
    "database",
    "treatment_id",
    "name",
    "description",
    "duration_minutes",
    "create_in_web",
    "change_in_web",
    "cancel_in_web",
)
TIME_COLUMNS = ("database", "practitioner_id", "clinic_id", "start_at", "end_at", "treatment_id")
SELECT_CLINICS = select("catalogue_clinic", *CLINIC_COLUMNS, tail="ORDER BY id")
SELECT_PRACTITIONERS = select("catalogue_practitioner", *PRACTITIONER_COLUMNS, tail="ORDER BY id")
SELECT_TREATMENTS = select("catalogue_treatment", *TREATMENT_COLUMNS, tail="ORDER BY id")
SELECT_TIMES = select("online_time", *TIME_COLUMNS, tail="ORDER BY id")
