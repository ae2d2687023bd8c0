"""Behandlare: the chosen photo shown as half blocks next to its name and size, with the size it
gets after fitting (a worker); a file that is no image shows its message at the field."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.widgets import Input, Static

from opus_tui.domain import (
    PractitionerProfile,
    PublishedClinic,
    PublishedPractitioner,
    WebConfiguration,
)
from opus_tui.domain import config as dc
from opus_tui.store.repository import Store
from opus_tui.widgets.image_view import ImageView
from tests.ui.helpers import settle


def big_photo(path: Path) -> bytes:
    from PIL import Image

    Image.effect_noise((1500, 2000), 70).convert("RGB").save(path, "JPEG", quality=95)
    return path.read_bytes()


def save(store_url: str, photo: str) -> None:
    clinic = PublishedClinic(
        database="Syd",
        clinic_id="1",
        name="OpusTandläkarna Malmö",
        practitioners=[
            PublishedPractitioner(practitioner_id="10", name="Olle Ohlsson", title="Tandläkare")
        ],
    )
    config = WebConfiguration(
        clinics=dc.ClinicsSettings(published=[clinic]),
        practitioners=dc.PractitionerSettings(
            profiles=[PractitionerProfile(database="Syd", practitioner_id="10", photo=photo)]
        ),
    )
    with Store.open(store_url) as store:
        store.save_config(config, summary="test")


def text_of(app: Any, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def test_photo_shown_with_its_fitted_size(
    make_app: Callable[[], Any], store_url: str, tmp_path: Path
) -> None:
    original = big_photo(tmp_path / "olle.jpg")
    save(store_url, str(tmp_path / "olle.jpg"))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        view = app.screen.query_one("#photo-view", ImageView)
        assert view.display and view.error is None
        assert view.source == tmp_path / "olle.jpg"
        assert "olle.jpg" in text_of(app, "#photo-info")
        fitted = text_of(app, "#photo-fit")
        assert fitted.startswith("Blir ") and "kB efter anpassning (JPEG 300×400)" in fitted
        assert int(fitted.split()[1]) <= 25
        # half blocks: the rendered view is not the empty text
        assert "▄" in app.export_screenshot() or "▀" in app.export_screenshot()

        # a text file named .png: its message at the field, no image
        (tmp_path / "fel.png").write_text("ingen bild här", encoding="utf-8")
        photo = app.screen.query_one("#photo", Input)
        photo.value = str(tmp_path / "fel.png")
        await settle(pilot)
        fit = app.screen.query_one("#photo-fit", Static)
        assert "ingen bild som kan läsas" in text_of(app, "#photo-fit")
        assert fit.has_class("-error")

        photo.value = ""  # no photo: nothing shown
        await settle(pilot)
        assert not view.display and not fit.display
    assert (tmp_path / "olle.jpg").read_bytes() == original
