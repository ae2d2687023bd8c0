from __future__ import annotations

from datetime import UTC, datetime

import pytest

from opus_tui.domain.catalogue import (
    Catalogue,
    CatalogueClinic,
    CataloguePractitioner,
    CatalogueTreatment,
)
from opus_tui.services import sms
from opus_tui.services import templates as t
from opus_tui.services.templates import Channel, TemplateKind

# The manual's texts, transcribed from "E-post" and "SMS" (the SMS as one line each: the
# manual shows them wrapped on a phone's screen, with links and a split word "Välkom men").
MANUAL_EMAIL = {
    TemplateKind.NEW_BOOKING: (
        "Hej Anna Hedman,\nDu har bokat tid hos Olle Ohlsson på OpusTandläkarna\n"
        "2015-04-22 kl. 08:10\nBehandling: Undersökning\n\nVälkommen!"
    ),
    TemplateKind.REBOOKING: (
        "Hej Anna Hedman,\nDin nya tid: 2015-04-22 kl. 08:40\nBehandling: Undersökning\n\n"
        "Välkommen!"
    ),
    TemplateKind.CANCELLATION: (
        "Hej Anna Hedman,\nDu har avbokat din tid hos OpusTandläkarna.\n\nVälkommen åter!"
    ),
}
MANUAL_SMS = {
    TemplateKind.NEW_BOOKING: (
        "Bokningsbekräftelse Din tid: 2015-04-22 kl. 08:10 Behandling: Undersökning Välkommen!"
    ),
    TemplateKind.REBOOKING: (
        "Bokningsbekräftelse för ny tid. Din nya tid: 2015-04-22 kl. 08:40. "
        "Behandling: Undersökning. Välkommen!"
    ),
    TemplateKind.CANCELLATION: (
        "Avbokningsbekräftelse. Du har nu avbokat din tid hos OpusTandläkarna. Välkommen åter!"
    ),
}


