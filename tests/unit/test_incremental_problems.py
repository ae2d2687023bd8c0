"""``SectionValidator`` (``domain.problems.section_errors``): a section's errors after each edit,
checking again only the list entries the edit made, are exactly those of validating the whole
section from its dump (the field named, the rule, its Swedish label and value, the order)."""

from __future__ import annotations

import random
import warnings
from typing import Any

import pytest
from pydantic import BaseModel, Field, ValidationError, field_validator, model_validator

from opus_tui.domain import WebConfiguration, check
from opus_tui.domain.config import (
    ClinicsSettings,
    ClinicText,
    ClinicTexts,
    Consent,
    PractitionerProfile,
    PractitionerSettings,
    PublishedClinic,
    PublishedPractitioner,
)
from opus_tui.domain.problems import (
    Problem,
    SectionValidator,
    problems_from_validation_error,
    section_errors,
)


def full_errors(name: str, value: BaseModel) -> list[Problem]:
    """The reference: the whole section validated from its dump (as before the cache)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a draft may hold a value of the wrong type
        try:
            type(value).model_validate(value.model_dump())
        except ValidationError as exc:
            return problems_from_validation_error(exc, type(value), (name,))
    return []


class Checked:
    """One validator kept across a sequence of edits, each result compared with the reference."""

    def __init__(self, name: str = "clinics") -> None:
        self.name = name
        self.validator = SectionValidator()

    def __call__(self, value: BaseModel) -> list[Problem]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            found = self.validator.errors(self.name, value)
        assert found == full_errors(self.name, value)
        assert [str(p) for p in found] == [str(p) for p in full_errors(self.name, value)]
        return found


def practitioner(i: int) -> PublishedPractitioner:
    return PublishedPractitioner(
        practitioner_id=f"B{i}", name=f"Behandlare {i}", title="Tandläkare"
    )


def clinic(i: int, practitioners: int = 5, database: str = "KEDJA") -> PublishedClinic:
    return PublishedClinic(
        database=database,
        clinic_id=f"K{i}",
        name=f"Klinik {i}",
        group="MALMÖ",
        practitioners=[practitioner(j) for j in range(practitioners)],
    )


def chain(clinics: int = 20, practitioners: int = 5) -> ClinicsSettings:
    return ClinicsSettings(published=[clinic(i, practitioners) for i in range(clinics)])


def with_clinics(value: ClinicsSettings, clinics: list[PublishedClinic]) -> ClinicsSettings:
    """An edit as Kliniker makes it: a copy of the section with a new list (not validated)."""
    return value.model_copy(update={"published": clinics})


def regroup(value: ClinicsSettings, index: int, group: str) -> ClinicsSettings:
    clinics = list(value.published)
    clinics[index] = clinics[index].model_copy(update={"group": group})
    return with_clinics(value, clinics)


def test_a_valid_chain_has_no_errors_and_an_edit_checks_only_the_edited_clinic() -> None:
    checked = Checked()
    value = chain(20, 5)
    assert checked(value) == []
    assert checked.validator.entries_checked == 20
    for text in ("M", "MA", "MAL", ""):  # Grupp, keystroke by keystroke
        value = regroup(value, 3, text)
        assert checked(value) == []
    assert checked.validator.entries_checked == 24


def test_a_group_too_long_names_the_field_and_goes_when_shortened() -> None:
    checked = Checked()
    value = chain()
    checked(value)
    value = regroup(value, 7, "G" * 101)
    (problem,) = checked(value)
    assert problem.path == ("clinics", "published", 7, "group")
    assert problem.label == "Grupp"
    assert problem.message == "får vara högst 100 tecken (är 101)"
    assert problem.value == "G" * 101
    value = regroup(value, 7, "G" * 100)
    assert checked(value) == []


def test_a_clinic_added_twice_and_removed_again() -> None:
    checked = Checked()
    value = chain()
    checked(value)
    twice = with_clinics(value, [*value.published, clinic(4)])  # a new object, same clinic
    (problem,) = checked(twice)
    assert problem.path == ("clinics", "published")
    assert problem.label == "Tillagda behandlare"
    assert problem.message == "kliniken K4 (Klinik 4) i KEDJA finns två gånger"
    once = with_clinics(twice, list(twice.published[:-1]))
    assert checked(once) == []
    # the same clinic in another database is another clinic
    assert checked(with_clinics(once, [*once.published, clinic(4, database="ANNAN")])) == []


def test_a_practitioner_added_twice_is_the_clinics_error() -> None:
    checked = Checked()
    value = chain()
    checked(value)
    clinics = list(value.published)
    people = [*clinics[2].practitioners, practitioner(1)]
    clinics[2] = clinics[2].model_copy(update={"practitioners": people})
    (problem,) = checked(with_clinics(value, clinics))
    assert problem.path == ("clinics", "published", 2, "practitioners")
    assert problem.label == "Tillagda behandlare"
    assert problem.message == "behandlare B1 (Behandlare 1) är tillagd två gånger"


def test_an_invalid_value_hides_the_duplicate_as_a_full_validation_does() -> None:
    """Pydantic checks the rules across the list only when every entry passes: while a clinic
    breaks a rule, a clinic added twice is not reported (yet)."""
    checked = Checked()
    value = chain()
    checked(value)
    twice = with_clinics(value, [*value.published, clinic(0)])
    assert [p.message for p in checked(twice)] == [
        "kliniken K0 (Klinik 0) i KEDJA finns två gånger"
    ]
    broken = regroup(twice, 5, "G" * 150)
    assert [p.key for p in checked(broken)] == ["clinics.published[5].group"]
    assert [p.key for p in checked(regroup(broken, 5, "OK"))] == ["clinics.published"]


def test_removing_a_clinic_that_had_an_error_removes_the_error() -> None:
    checked = Checked()
    value = regroup(chain(), 9, "G" * 101)
    assert [p.key for p in checked(value)] == ["clinics.published[9].group"]
    after = with_clinics(value, [c for i, c in enumerate(value.published) if i != 3])
    assert [p.key for p in checked(after)] == ["clinics.published[8].group"]  # moved up
    gone = with_clinics(after, [c for i, c in enumerate(after.published) if i != 8])
    assert checked(gone) == []


def test_adding_practitioners_and_a_new_clinic() -> None:
    checked = Checked()
    value = chain(10, 3)
    checked(value)
    clinics = list(value.published)
    clinics[4] = clinics[4].model_copy(
        update={"practitioners": [*clinics[4].practitioners, *map(practitioner, range(3, 30))]}
    )
    value = with_clinics(value, clinics)
    assert checked(value) == []
    value = with_clinics(value, [*value.published, clinic(10, 30)])
    assert checked(value) == []
    assert len(value.published[-1].practitioners) == 30


def test_several_errors_keep_the_full_validations_order() -> None:
    checked = Checked()
    value = chain(12)
    checked(value)
    clinics = list(value.published)
    clinics[8] = clinics[8].model_copy(update={"group": "G" * 101, "clinic_id": ""})
    people = list(clinics[2].practitioners)
    people[1] = people[1].model_copy(update={"practitioner_id": "", "title": "T" * 51})
    clinics[2] = clinics[2].model_copy(update={"practitioners": people})
    found = checked(with_clinics(value, clinics))
    assert [p.key for p in found] == [
        "clinics.published[2].practitioners[1].practitioner_id",
        "clinics.published[2].practitioners[1].title",
        "clinics.published[8].clinic_id",
        "clinics.published[8].group",
    ]
    assert [p.label for p in found] == [
        "Behandlar-id",
        "Behandlars titel",
        "Klinik-id",
        "Grupp",
    ]


def test_a_value_of_the_wrong_type_in_a_draft() -> None:
    checked = Checked()
    value = chain(5)
    checked(value)
    broken = regroup(value, 1, 17)  # type: ignore[arg-type]  # as an unvalidated draft can
    (problem,) = checked(broken)
    assert problem.key == "clinics.published[1].group"
    assert problem.message == "måste vara en text"
    # an entry that is not a clinic at all (a hand-edited store, read leniently)
    lenient: list[Any] = [*value.published, "Lund"]
    odd = ClinicsSettings.model_construct(published=lenient)
    assert [p.key for p in checked(odd)] == ["clinics.published[5]"]


def _fixed(c: PublishedClinic) -> PublishedClinic:
    """The clinic with its errors put right: a valid group and id, each practitioner once."""
    people = list({p.practitioner_id: p for p in c.practitioners}.values())
    clinic_id = c.clinic_id if 0 < len(c.clinic_id) <= 100 else "K99"
    group = c.group[:100]
    return c.model_copy(update={"group": group, "clinic_id": clinic_id, "practitioners": people})


def test_random_edits_match_a_full_validation() -> None:
    """400 edits of every kind Kliniker makes, each compared with a full validation: valid
    ones, invalid values, clinics and practitioners added twice, and their fixes."""
    rng = random.Random(20261127)
    checked = Checked()
    value = chain(15, 4)
    checked(value)
    kinds: dict[str, int] = {}
    states = {"valid": 0, "field": 0, "across": 0}
    for _ in range(400):
        clinics = list(value.published)
        kind = rng.choice(
            ["group", "add_clinic", "remove_clinic", "move", "add", "remove", "id", "swap", "fix"]
        )
        kinds[kind] = kinds.get(kind, 0) + 1
        i = rng.randrange(len(clinics)) if clinics else 0
        if kind == "add_clinic" or not clinics:
            clinics.append(clinic(rng.randrange(20), rng.randrange(1, 6)))  # maybe a duplicate
        elif kind == "group":
            group = rng.choice(["", "MALMÖ", "Lund", "G" * 100, "MAL", "G" * 101])
            clinics[i] = clinics[i].model_copy(update={"group": group})
        elif kind == "remove_clinic":
            clinics.pop(i)
        elif kind == "move" and len(clinics) > 1:
            j = rng.randrange(len(clinics))
            clinics[i], clinics[j] = clinics[j], clinics[i]
        elif kind == "add":
            people = [*clinics[i].practitioners, practitioner(rng.randrange(12))]
            clinics[i] = clinics[i].model_copy(update={"practitioners": people})
        elif kind == "remove" and clinics[i].practitioners:
            people = list(clinics[i].practitioners)
            people.pop(rng.randrange(len(people)))
            clinics[i] = clinics[i].model_copy(update={"practitioners": people})
        elif kind == "id":
            clinic_id = rng.choice(
                [f"K{rng.randrange(40)}", f"K{rng.randrange(40)}", "", "X" * 101]
            )
            clinics[i] = clinics[i].model_copy(update={"clinic_id": clinic_id})
        elif kind == "swap" and clinics[i].practitioners:
            people = list(reversed(clinics[i].practitioners))
            clinics[i] = clinics[i].model_copy(update={"practitioners": people})
        elif kind == "fix":
            clinics = [_fixed(c) for c in clinics]  # a clinic added twice stays
        value = with_clinics(value, clinics)
        found = checked(value)
        if not found:
            states["valid"] += 1
        else:
            states["across" if found[0].path == ("clinics", "published") else "field"] += 1
    assert len(kinds) == 9
    assert min(states.values()) >= 20, states  # every state reached, often


def test_practitioner_settings_duplicates_and_a_coerced_consent() -> None:
    checked = Checked("practitioners")
    profile = PractitionerProfile(database="KEDJA", practitioner_id="B1", text="Hej")
    consent = Consent(database="KEDJA", practitioner_id="B1", clinic_id="K1", photo=True)
    value = PractitionerSettings(profiles=[profile], consents=[consent])
    assert checked(value) == []
    # "yes" for a bool passes its rule as True (the validated consent stands in)
    coerced = consent.model_copy(update={"photo": "yes", "clinic_id": "K2"})
    value = value.model_copy(update={"consents": [consent, coerced]})
    assert checked(value) == []
    twice = value.model_copy(update={"consents": [consent, coerced, consent.model_copy()]})
    (problem,) = checked(twice)
    assert problem.key == "practitioners.consents"
    assert problem.message == "samma behandlare och klinik har två samtyckesrader"
    # bytes for a text pass as that text: the validated consent is the one added twice
    as_bytes = consent.model_copy(update={"practitioner_id": b"B1"})
    value = value.model_copy(update={"consents": [consent, coerced]})
    assert checked(value) == []
    bytes_twice = value.model_copy(update={"consents": [consent, coerced, as_bytes]})
    assert [p.key for p in checked(bytes_twice)] == ["practitioners.consents"]
    long_text = profile.model_copy(update={"text": "x" * 101})
    broken = twice.model_copy(update={"profiles": [profile, long_text]})
    assert [p.key for p in checked(broken)] == ["practitioners.profiles[1].text"]


def test_clinic_texts_fields_before_the_entries() -> None:
    checked = Checked("clinic_texts")
    text = ClinicText(database="KEDJA", clinic_id="K1", header="Välkommen")
    value = ClinicTexts(header="Behandling", per_clinic=[text])
    assert checked(value) == []
    broken = value.model_copy(
        update={"header": "H" * 101, "per_clinic": [text, text.model_copy(update={"body": 5})]}
    )
    assert [p.key for p in checked(broken)] == [
        "clinic_texts.header",
        "clinic_texts.per_clinic[1].body",
    ]
    twice = value.model_copy(update={"per_clinic": [text, text.model_copy()]})
    assert [p.message for p in checked(twice)] == ["samma klinik har två klinikspecifika texter"]
    header_and_twice = twice.model_copy(update={"header": "H" * 101})
    assert [p.key for p in checked(header_and_twice)] == ["clinic_texts.header"]


@pytest.mark.parametrize("name", ["subdomain", "flexibility", "media"])
def test_sections_without_lists_as_before(name: str) -> None:
    checked = Checked(name)
    value: Any = getattr(WebConfiguration(), name)
    assert checked(value) == []


def test_check_of_a_whole_configuration_uses_it() -> None:
    config = WebConfiguration(clinics=chain(30, 3))
    assert check(config) == check(config, full_errors)
    clinics = list(config.clinics.published)
    clinics[29] = clinics[29].model_copy(update={"group": "G" * 101})
    edited = config.model_copy(update={"clinics": with_clinics(config.clinics, clinics)})
    found = check(edited)
    assert found == check(edited, full_errors)
    assert [str(p) for p in found] == [
        "clinics.published[29].group (Grupp): får vara högst 100 tecken (är 101) — värde: "
        f"'{'G' * 56}..."
    ]
    assert section_errors("clinics", edited.clinics) == found


class _Entry(BaseModel):
    code: str = Field(max_length=3)


class _BeforeRule(BaseModel):
    entries: list[_Entry] = []

    @model_validator(mode="before")
    @classmethod
    def _no_x(cls, data: Any) -> Any:
        if any(e.get("code") == "x" for e in data.get("entries", [])):
            raise ValueError("inget x")
        return data


class _ListValidator(BaseModel):
    entries: list[_Entry] = []

    @field_validator("entries")
    @classmethod
    def _at_most_two(cls, value: list[_Entry]) -> list[_Entry]:
        if len(value) > 2:
            raise ValueError("högst två")
        return value


@pytest.mark.parametrize("model", [_BeforeRule, _ListValidator])
def test_rules_that_see_the_input_are_checked_from_the_dump(model: type[BaseModel]) -> None:
    """A rule that runs on the section's input, or a validator of the list itself, would see
    validated entries for dumps: such a section is validated from its dump alone."""
    checked = Checked("test")
    for codes in (["a"], ["a", "x"], ["a", "b", "c"], ["abcd", "b", "c"]):
        value = model.model_construct(entries=[_Entry.model_construct(code=c) for c in codes])
        checked(value)
    assert checked.validator.entries_checked == 0


def test_entries_that_validate_unchanged_keep_no_second_copy() -> None:
    # A big chain's data is not held twice: an entry equal to its validated model is kept
    # itself; only one the validators change (here a practitioner given as a dict) gets a copy.
    checked = Checked()
    value = chain(5, 3)
    checked(value)
    kept = checked.validator._entries[("clinics", "published")]
    assert all(model is entry for entry, model in kept.values())
    odd = value.published[2].model_copy(update={"practitioners": [{"practitioner_id": "B9"}]})
    value = with_clinics(value, [*value.published[:2], odd, *value.published[3:]])
    checked(value)
    model = checked.validator._entries[("clinics", "published")][id(odd)][1]
    assert isinstance(model, PublishedClinic) and model is not odd  # a dict became a model
    assert model.practitioners == [PublishedPractitioner(practitioner_id="B9")]
