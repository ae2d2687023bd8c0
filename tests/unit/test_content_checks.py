"""The content checks used by the screens and by `opus-tui check` (via services.checks)."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from opus_tui.domain.config import (
    AdvancedSettings,
    Branding,
    ClinicText,
    ClinicTexts,
    EmailSettings,
    GeneralTexts,
    MediaSettings,
    SmsSettings,
    WebConfiguration,
)
from opus_tui.services import checks, content_checks


def _config(**sections) -> WebConfiguration:
    return WebConfiguration().model_copy(update=sections)


def test_default_configuration_has_no_content_problems():
    assert content_checks.content_problems(WebConfiguration()) == []


def test_registered_for_the_command_line():
    config = _config(email=EmailSettings(new_booking="Hej {fornamn}"))
    found = checks.all_problems(config)
    assert content_checks.content_problems in checks.CHECKERS
    (problem,) = [p for p in found if p.path == ("email", "new_booking")]
    assert problem.is_error
    assert "Menade du {patient_first_name}?" in problem.message
    assert problem.label == "Nybokning"


def test_sms_two_parts_is_a_warning():
    long = "Hej {patient_name}! " + "Mycket lång text. " * 8 + "{clinic_name}"
    found = content_checks.sms_problems(SmsSettings(rebooking=long))
    (problem,) = found
    assert problem.path == ("sms", "rebooking")
    assert problem.severity == "warning" and "2 SMS" in problem.message


def test_media_links_colour_and_logo(tmp_path: Path):
    bad = tmp_path / "logo.png"
    bad.write_text("ingen bild")
    media = MediaSettings(
        texts=GeneralTexts(welcome_text="Se [här](javascript:alert(1))"),
        clinic_texts=ClinicTexts(
            per_clinic=[ClinicText(database="db", clinic_id="1", body="<b>x</b>")]
        ),
        branding=Branding(colour="#FFFF00", logo=str(bad)),
    )
    found = content_checks.media_problems(media, check_logo=True)
    by_path = {(p.path, p.severity) for p in found}
    assert (("media", "texts", "welcome_text"), "error") in by_path
    assert (("media", "clinic_texts", "per_clinic", 0), "warning") in by_path
    assert (("media", "branding", "colour"), "warning") in by_path
    assert (("media", "branding", "logo"), "error") in by_path
    good = tmp_path / "good.png"
    Image.new("RGB", (200, 80), "navy").save(good)
    assert content_checks.logo_problem(str(good)) is None
    assert "finns inte" in (content_checks.logo_problem(str(tmp_path / "nej.png")) or "")


def test_advanced_script():
    found = content_checks.advanced_problems(
        AdvancedSettings(analytics_script="<img src=x onerror=alert(1)>")
    )
    assert [p.severity for p in found] == ["error"]
    pixel = "<script>fbq('init', '1');</script>"
    (warning,) = content_checks.advanced_problems(AdvancedSettings(analytics_script=pixel))
    assert warning.severity == "warning" and "IMY" in warning.message


def test_dedupe_keeps_one_of_each_and_the_last_length_warning():
    from opus_tui.domain.problems import Problem

    a = Problem(("sms", "new_booking"), "Bekräftelsen kan bli 2 SMS (170 tecken)", "warning")
    b = Problem(("sms", "new_booking"), "Bekräftelsen kan bli 3 SMS (320 tecken)", "warning")
    c = Problem(("sms", "rebooking"), "Okänt kopplingsfält", "error")
    assert content_checks.dedupe([a, c, b, c]) == [c, b]


def test_logo_check_is_cached_per_file_version(tmp_path: Path):
    logo = tmp_path / "l.png"
    Image.new("RGB", (50, 20), "navy").save(logo)
    content_checks._logo_problem.cache_clear()
    assert content_checks.logo_problem(str(logo)) is None
    assert content_checks.logo_problem(str(logo)) is None
    assert content_checks._logo_problem.cache_info().hits == 1
    logo.write_text("nu ingen bild")
    assert "ingen bild" in (content_checks.logo_problem(str(logo)) or "")
