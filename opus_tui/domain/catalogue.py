"""What the Opus database offers: clinics, practitioners, treatments and free online times.

Plain slotted dataclasses rather than pydantic models: a catalogue can hold hundreds of thousands
of online times and is built from trusted rows (the ODBC gateway, the store's snapshot, demo data).
Identifiers are strings so any schema map (int keys, GUIDs) fits. Times are naive UTC.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

CatalogueSource = Literal["database", "snapshot", "demo"]


@dataclass(frozen=True, slots=True)
class CatalogueClinic:
    database: str
    clinic_id: str
    name: str
    address: str = ""
    postcode: str = ""
    city: str = ""
    phone: str = ""
    email: str = ""


@dataclass(frozen=True, slots=True)
class CataloguePractitioner:
    database: str
    practitioner_id: str
    clinic_id: str
    first_name: str
    last_name: str
    title: str = ""
    active: bool = True

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


@dataclass(frozen=True, slots=True)
class CatalogueTreatment:
    database: str
    treatment_id: str
    name: str
    description: str = ""
    duration_minutes: int = 30
    create_in_web: bool = True
    change_in_web: bool = True
    cancel_in_web: bool = True


@dataclass(frozen=True, slots=True)
class OnlineTime:
    """A free slot published for online booking (*e-tid*)."""

    database: str
    practitioner_id: str
    clinic_id: str
    start: datetime
    end: datetime
    treatment_id: str | None = None


@dataclass(frozen=True, slots=True)
class Catalogue:
    """Everything read from one or more Opus databases, with where it came from and when."""

    source: CatalogueSource
    fetched_at: datetime | None
    databases: tuple[str, ...] = ()
    clinics: tuple[CatalogueClinic, ...] = ()
    practitioners: tuple[CataloguePractitioner, ...] = ()
    treatments: tuple[CatalogueTreatment, ...] = ()
    times: tuple[OnlineTime, ...] = field(default=(), repr=False)

    def clinic(self, database: str, clinic_id: str) -> CatalogueClinic | None:
        for clinic in self.clinics:
            if clinic.database == database and clinic.clinic_id == clinic_id:
                return clinic
        return None

    def clinics_of(self, database: str) -> list[CatalogueClinic]:
        return [c for c in self.clinics if c.database == database]

    def practitioners_of(self, database: str, clinic_id: str) -> list[CataloguePractitioner]:
        return [
            p for p in self.practitioners if p.database == database and p.clinic_id == clinic_id
        ]
