"""The web configuration: every setting of every tab of the manual, with labels, defaults and rules.

Field names are SPEC.md's identifiers; ``title`` is the manual's Swedish label, ``description``
its one-line explanation, ``wire`` the portal's property name where the spec has one.
"""

from __future__ import annotations

import re
import unicodedata
from email.utils import getaddresses, parseaddr
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, StringConstraints, field_validator, model_validator

from opus_tui.domain.fields import list_setting, setting


class RuleError(ValueError):
    """A rule broken by one field of a model; ``field`` pins the error to it."""

    def __init__(self, field: str | None, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_default=True)


# --- Underdomän -------------------------------------------------------------------------------

SUBDOMAIN_MIN, SUBDOMAIN_MAX = 3, 50
PORTAL_DOMAIN = "opusdentalonline.com"
_SUBDOMAIN_CHARS = re.compile(r"[a-z0-9-]*")


def subdomain_rule(name: str) -> str | None:
    """Why ``name`` is not a valid subdomain, or None. Empty means "not chosen yet"."""
    if name == "":
        return None
    if not _SUBDOMAIN_CHARS.fullmatch(name):
        bad = "".join(sorted({c for c in name if not re.fullmatch(r"[a-z0-9-]", c)}))
        return f"får bara innehålla a–z, 0–9 och bindestreck (otillåtet: {bad!r})"
    if not SUBDOMAIN_MIN <= len(name) <= SUBDOMAIN_MAX:
        return f"måste vara {SUBDOMAIN_MIN}–{SUBDOMAIN_MAX} tecken långt (är {len(name)})"
    if name.startswith("-") or name.endswith("-"):
        return "får inte börja eller sluta med bindestreck"
    return None


class SubdomainSettings(Section):
    name: str = setting(
        "",
        "Underdomän",
        "Adressen blir <underdomän>.opusdentalonline.com; a–z, 0–9 och bindestreck.",
        wire="Name",
    )

    @field_validator("name", mode="before")
    @classmethod
    def _normalise(cls, value: Any) -> Any:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("name")
    @classmethod
    def _label_rules(cls, value: str) -> str:
        problem = subdomain_rule(value)
        if problem:
            raise RuleError(None, problem)
        return value

    @property
    def address(self) -> str:
        return f"{self.name}.{PORTAL_DOMAIN}" if self.name else ""


# --- Kliniker ---------------------------------------------------------------------------------

Id = Annotated[str, StringConstraints(min_length=1, max_length=100)]


class PublishedPractitioner(Section):
    practitioner_id: Id = setting(..., "Behandlar-id")
    name: str = setting("", "Namn på behandlaren", max_length=174)
    title: str = setting("", "Behandlars titel", wire="Title", max_length=50)


class PublishedClinic(Section):
    database: Id = setting(..., "Databas")
    clinic_id: Id = setting(..., "Klinik-id")
    name: str = setting("", "Namn på kliniken", max_length=174)
    group: str = setting(
        "",
        "Grupp",
        "Kliniker med samma grupp visas under gruppens rubrik, t.ex. en ort.",
        wire="Group",
        max_length=100,
    )
    practitioners: list[PublishedPractitioner] = list_setting(
        "Tillagda behandlare", "Endast tillagda behandlare kan lägga ut e-tider."
    )

    @model_validator(mode="after")
    def _unique_practitioners(self) -> PublishedClinic:
        seen: set[str] = set()
        for p in self.practitioners:
            if p.practitioner_id in seen:
                raise RuleError(
                    "practitioners",
                    f"behandlare {p.practitioner_id} ({p.name}) är tillagd två gånger",
                )
            seen.add(p.practitioner_id)
        return self


