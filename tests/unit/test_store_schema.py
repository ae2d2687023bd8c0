"""The repository's plain-SQL names (``opus_tui.store.schema``) match the SQLModel tables that
define the schema (and that the migrations are checked against), so the two cannot drift."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import Boolean, DateTime

from opus_tui.store import schema
from opus_tui.store.tables import metadata

STORE = Path(__file__).resolve().parents[2] / "opus_tui" / "store"


def test_tables_and_columns_match_the_sqlmodel_tables() -> None:
    expected = {t.name: tuple(c.name for c in t.columns) for t in metadata.sorted_tables}
    assert expected == schema.TABLES


def test_datetime_columns_match() -> None:
    expected = {
        (t.name, c.name)
        for t in metadata.sorted_tables
        for c in t.columns
        if isinstance(c.type, DateTime)
    }
    assert expected == schema.DATETIME_COLUMNS


def test_boolean_columns_are_read_as_bool() -> None:
    """Booleans come back as 0/1 from SQLite: the repository converts exactly these."""
    booleans = {
        (t.name, c.name)
        for t in metadata.sorted_tables
        for c in t.columns
        if isinstance(c.type, Boolean)
    }
    assert booleans == {
        ("catalogue_practitioner", "active"),
        ("catalogue_treatment", "create_in_web"),
        ("catalogue_treatment", "change_in_web"),
        ("catalogue_treatment", "cancel_in_web"),
    }


def test_every_table_named_in_the_repository_sql_exists() -> None:
    from opus_tui.store import repository

    source = (STORE / "repository.py").read_text(encoding="utf-8")
    named = set(re.findall(r"\b(?:FROM|INTO|UPDATE|JOIN)\s+([a-z_]+)\b", source))
    named |= set(re.findall(r'schema\.(?:select|insert|update|names)\(\s*"([a-z_]+)"', source))
    named |= set(repository._SNAPSHOT_TABLES)
    assert {"revision", "config_section", "outbox", "online_time"} <= named  # the scan works
    assert named <= set(schema.TABLES), named - set(schema.TABLES)


def test_unknown_names_are_refused() -> None:
    with pytest.raises(KeyError):
        schema.select("revision", "no_such_column")
    with pytest.raises(KeyError):
        schema.insert("no_such_table", "id")
    assert schema.insert("secret", "name", "ciphertext") == (
        "INSERT INTO secret (name, ciphertext) VALUES (?, ?)"
    )
    assert schema.update("secret", "ciphertext", where="name = ?") == (
        "UPDATE secret SET ciphertext = ? WHERE name = ?"
    )
