"""subdomain_of: what the Underdomän field stores from what is typed or pasted."""

from __future__ import annotations

import pytest

from opus_tui.screens.subdomain import subdomain_of


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Tandmottagningen", "tandmottagningen"),
        ("  klinik-nord ", "klinik-nord"),
        ("https://tandmottagningen.opusdentalonline.com/", "tandmottagningen"),
        ("http://Tandmottagningen.OpusDentalOnline.com", "tandmottagningen"),
        ("tandmottagningen.opusdentalonline.com", "tandmottagningen"),
        (".opusdentalonline.com", ".opusdentalonline.com"),  # no name: left for the rule
        ("tand.example.com", "tand.example.com"),  # another domain: the rule says why
        ("", ""),
    ],
)
def test_subdomain_of(typed: str, stored: str) -> None:
    assert subdomain_of(typed) == stored
