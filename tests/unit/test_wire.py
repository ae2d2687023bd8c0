"""Domain ↔ wire mapping: exact property names, the guesses, carried-over values, round trips."""

from __future__ import annotations

import re
import uuid
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from opus_tui.domain import (
    ClinicText,
    Consent,
    PractitionerProfile,
    PublishedClinic,
    PublishedPractitioner,
    StepKind,
    WebConfiguration,
)
from opus_tui.domain import config as dc
from opus_tui.services import wire
from opus_tui.services import wire_models as wm
from opus_tui.services.sanitize import ALLOWED_TAGS, to_html

ACCOUNT = uuid.UUID("11111111-2222-3333-4444-555555555555")


def base(name: str = "opustandlakarna") -> wm.Configuration:
    return wire.empty_configuration(name, ACCOUNT)


def rich() -> WebConfiguration:
    return WebConfiguration.model_validate(
        {
            "subdomain": {"name": "opustandlakarna"},
            "clinics": {
                "published": [
                    PublishedClinic(
                        database="Opus Malmö",
                        clinic_id="1",
                        name="Opus Tandläkarna",
                        group="MALMÖ",
                        practitioners=[
                            PublishedPractitioner(
                                practitioner_id="11", name="Olle Ohlsson", title="Tandläkare"
                            ),
                            PublishedPractitioner(
                                practitioner_id="12", name="Anna Hedman", title="Tandhygienist"
                            ),
                        ],
                    ),
                    PublishedClinic(
                        database="Opus Malmö",
                        clinic_id="2",
                        name="City Praktiken",
                        group="MALMÖ",
                        practitioners=[
                            PublishedPractitioner(
                                practitioner_id="11", name="Olle Ohlsson", title="Tandläkare"
                            )
                        ],
                    ),
                ]
            },
            "practitioners": {
                "profiles": [
                    PractitionerProfile(
                        database="Opus Malmö",
                        practitioner_id="11",
                        photo="bilder/olle.png",
                        text="Erfaren tandläkare",
                    )
                ],
                "consents": [
                    Consent(
                        database="Opus Malmö",
                        practitioner_id="11",
                        clinic_id="1",
                        photo=True,
                        title=True,
                    ),
                    Consent(
                        database="Opus Malmö",
                        practitioner_id="12",
                        clinic_id="1",
                        photo=False,
                        title=True,
                    ),
                ],
            },
            "flexibility": {
                "general": {"any_clinic": True, "code_challenge": True, "sms_login": False},
                "registration": {"address1": True, "campaign_code": False},
                "steps": {
                    "first": StepKind.TREATMENT,
                    "second": StepKind.CLINIC,
                    "third": StepKind.TIME,
                    "fourth": StepKind.PRACTITIONER,
                },
                "booking": {"hours_limit": 24, "journal_cancellation": False},
            },
            "media": {
                "texts": {"welcome_text": "Välkommen!", "patient_info_text": ""},
                "clinic_texts": {
                    "header": "Om oss",
                    "body": "Standardtext",
                    "per_clinic": [
                        ClinicText(
                            database="Opus Malmö", clinic_id="2", header="City", body="Mitt i stan"
                        )
                    ],
                },
                "branding": {"colour": "#112233", "logo": "bilder/logo.png"},
                "deviations": {"maintenance": "Vi uppdaterar sidan."},
            },
            "email": {"sender": "bokning@klinik.se", "new_booking": "Hej {patient}"},
            "sms": {"cancellation": "Avbokat"},
            "advanced": {"analytics_script": "<script>stat()</script>"},
        }
    )


def test_every_domain_wire_name_exists_on_the_wire() -> None:
    flex = set(wm.FlexibilitySettings.model_fields)
    registration = set(wm.RegistrationFlexibilitySettings.model_fields)
    for model in (dc.GeneralSettings, dc.BookingSettings, dc.StepOrder):
        for _, name in wire._wire_fields(model):
            assert name in flex, name
    for _, name in wire._wire_fields(dc.RegistrationSettings):
        assert name in registration, name
    # The spec's misspellings are the wire names.
    assert "HourBeforModifyBookingClosing" in flex
    assert "UseCodeChallange" in flex


