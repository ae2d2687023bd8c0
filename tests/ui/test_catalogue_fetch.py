"""Hämta katalog: progress in the header while it runs; a failing database names itself and
offers a retry, and the databases that answered are still used."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from opus_tui.app import OpusApp
from opus_tui.domain.connections import ConnectionSettings, DatabaseProfile
from opus_tui.services.demo import create_demo_databases
from opus_tui.store.repository import Store
from tests.ui.conftest import FIXED_NOW, ui_catalogue
from tests.ui.helpers import settle


class RecordingApp(OpusApp):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.statuses: list[str] = []
        self.notes: list[str] = []
        super().__init__(*args, **kwargs)

    def notify(self, message: str, *args: Any, **kwargs: Any) -> None:
        self.notes.append(message)
        super().notify(message, *args, **kwargs)

    def _update_status(self) -> None:
        super()._update_status()
        self.statuses.append(self.sub_title)


async def test_progress_shown_and_a_failing_database_offers_retry(
    store_url: str, tmp_path: Path
) -> None:
    (name, connection), *_ = create_demo_databases(tmp_path / "opus", FIXED_NOW.date())
    missing = tmp_path / "saknas.db"
    with Store.open(store_url) as store:
        store.save_connections(
            ConnectionSettings(
                databases=[
                    DatabaseProfile(name=name, connection_string=connection),
                    DatabaseProfile(
                        name="Borta", connection_string=f"DRIVER={{SQLite3}};Database={missing}"
                    ),
                ]
            )
        )
    app = RecordingApp(store_url, catalogue=ui_catalogue(), clock=lambda: FIXED_NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f7")
        await settle(pilot)

        fetching = [s for s in app.statuses if "Katalog: hämtar" in s]
        assert any(f"hämtar {name} (1/2): kliniker" in s for s in fetching)
        assert any(f"hämtar {name} (1/2): e-tider 100 %" in s for s in fetching)
        assert "hämtar" not in app.sub_title  # over: back to the catalogue's source and age
        assert "Katalog: Opus-databas" in app.sub_title
        assert app.catalogue is not None and app.catalogue.databases == (name,)
        failure = next(n for n in app.notes if n.startswith("Borta:"))
        assert str(missing) in failure or "saknas" in failure
        assert not missing.exists()  # the driver must not have created an empty database


async def test_nothing_fetched_says_how_to_retry(store_url: str, tmp_path: Path) -> None:
    with Store.open(store_url) as store:
        store.save_connections(
            ConnectionSettings(
                databases=[
                    DatabaseProfile(
                        name="Borta",
                        connection_string=f"DRIVER={{SQLite3}};Database={tmp_path / 'x.db'}",
                    )
                ]
            )
        )
    app = RecordingApp(store_url, catalogue=ui_catalogue(), clock=lambda: FIXED_NOW)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f7")
        await settle(pilot)
        assert any("Försök igen med F7" in n for n in app.notes)
        assert app.catalogue is not None and app.catalogue.source == "snapshot"


async def test_a_database_that_fails_keeps_its_last_snapshot(
    store_url: str, tmp_path: Path
) -> None:
    """Syd and Nord were fetched before; now Nord cannot be read: its clinics stay in the
    catalogue (as last fetched) instead of looking gone from Opus."""
    from dataclasses import replace

    (name, connection), *_ = create_demo_databases(tmp_path / "opus", FIXED_NOW.date())
    before = ui_catalogue()  # databases Syd and Nord
    with Store.open(store_url) as store:
        store.save_catalogue(before)
        store.save_connections(
            ConnectionSettings(
                databases=[
                    DatabaseProfile(name=name, connection_string=connection),
                    DatabaseProfile(
                        name="Nord",
                        connection_string=f"DRIVER={{SQLite3}};Database={tmp_path / 'borta.db'}",
                    ),
                ]
            )
        )
    app = RecordingApp(store_url, catalogue=replace(before), clock=lambda: FIXED_NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f7")
        await settle(pilot)
        assert app.catalogue is not None
        assert {name, "Nord"} <= set(app.catalogue.databases)
        assert any(
            c.database == "Nord" and c.name == "Tandvården Umeå" for c in app.catalogue.clinics
        )
        (warning,) = [n for n in app.notes if n.startswith("Nord:")]
        assert warning.endswith("\nNord: den senast hämtade katalogen används.")
        assert "borta.db finns inte" in warning  # the error itself comes first


async def test_no_databases_says_where_to_add_them_and_nothing_else(store_url: str) -> None:
    app = RecordingApp(store_url, catalogue=ui_catalogue(), clock=lambda: FIXED_NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f7")
        await settle(pilot)
        # no "Hämtar …" first: nothing is fetched
        assert app.notes == ["Inga databaser är konfigurerade (Konfiguration › Databaser)."]