class ClinicsSettings(Section):
    published: list[PublishedClinic] = list_setting(
        "Tillagda behandlare",
        "Kliniker och deras tillagda behandlare, i visningsordning.",
    )

    @model_validator(mode="after")
    def _unique_clinics(self) -> ClinicsSettings:
        seen: set[tuple[str, str]] = set()
        for c in self.published:
            key = (c.database, c.clinic_id)
            if key in seen:
                raise RuleError(
                    "published",
                    f"kliniken {c.clinic_id} ({c.name}) i {c.database} finns två gånger",
                )
            seen.add(key)
        return self

    def clinic(self, database: str, clinic_id: str) -> PublishedClinic | None:
        for c in self.published:
            if c.database == database and c.clinic_id == clinic_id:
                return c
        return None


# --- Behandlare -------------------------------------------------------------------------------

PRACTITIONER_TEXT_MAX = 100
PHOTO_MAX_BYTES = 25 * 1024


class PractitionerProfile(Section):
    database: Id = setting(..., "Databas")
    practitioner_id: Id = setting(..., "Behandlar-id")
    photo: str = setting(
        "",
        "Profilbild",
        "Sökväg till bilden. Maxstorlek på bild som laddas upp är 25 kb.",
        wire="ProfileImage",
        max_length=1000,
    )
    text: str = setting(
        "",
        "Text",
        "Individuell text för behandlaren (högst 100 tecken).",
        wire="Info",
        max_length=PRACTITIONER_TEXT_MAX,
    )


class Consent(Section):
    database: Id = setting(..., "Databas")
    practitioner_id: Id = setting(..., "Behandlar-id")
    clinic_id: Id = setting(..., "Klinik-id")
    photo: bool = setting(False, "Profilbild", "Samtycke att visa behandlarens bild.")
    title: bool = setting(False, "Behandlars titel", "Samtycke att visa behandlarens titel.")


class PractitionerSettings(Section):
    profiles: list[PractitionerProfile] = list_setting("Bild och text per behandlare")
    consents: list[Consent] = list_setting(
        "Hantera behandlarsamtycke",
        "Utan samtycke visas varken bild eller titel för behandlaren.",
    )

    @model_validator(mode="after")
    def _unique(self) -> PractitionerSettings:
        profiles = [(p.database, p.practitioner_id) for p in self.profiles]
        if len(set(profiles)) != len(profiles):
            raise RuleError("profiles", "samma behandlare har två profiler")
        consents = [(c.database, c.practitioner_id, c.clinic_id) for c in self.consents]
        if len(set(consents)) != len(consents):
            raise RuleError("consents", "samma behandlare och klinik har två samtyckesrader")
        return self

    def profile(self, database: str, practitioner_id: str) -> PractitionerProfile | None:
        for p in self.profiles:
            if p.database == database and p.practitioner_id == practitioner_id:
                return p
        return None

    def consent(self, database: str, practitioner_id: str, clinic_id: str) -> Consent:
        for c in self.consents:
            if (c.database, c.practitioner_id, c.clinic_id) == (
                database,
                practitioner_id,
                clinic_id,
            ):
                return c
        return Consent(database=database, practitioner_id=practitioner_id, clinic_id=clinic_id)


# --- Flexibilitet -----------------------------------------------------------------------------


class StepKind(StrEnum):
    CLINIC = "clinic"
    PRACTITIONER = "practitioner"
    TREATMENT = "treatment"
    TIME = "time"

    @property
    def label(self) -> str:
        return STEP_LABELS[self]


STEP_LABELS: dict[StepKind, str] = {
    StepKind.CLINIC: "Klinik",
    StepKind.PRACTITIONER: "Behandlare",
    StepKind.TREATMENT: "Behandling",
    StepKind.TIME: "Tid",
}
STEP_FIELDS = ("first", "second", "third", "fourth")
# What each step may be, in the manual's radio-button order.
STEP_CHOICES: dict[str, tuple[StepKind, ...]] = {
    "first": (StepKind.CLINIC, StepKind.PRACTITIONER, StepKind.TREATMENT),
    "second": (StepKind.CLINIC, StepKind.PRACTITIONER, StepKind.TREATMENT, StepKind.TIME),
    "third": (StepKind.CLINIC, StepKind.PRACTITIONER, StepKind.TREATMENT, StepKind.TIME),
    "fourth": (StepKind.CLINIC, StepKind.PRACTITIONER, StepKind.TIME),
}
MERGED_ORDER = (StepKind.CLINIC, StepKind.TREATMENT, StepKind.PRACTITIONER, StepKind.TIME)
DEFAULT_ORDER = MERGED_ORDER