def test_to_wire_property_values() -> None:
    body = wire.to_wire(rich(), base(), media={"bilder/olle.png": "https://p/olle"})
    flex = body.Subdomain.FlexibilitySettings
    assert (flex.FirstStep, flex.SecondStep, flex.ThirdStep, flex.FourthStep) == (2, 0, 3, 1)
    assert flex.AnyClinicOption is True
    assert flex.UseCodeChallange is True
    assert flex.LoginSMSEnabled is False
    assert flex.HourBeforModifyBookingClosing == 24
    assert flex.RegisterCancellationInJournal is False
    assert flex.RegistrationSettings.Address1Enabled is True
    assert flex.RegistrationSettings.CampaignCodeEnabled is False
    media = body.Subdomain.MediaSettings
    assert media.ColorCode == "#112233"
    assert media.TextContainer["Welcome"] == "<p>Välkommen!</p>"  # sanitised HTML
    assert "PatientInfo" not in media.TextContainer  # empty = Opus standard text
    assert media.TextContainer["ClinicTextHeader"] == "Om oss"  # a heading: plain text
    assert media.TextContainer["ClinicTextBody"] == "<p>Standardtext</p>"
    assert media.TextContainer["DeviationMaintenance"] == "<p>Vi uppdaterar sidan.</p>"
    assert media.TextContainer["EmailSender"] == "bokning@klinik.se"
    assert media.TextContainer["SmsCancellation"] == "Avbokat"
    assert media.TextContainer["AnalyticsScript"] == "<script>stat()</script>"
    assert media.MediaContainer[wire.LOGO_KEY] == "bilder/logo.png"
    first, second = body.Clinics
    assert (first.ID, first.Order, first.Group, second.Order) == (1, 0, "MALMÖ", 1)
    assert first.OpusDatabaseID == wire.database_uuid("Opus Malmö")
    assert (second.ClinicTextHeader, second.ClinicTextBody) == ("City", "<p>Mitt i stan</p>")
    olle, anna = first.Clinicians
    assert (olle.ID, olle.ClinicID, olle.Order, anna.Order) == (11, 1, 0, 1)
    assert olle.ClinicianPersonalDataConsents == [wire.CONSENT_PHOTO, wire.CONSENT_TITLE] == [1, 2]
    assert anna.ClinicianPersonalDataConsents == [2]
    assert olle.ProfileImage == "https://p/olle"
    assert olle.Info == "Erfaren tandläkare"
    assert second.Clinicians[0].ClinicianPersonalDataConsents == []
    # Valid against the wire models as the emulator validates them.
    assert wm.Configuration.model_validate_json(body.model_dump_json()) == body


def test_round_trip_domain_wire_domain() -> None:
    config = rich()
    media = {"bilder/olle.png": "https://p/olle", "bilder/logo.png": "https://p/logo"}
    body = wire.to_wire(config, base(), media=media)
    dbs, ids = wire.known_identifiers(config)
    back = wire.from_wire(body, databases=dbs, ids=ids, media=media)
    assert back == config


def test_unmanaged_portal_values_are_carried_over() -> None:
    portal = base()
    flex = portal.Subdomain.FlexibilitySettings.model_copy(
        update={"UseLandingPage": True, "MonthsToSync": 6}
    )
    reg = flex.RegistrationSettings.model_copy(update={"PhoneNumberEnabled": True})
    flex = flex.model_copy(update={"RegistrationSettings": reg})
    db = wire.database_uuid("Opus Malmö")
    clinic = wm.Clinic(ID=1, OpusDatabaseID=db, Name="x", Order=5, City="Malmö", Fax="040-1")
    treatment = wm.Treatment(ID=9, OpusDatabaseID=db, Name="Undersökning")
    portal = portal.model_copy(
        update={
            "Subdomain": portal.Subdomain.model_copy(
                update={
                    "FlexibilitySettings": flex,
                    "MediaSettings": wm.MediaSettings(
                        TextContainer={"Welcome": "gammal", "Okänd": "behålls"},
                        MediaContainer={"Annat": "x"},
                    ),
                }
            ),
            "Clinics": [clinic],
            "Treatments": [treatment],
        }
    )
    body = wire.to_wire(rich(), portal)
    out = body.Subdomain.FlexibilitySettings
    assert out.UseLandingPage is True
    assert out.MonthsToSync == 6
    assert out.RegistrationSettings.PhoneNumberEnabled is True
    assert body.Subdomain.MediaSettings.TextContainer["Okänd"] == "behålls"
    assert body.Subdomain.MediaSettings.TextContainer["Welcome"] == "<p>Välkommen!</p>"
    assert body.Subdomain.MediaSettings.MediaContainer["Annat"] == "x"
    assert body.Subdomain.AccountID == ACCOUNT
    assert (body.Clinics[0].City, body.Clinics[0].Fax, body.Clinics[0].Order) == (
        "Malmö",
        "040-1",
        0,
    )
    assert body.Treatments == [treatment]


