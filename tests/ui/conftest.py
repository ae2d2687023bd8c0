"""UI fixtures: a temporary store, a deterministic catalogue (two databases) and a fixed clock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest

from opus_tui.domain.catalogue import Catalogue, CatalogueClinic, CataloguePractitioner

FIXED_NOW = datetime(2026, 3, 2, 9, 30)


def ui_catalogue() -> Catalogue:
    """Two databases, three clinics, a handful of practitioners; stable for snapshots."""
    clinics = (
        CatalogueClinic("Syd", "1", "OpusTandläkarna Malmö", city="Malmö"),
        CatalogueClinic("Syd", "2", "OpusTandläkarna Lund", city="Lund"),
        CatalogueClinic("Nord", "7", "Tandvården Umeå", city="Umeå"),
    )
    practitioners = (
        CataloguePractitioner("Syd", "10", "1", "Olle", "Ohlsson", "Tandläkare"),
        CataloguePractitioner("Syd", "11", "1", "Anna", "Hedman", "Tandhygienist"),
        CataloguePractitioner("Syd", "12", "2", "Per", "Lind", "Tandläkare"),
        CataloguePractitioner("Nord", "70", "7", "Karin", "Berg", "Tandläkare"),
        CataloguePractitioner("Nord", "71", "7", "Nils", "Holm", "Tandsköterska"),
    )
    return Catalogue(
        source="snapshot",
        fetched_at=FIXED_NOW,
        databases=("Syd", "Nord"),
        clinics=clinics,
        practitioners=practitioners,
    )


@pytest.fixture
def store_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'store.db'}"


@pytest.fixture
def make_app(store_url: str) -> Callable[[], object]:
    from opus_tui.app import OpusApp

    def make() -> OpusApp:
        return OpusApp(store_url, catalogue=ui_catalogue(), clock=lambda: FIXED_NOW)

    return make
