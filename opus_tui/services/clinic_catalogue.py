"""Kliniker's view of the catalogue: clinics per database, active practitioners per clinic, and
which added clinics and practitioners the catalogue no longer lists (headless; the screen draws
it). Not the preview's ``booking_flow.ClinicsByDatabase``, which indexes online times."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from opus_tui.labels import PUBLISHED_LABEL

if TYPE_CHECKING:  # the first frame does not import pydantic (issue 8)
    from opus_tui.domain.catalogue import Catalogue, CatalogueClinic, CataloguePractitioner
    from opus_tui.domain.config import ClinicsSettings, PublishedClinic
    from opus_tui.domain.problems import Problem

LACKING_KEPT = 4_000  # clinics whose lacking() result is kept


class ClinicsByDatabase:
    """Clinics per database and practitioners per clinic, built once per catalogue."""

    def __init__(self, catalogue: Catalogue | None) -> None:
        self.databases: list[str] = []
        self.clinics: dict[str, list[CatalogueClinic]] = defaultdict(list)
        self.practitioners: dict[tuple[str, str], list[CataloguePractitioner]] = defaultdict(list)
        self.catalogue = catalogue
        self.demo = catalogue is not None and catalogue.source == "demo"
        self._clinic_keys: set[tuple[str, str]] | None = None  # made when first needed
        # lacking() per added clinic object: an edit replaces only the clinics it changes, so
        # the others are not checked again (id → the clinic, kept alive so its id stays its own)
        self._lacking: dict[int, tuple[PublishedClinic, tuple[bool, frozenset[str]]]] = {}
        if catalogue is None:
            return
        self.databases = list(catalogue.databases)
        for clinic in catalogue.clinics:
            self.clinics[clinic.database].append(clinic)
            if clinic.database not in self.databases:
                self.databases.append(clinic.database)
        for p in catalogue.practitioners:
            if p.active:
                self.practitioners[(p.database, p.clinic_id)].append(p)

    def clinic(self, database: str, clinic_id: str) -> CatalogueClinic | None:
        for clinic in self.clinics.get(database, ()):
            if clinic.clinic_id == clinic_id:
                return clinic
        return None

    def lacking(self, clinic: PublishedClinic) -> tuple[bool, frozenset[str]]:
        """Whether this catalogue lacks an added clinic, and the ids of its added practitioners
        it lacks (or has as inactive). Only for databases it has, and not for the demo's: a
        database that could not be read says nothing. Kept per clinic object (a draft's
        clinics are not changed in place: an edit makes new ones)."""
        kept = self._lacking.get(id(clinic))
        if kept is not None and kept[0] is clinic:
            return kept[1]
        if len(self._lacking) >= LACKING_KEPT:
            self._lacking.clear()
        found = self._find_lacking(clinic)
        self._lacking[id(clinic)] = (clinic, found)
        return found

    def _find_lacking(self, clinic: PublishedClinic) -> tuple[bool, frozenset[str]]:
        if self.demo or clinic.database not in self.databases:
            return False, frozenset()
        key = (clinic.database, clinic.clinic_id)
        if self._clinic_keys is None:
            self._clinic_keys = {
                (c.database, c.clinic_id) for cs in self.clinics.values() for c in cs
            }
        if key not in self._clinic_keys:
            return True, frozenset()
        there = {p.practitioner_id for p in self.practitioners.get(key, ())}
        return False, frozenset({p.practitioner_id for p in clinic.practitioners} - there)

    def missing(self, value: ClinicsSettings) -> tuple[list[str], list[str]]:
        """The added clinics, and the added practitioners, that this catalogue lacks."""
        clinics: list[str] = []
        practitioners: list[str] = []
        for clinic in value.published:
            where = clinic.name or clinic.clinic_id
            gone, people = self.lacking(clinic)
            if gone:
                clinics.append(f"{where} ({clinic.database})")
            if people:  # most clinics lack no one: their practitioners are not walked
                practitioners += [
                    f"{p.name or p.practitioner_id} på {where}"
                    for p in clinic.practitioners
                    if p.practitioner_id in people
                ]
        return clinics, practitioners


def catalogue_problems(value: ClinicsSettings, index: ClinicsByDatabase) -> list[Problem]:
    """Warnings for added clinics and practitioners the catalogue no longer lists (e.g. after
    F7: a clinic closed or a practitioner made inactive in Opus)."""
    from opus_tui.domain.problems import Problem

    if index.demo or not index.databases:
        return []
    clinics, practitioners = index.missing(value)
    found = []
    path = ("clinics", "published")
    if clinics:
        what = "klinik" if len(clinics) == 1 else "kliniker"
        found.append(
            Problem(
                path,
                f"{len(clinics)} {what} saknas i katalogen (⚠ i listan): {_some(clinics)}",
                "warning",
                None,
                PUBLISHED_LABEL,
            )
        )
    if practitioners:
        inactive = "inaktiv" if len(practitioners) == 1 else "inaktiva"
        found.append(
            Problem(
                path,
                f"{len(practitioners)} behandlare saknas i katalogen eller är {inactive} "
                f"(⚠ i listan): {_some(practitioners)}",
                "warning",
                None,
                PUBLISHED_LABEL,
            )
        )
    return found


def _some(names: list[str], shown: int = 1) -> str:
    more = f" och {len(names) - shown} till" if len(names) > shown else ""
    return ", ".join(names[:shown]) + more