class GeneralSettings(Section):
    show_bookings: bool = setting(
        True,
        "Visning av bokningar aktiverad",
        "Listar patientens bokningar på bokningssidan (patienten måste vara inloggad).",
        wire="ViewBookingsEnabled",
    )
    login_enabled: bool = setting(
        True,
        "Inloggning aktiverad",
        'Knappen "Logga in" på bokningssidan: patienten loggar in med e-legitimation.',
        wire="LoginEnabled",
    )
    sms_login: bool = setting(
        True,
        "SMS-inloggning aktiverad",
        "Inloggning kan även göras med SMS. Fungerar endast för befintliga kunder.",
        wire="LoginSMSEnabled",
    )
    new_booking_requires_login: bool = setting(
        False,
        "Ny bokning kräver inloggning",
        "Nya bokningar kan endast göras om patienten loggat in med e-legitimation.",
        wire="NewBookingRequireLogin",
    )
    weekend_booking: bool = setting(
        True,
        "Helgbokning aktiverad",
        "Lördag och söndag i steget där kund väljer tider.",
        wire="WeekendBookingEnabled",
    )
    code_challenge: bool = setting(
        False,
        "Använd e-post/SMS-kod utmaning",
        "Aktiv: bokningen bekräftas med en kod via mail/SMS. Inaktiv: med Recaptcha.",
        wire="UseCodeChallange",
    )
    maintenance_mode: bool = setting(
        False,
        "Aktivera underhållsläge",
        "Tillfällig inaktivering av bokningssidan t.ex. vid tekniskt underhåll.",
        wire="MaintenanceMode",
    )
    publish_boka_vard: bool = setting(
        False,
        "Publicera på 'Boka Vård'",
        "Bokningar synkas till marknadsplatsen Boka vård, som måste aktivera ert konto.",
        wire="IsPublishedOnBokaVard",
    )
    publish_opus_online: bool = setting(
        True,
        "Publicera på 'Opus Dental Online'",
        "Synkning till bokningssidan. Av: endast bokningar via API.",
        wire="IsPublishedOnOpusDentalOnline",
    )
    user_message: bool = setting(
        False,
        "Användarmeddelande aktiverad",
        "Ett fält för patientens meddelande; texten hamnar efter tidbokstexten.",
        wire="UserMessageInputEnabled",
    )
    any_practitioner: bool = setting(
        True,
        "Visa 'Vilken behandlare som helst'",
        'Knappen "vilken som helst" i behandlarsteget: ingen behandlare behöver väljas.',
        wire="AnyClinicianOption",
    )
    any_clinic: bool = setting(
        False,
        "Visa 'Vilken klinik som helst'",
        'Knappen "vilken som helst" i kliniksteget: ingen klinik behöver väljas.',
        wire="AnyClinicOption",
    )
    skip_confirmation: bool = setting(
        False,
        "Hoppa över bekräftelse",
        "Patienten behöver inte ange bekräftelsekod från mail/SMS eller recaptcha.",
        wire="SkipConfirmation",
    )


class RegistrationSettings(Section):
    address1: bool = setting(
        False, "Adress1 aktiverad", "Patienten anger adressrad 1.", wire="Address1Enabled"
    )
    address2: bool = setting(
        False, "Adress2 aktiverad", "Patienten anger adressrad 2.", wire="Address2Enabled"
    )
    postcode: bool = setting(
        False,
        "Postnummer aktiverad",
        "Patienten anger postnummer och ort.",
        wire="PostalCodeEnabled",
    )
    mobile: bool = setting(
        True,
        "Mobilnummer aktiverad",
        "Patienten anger mobilnummer.",
        wire="MobilePhoneNumberEnabled",
    )
    email: bool = setting(
        True, "E-post aktiverad", "Patienten anger e-postadress.", wire="EmailEnabled"
    )
    campaign_code: bool = setting(
        True,
        "Kampanjkod aktiverad",
        'Ett extra fält för kampanjkod; i tidbokstexten visas den som "CC: XXX".',
        wire="CampaignCodeEnabled",
    )