def test_fresh_portal_configuration_reads_leniently() -> None:
    notes: list[str] = []
    config = wire.from_wire(base(), notes=notes)
    # All-zero steps (Klinik four times) and an empty colour are not valid domain values.
    assert config.flexibility.steps == dc.StepOrder()
    assert config.media.branding.colour == dc.DEFAULT_COLOUR
    assert config.flexibility.general.show_bookings is False  # the portal's value is kept
    assert notes == []  # a freshly claimed subdomain's blanks are unset, not refused


def test_refused_portal_values_are_noted_in_the_uis_words() -> None:
    sub = base().Subdomain
    body = wm.Configuration(
        Subdomain=sub.model_copy(
            update={
                "MediaSettings": sub.MediaSettings.model_copy(update={"ColorCode": "ej färg"}),
                "FlexibilitySettings": sub.FlexibilitySettings.model_copy(
                    update={"FirstStep": 1, "SecondStep": 1, "ThirdStep": 2, "FourthStep": 3}
                ),
            }
        )
    )
    notes: list[str] = []
    config = wire.from_wire(body, notes=notes)
    assert config.media.branding.colour == dc.DEFAULT_COLOUR
    assert config.flexibility.steps == dc.StepOrder()
    assert "Media › Färgschema: portalens värde godtas inte; standard används" in notes
    assert (
        "Flexibilitet › Bokningssteg ordning: portalens värden godtas inte; standard används"
        in notes
    )
    assert not any("media." in n or "colour" in n or "flexibility." in n for n in notes)


def test_identifier_guesses() -> None:
    assert wire.wire_id("42") == 42
    odd = wire.wire_id("A-17")
    assert wm.INT32_MIN <= odd <= wm.INT32_MAX
    assert wire.domain_ids(["x", "A-17", "42"]) == {wire.wire_id("x"): "x", odd: "A-17", 42: "42"}
    assert wire.domain_ids(["7", " 7"]) == {7: "7"}  # the first of two that go out alike wins
    some = uuid.uuid4()
    assert wire.database_uuid(str(some)) == some
    assert wire.database_name(wire.database_uuid("Opus Lund"), ["Opus Malmö", "Opus Lund"]) == (
        "Opus Lund"
    )
    assert {wire.STEP_TO_WIRE[k] for k in StepKind} == {0, 1, 2, 3}
    assert wire.WIRE_TO_STEP[0] is StepKind.CLINIC
    assert len(set(wire.TEXT_KEYS.values())) == len(wire.TEXT_KEYS)


ORDERS = [
    (StepKind.CLINIC, StepKind.TREATMENT, StepKind.PRACTITIONER, StepKind.TIME),
    (StepKind.CLINIC, StepKind.PRACTITIONER, StepKind.TREATMENT, StepKind.TIME),
    (StepKind.TREATMENT, StepKind.CLINIC, StepKind.TIME, StepKind.PRACTITIONER),
    (StepKind.PRACTITIONER, StepKind.TREATMENT, StepKind.TIME, StepKind.CLINIC),
]
GENERAL = [n for n, _ in wire._wire_fields(dc.GeneralSettings)]
BOOKING_FLAGS = [n for n, _ in wire._wire_fields(dc.BookingSettings) if n != "hours_limit"]
REGISTRATION = [n for n, _ in wire._wire_fields(dc.RegistrationSettings)]
text = st.text(st.characters(exclude_categories=["Cs"]), max_size=40)


