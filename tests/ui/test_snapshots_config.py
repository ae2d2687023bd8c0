"""Snapshots of the configuration screens and dialogs at 80×24 and 120×40 (reviewed by eye).

The booking-page preview is hidden at 120 columns (F2): its own tests cover it, and these
pictures should change only when these screens do."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input

from opus_tui.domain.config import (
    ClinicsSettings,
    Consent,
    PractitionerProfile,
    PractitionerSettings,
    PublishedClinic,
    PublishedPractitioner,
)
from opus_tui.store.repository import Store
from tests.ui.helpers import settle

SIZES = [(80, 24), (120, 40)]
SIZE_IDS = ["80x24", "120x40"]


@pytest.fixture
def fixed_header(monkeypatch: pytest.MonkeyPatch) -> None:
    """The store's temporary path appears in the header: make it stable."""
    monkeypatch.setattr("opus_tui.app.describe", lambda url: "test.db")


@pytest.fixture
def filled_store(store_url: str) -> str:
    """Two clinics in two databases, one grouped (the warning shows), a profile, consents."""
    clinics = ClinicsSettings(
        published=[
            PublishedClinic(
                database="Syd",
                clinic_id="1",
                name="OpusTandläkarna Malmö",
                group="MALMÖ",
                practitioners=[
                    PublishedPractitioner(
                        practitioner_id="10", name="Olle Ohlsson", title="Tandläkare"
                    ),
                    PublishedPractitioner(
                        practitioner_id="11", name="Anna Hedman", title="Tandhygienist"
                    ),
                ],
            ),
            PublishedClinic(
                database="Nord",
                clinic_id="7",
                name="Tandvården Umeå",
                practitioners=[
                    PublishedPractitioner(
                        practitioner_id="70", name="Karin Berg", title="Tandläkare"
                    )
                ],
            ),
        ]
    )
    practitioners = PractitionerSettings(
        profiles=[
            PractitionerProfile(
                database="Syd", practitioner_id="10", text="Specialist i ortodonti."
            )
        ],
        consents=[
            Consent(database="Syd", practitioner_id="10", clinic_id="1", photo=True, title=True)
        ],
    )
    with Store.open(store_url) as store:
        store.save_section("clinics", clinics)
        store.save_section("practitioners", practitioners)
    return store_url


def _freeze(pilot) -> None:
    for box in pilot.app.screen.query(Input):
        box.cursor_blink = False


def _runner(keys: tuple[str, ...], size: tuple[int, int]):
    async def run_before(pilot) -> None:
        await settle(pilot)
        tab, *rest = keys
        await pilot.press(tab)
        await pilot.pause()
        if size[0] >= 120:
            await pilot.press("f2")  # before any dialog opens: F2 belongs to the tab
            await pilot.pause()
        for key in rest:
            await pilot.press(key)
            await settle(pilot)
        _freeze(pilot)
        await pilot.pause()

    return run_before


SCREENS = [
    ("kliniker", ("1",)),
    ("behandlare", ("2",)),
    ("underdoman-fel", ("3", "tab", *"-fel-")),
    ("flexibilitet", ("4",)),
    ("flexibilitet-steg", ("4", "end")),
    ("konfiguration", ("9",)),
]


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
@pytest.mark.parametrize(("name", "keys"), SCREENS, ids=[s[0] for s in SCREENS])
def test_snapshot_screen(
    snap_compare, make_app, fixed_header, filled_store, name, keys, size
) -> None:
    assert snap_compare(make_app(), terminal_size=size, run_before=_runner(keys, size))


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_snapshot_consent_dialog(snap_compare, make_app, fixed_header, filled_store, size) -> None:
    assert snap_compare(make_app(), terminal_size=size, run_before=_runner(("2", "f6"), size))


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_snapshot_quit_dialog(snap_compare, make_app, fixed_header, filled_store, size) -> None:
    keys = ("3", "tab", *"kliniken", "ctrl+q")
    assert snap_compare(make_app(), terminal_size=size, run_before=_runner(keys, size))


def test_snapshot_files_are_svg() -> None:
    folder = Path(__file__).parent / "__snapshots__" / "test_snapshots_config"
    if folder.exists():
        assert all(p.suffix == ".svg" for p in folder.iterdir())
