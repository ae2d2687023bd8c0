"""The domain diff: field changes, keyed lists (added / removed / moved / changed), summaries."""

from __future__ import annotations

from opus_tui.domain import (
    PublishedClinic,
    PublishedPractitioner,
    StepKind,
    WebConfiguration,
)
from opus_tui.domain.diff import diff, summarise


def clinic(cid: str, name: str, *people: str, group: str = "") -> PublishedClinic:
    return PublishedClinic(
        database="Opus",
        clinic_id=cid,
        name=name,
        group=group,
        practitioners=[PublishedPractitioner(practitioner_id=p, name=f"B{p}") for p in people],
    )


def test_no_changes() -> None:
    assert diff(WebConfiguration(), WebConfiguration()) == []
    assert summarise([]) == "inga ändringar"


def test_bool_change_in_section() -> None:
    old = WebConfiguration().flexibility
    new = old.model_copy(deep=True)
    new.general.any_clinic = True
    (change,) = diff(old, new, ("flexibility",))
    assert change.path == ("flexibility", "general", "any_clinic")
    assert change.key == "flexibility.general.any_clinic"
    assert change.label == "Visa 'Vilken klinik som helst'"
    assert (change.old, change.new, change.kind) == (False, True, "changed")
    assert summarise([change]) == "Flexibilitet: Visa 'Vilken klinik som helst' av → på"


def test_summary_counts_the_rest() -> None:
    old = WebConfiguration()
    new = old.model_copy(deep=True)
    new.flexibility.general.any_clinic = True
    new.flexibility.general.weekend_booking = False
    new.flexibility.booking.hours_limit = 24
    changes = diff(old, new)
    assert [c.key for c in changes] == [
        "flexibility.general.weekend_booking",
        "flexibility.general.any_clinic",
        "flexibility.booking.hours_limit",
    ]
    assert summarise(changes) == "Flexibilitet: Helgbokning aktiverad på → av; 2 till"
    summary = summarise(changes, limit=3)
    assert "Avbokning/ombokning kan inte göras inom 0 timmar → 24 timmar" in summary


def test_text_and_step_values_shown_readably() -> None:
    old = WebConfiguration()
    new = old.model_copy(deep=True)
    new.subdomain.name = "tandmottagningen"
    new.media.texts.welcome_text = "Välkommen!\n" + "x" * 100
    new.flexibility.steps.second = StepKind.PRACTITIONER
    new.flexibility.steps.third = StepKind.TREATMENT
    described = [c.describe() for c in diff(old, new)]
    assert described[0] == "Underdomän '' → 'tandmottagningen'"
    assert "Andra steget Behandling → Behandlare" in described
    welcome = next(d for d in described if d.startswith("Välkommen text"))
    assert welcome.endswith("…'") and len(welcome) < 60
    assert summarise(diff(old, new)).startswith("Underdomän, Flexibilitet, Media: ")


def test_clinics_added_removed_moved_changed() -> None:
    old = WebConfiguration()
    old.clinics.published = [clinic("1", "Opus", "7"), clinic("2", "City", "8"), clinic("3", "Utb")]
    new = old.model_copy(deep=True)
    new.clinics.published = [
        clinic("2", "City", "8", "9", group="MALMÖ"),
        clinic("1", "Opus", "7"),
        clinic("4", "Ny"),
    ]
    changes = diff(old.clinics, new.clinics, ("clinics",))
    kinds = [(c.kind, c.item, c.key) for c in changes]
    assert ("removed", "Utb", "clinics.published[2]") in kinds
    assert ("added", "Ny", "clinics.published[2]") in kinds
    assert ("moved", "City", "clinics.published[0]") in kinds
    assert ("moved", "Opus", "clinics.published[1]") in kinds
    assert ("changed", "City", "clinics.published[0].group") in kinds
    added_person = [c for c in changes if c.key == "clinics.published[0].practitioners[1]"]
    assert [(c.kind, c.item) for c in added_person] == [("added", "City › B9")]  # which clinic
    assert "Utb borttagen" in " ".join(c.describe() for c in changes)


def test_practitioner_order_within_clinic() -> None:
    old = clinic("1", "Opus", "7", "8")
    new = clinic("1", "Opus", "8", "7")
    changes = diff(old, new)
    assert [(c.kind, c.item) for c in changes] == [("moved", "B8"), ("moved", "B7")]
    assert changes[0].describe() == "Tillagda behandlare: B8 flyttad"


def test_consents_compared_by_identity() -> None:
    old = WebConfiguration.model_validate(
        {
            "practitioners": {
                "consents": [
                    {"database": "Opus", "practitioner_id": "7", "clinic_id": "1"},
                    {"database": "Opus", "practitioner_id": "8", "clinic_id": "1"},
                ]
            }
        }
    )
    new = old.model_copy(deep=True)
    new.practitioners.consents[1].title = True
    (change,) = diff(old, new)
    assert change.key == "practitioners.consents[1].title"
    assert change.item == "Opus/1/8"
    assert change.describe() == "Behandlars titel (Opus/1/8) av → på"


def test_a_number_with_a_unit_says_it() -> None:
    """'Avbokning/ombokning kan inte göras inom: portalen 1 · lokalt 0' had no unit."""
    old = WebConfiguration()
    new = old.model_copy(deep=True)
    new.flexibility.booking.hours_limit = 24
    (change,) = diff(old, new)
    assert change.unit == "timmar"
    assert (change.old_text(), change.new_text()) == ("0 timmar", "24 timmar")
    assert change.describe() == "Avbokning/ombokning kan inte göras inom 0 timmar → 24 timmar"


def test_a_conflict_words_each_kind_its_own_way() -> None:
    from opus_tui.services.publisher import conflict_line

    old = clinic("1", "Opus", "7", "8")
    new = clinic("1", "Opus", "8", "9")
    lines = sorted(conflict_line(c) for c in diff(old, new))
    assert lines == [
        "Tillagda behandlare: B7 — finns bara på portalen",
        "Tillagda behandlare: B9 — finns bara lokalt",
    ]
    renamed = diff(old, old.model_copy(update={"group": "LUND"}))
    assert [conflict_line(c) for c in renamed] == ["Grupp: portalen '' · lokalt 'LUND'"]
    assert [c.describe() for c in renamed] == ["Grupp '' → 'LUND'"]