@settings(max_examples=60, deadline=None)
@given(
    general=st.fixed_dictionaries({n: st.booleans() for n in GENERAL}),
    booking=st.fixed_dictionaries({n: st.booleans() for n in BOOKING_FLAGS}),
    registration=st.fixed_dictionaries({n: st.booleans() for n in REGISTRATION}),
    hours=st.integers(0, 24 * 365),
    order=st.sampled_from(ORDERS),
    welcome=text,
    sms=text,
    script=text,
)
def test_round_trip_property(general, booking, registration, hours, order, welcome, sms, script):
    config = rich().model_copy(
        update={
            "flexibility": dc.FlexibilitySettings(
                general=dc.GeneralSettings(**general),
                booking=dc.BookingSettings(**booking, hours_limit=hours),
                registration=dc.RegistrationSettings(**registration),
                steps=dc.StepOrder(
                    first=order[0], second=order[1], third=order[2], fourth=order[3]
                ),
            ),
            "media": rich().media.model_copy(
                update={"texts": dc.GeneralTexts(welcome_text=welcome)}
            ),
            "sms": dc.SmsSettings(new_booking=sms),
            "advanced": dc.AdvancedSettings(analytics_script=script),
        }
    )
    body = wire.to_wire(config, base())
    dbs, ids = wire.known_identifiers(config)
    back = wire.from_wire(body, databases=dbs, ids=ids)
    # The welcome text comes back as markup that gives the booking page the same HTML
    # (our editor's normal form: e.g. runs of blank lines become one).
    assert to_html(back.media.texts.welcome_text).html == to_html(welcome).html
    same_page = config.media.texts.model_copy(
        update={"welcome_text": back.media.texts.welcome_text}
    )
    assert back == config.model_copy(
        update={"media": config.media.model_copy(update={"texts": same_page})}
    )
    again = wire.to_wire(back, base())
    assert again == body


EDITOR_TEXTS = [
    "Välkommen till oss!",
    "Rad ett\nrad två\n\nNytt stycke med **fet** och _kursiv_ text.",
    "- Undersökning\n- **Akut** tid\n- [Läs mer](https://opus.se/info?a=1&b=2)",
    "Ring [040-12 34 56](tel:040123456) eller [mejla](mailto:bokning@klinik.se).",
    "a < b & c > d, fil_namn och 2 ** 3",
    "Länken [x](javascript:alert(1)) visas som text.",
    "<script>alert(1)</script> och <img src=x onerror=alert(1)>",
]


@pytest.mark.parametrize("markup", EDITOR_TEXTS)
def test_booking_page_text_round_trip(markup: str) -> None:
    config = rich()
    texts = dc.GeneralTexts(welcome_text=markup, patient_info_text=markup)
    clinic_texts = config.media.clinic_texts.model_copy(
        update={
            "body": markup,
            "per_clinic": [
                ClinicText(database="Opus Malmö", clinic_id="2", header="City", body=markup)
            ],
        }
    )
    deviations = dc.DeviationTexts(
        new_booking_disabled=markup, maintenance=markup, not_published=markup
    )
    config = config.model_copy(
        update={
            "media": config.media.model_copy(
                update={"texts": texts, "clinic_texts": clinic_texts, "deviations": deviations}
            )
        }
    )
    body = wire.to_wire(config, base())
    sent = body.Subdomain.MediaSettings.TextContainer
    for key in wire.HTML_TEXT_KEYS:
        assert sent[key] == to_html(markup).html
    assert body.Clinics[1].ClinicTextBody == to_html(markup).html
    dbs, ids = wire.known_identifiers(config)
    assert wire.from_wire(body, databases=dbs, ids=ids) == config


ATTACKS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">klick</a>',
    "[klick](javascript:alert(1))",
    "[klick](JaVaScRiPt:alert(1))",
    "<svg onload=alert(1)>",
    '<p style="x" onclick="alert(1)">hej</p>',
    "**<script>x</script>**",
    "</p><script>alert(1)</script><p>",
    "<!--<script>-->",
]


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes += [(k, v or "") for k, v in attrs]