class StepOrder(Section):
    merged_view: bool = setting(
        False,
        "Sammanslagen visning",
        "Behandling och behandlare på samma sida, alltid efter Klinik och före Tid.",
        wire="UseCombinedView",
    )
    first: StepKind = setting(
        StepKind.CLINIC, "Första steget", "Klinik, Behandlare eller Behandling.", wire="FirstStep"
    )
    second: StepKind = setting(StepKind.TREATMENT, "Andra steget", wire="SecondStep")
    third: StepKind = setting(StepKind.PRACTITIONER, "Tredje steget", wire="ThirdStep")
    fourth: StepKind = setting(
        StepKind.TIME, "Fjärde steget", "Klinik, Behandlare eller Tid.", wire="FourthStep"
    )

    @property
    def order(self) -> tuple[StepKind, StepKind, StepKind, StepKind]:
        return (self.first, self.second, self.third, self.fourth)

    @model_validator(mode="after")
    def _valid_order(self) -> StepOrder:
        for name in STEP_FIELDS:
            kind: StepKind = getattr(self, name)
            allowed = STEP_CHOICES[name]
            if kind not in allowed:
                options = ", ".join(k.label for k in allowed)
                raise RuleError(name, f"kan inte vara {kind.label}; välj {options}")
        for i, name in enumerate(STEP_FIELDS):
            kind = getattr(self, name)
            for earlier in STEP_FIELDS[:i]:
                if getattr(self, earlier) == kind:
                    raise RuleError(
                        name,
                        f"{kind.label} är redan valt som {STEP_ORDINALS[earlier]} steg; "
                        "varje steg får förekomma en gång",
                    )
        if self.merged_view and self.order != MERGED_ORDER:
            forced = ", ".join(k.label for k in MERGED_ORDER)
            raise RuleError(
                "merged_view",
                f"Sammanslagen visning kräver ordningen {forced}",
            )
        return self


STEP_ORDINALS = {"first": "första", "second": "andra", "third": "tredje", "fourth": "fjärde"}


class BookingSettings(Section):
    new_booking: bool = setting(
        True,
        "Nybokning aktiverad",
        "Tillåter att nya bokningar görs via portalen.",
        wire="NewBookingEnabled",
    )
    rebooking: bool = setting(
        True,
        "Ombokning aktiverad",
        "Tillåter att befintliga bokningar ombokas via portalen.",
        wire="ModifyBookingEnabled",
    )
    cancellation: bool = setting(
        True,
        "Avbokning aktiverad",
        "Tillåter att befintliga bokningar avbokas via portalen.",
        wire="CancelBookingsEnabled",
    )
    rebook_without_template: bool = setting(
        True,
        "Tillåt ombokning utan bokningsmall",
        "Tillåter att befintliga bokningar utan bokningsmall ombokas via portalen.",
        wire="AllowAllReschedule",
    )
    cancel_without_template: bool = setting(
        True,
        "Tillåt avbokning utan bokningsmall",
        "Tillåter att befintliga bokningar utan bokningsmall avbokas via portalen.",
        wire="AllowAllCancel",
    )
    journal_rebooking: bool = setting(
        True,
        "Registrera ombokning i journalen",
        "Registrerar alla ombokningar via portalen automatiskt i patientens journal.",
        wire="RegisterRescheduleInJournal",
    )
    journal_cancellation: bool = setting(
        True,
        "Registrera avbokning i journalen",
        "Registrerar alla avbokningar via portalen automatiskt i patientens journal.",
        wire="RegisterCancellationInJournal",
    )
    hours_limit: int = setting(
        0,
        "Avbokning/ombokning kan inte göras inom",
        "Timmar före bokningen då av- och ombokning inte längre går (24 = ett dygn).",
        wire="HourBeforModifyBookingClosing",
        unit="timmar",
        ge=0,
        le=24 * 365,
        strict=True,
    )


