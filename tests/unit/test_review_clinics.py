"""Kliniker's warnings for added clinics/practitioners a catalogue no longer lists."""

from __future__ import annotations

from datetime import datetime

from opus_tui.domain.catalogue import Catalogue, CatalogueClinic, CataloguePractitioner
from opus_tui.domain.config import ClinicsSettings, PublishedClinic, PublishedPractitioner
from opus_tui.services.clinic_catalogue import ClinicsByDatabase, catalogue_problems

NOW = datetime(2026, 3, 2, 9, 30)


def catalogue(source: str = "database") -> Catalogue:
    return Catalogue(
        source=source,  # type: ignore[arg-type]
        fetched_at=NOW,
        databases=("Syd",),
        clinics=(CatalogueClinic("Syd", "1", "Malmö"),),
        practitioners=(
            CataloguePractitioner("Syd", "10", "1", "Olle", "Ohlsson", "Tandläkare"),
            CataloguePractitioner("Syd", "11", "1", "Anna", "Hedman", "", active=False),
        ),
    )


def published() -> ClinicsSettings:
    def people(*ids: str) -> list[PublishedPractitioner]:
        return [PublishedPractitioner(practitioner_id=i, name=f"B{i}") for i in ids]

    return ClinicsSettings(
        published=[
            PublishedClinic(
                database="Syd", clinic_id="1", name="Malmö", practitioners=people("10", "11")
            ),
            PublishedClinic(database="Syd", clinic_id="2", name="Lund", practitioners=people("20")),
            PublishedClinic(
                database="Nord", clinic_id="7", name="Umeå", practitioners=people("70")
            ),
        ]
    )


def test_missing_clinic_and_inactive_practitioner_warned() -> None:
    found = catalogue_problems(published(), ClinicsByDatabase(catalogue()))
    assert [(p.severity, p.path) for p in found] == [("warning", ("clinics", "published"))] * 2
    assert found[0].message == "1 klinik saknas i katalogen (⚠ i listan): Lund (Syd)"
    assert found[1].message == (
        "1 behandlare saknas i katalogen eller är inaktiv (⚠ i listan): B11 på Malmö"
    )  # Nord was not read: its clinics are not called missing


def test_no_warnings_for_the_demo_or_no_catalogue() -> None:
    assert catalogue_problems(published(), ClinicsByDatabase(catalogue("demo"))) == []
    assert catalogue_problems(published(), ClinicsByDatabase(None)) == []


def test_many_names_cut_short() -> None:
    clinics = ClinicsSettings(
        published=[
            PublishedClinic(database="Syd", clinic_id=str(i), name=f"K{i}") for i in range(2, 8)
        ]
    )
    (problem,) = catalogue_problems(clinics, ClinicsByDatabase(catalogue()))
    assert problem.message == "6 kliniker saknas i katalogen (⚠ i listan): K2 (Syd) och 5 till"
