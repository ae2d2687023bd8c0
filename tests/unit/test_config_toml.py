"""TOML export/import: deterministic round trip, every error listed, generated reference current."""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from opus_tui.commands.demo import demo_configuration
from opus_tui.domain import SECTION_NAMES, WebConfiguration
from opus_tui.services.config_reference import reference
from opus_tui.services.config_toml import TomlImportError, export_toml, import_toml
from opus_tui.services.demo import demo_catalogue

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def demo() -> WebConfiguration:
    return demo_configuration(demo_catalogue(date(2026, 11, 27)))


def test_round_trip_is_byte_identical(demo: WebConfiguration) -> None:
    text = export_toml(demo)
    config, problems = import_toml(text)
    assert config == demo
    assert [p for p in problems if p.is_error] == []
    assert export_toml(config) == text


def test_defaults_round_trip() -> None:
    text = export_toml(WebConfiguration())
    config, _ = import_toml(text)
    assert config == WebConfiguration()
    assert export_toml(config) == text


def test_sections_follow_the_tabs_with_labels(demo: WebConfiguration) -> None:
    text = export_toml(demo)
    positions = [text.index(f"\n[{name}]\n") for name in SECTION_NAMES]
    assert positions == sorted(positions)
    assert "# === Flexibilitet ===\n[flexibility]" in text
    assert "# Visa 'Vilken klinik som helst'\nany_clinic = true" in text
    assert "# Tillagda behandlare: OpusTandläkarna\n[[clinics.published]]" in text
    assert '[[clinics.published.practitioners]]\n# Behandlar-id\npractitioner_id = "' in text
    assert "exporteras INTE" in text  # the header says what is left out
    assert list(tomllib.loads(text)) == list(SECTION_NAMES)


def test_no_connection_settings_or_secrets(demo: WebConfiguration) -> None:
    text = export_toml(demo).lower()
    for word in ("pwd", "password", "driver=", "api_key", "certificate_path"):
        assert word not in text


@settings(max_examples=150, deadline=None)
@given(st.text(st.characters(codec="utf-8"), max_size=300))
def test_any_text_round_trips(value: str) -> None:
    config = WebConfiguration()
    config.media.texts.welcome_text = value[:2000]
    config.sms.new_booking = value[:1000]
    text = export_toml(config)
    parsed, _ = import_toml(text)
    assert parsed is not None
    assert parsed.media.texts.welcome_text == value[:2000]
    assert export_toml(parsed) == text


def test_multiline_text_is_readable() -> None:
    config = WebConfiguration()
    config.media.texts.welcome_text = 'Välkommen!\nRing "oss" på 046-190470.'
    text = export_toml(config)
    assert 'welcome_text = """\nVälkommen!\nRing \\"oss\\" på 046-190470."""' in text


def replace_line(text: str, old: str, new: str) -> str:
    assert old in text
    return text.replace(old, new, 1)


@pytest.mark.parametrize(
    ("old", "new", "key", "value"),
    [
        ('name = "tandmottagningen"', 'name = "-bad-"', "subdomain.name", "'-bad-'"),
        ('name = "tandmottagningen"', f'name = "{"a" * 51}"', "subdomain.name", "3–50"),
        ('third = "practitioner"', 'third = "treatment"', "flexibility.steps.third", "Behandling"),
        ("hours_limit = 0", "hours_limit = -1", "flexibility.booking.hours_limit", "-1"),
        ('colour = "#1B5E8C"', 'colour = "red"', "media.branding.colour", "'red'"),
        ("any_clinic = true", "any_clinic = true\nany_klinik = true", "any_klinik", "okänd"),
    ],
)
def test_import_errors_name_key_and_value(
    demo: WebConfiguration, old: str, new: str, key: str, value: str
) -> None:
    text = replace_line(export_toml(demo), old, new)
    config, problems = import_toml(text)
    assert config is None
    messages = [str(p) for p in problems if p.is_error]
    assert len(messages) == 1
    assert key in messages[0]
    assert value in messages[0]


def test_merged_view_with_other_order(demo: WebConfiguration) -> None:
    text = export_toml(demo)
    text = replace_line(text, "merged_view = false", "merged_view = true")
    text = replace_line(text, 'second = "treatment"', 'second = "practitioner"')
    text = replace_line(text, 'third = "practitioner"', 'third = "treatment"')
    config, problems = import_toml(text)
    assert config is None
    (error,) = [p for p in problems if p.is_error]
    assert error.key == "flexibility.steps.merged_view"


def test_practitioner_text_too_long(demo: WebConfiguration) -> None:
    old = f'text = "{demo.practitioners.profiles[0].text}"'
    text = replace_line(export_toml(demo), old, f'text = "{"x" * 101}"')
    config, problems = import_toml(text)
    assert config is None
    (error,) = [p for p in problems if p.is_error]
    assert error.key == "practitioners.profiles[0].text"
    assert "högst 100 tecken (är 101)" in str(error)


def test_all_errors_at_once(demo: WebConfiguration) -> None:
    text = export_toml(demo)
    text = replace_line(text, "hours_limit = 0", "hours_limit = -1")
    text = replace_line(text, 'colour = "#1B5E8C"', 'colour = "red"')
    config, problems = import_toml(text)
    assert config is None
    assert sorted(p.key for p in problems if p.is_error) == [
        "flexibility.booking.hours_limit",
        "media.branding.colour",
    ]


def test_bad_toml_and_empty_file() -> None:
    with pytest.raises(TomlImportError, match="inte giltig TOML"):
        import_toml("[subdomain\nname = 1", "a.toml")
    with pytest.raises(TomlImportError, match=r"a\.toml är inte giltig TOML \(rad 2, kolumn 8\): "):
        import_toml('[email]\nsender "x@y.se"\n', "a.toml")
    with pytest.raises(TomlImportError, match=r"\(i slutet av filen\): Invalid value"):
        import_toml("[sms]\nnew_booking = ", "a.toml")
    with pytest.raises(TomlImportError, match="ingen konfiguration"):
        import_toml("# bara en kommentar\n", "a.toml")


def test_partial_file_fills_in_defaults() -> None:
    config, _ = import_toml('[subdomain]\nname = "abc"\n')
    assert config is not None
    assert config.subdomain.name == "abc"
    assert config.flexibility == WebConfiguration().flexibility


def test_reference_is_up_to_date() -> None:
    committed = (ROOT / "docs" / "config-reference.md").read_text(encoding="utf-8")
    assert committed == reference(), (
        "docs/config-reference.md is stale: run "
        "python -m opus_tui.services.config_reference > docs/config-reference.md"
    )


def test_reference_lists_every_key() -> None:
    text = reference()
    for key in (
        "subdomain.name",
        "clinics.published[].group",
        "practitioners.consents[].title",
        "flexibility.steps.merged_view",
        "flexibility.booking.hours_limit",
        "media.branding.colour",
        "email.sender",
        "advanced.analytics_script",
    ):
        assert f"`{key}`" in text
    assert "högst 100 tecken" in text
    assert "färg `#RRGGBB`" in text
