"""ClinicsByDatabase.lacking is kept per added clinic object: an edit makes new clinic objects
(the draft is never changed in place), which are checked afresh."""

from __future__ import annotations

from dataclasses import replace

from opus_tui.domain.config import ClinicsSettings, PublishedClinic, PublishedPractitioner
from opus_tui.services.clinic_catalogue import ClinicsByDatabase, catalogue_problems
from opus_tui.services.demo import chain_catalogue, generate_chain, published_clinics


def _index() -> tuple[ClinicsByDatabase, ClinicsSettings]:
    # as if fetched from Opus (the demo's catalogue is never said to lack anything)
    catalogue = replace(chain_catalogue(generate_chain(3, 4, 1, seed=7)), source="snapshot")
    return ClinicsByDatabase(catalogue), published_clinics(catalogue)


def test_answer_follows_the_clinic_object() -> None:
    index, value = _index()
    clinic = value.published[0]
    gone, lacking = index.lacking(clinic)
    assert not gone
    assert index.lacking(clinic) == (gone, lacking)
    stranger = PublishedPractitioner(practitioner_id="no-such-id", name="Okänd")
    edited = clinic.model_copy(update={"practitioners": [*clinic.practitioners, stranger]})
    assert index.lacking(edited) == (False, lacking | {"no-such-id"})
    assert index.lacking(clinic) == (gone, lacking)  # the old object keeps its own answer
    moved = PublishedClinic(database=clinic.database, clinic_id="no-such-clinic", name="Borta")
    assert index.lacking(moved) == (True, frozenset())


def test_problems_after_an_edit() -> None:
    index, value = _index()
    before = catalogue_problems(value, index)
    stranger = PublishedPractitioner(practitioner_id="no-such-id", name="Okänd")
    first = value.published[0]
    edited = first.model_copy(update={"practitioners": [*first.practitioners, stranger]})
    after = value.model_copy(update={"published": [edited, *value.published[1:]]})
    messages = [p.message for p in catalogue_problems(after, index)]
    assert any("Okänd på" in m for m in messages), messages
    assert [p.message for p in catalogue_problems(value, index)] == [p.message for p in before]