def assert_inert(value: str) -> None:
    parser = _Tags()
    parser.feed(value)
    parser.close()
    assert "<script" not in value.lower()
    assert "script" not in parser.tags
    assert set(parser.tags) <= set(ALLOWED_TAGS), parser.tags
    for name, attribute in parser.attributes:
        assert not name.startswith("on"), (name, value)
        assert "javascript:" not in attribute.lower().replace(" ", ""), value
        assert not re.search(r"(?i)on\w+\s*=", name + "=")
    # on…= and javascript: may only survive as visible, escaped text, never in markup.
    for match in re.finditer(r"(?i)onerror=|onload=|onclick=|javascript:", value):
        before = value[: match.start()]
        assert before.rfind("<") <= before.rfind(">"), value  # not inside a tag


@pytest.mark.parametrize("attack", ATTACKS)
def test_no_script_or_handler_reaches_the_booking_page(attack: str) -> None:
    config = rich()
    media = config.media.model_copy(
        update={
            "texts": dc.GeneralTexts(welcome_text=attack, patient_info_text=attack),
            "clinic_texts": config.media.clinic_texts.model_copy(
                update={
                    "body": attack,
                    "per_clinic": [
                        ClinicText(database="Opus Malmö", clinic_id="2", header="City", body=attack)
                    ],
                }
            ),
            "deviations": dc.DeviationTexts(
                new_booking_disabled=attack, maintenance=attack, not_published=attack
            ),
        }
    )
    config = config.model_copy(update={"media": media, "advanced": dc.AdvancedSettings()})
    body = wire.to_wire(config, base())
    values = [
        v for k, v in body.Subdomain.MediaSettings.TextContainer.items() if k in wire.HTML_TEXT_KEYS
    ]
    values += [c.ClinicTextBody for c in body.Clinics]
    assert len(values) == len(wire.HTML_TEXT_KEYS) + len(body.Clinics)
    for value in values:
        assert_inert(value)


@pytest.mark.parametrize("attack", ATTACKS[:3] + ATTACKS[5:])
def test_html_in_plain_texts_is_refused(attack: str) -> None:
    config = rich()
    assert wire.publish_problems(config) == []
    for update in (
        {"email": dc.EmailSettings(new_booking=attack)},
        {"sms": dc.SmsSettings(cancellation=attack)},
        {
            "media": config.media.model_copy(
                update={
                    "clinic_texts": config.media.clinic_texts.model_copy(update={"header": attack})
                }
            )
        },
    ):
        problems = wire.publish_problems(config.model_copy(update=update))
        assert any("HTML-taggar" in p for p in problems), (update, problems)


def test_bad_links_and_analytics_block_publishing() -> None:
    config = rich()
    bad_link = config.media.model_copy(
        update={"texts": dc.GeneralTexts(welcome_text="[x](javascript:alert(1))")}
    )
    problems = wire.publish_problems(config.model_copy(update={"media": bad_link}))
    assert any("javascript:" in p and "tillåts inte" in p for p in problems), problems
    for script in ('<img src=x onerror="alert(1)">', "alert(1)", "<script>x()"):
        problems = wire.publish_problems(
            config.model_copy(update={"advanced": dc.AdvancedSettings(analytics_script=script)})
        )
        assert problems and all(p.startswith("Avancerat") for p in problems), (script, problems)
    ga4 = (
        '<script async src="https://www.googletagmanager.com/gtag/js?id=G-X1"></script>\n'
        "<script>window.dataLayer = window.dataLayer || [];</script>"
    )
    ok = config.model_copy(update={"advanced": dc.AdvancedSettings(analytics_script=ga4)})
    assert wire.publish_problems(ok) == []
    assert wire.to_wire(ok, base()).Subdomain.MediaSettings.TextContainer["AnalyticsScript"] == ga4


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from([*"ab <>&\"'=:/\n-*_[]()", "javascript:", "onerror=", "https://x"])
    ).map("".join)
)
def test_sent_html_is_inert_and_stable(markup: str) -> None:
    html = wire.text_to_html(markup)
    assert_inert(html)
    assert wire.text_to_html(wire.text_from_html(html)) == html