def squash(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("kind", list(TemplateKind))
def test_standard_email_reproduces_manual(kind):
    source = t.standard_text(Channel.EMAIL, kind)
    assert t.parse(source, kind).ok
    assert t.render(source, t.sample_values(), kind=kind) == MANUAL_EMAIL[kind]


@pytest.mark.parametrize("kind", list(TemplateKind))
def test_standard_sms_reproduces_manual(kind):
    source = t.standard_text(Channel.SMS, kind)
    assert t.parse(source, kind).ok
    text = t.render(source, t.sample_values(), kind=kind)
    assert squash(text) == MANUAL_SMS[kind]
    assert sms.count(text).parts == 1


def test_empty_template_means_standard_text():
    for channel in Channel:
        for kind in TemplateKind:
            std = t.standard_text(channel, kind)
            assert t.effective_template(channel, kind, "") == std
            assert t.effective_template(channel, kind, "  \n ") == std
            assert t.effective_template(channel, kind, None) == std
            assert t.effective_template(channel, kind, "Hej") == "Hej"


def test_every_field_has_swedish_label_and_sample():
    values = t.sample_values()
    assert {f.key for f in t.FIELDS} == set(values)
    for f in t.FIELDS:
        assert f.label and f.help
        assert f.token == "{" + f.key + "}"
    assert values["weekday"] == "onsdag"  # 2015-04-22 was a Wednesday
    assert values["campaign_code"] == "1234"


def test_all_fields_render_for_rebooking():
    source = " ".join(f.token for f in t.FIELDS)
    out = t.render(source, t.sample_values(hours_before=24), kind=TemplateKind.REBOOKING)
    assert "Anna Hedman" in out
    assert "2015-04-21 kl. 08:10" in out  # deadline 24 h before
    assert "https://tandmottagningen.opusdentalonline.com" in out


def test_unknown_field_has_position_and_suggestion():
    source = "Hej {patient_first_name},\nDin tid: {datum} kl. {start_tme}"
    parsed = t.parse(source, TemplateKind.NEW_BOOKING)
    assert not parsed.ok
    first, second = parsed.problems
    assert (first.position.line, first.position.column) == (2, 10)
    assert first.position.offset == source.index("{datum}")
    assert first.text == "{datum}"
    assert first.suggestion == "date"
    assert "rad 2, kolumn 10" in first.message
    assert "Menade du {date}?" in first.message
    assert second.suggestion == "start_time"
    assert second.end == len(source)
    with pytest.raises(t.TemplateError) as err:
        t.render(source, t.sample_values())
    assert len(err.value.problems) == 2


@pytest.mark.parametrize(
    ("source", "fragment", "column"),
    [
        ("Hej {förnamn}", "Menade du {patient_first_name}?", 5),
        ("{Behandling}", "Menade du {treatment}?", 1),
        ("ab {} cd", "Tomt kopplingsfält", 4),
        ("a } b", "Ensam '}'", 3),
        ("a {date b", "saknar avslutande", 3),
        ("a {date\nb}}", "saknar avslutande", 3),
        ("x {xyzzy}", "Okänt kopplingsfält '{xyzzy}'", 3),
    ],
)
def test_problem_messages(source, fragment, column):
    (problem,) = t.parse(source).problems
    assert fragment in problem.message
    assert problem.position.column == column


def test_rebooking_field_refused_elsewhere():
    (problem,) = t.parse("Ny tid {new_time}", TemplateKind.CANCELLATION).problems
    assert "Avbokning" in problem.message and "Ombokning" in problem.message
    assert t.parse("Ny tid {new_time}", TemplateKind.REBOOKING).ok
    assert t.parse("Ny tid {new_time}").ok  # no kind: every field known


def test_escaped_braces_and_lenient_render():
    assert t.render("{{date}} = {date}", {"date": "2015-04-22"}) == "{date} = 2015-04-22"
    assert t.escape("a{b}") == "a{{b}}"
    assert t.render(t.escape("{x}"), {}) == "{x}"
    assert t.render("Hej {datum} {date}", {}, strict=False) == "Hej {datum} {date}"
    with pytest.raises(t.MissingValueError, match="date"):
        t.render("{date}", {})


def test_parsed_fields_in_order():
    parsed = t.parse("{clinic_name} {date} {clinic_name}")
    assert parsed.fields == ("clinic_name", "date")
    assert parsed.literal_text == "  "


def _catalogue() -> Catalogue:
    clinics = (
        CatalogueClinic("db", "1", "OpusTandläkarna", "Kyrkogatan 17", "222 22", "LUND", "046-1"),
        CatalogueClinic(
            "db", "2", "Folktandvården Vällingby Centrum Specialistklinik", "Lång väg 1"
        ),
    )
    practitioners = (
        CataloguePractitioner("db", "p1", "1", "Olle", "Ohlsson", "Tandläkare"),
        CataloguePractitioner(
            "db", "p2", "2", "Karl-Fredrik", "Tandställning-Andersson", "Ortodontist"
        ),
        CataloguePractitioner("db", "p3", "2", "Bo", "Ek", "Specialisttandläkare i parodontologi"),
    )
    treatments = (
        CatalogueTreatment("db", "t1", "Undersökning", duration_minutes=45),
        CatalogueTreatment("db", "t2", "Akut tandvärk, bedömning"),
    )
    return Catalogue("demo", None, ("db",), clinics, practitioners, treatments)


def test_longest_and_shortest_from_catalogue():
    cat = _catalogue()
    longest = t.longest_values(cat)
    shortest = t.shortest_values(cat)
    assert longest["clinic_name"] == "Folktandvården Vällingby Centrum Specialistklinik"
    assert longest["practitioner_name"] == "Karl-Fredrik Tandställning-Andersson"
    assert longest["practitioner_title"] == "Specialisttandläkare i parodontologi"
    assert longest["treatment"] == "Akut tandvärk, bedömning"
    assert longest["weekday"] == "torsdag"
    assert longest["booking_page"] == "https://" + "x" * 50 + ".opusdentalonline.com"
    assert shortest["clinic_name"] == "OpusTandläkarna"
    assert shortest["practitioner_name"] == "Bo Ek"
    assert shortest["campaign_code"] == ""
    assert set(longest) == {f.key for f in t.FIELDS}


def test_worst_case_estimate_uses_longest_catalogue_names():
    cat = _catalogue()
    cands = t.candidate_values(cat).values
    template = (
        "Hej {patient_name}! Du har bokat {treatment} hos {practitioner_title} "
        "{practitioner_name} på {clinic_name}, {weekday} {date} kl. {start_time}."
    )
    r = sms.estimate(template, cands, TemplateKind.NEW_BOOKING)
    assert "Folktandvården Vällingby Centrum Specialistklinik" in r.longest_text
    assert "Karl-Fredrik Tandställning-Andersson" in r.longest_text
    assert "Hammarskjöld-Oxenstierna" in r.longest_text
    assert "OpusTandläkarna" in r.shortest_text
    assert r.longest.parts == 2 and r.warning is not None
    assert r.shortest.parts == 1
    assert r.longest.units == sms.count(r.longest_text).units


def test_booking_values_from_catalogue_in_local_time():
    cat = _catalogue()
    values = t.booking_values(
        clinic=cat.clinics[0],
        practitioner=cat.practitioners[0],
        treatment=cat.treatments[0],
        start=datetime(2026, 6, 3, 6, 10),  # naive UTC = 08:10 in Stockholm (summer)
        new_start=datetime(2026, 6, 4, 7, 0),
        patient_first_name="Anna",
        patient_last_name="Hedman",
        hours_before=24,
        subdomain="tandmottagningen",
    )
    assert values["start_time"] == "08:10"
    assert values["end_time"] == "08:55"
    assert values["weekday"] == "onsdag"
    assert values["new_weekday"] == "torsdag"
    assert values["new_time"] == "09:00"
    assert values["cancellation_deadline"] == "2026-06-02 kl. 08:10"
    assert values["clinic_address"] == "Kyrkogatan 17, 222 22 LUND"
    assert values["practitioner_title"] == "Tandläkare"
    out = t.render(t.standard_text(Channel.EMAIL, TemplateKind.NEW_BOOKING), values)
    assert "Du har bokat tid hos Olle Ohlsson på OpusTandläkarna\n2026-06-03 kl. 08:10" in out
    utc = t.booking_values(
        clinic=cat.clinics[0],
        practitioner=cat.practitioners[0],
        treatment=cat.treatments[0],
        start=datetime(2026, 1, 3, 6, 10),
        patient_first_name="A",
        patient_last_name="B",
        zone=UTC,
    )
    assert utc["start_time"] == "06:10"
    assert "new_time" not in utc


def test_suggest_by_label_and_alias():
    assert t.suggest("Förnamn") == "patient_first_name"
    assert t.suggest("kampanjkod") == "campaign_code"
    assert t.suggest("Patient_First_Name") == "patient_first_name"
    assert t.suggest("qqqqqq") is None
    assert t.suggest("ny tid", TemplateKind.NEW_BOOKING) != "new_time"
