"""The configuration's errors are its sections' errors: ``check`` validates section by section,
and the UI caches per section object (an edit replaces only its own section)."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel

from opus_tui.domain.config import (
    ClinicsSettings,
    PractitionerProfile,
    PractitionerSettings,
    PublishedClinic,
    PublishedPractitioner,
    WebConfiguration,
)
from opus_tui.domain.problems import Problem, check, section_errors, validate_config


def _draft(**sections: Any) -> WebConfiguration:
    """A draft as the screens make it: sections replaced without validation."""
    return WebConfiguration().model_copy(update=sections)


@pytest.mark.filterwarnings("ignore::UserWarning")  # a draft holding a wrong value serializes it
def test_per_section_check_equals_whole_validation() -> None:
    bad_steps = WebConfiguration().flexibility.model_copy(
        update={"steps": WebConfiguration().flexibility.steps.model_copy(update={"first": "x"})}
    )
    long_text = PractitionerSettings(
        profiles=[PractitionerProfile(database="Opus", practitioner_id="7")]
    ).model_copy(
        update={
            "profiles": [
                PractitionerProfile(database="Opus", practitioner_id="7").model_copy(
                    update={"text": "x" * 101}
                )
            ]
        }
    )
    for draft in (
        WebConfiguration(),
        _draft(flexibility=bad_steps),
        _draft(practitioners=long_text),
        _draft(flexibility=bad_steps, practitioners=long_text),
    ):
        whole = validate_config(draft.model_dump())[1]
        assert [(p.key, p.message, p.label) for p in check(draft)] == [
            (p.key, p.message, p.label) for p in whole
        ]
    keys = [p.key for p in check(_draft(flexibility=bad_steps, practitioners=long_text))]
    assert "practitioners.profiles[0].text" in keys
    assert any(k.startswith("flexibility.steps") for k in keys)


def test_errors_of_is_asked_once_per_section_and_can_cache() -> None:
    asked: list[str] = []
    cache: dict[str, tuple[BaseModel, list[Problem]]] = {}

    def cached(name: str, value: BaseModel) -> list[Problem]:
        hit = cache.get(name)
        if hit is None or hit[0] is not value:
            asked.append(name)
            hit = cache[name] = (value, section_errors(name, value))
        return hit[1]

    draft = WebConfiguration()
    check(draft, cached)
    assert sorted(asked) == sorted(WebConfiguration.model_fields)
    asked.clear()
    clinics = ClinicsSettings(
        published=[
            PublishedClinic(
                database="Opus",
                clinic_id="1",
                name="Malmö",
                practitioners=[PublishedPractitioner(practitioner_id="7", name="Olle")],
            )
        ]
    )
    edited = draft.model_copy(update={"clinics": clinics})
    assert check(edited, cached) == check(edited)
    assert asked == ["clinics"]  # the other sections are the same objects


def test_profile_warnings_need_the_published_practitioners() -> None:
    profile = PractitionerProfile(database="Opus", practitioner_id="7", text="Hej")
    alone = WebConfiguration(practitioners=PractitionerSettings(profiles=[profile]))
    assert "inte tillagd under Kliniker" in " ".join(p.message for p in check(alone))
    published = alone.model_copy(
        update={
            "clinics": ClinicsSettings(
                published=[
                    PublishedClinic(
                        database="Opus",
                        clinic_id="1",
                        practitioners=[PublishedPractitioner(practitioner_id="7")],
                    )
                ]
            )
        }
    )
    assert "inte tillagd under Kliniker" not in " ".join(p.message for p in check(published))


def test_lenient_config_keeps_what_breaks_a_rule_in_its_place() -> None:
    from opus_tui.domain import PublishedClinic, PublishedPractitioner
    from opus_tui.domain.problems import lenient_config

    practitioner = {"practitioner_id": "10", "name": "Olle", "title": "T" * 60}
    data = {
        "clinics": {
            "published": [
                {
                    "database": "Syd",
                    "clinic_id": "1",
                    "name": "Malmö",
                    "group": "G" * 120,
                    "practitioners": [practitioner, dict(practitioner, title="")],
                    "newer_version_key": 1,
                }
            ]
        },
        "flexibility": {"booking": {"hours_limit": 48}},
    }
    config = lenient_config(data)
    clinic = config.clinics.published[0]
    assert isinstance(clinic, PublishedClinic)
    assert all(isinstance(p, PublishedPractitioner) for p in clinic.practitioners)
    assert clinic.group == "G" * 120 and clinic.practitioners[0].title == "T" * 60  # as stored
    assert clinic.practitioners[1].title == ""
    assert config.flexibility.booking.hours_limit == 48  # a valid section: validated
    assert not hasattr(clinic, "newer_version_key")
    keys = {p.key for p in check(config) if p.is_error}
    assert any(k.endswith(".group") for k in keys) and any(k.endswith(".title") for k in keys)


def test_lenient_config_of_a_valid_configuration_is_the_configuration() -> None:
    from opus_tui.domain.problems import lenient_config

    data = WebConfiguration(clinics=ClinicsSettings(published=[])).model_dump(mode="json")
    data["subdomain"] = {"name": "klinik"}
    assert lenient_config(data) == WebConfiguration.model_validate(data)
