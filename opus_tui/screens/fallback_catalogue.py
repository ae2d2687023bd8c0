"""A tiny catalogue used only while ``opus_tui.services.demo`` is missing (no Textual here)."""

from __future__ import annotations

from datetime import datetime

from opus_tui.domain.catalogue import Catalogue, CatalogueClinic, CataloguePractitioner


def fallback_catalogue(now: datetime) -> Catalogue:
    clinics = (
        CatalogueClinic("Demo", "1", "OpusTandläkarna Malmö", city="Malmö"),
        CatalogueClinic("Demo", "2", "OpusTandläkarna Lund", city="Lund"),
    )
    practitioners = (
        CataloguePractitioner("Demo", "10", "1", "Olle", "Ohlsson", "Tandläkare"),
        CataloguePractitioner("Demo", "11", "1", "Anna", "Hedman", "Tandhygienist"),
        CataloguePractitioner("Demo", "12", "2", "Per", "Lind", "Tandläkare"),
    )
    return Catalogue(
        source="demo",
        fetched_at=now,
        databases=("Demo",),
        clinics=clinics,
        practitioners=practitioners,
    )
