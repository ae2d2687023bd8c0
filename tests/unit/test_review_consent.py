"""consent_rows / merged_consents (Hantera behandlarsamtycke) without the dialog."""

from __future__ import annotations

from opus_tui.domain.config import (
    ClinicsSettings,
    Consent,
    PractitionerSettings,
    PublishedClinic,
    PublishedPractitioner,
)
from opus_tui.screens.consent import consent_rows, merged_consents


def clinics() -> ClinicsSettings:
    people = [PublishedPractitioner(practitioner_id=i, name=f"B{i}") for i in ("1", "2")]
    return ClinicsSettings(
        published=[
            PublishedClinic(database="Syd", clinic_id=c, name=f"K{c}", practitioners=people)
            for c in ("a", "b")
        ]
    )


def test_rows_carry_the_given_consents_per_clinic() -> None:
    settings = PractitionerSettings(
        consents=[
            Consent(database="Syd", practitioner_id="2", clinic_id="b", photo=True),
            Consent(database="Syd", practitioner_id="1", clinic_id="a", title=True),
        ]
    )
    rows = consent_rows(clinics(), settings)
    assert [(r.practitioner, r.clinic, r.photo, r.title) for r in rows] == [
        ("B1", "Ka", False, True),
        ("B2", "Ka", False, False),
        ("B1", "Kb", False, False),
        ("B2", "Kb", True, False),
    ]


def test_merge_keeps_unlisted_drops_unticked_adds_new() -> None:
    gone = Consent(database="Nord", practitioner_id="9", clinic_id="z", photo=True)
    settings = PractitionerSettings(
        consents=[gone, Consent(database="Syd", practitioner_id="1", clinic_id="a", title=True)]
    )
    rows = consent_rows(clinics(), settings)
    rows[0].title = False  # B1 at Ka: no tick left
    rows[3].photo = True  # B2 at Kb: new
    merged = merged_consents(rows, settings)
    assert [(c.practitioner_id, c.clinic_id, c.photo, c.title) for c in merged] == [
        ("9", "z", True, False),
        ("2", "b", True, False),
    ]
