"""Domain ↔ wire mapping: exact property names, the guesses, carried-over values, round trips."""

from __future__ import annotations

import uuid

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
    assert media.TextContainer["Welcome"] == "Välkommen!"
    assert "PatientInfo" not in media.TextContainer  # empty = Opus standard text
    assert media.TextContainer["ClinicTextHeader"] == "Om oss"
    assert media.TextContainer["DeviationMaintenance"] == "Vi uppdaterar sidan."
    assert media.TextContainer["EmailSender"] == "bokning@klinik.se"
    assert media.TextContainer["SmsCancellation"] == "Avbokat"
    assert media.TextContainer["AnalyticsScript"] == "<script>stat()</script>"
    assert media.MediaContainer[wire.LOGO_KEY] == "bilder/logo.png"
    first, second = body.Clinics
    assert (first.ID, first.Order, first.Group, second.Order) == (1, 0, "MALMÖ", 1)
    assert first.OpusDatabaseID == wire.database_uuid("Opus Malmö")
    assert (second.ClinicTextHeader, second.ClinicTextBody) == ("City", "Mitt i stan")
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
    assert body.Subdomain.MediaSettings.TextContainer["Welcome"] == "Välkommen!"
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
    assert any("flexibility.steps" in n for n in notes)
    assert any("media.branding" in n for n in notes)
    assert config.flexibility.general.show_bookings is False  # the portal's value is kept


def test_identifier_guesses() -> None:
    assert wire.wire_id("42") == 42
    odd = wire.wire_id("A-17")
    assert wm.INT32_MIN <= odd <= wm.INT32_MAX
    assert wire.domain_id(odd, ["x", "A-17"]) == "A-17"
    assert wire.domain_id(42) == "42"
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
text = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)


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
    assert wire.from_wire(body, databases=dbs, ids=ids) == config
    again = wire.to_wire(wire.from_wire(body, databases=dbs, ids=ids), base())
    assert again == body