class FlexibilitySettings(Section):
    general: GeneralSettings = setting(GeneralSettings(), "Allmänna inställningar")
    registration: RegistrationSettings = setting(
        RegistrationSettings(), "Registreringsinställningar"
    )
    steps: StepOrder = setting(StepOrder(), "Bokningssteg ordning")
    booking: BookingSettings = setting(BookingSettings(), "Bokningsinställningar")


# --- Media ------------------------------------------------------------------------------------

COLOUR_PATTERN = r"^#[0-9A-Fa-f]{6}$"
DEFAULT_COLOUR = "#1B5E8C"


class GeneralTexts(Section):
    welcome_text: str = setting(
        "", "Välkommen text", "Visas på bokningssidans förstasida.", max_length=2000
    )
    patient_info_text: str = setting(
        "",
        "Patientinfo text",
        'Gul ruta när patienten anger uppgifter. Tom: "Om personinformation" visas.',
        max_length=2000,
    )


class ClinicText(Section):
    database: Id = setting(..., "Databas")
    clinic_id: Id = setting(..., "Klinik-id")
    header: str = setting("", "Kliniktext överskrift", wire="ClinicTextHeader", max_length=100)
    body: str = setting("", "Kliniktext", wire="ClinicTextBody", max_length=2000)


class ClinicTexts(Section):
    header: str = setting(
        "",
        "Kliniktext överskrift",
        'Standard kliniktext visas i steget "Behandling".',
        max_length=100,
    )
    body: str = setting(
        "", "Kliniktext", 'Standard kliniktext visas i steget "Behandling".', max_length=2000
    )
    per_clinic: list[ClinicText] = list_setting(
        "Klinikspecifik text", "Ersätter standardtexten för den kliniken."
    )

    @model_validator(mode="after")
    def _unique(self) -> ClinicTexts:
        keys = [(t.database, t.clinic_id) for t in self.per_clinic]
        if len(set(keys)) != len(keys):
            raise RuleError("per_clinic", "samma klinik har två klinikspecifika texter")
        return self

    def for_clinic(self, database: str, clinic_id: str) -> tuple[str, str]:
        """The heading and text shown in the Behandling step for that clinic."""
        for t in self.per_clinic:
            if t.database == database and t.clinic_id == clinic_id and (t.header or t.body):
                return t.header, t.body
        return self.header, self.body


class Branding(Section):
    colour: str = setting(
        DEFAULT_COLOUR,
        "Färgschema",
        "Bokningssidans färg som #RRGGBB.",
        wire="ColorCode",
        pattern=COLOUR_PATTERN,
    )
    logo: str = setting("", "Logotyp", "Sökväg till logotypen (PNG eller JPEG).", max_length=1000)


class DeviationTexts(Section):
    new_booking_disabled: str = setting(
        "",
        "Inaktivering av Ny bokning",
        "Visas när Nybokning är avaktiverad. Tom: standardtexten.",
        max_length=1000,
    )
    maintenance: str = setting(
        "",
        "Aktivering av Underhållsläge",
        "Visas när underhållsläget är aktiverat. Tom: standardtexten.",
        max_length=1000,
    )
    not_published: str = setting(
        "",
        "Inaktivering av Publicera på 'Opus Dental Online'",
        "Visas när bokningssidan inte publiceras. Tom: standardtexten.",
        max_length=1000,
    )


class MediaSettings(Section):
    texts: GeneralTexts = setting(GeneralTexts(), "Generella texter")
    clinic_texts: ClinicTexts = setting(ClinicTexts(), "Kliniktext")
    branding: Branding = setting(Branding(), "Media")
    deviations: DeviationTexts = setting(DeviationTexts(), "Avvikelser")


