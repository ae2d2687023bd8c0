"""Review round (Flexibilitet, preview): the booking-flow engine with half-typed draft values."""

from __future__ import annotations

from typing import Any

import pytest

from opus_tui.domain.config import WebConfiguration
from opus_tui.services import booking_flow as bf
from tests.unit.test_booking_flow import BASE, CATALOGUE, NOW, logged_in


def with_hours(value: Any) -> WebConfiguration:
    """The draft as the Flexibilitet tab leaves it: hours_limit set without validation."""
    flex = BASE.flexibility
    booking = flex.booking.model_copy(update={"hours_limit": value})
    return BASE.model_copy(update={"flexibility": flex.model_copy(update={"booking": booking})})


@pytest.mark.parametrize("value", ["", "abc", -3, None])
def test_a_half_typed_hours_limit_does_not_break_the_bookings_page(value: Any) -> None:
    """Clearing the hours field to retype it used to turn the preview into
    'TypeError: unsupported type for timedelta hours component: str'."""
    config = with_hours(value)
    page = bf.page(config, CATALOGUE, logged_in(config), NOW)
    assert page.kind == "bookings"
    # Counted as no limit while the field is invalid (its field error blocks Spara).
    reasons = {o.reason for g in page.groups for o in g.options}
    assert not any(r.startswith("Kan inte ändras inom") for r in reasons)


def test_a_half_typed_hours_limit_does_not_break_the_confirm_page() -> None:
    config = with_hours("")
    pages = bf.walk(config, CATALOGUE, NOW)
    assert pages[-1].kind == "confirm"
    assert pages[-1].effects  # the confirmation e-mail and SMS are still rendered


def test_a_valid_hours_limit_still_applies() -> None:
    config = with_hours(24)
    page = bf.page(config, CATALOGUE, logged_in(config), NOW)
    reasons = {o.reason for g in page.groups for o in g.options}
    assert "Kan inte ändras inom 24 timmar" in reasons


# -- "?" in the preview: why a practitioner's title is (not) shown ---


@pytest.mark.parametrize(
    ("subject", "expected"),
    [
        (
            "title:Olle Ohlsson@OpusTandläkarna",
            "Ingen titel: samtycke för Behandlars titel saknas för Olle Ohlsson på "
            "OpusTandläkarna.",
        ),
        ("title:Lena Svensson@OpusTandläkarna", "Titeln på Lena Svensson visas: Tandhygienist"),
    ],
)
def test_explain_says_why_a_title_is_or_is_not_shown(subject: str, expected: str) -> None:
    assert expected in bf.explain(BASE, CATALOGUE, subject, NOW)


def test_explain_title_of_a_practitioner_who_is_not_added() -> None:
    from tests.unit.test_booking_flow import base_data, config_of

    data = base_data()
    for clinic in data["clinics"]["published"]:
        clinic["practitioners"] = [
            p for p in clinic["practitioners"] if p["name"] != "Olle Ohlsson"
        ]
    config = config_of(data)
    text = bf.explain(config, CATALOGUE, "title:Olle Ohlsson", NOW)
    assert "inte tillagd under Kliniker" in text
