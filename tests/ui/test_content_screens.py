"""Media, E-post, SMS and Avancerat: Pilot tests (merge-field picker, save, revert, counters,
checks) and snapshots of each screen at 80×24 and 120×40."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image
from rich.text import Text
from textual.widgets import Input, Select, Static, TabbedContent, TextArea

from opus_tui.app import OpusApp
from opus_tui.domain.problems import Problem
from opus_tui.screens.advanced import AdvancedScreen
from opus_tui.screens.base import TabScreen
from opus_tui.screens.email import EmailScreen
from opus_tui.screens.media import MediaScreen
from opus_tui.screens.sms import SmsScreen
from opus_tui.services.templates import TemplateKind
from opus_tui.widgets.field import FieldError
from opus_tui.widgets.image_view import ImageView
from opus_tui.widgets.template_editor import TemplateEditor
from tests.ui.helpers import settle

GA4 = """<script async src="https://www.googletagmanager.com/gtag/js?id=G-ABC123"></script>
<script>
  window.dataLayer = window.dataLayer || [];
  function gtag(){dataLayer.push(arguments);}
  gtag('js', new Date());
  gtag('config', 'G-ABC123');
</script>"""

META = """<script>
!function(f,b,e,v,n,t,s){if(f.fbq)return;n=f.fbq=function(){};t=b.createElement(e);
t.src=v;s=b.getElementsByTagName(e)[0];s.parentNode.insertBefore(t,s)}(window,
document,'script','https://connect.facebook.net/en_US/fbevents.js');
fbq('init', '123456789012345');
</script>"""


async def _open(pilot, app: OpusApp, key: str) -> None:
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.press(key)
    await pilot.pause()


async def _settle(pilot, app: OpusApp) -> None:
    await settle(pilot)


def _saved_config(store_url: str):
    from opus_tui.store.repository import Store

    with Store.open(store_url) as store:
        return store.load_config()


def _problems(app: OpusApp) -> list[Problem]:
    screen = app.screen
    assert isinstance(screen, TabScreen)
    return screen.section_problems()


def _editor(app: OpusApp, kind: TemplateKind) -> TemplateEditor:
    return app.screen.query_one(f"#editor-{kind.value}", TemplateEditor)


# --- E-post --------------------------------------------------------------------------------------


async def test_email_picker_inserts_field_at_cursor(make_app) -> None:
    app: OpusApp = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await _open(pilot, app, "6")
        assert isinstance(app.screen, EmailScreen)
        editor = _editor(app, TemplateKind.NEW_BOOKING)
        area = editor.text_area
        area.focus()
        area.insert("Hej , välkommen")
        await pilot.press("!")
        await pilot.press("home", *["right"] * 4)  # the cursor after "Hej "
        await pilot.press("f4")
        await pilot.pause()
        picker = editor.query_one(Select)
        assert picker.expanded
        await pilot.press("enter")  # the list opens on its first field
        await pilot.pause()
        assert area.text == "Hej {patient_first_name}, välkommen!"
        assert app.draft.email.new_booking == "Hej {patient_first_name}, välkommen!"
        assert app.focused is area
        # the picker is ready for the next field
        assert not isinstance(picker.value, str)
        preview = editor.query_one(".preview", Static)
        assert "Hej Anna, välkommen!" in str(preview.render())


async def test_email_save_and_revert(make_app, store_url: str) -> None:
    app: OpusApp = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await _open(pilot, app, "6")
        sender = app.screen.query_one("#sender", Input)
        sender.focus()
        await pilot.pause()
        sender.insert_text_at_cursor("bokning@klinik.se")
        area = _editor(app, TemplateKind.CANCELLATION).text_area
        app.screen.query_one("#templates", TabbedContent).active = "pane-cancellation"
        await pilot.pause()
        area.focus()
        area.insert("Hej {patient_name}! Avbokat")
        await pilot.press(".")
        await pilot.press("ctrl+s")
        await _settle(pilot, app)
        saved = _saved_config(store_url).email
        assert saved.sender == "bokning@klinik.se"
        assert saved.cancellation == "Hej {patient_name}! Avbokat."
        await pilot.press(*" Mer")
        assert app.draft.email.cancellation.endswith("Mer")
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert area.text == "Hej {patient_name}! Avbokat."
        assert app.draft.email == saved


async def test_email_unknown_field_blocks_save_with_position(make_app, store_url: str) -> None:
    app: OpusApp = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await _open(pilot, app, "6")
        editor = _editor(app, TemplateKind.NEW_BOOKING)
        editor.text_area.focus()
        editor.text_area.insert("Din tid {datum")
        await pilot.press("}")
        await pilot.press("ctrl+s")
        await _settle(pilot, app)
        error = editor.query_one(FieldError)
        assert error.problems
        text = str(error.render())
        assert "Okänt kopplingsfält '{datum}'" in text
        assert "rad 1, kolumn 9" in text and "Menade du {date}?" in text
        assert _saved_config(store_url).email.new_booking == ""
        assert app.focused is editor.text_area
        assert editor.text_area.cursor_location == (0, 8)  # on "{datum}"


async def test_email_bad_sender_is_a_field_error(make_app) -> None:
    app: OpusApp = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await _open(pilot, app, "6")
        app.screen.query_one("#sender", Input).focus()
        await pilot.press(*"inte")
        await _settle(pilot, app)
        error = app.screen.query_one("#content > FieldError", FieldError)
        assert any(p.is_error for p in error.problems)


# --- SMS -----------------------------------------------------------------------------------------


async def test_sms_counter_range_warning_and_ucs2(make_app) -> None:
    app: OpusApp = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await _open(pilot, app, "7")
        assert isinstance(app.screen, SmsScreen)
        editor = _editor(app, TemplateKind.NEW_BOOKING)
        counter = editor.query_one(".counter", Static)
        assert "Exempel: 85 tecken · 1 SMS · GSM-7" in str(counter.render())
        editor.text_area.focus()
        editor.text_area.insert(
            "Hej {patient_name}, din tid hos {practitioner_name} på {clinic_name} "
            "är {date} kl. {start_time}. Behandling: {treatment}. Välkommen! "
            "Avboka senast {cancellation_deadline}."
        )
        await _settle(pilot, app)
        shown = str(counter.render())
        assert "Uppskattad längd:" in shown and "1–2 SMS" in shown
        problems = [p for p in _problems(app) if p.path == ("sms", "new_booking")]
        assert len(problems) == 1  # the app's check and the screen's: one shown
        assert problems[0].severity == "warning" and "kan bli 2 SMS" in problems[0].message
        assert "Bekräftelsen kan bli 2 SMS" in str(editor.query_one(FieldError).render())
        editor.text_area.insert(" – ok")
        await _settle(pilot, app)
        shown = str(counter.render())
        assert "UCS-2" in shown and "Tecken som kräver UCS-2" in shown and "–" in shown
        preview = editor.query_one(".preview", Static).content
        assert isinstance(preview, Text)
        dash = preview.plain.index("–")
        assert any(
            span.start <= dash < span.end and "reverse" in str(span.style) for span in preview.spans
        )


async def test_sms_standard_text_button(make_app, store_url: str) -> None:
    app: OpusApp = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await _open(pilot, app, "7")
        editor = _editor(app, TemplateKind.NEW_BOOKING)
        await pilot.click(editor.query_one(".use-standard"))
        await pilot.pause()
        assert editor.text.startswith("Bokningsbekräftelse\nDin tid: {date}")
        assert app.draft.sms.new_booking == editor.text


# --- Media ---------------------------------------------------------------------------------------


async def test_media_texts_links_checked(make_app, store_url: str) -> None:
    app: OpusApp = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await _open(pilot, app, "5")
        assert isinstance(app.screen, MediaScreen)
        area = app.screen.query_one("#welcome_text", TextArea)
        area.focus()
        area.insert("Välkommen! [Läs](javascript:alert(1)")
        await pilot.press(")")
        await pilot.press("ctrl+s")
        await _settle(pilot, app)
        assert _saved_config(store_url).media.texts.welcome_text == ""
        problems = _problems(app)
        assert any(p.is_error and "javascript:" in p.message for p in problems)
        area.clear()
        area.insert("Välkommen! [Läs](https://klinik.se")
        await pilot.press(")")
        await pilot.press("ctrl+s")
        await _settle(pilot, app)
        assert _saved_config(store_url).media.texts.welcome_text.endswith("(https://klinik.se)")
        preview = app.screen.query_one("#welcome_text-preview", Static)
        assert str(preview.render()) == "Välkommen! Läs (https://klinik.se)"


async def test_media_colour_contrast(make_app) -> None:
    app: OpusApp = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await _open(pilot, app, "5")
        app.screen.query_one("#media-tabs", TabbedContent).active = "pane-media"
        await pilot.pause()
        colour = app.screen.query_one("#colour", Input)
        colour.focus()
        colour.value = ""
        await pilot.press(*"#767676")
        await pilot.pause()
        contrast = str(app.screen.query_one("#contrast", Static).render())
        assert "Vit text: 4,54:1 ✓" in contrast
        assert app.draft.media.branding.colour == "#767676"
        colour.value = ""
        await pilot.press(*"#FFFF00")
        await _settle(pilot, app)
        assert any(
            p.path == ("media", "branding", "colour") and "vit text" in p.message
            for p in _problems(app)
        )


async def test_media_logo_checked_and_shown(make_app, tmp_path: Path) -> None:
    logo = tmp_path / "logo.png"
    Image.new("RGB", (200, 80), (20, 90, 160)).save(logo)
    text_file = tmp_path / "logo2.png"
    text_file.write_text("ingen bild")
    app: OpusApp = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await _open(pilot, app, "5")
        app.screen.query_one("#media-tabs", TabbedContent).active = "pane-media"
        await pilot.pause()
        field = app.screen.query_one("#logo", Input)
        field.value = str(logo)
        await _settle(pilot, app)
        info = str(app.screen.query_one("#logo-info", Static).render())
        assert "PNG 200×80" in info and "inom gränserna" in info
        view = app.screen.query_one("#logo-view", ImageView)
        assert view.source == logo.read_bytes()
        assert view.error is None
        field.value = str(text_file)
        await _settle(pilot, app)
        assert any(p.is_error and "ingen bild" in p.message for p in _problems(app))


async def test_media_clinic_picker_and_deviation_restore(make_app, store_url: str) -> None:
    app: OpusApp = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await _open(pilot, app, "5")
        screen = app.screen
        screen.query_one("#media-tabs", TabbedContent).active = "pane-clinic"
        await pilot.pause()
        picker = screen.query_one("#clinic", Select)
        picker.value = "Syd\x1f2"
        await pilot.pause()
        header = screen.query_one("#clinic-header", Input)
        assert not header.disabled
        header.focus()
        await pilot.pause()  # focusing an Input selects its text
        header.insert_text_at_cursor("Välkommen till Lun")
        await pilot.press("d")
        (entry,) = app.draft.media.clinic_texts.per_clinic
        assert (entry.database, entry.clinic_id, entry.header) == (
            "Syd",
            "2",
            "Välkommen till Lund",
        )
        assert "OpusTandläkarna Lund" in str(screen.query_one("#clinics-with-text").render())
        screen.query_one("#media-tabs", TabbedContent).active = "pane-deviations"
        await pilot.pause()
        area = screen.query_one("#dev-maintenance", TextArea)
        area.focus()
        area.insert("Stängt i dag")
        await pilot.press(".")
        assert app.draft.media.deviations.maintenance == "Stängt i dag."
        await pilot.press("ctrl+s")
        await _settle(pilot, app)
        assert _saved_config(store_url).media.deviations.maintenance == "Stängt i dag."
        await pilot.click("#restore-maintenance")
        await pilot.pause()
        assert area.text == ""
        assert app.draft.media.deviations.maintenance == ""
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert area.text == "Stängt i dag."


# --- Avancerat -----------------------------------------------------------------------------------


async def test_advanced_accepts_ga4_warns_meta_refuses_iframe(make_app, store_url: str) -> None:
    app: OpusApp = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await _open(pilot, app, "8")
        assert isinstance(app.screen, AdvancedScreen)
        area = app.screen.query_one("#script", TextArea)
        area.load_text(GA4)
        area.focus()
        await pilot.press("end", "space")
        await pilot.press("ctrl+s")
        await _settle(pilot, app)
        assert "googletagmanager" in _saved_config(store_url).advanced.analytics_script
        assert "www.googletagmanager.com" in str(app.screen.query_one("#script-report").render())
        area.load_text(META)
        await pilot.press("end", "space")
        await _settle(pilot, app)
        warnings = [p for p in _problems(app) if p.severity == "warning"]
        assert any("IMY" in p.message for p in warnings)
        area.load_text('<iframe src="https://x.example"></iframe>')
        await pilot.press("end", "space")
        await pilot.press("ctrl+s")
        await _settle(pilot, app)
        assert "googletagmanager" in _saved_config(store_url).advanced.analytics_script
        assert any(p.is_error and "<iframe>" in p.message for p in _problems(app))


# --- snapshots -----------------------------------------------------------------------------------


def _freeze(pilot) -> None:
    for widget in pilot.app.screen.query("Input, TextArea"):
        widget.cursor_blink = False


@pytest.fixture
def fixed_header(monkeypatch: pytest.MonkeyPatch) -> None:
    """The store's temporary path appears in the header: make it stable."""
    monkeypatch.setattr("opus_tui.app.describe", lambda url: "test.db")