# --- E-post, SMS, Avancerat -------------------------------------------------------------------

_DOMAIN_LABEL = r"[^\W_](?:(?:[^\W_]|-)*[^\W_])?"  # letters (also å, ä, ö: IDN), digits, inner -
_ADDRESS = re.compile(rf"^[^@\s<>\"(),;:]+@{_DOMAIN_LABEL}(?:\.{_DOMAIN_LABEL})+$")


def email_sender_rule(value: str) -> str | None:
    if value == "":
        return None
    if any(unicodedata.category(c) == "Cc" for c in value):
        return "får inte innehålla radbrytningar eller andra styrtecken"
    if ">" in value and not value.rstrip().endswith(">"):
        return "ingenting får stå efter > (adressen avslutar avsändaren)"
    if len(getaddresses([value])) != 1:
        return "bara en avsändaradress"
    display, address = parseaddr(value)
    if not address or not _ADDRESS.match(address):
        return (
            "måste vara en e-postadress, t.ex. bokning@klinik.se "
            'eller "Kliniken" <bokning@klinik.se>'
        )
    if "<" in value and not value.rstrip().endswith(">"):
        return "adressen ska stå inom <> efter namnet"
    del display
    return None


class EmailSettings(Section):
    sender: str = setting(
        "",
        "Avsändare",
        "Avsändaren som visas på e-postbekräftelsen. Tom: Opus standardavsändare.",
        max_length=320,
    )
    new_booking: str = setting(
        "", "Nybokning", "Mall för nybokning. Tom: Opus standardtext.", max_length=5000
    )
    rebooking: str = setting(
        "", "Ombokning", "Mall för ombokning. Tom: Opus standardtext.", max_length=5000
    )
    cancellation: str = setting(
        "", "Avbokning", "Mall för avbokning. Tom: Opus standardtext.", max_length=5000
    )

    @field_validator("sender")
    @classmethod
    def _sender(cls, value: str) -> str:
        problem = email_sender_rule(value.strip())
        if problem:
            raise RuleError(None, problem)
        return value.strip()


class SmsSettings(Section):
    new_booking: str = setting(
        "", "Nybokning", "SMS för nybokning. Tom: Opus standardtext.", max_length=1000
    )
    rebooking: str = setting(
        "", "Ombokning", "SMS för ombokning. Tom: Opus standardtext.", max_length=1000
    )
    cancellation: str = setting(
        "", "Avbokning", "SMS för avbokning. Tom: Opus standardtext.", max_length=1000
    )


class AdvancedSettings(Section):
    analytics_script: str = setting(
        "",
        "Webbanalys-script",
        "Besöksstatistik för bokningssidan: ett eller flera <script>-element.",
        max_length=20000,
    )


# --- The whole configuration ------------------------------------------------------------------


class WebConfiguration(Section):
    """Everything the Web konfiguration tabs decide, in the manual's tab order."""

    subdomain: SubdomainSettings = setting(SubdomainSettings(), "Underdomän")
    clinics: ClinicsSettings = setting(ClinicsSettings(), "Kliniker")
    practitioners: PractitionerSettings = setting(PractitionerSettings(), "Behandlare")
    flexibility: FlexibilitySettings = setting(FlexibilitySettings(), "Flexibilitet")
    media: MediaSettings = setting(MediaSettings(), "Media")
    email: EmailSettings = setting(EmailSettings(), "E-post")
    sms: SmsSettings = setting(SmsSettings(), "SMS")
    advanced: AdvancedSettings = setting(AdvancedSettings(), "Avancerat")


SECTION_NAMES: tuple[str, ...] = tuple(WebConfiguration.model_fields)


def section_label(section: str) -> str:
    return WebConfiguration.model_fields[section].title or section


def section_model(section: str) -> type[Section]:
    annotation = WebConfiguration.model_fields[section].annotation
    assert isinstance(annotation, type) and issubclass(annotation, Section)
    return annotation
