"""SQLModel table classes of the local store. These are storage rows, not the domain models.

JSON columns are plain text so that ``opus_tui.store.quick`` can read them with stdlib sqlite3.
Datetimes are naive UTC. Changing a table here needs a new migration in ``migrations/versions``
(``tests/integration/test_store.py`` checks that models and migrations agree), a new
``dbapi.HEAD_REVISION`` and the names in ``schema.py``, which the repository's plain SQL uses
(``tests/unit/test_store_schema.py`` checks them against these tables). Only migrations and tests
import this module.
"""

# No ``from __future__ import annotations``: it breaks SQLModel's field handling.

from pydantic import NaiveDatetime
from sqlalchemy import Index, Text
from sqlmodel import Field, SQLModel

metadata = SQLModel.metadata


class RevisionRow(SQLModel, table=True):
    """One save: who, when, which section ("*" = all), a summary and the whole config after it."""

    __tablename__ = "revision"

    id: int | None = Field(default=None, primary_key=True)
    created_at: NaiveDatetime = Field(index=True)
    os_user: str = Field(max_length=200)
    section: str = Field(max_length=50)
    summary: str = Field(sa_type=Text)
    snapshot: str = Field(sa_type=Text)  # WebConfiguration JSON after the save


class ConfigSectionRow(SQLModel, table=True):
    """The current value of one section of the web configuration (JSON of its model_dump)."""

    __tablename__ = "config_section"

    section: str = Field(primary_key=True, max_length=50)
    data: str = Field(sa_type=Text)
    updated_at: NaiveDatetime
    revision_id: int | None = Field(default=None, foreign_key="revision.id")


class ConnectionSettingsRow(SQLModel, table=True):
    """Konfiguration (database profiles, account, certificate) as JSON; a single row (id 1)."""

    __tablename__ = "connection_settings"

    id: int = Field(default=1, primary_key=True)
    data: str = Field(sa_type=Text)
    updated_at: NaiveDatetime


class SecretRow(SQLModel, table=True):
    """A secret (password, API key, passphrase), Fernet-encrypted with the local key file."""

    __tablename__ = "secret"

    name: str = Field(primary_key=True, max_length=200)
    ciphertext: str = Field(sa_type=Text)
    updated_at: NaiveDatetime


# --- Catalogue snapshot ---------------------------------------------------------------------


class CatalogueDatabaseRow(SQLModel, table=True):
    __tablename__ = "catalogue_database"

    database: str = Field(primary_key=True, max_length=100)
    position: int
    fetched_at: NaiveDatetime | None = None


class CatalogueClinicRow(SQLModel, table=True):
    __tablename__ = "catalogue_clinic"

    id: int | None = Field(default=None, primary_key=True)
    database: str = Field(foreign_key="catalogue_database.database", index=True, max_length=100)
    clinic_id: str = Field(max_length=100)
    name: str = Field(sa_type=Text)
    address: str = Field(sa_type=Text)
    postcode: str = Field(max_length=50)
    city: str = Field(sa_type=Text)
    phone: str = Field(max_length=100)
    email: str = Field(sa_type=Text)


class CataloguePractitionerRow(SQLModel, table=True):
    __tablename__ = "catalogue_practitioner"

    id: int | None = Field(default=None, primary_key=True)
    database: str = Field(foreign_key="catalogue_database.database", index=True, max_length=100)
    practitioner_id: str = Field(max_length=100)
    clinic_id: str = Field(max_length=100)
    first_name: str = Field(sa_type=Text)
    last_name: str = Field(sa_type=Text)
    title: str = Field(sa_type=Text)
    active: bool


class CatalogueTreatmentRow(SQLModel, table=True):
    __tablename__ = "catalogue_treatment"

    id: int | None = Field(default=None, primary_key=True)
    database: str = Field(foreign_key="catalogue_database.database", index=True, max_length=100)
    treatment_id: str = Field(max_length=100)
    name: str = Field(sa_type=Text)
    description: str = Field(sa_type=Text)
    duration_minutes: int
    create_in_web: bool
    change_in_web: bool
    cancel_in_web: bool


class OnlineTimeRow(SQLModel, table=True):
    __tablename__ = "online_time"
    __table_args__ = (Index("ix_online_time_database_start", "database", "start_at"),)

    id: int | None = Field(default=None, primary_key=True)
    database: str = Field(foreign_key="catalogue_database.database", max_length=100)
    practitioner_id: str = Field(max_length=100)
    clinic_id: str = Field(max_length=100)
    start_at: NaiveDatetime
    end_at: NaiveDatetime
    treatment_id: str | None = Field(default=None, max_length=100)


# --- Publish outbox (issue 7) -----------------------------------------------------------------


class OutboxRow(SQLModel, table=True):
    """A publication waiting to be sent to the portal, or what became of it."""

    __tablename__ = "outbox"

    id: int | None = Field(default=None, primary_key=True)
    created_at: NaiveDatetime
    idempotency_key: str = Field(unique=True, max_length=200)
    base_etag: str | None = Field(default=None, max_length=200)
    payload: str = Field(sa_type=Text)
    status: str = Field(default="pending", max_length=20, index=True)
    attempts: int = 0
    last_error: str | None = Field(default=None, sa_type=Text)
    portal_body: str | None = Field(default=None, sa_type=Text)
    applied_at: NaiveDatetime | None = None


class PublishStateRow(SQLModel, table=True):
    """What was last published: a single row (id 1)."""

    __tablename__ = "publish_state"

    id: int = Field(default=1, primary_key=True)
    etag: str | None = Field(default=None, max_length=200)
    config_json: str = Field(sa_type=Text)
    published_at: NaiveDatetime
