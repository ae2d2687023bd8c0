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