SCREENS = [("media", "5", None), ("epost", "6", None), ("sms", "7", None),
           ("avancerat", "8", None), ("media-farg", "5", "pane-media"),
           ("media-avvikelser", "5", "pane-deviations")]  # fmt: skip


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
@pytest.mark.parametrize(("name", "key", "pane"), SCREENS, ids=[s[0] for s in SCREENS])
def test_snapshot(snap_compare, make_app, fixed_header, name, key, pane, size) -> None:
    async def run_before(pilot) -> None:
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.press(key)
        await pilot.pause()
        if size[0] >= 120:
            await pilot.press("f2")  # hide the booking-page preview (its own tests cover it)
        if pane is not None:
            pilot.app.screen.query_one("#media-tabs", TabbedContent).active = pane
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        _freeze(pilot)
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=size, run_before=run_before)


def test_snapshot_sms_two_parts_and_ucs2(snap_compare, make_app, fixed_header) -> None:
    """The counter's range, its warning and the marked UCS-2 characters."""

    async def run_before(pilot) -> None:
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.press("7")
        await pilot.pause()
        await pilot.press("f2")
        editor = pilot.app.screen.query_one("#editor-new_booking", TemplateEditor)
        editor.text_area.insert(
            "Hej {patient_name}! Din tid hos {practitioner_name} på {clinic_name} "
            "är {weekday} {date} kl. {start_time} – välkommen! Avboka senast "
            "{cancellation_deadline} på {booking_page}."
        )
        await pilot.pause()
        _freeze(pilot)
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=(120, 40), run_before=run_before)
