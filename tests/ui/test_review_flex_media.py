"""Review round (Flexibilitet, Media, Avancerat, preview pane): defects found by using the app
over the keyboard, each pinned by a test."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Checkbox, Label, TabbedContent

from opus_tui.app import OpusApp
from opus_tui.commands.demo import demo_configuration
from opus_tui.domain.config import WebConfiguration
from opus_tui.services.demo import demo_catalogue
from opus_tui.widgets.preview import PageLines, PreviewPane
from tests.ui.helpers import focus, settle
from tests.ui.test_preview_pane import HALF_BLOCKS, NOW, TODAY, Host, demo_store, pane_of


def demo_app(tmp_path: Path) -> OpusApp:
    url, _ = demo_store(tmp_path, any_clinic=False)
    return OpusApp(url, catalogue=demo_catalogue(TODAY), clock=lambda: NOW)


@asynccontextmanager
async def on_tab(
    tmp_path: Path, key: str = "4", *, app: OpusApp | None = None, size: tuple[int, int] = (120, 40)
) -> AsyncIterator[tuple[OpusApp, Pilot[int]]]:
    """The app (the demo's unless given) run at ``size``, on the tab ``key`` opens (at 80
    columns the tab has no preview pane until F2)."""
    app = app if app is not None else demo_app(tmp_path)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press(key)
        await settle(pilot)
        yield app, pilot


def focused(app: OpusApp) -> Widget | None:
    return app.focused


# -- F2 at 80 columns: the full-width preview takes the keys -------------------------------------


async def test_f2_full_width_preview_takes_the_focus_and_gives_it_back(tmp_path: Path) -> None:
    async with on_tab(tmp_path, size=(80, 24)) as (app, pilot):
        await focus(pilot, "general-login_enabled")
        box = app.screen.query_one("#general-login_enabled", Checkbox)
        await pilot.press("f2")
        await settle(pilot)
        pane = pane_of(app)
        assert pane.display and not app.screen.query_one("#content").display
        # The keys walk the booking page, not a checkbox hidden behind it.
        assert app.focused is pane
        await pilot.press("space", "enter")
        await settle(pilot)
        assert app.draft.flexibility.general.login_enabled is True
        assert pane.page is not None and pane.page.kind == "treatment"
        # Closing the preview returns the focus to the field the technician left.
        await pilot.press("f2")
        await settle(pilot)
        assert app.screen.query_one("#content").display
        assert focused(app) is box


async def test_f2_hiding_the_wide_preview_moves_the_focus_out_of_it(tmp_path: Path) -> None:
    async with on_tab(tmp_path) as (app, pilot):
        pane = pane_of(app)
        await focus(pilot, "preview-pane")
        await pilot.press("f2")
        await settle(pilot)
        assert not app.screen.query_one("#preview-slot").display
        # Enter no longer walks a hidden page: the focus is back in the tab's content.
        content = app.screen.query_one("#content")
        assert app.focused is not None and app.focused is not pane
        assert app.focused is content or content in app.focused.ancestors
        # Shown again, it does not steal the focus (it sits beside the fields).
        await pilot.press("f2")
        await settle(pilot)
        assert app.screen.query_one("#preview-slot").display
        assert app.focused is not pane
        assert isinstance(pane, PreviewPane)


# -- the hours field emptied to retype it: the preview keeps the booking page --------------------


async def test_emptying_the_hours_field_keeps_the_preview(tmp_path: Path) -> None:
    async with on_tab(tmp_path) as (app, pilot):
        pane = pane_of(app)
        await focus(pilot, "preview-pane")
        await pilot.press("up", "enter", "enter")  # Logga in, BankID: Mina bokningar
        assert pane.page is not None and pane.page.kind == "bookings"
        await focus(pilot, "hours_limit")
        await pilot.press("end", "backspace")
        await settle(pilot)
        hours: object = app.draft.flexibility.booking.hours_limit
        assert hours == ""
        assert pane.page.kind == "bookings"
        assert "kan inte visas" not in pane.plain_text()
        await pilot.press(*"24")
        await settle(pilot)
        assert "Kan inte ändras inom 24 timmar" in pane.plain_text()


# -- the preview's cursor stays on the option it was on when a setting changes -------------------


def highlighted(pane: PreviewPane) -> str:
    return next(line for line in pane.plain_text().splitlines() if line.startswith("▶"))


async def test_the_cursor_stays_on_its_option_when_a_header_button_goes(tmp_path: Path) -> None:
    async with on_tab(tmp_path) as (app, pilot):
        pane = pane_of(app)
        await focus(pilot, "preview-pane")
        await pilot.press("down")  # Utbildningsenheten
        assert "Utbildningsenheten" in highlighted(pane)
        await focus(pilot, "general-login_enabled")
        await pilot.press("space")  # [Logga in] goes: the options move up one place
        await settle(pilot)
        assert "Utbildningsenheten" in highlighted(pane)
        await pilot.press("space")  # and comes back
        await settle(pilot)
        assert "Utbildningsenheten" in highlighted(pane)


async def test_a_page_replaced_by_a_setting_starts_on_its_first_option(tmp_path: Path) -> None:
    async with on_tab(tmp_path) as (app, pilot):
        pane = pane_of(app)
        await focus(pilot, "preview-pane")
        await pilot.press("up", "enter", "enter")  # Logga in, BankID: Mina bokningar
        assert pane.page is not None and pane.page.kind == "bookings"
        await focus(pilot, "general-show_bookings")
        await pilot.press("space")  # no bookings listed: the clinic page instead
        await settle(pilot)
        assert pane.page.kind == "clinic"
        assert "OpusTandläkarna" in highlighted(pane)


# -- Media's logo on the booking page in the preview -------------------------------------------


def with_logo(config: WebConfiguration, logo: str) -> WebConfiguration:
    media = config.media
    branding = media.branding.model_copy(update={"logo": logo})
    return config.model_copy(update={"media": media.model_copy(update={"branding": branding})})


async def test_the_logo_shows_at_the_top_of_the_preview(tmp_path: Path) -> None:
    from PIL import Image

    logo = tmp_path / "logo.png"
    Image.new("RGB", (500, 200), (20, 90, 160)).save(logo, "PNG")
    catalogue = demo_catalogue(TODAY)
    config = demo_configuration(catalogue)
    app = Host(with_logo(config, str(logo)), catalogue)
    async with app.run_test(size=(100, 60)) as pilot:
        await settle(pilot)
        lines = app.query_one(PageLines).plain_lines()
        first_text = next(i for i, line in enumerate(lines) if "Logga in" in line)
        assert any(ch in line for line in lines[:first_text] for ch in HALF_BLOCKS)
        # Unsaved changes show: no logo, then a file that is no image (no crash, no image).
        app.set_draft(config)
        await settle(pilot)
        lines = app.query_one(PageLines).plain_lines()
        assert not any(ch in line for line in lines for ch in HALF_BLOCKS)
        bad = tmp_path / "logo.txt"
        bad.write_text("ingen bild")
        app.set_draft(with_logo(config, str(bad)))
        await settle(pilot)
        lines = app.query_one(PageLines).plain_lines()
        assert not any(ch in line for line in lines for ch in HALF_BLOCKS)
        assert "Logga in" in "\n".join(lines)


# -- the manual's words ------------------------------------------------------------------------


async def test_hours_row_reads_as_in_the_manual(tmp_path: Path) -> None:
    """Manual: "Avbokning/ombokning kan inte göras inom [0] timmar från bokning"."""
    async with on_tab(tmp_path) as (app, _):
        row = app.screen.query_one("#hours-row")
        texts = [str(w.render()) for w in row.query(Label)]
        assert texts == ["Avbokning/ombokning kan inte göras inom", "timmar från bokning"]


# -- "?" explains the title too (the binding's help promises bild, titel, tider) ---


async def test_explain_says_why_the_title_is_missing() -> None:
    catalogue = demo_catalogue(TODAY)
    app = Host(demo_configuration(catalogue), catalogue)
    async with app.run_test(size=(100, 40)) as pilot:
        pane = app.query_one(PreviewPane)
        pane.focus()
        await pilot.press("enter", "enter", "down")  # OpusTandläkarna, Undersökning, Olle
        assert pane.page is not None and pane.page.kind == "practitioner"
        text = pane.explanation()
        assert "Ingen titel: samtycke för Behandlars titel saknas för Olle Ohlsson" in text
        await pilot.press("down")  # Lena Svensson, shown with her title
        assert "Titeln på Lena Svensson visas: Tandhygienist" in pane.explanation()


# -- photos in the pane beside the tab (120 columns: the pane is 48 wide) --------------------------


async def test_photos_show_in_the_pane_beside_the_tab(tmp_path: Path) -> None:
    from PIL import Image

    from opus_tui.store.repository import Store
    from tests.ui.test_preview_pane import with_photo

    photo = tmp_path / "olle.jpg"
    Image.new("RGB", (30, 40), (200, 40, 40)).save(photo, "JPEG")
    url, config = demo_store(tmp_path, any_clinic=False)
    with Store.open(url) as store:
        store.save_config(with_photo(config, photo, consent=True), summary="test")
    app = OpusApp(url, catalogue=demo_catalogue(TODAY), clock=lambda: NOW)
    async with on_tab(tmp_path, app=app) as (app, pilot):
        pane = pane_of(app)
        await focus(pilot, "preview-pane")
        await pilot.press("enter", "enter")  # OpusTandläkarna, Undersökning
        assert pane.page is not None and pane.page.kind == "practitioner"
        await settle(pilot)  # photos are drawn in a thread worker
        lines = pane.query_one(PageLines).plain_lines()
        assert any(ch in line for line in lines for ch in HALF_BLOCKS)


async def test_explain_names_the_setting_behind_an_any_option(tmp_path: Path) -> None:
    url, _ = demo_store(tmp_path, any_clinic=True)
    app = OpusApp(url, catalogue=demo_catalogue(TODAY), clock=lambda: NOW)
    async with on_tab(tmp_path, app=app) as (app, pilot):
        pane = pane_of(app)
        await focus(pilot, "preview-pane")
        assert "Vilken som helst: LUND" in highlighted(pane)
        text = pane.explanation()
        assert "Visa 'Vilken klinik som helst' är aktiverad (Flexibilitet)" in text
        await pilot.press("down", "enter", "enter")  # OpusTandläkarna, Undersökning
        assert pane.page is not None and pane.page.kind == "practitioner"
        assert "Vilken behandlare som helst" in highlighted(pane)
        text = pane.explanation()
        assert "Visa 'Vilken behandlare som helst' är aktiverad (Flexibilitet)" in text


# -- Media's texts in the preview: rendered as the booking page shows them ----------------------


def with_texts(config: WebConfiguration, welcome: str, maintenance: str) -> WebConfiguration:
    media = config.media
    texts = media.texts.model_copy(update={"welcome_text": welcome})
    deviations = media.deviations.model_copy(update={"maintenance": maintenance})
    return config.model_copy(
        update={"media": media.model_copy(update={"texts": texts, "deviations": deviations})}
    )


async def test_media_markup_is_rendered_in_the_preview_not_shown_raw() -> None:
    catalogue = demo_catalogue(TODAY)
    config = with_texts(
        demo_configuration(catalogue),
        "Hej **fet** och _kursiv_.\n\n- punkt ett\n\n[Läs mer](https://example.se)",
        "Vi **uppgraderar** systemet.",
    )
    app = Host(config, catalogue)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        pane = app.query_one(PreviewPane)
        text = pane.plain_text()
        assert "Hej fet och kursiv." in text
        assert "• punkt ett" in text
        assert "Läs mer (https://example.se)" in text
        assert "**" not in text and "](" not in text
        general = config.flexibility.general.model_copy(update={"maintenance_mode": True})
        flex = config.flexibility.model_copy(update={"general": general})
        app.set_draft(config.model_copy(update={"flexibility": flex}))
        await pilot.pause()
        text = pane.plain_text()
        assert "Vi uppgraderar systemet." in text
        assert "**" not in text


# -- Kliniktext: an error in another clinic's text names it and is shown when Spara refuses ------


async def test_a_clinic_text_error_names_the_clinic_and_spara_shows_it(tmp_path: Path) -> None:
    from textual.widgets import Input, Select

    from opus_tui.widgets.field import FieldError

    async with on_tab(tmp_path, "5") as (app, pilot):
        app.screen.query_one("#media-tabs", TabbedContent).active = "pane-clinic"
        await settle(pilot)
        picker = app.screen.query_one("#clinic", Select)
        await focus(pilot, "clinic")
        await pilot.press("enter", "down", "enter")  # the first clinic
        await settle(pilot)
        first = picker.value
        await focus(pilot, "clinic-header")
        await pilot.press(*("x" * 101))
        await settle(pilot)
        await focus(pilot, "clinic")
        await pilot.press("enter", "down", "enter")  # the next clinic: its fields are fine
        await settle(pilot)
        assert picker.value != first
        error = app.screen.query(FieldError).filter(".-shown").first()
        assert "OpusTandläkarna" in str(error.render())  # which clinic's text is wrong
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert all(len(t.header) <= 100 for t in app.saved.media.clinic_texts.per_clinic)
        assert picker.value == first  # the clinic with the error is shown again
        header = app.screen.query_one("#clinic-header", Input)
        assert app.focused is header and len(header.value) == 101


async def test_arrows_move_between_the_settings(tmp_path: Path) -> None:
    """↓ four times from the first setting, then space: it toggled the first one (↓ scrolled)."""
    async with on_tab(tmp_path, size=(80, 24)) as (app, pilot):
        boxes = list(app.screen.query(Checkbox))
        await focus(pilot, boxes[0].id or "")
        await pilot.press("down", "down", "down", "down")
        assert app.focused is boxes[4]
        before = [box.value for box in boxes]
        await pilot.press("space")
        await pilot.pause()
        assert [box.value for box in boxes] == [
            not value if i == 4 else value for i, value in enumerate(before)
        ]
        await pilot.press("up")
        assert app.focused is boxes[3]
