"""The portal's wire bodies, with the exact property names of Opus's API v1 definitions.

Property names, types and maximum lengths follow `opus-api-v1.yaml` (misspellings such as
``HourBeforModifyBookingClosing`` and ``UseCodeChallange`` are the wire names). What the spec
leaves open (names of enum values, text keys) is decided in :mod:`opus_tui.services.wire`, not here.

Conventions of this contract (see docs/portal-api.md): every property may be omitted on input
(except those the spec marks required) and takes the default shown; bodies never carry ``null``;
unknown properties are refused (422), so a misspelt name never passes silently. The envelope
models (``Configuration``, ``Problem``, ...) are opus-tui's own; the spec has no endpoints for them.
"""

from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1

Int32 = Annotated[int, Field(ge=INT32_MIN, le=INT32_MAX)]
# Step kinds and consents are numbered in the spec; their meaning lives in wire.py.
StepValue = Literal[0, 1, 2, 3]
ConsentValue = Literal[1, 2]

MediaType = Literal["image/png", "image/jpeg"]

SUBDOMAIN_PATTERN = r"^[a-z0-9](?:[a-z0-9-]{1,48})[a-z0-9]$"


def _str(max_length: int | None = None) -> str:
    """An optional string property: empty when absent, never null."""
    return Field(default="", max_length=max_length)


class WireModel(BaseModel):
    """Strict, closed JSON objects with the spec's property names."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


# --- FlexibilitySettings ----------------------------------------------------------------------


class RegistrationFlexibilitySettings(WireModel):
    Address1Enabled: bool = False
    Address2Enabled: bool = False
    PostalCodeEnabled: bool = False
    MobilePhoneNumberEnabled: bool = False
    PhoneNumberEnabled: bool = False
    EmailEnabled: bool = False
    CampaignCodeEnabled: bool = False


class FlexibilitySettings(WireModel):
    FirstStep: StepValue = 0
    SecondStep: StepValue = 0
    ThirdStep: StepValue = 0
    ViewBookingsEnabled: bool = False
    LoginEnabled: bool = False
    CancelBookingsEnabled: bool = False
    ModifyBookingEnabled: bool = False
    NewBookingEnabled: bool = False
    NewBookingRequireLogin: bool = False
    RegistrationSettings: RegistrationFlexibilitySettings = Field(
        default_factory=RegistrationFlexibilitySettings
    )
    WeekendBookingEnabled: bool = False
    HourBeforModifyBookingClosing: Int32 = 0
    IsPublishedOnOpusDentalOnline: bool = False
    IsPublishedOnBokaVard: bool = False
    UseCodeChallange: bool = False
    MaintenanceMode: bool = False
    FourthStep: StepValue = 0
    UserMessageInputEnabled: bool = False
    AnyClinicOption: bool = False
    AnyClinicianOption: bool = False
    UseCombinedView: bool = False
    SkipConfirmation: bool = False
    UseLandingPage: bool = False
    RegisterCancellationInJournal: bool = False
    RegisterRescheduleInJournal: bool = False
    AllowAllReschedule: bool = False
    AllowAllCancel: bool = False
    LoginSMSEnabled: bool = False
    MonthsToSync: Int32 = 0
    UseCancellationNoShowPolicy: bool = False
    UseArrivalRegistration: bool = False
    UseHealthDeclaration: bool = False
    PlaceJavaScriptInHeader: bool = False


# --- MediaSettings and FeatureSettings --------------------------------------------------------


class MediaSettings(WireModel):
    ColorCode: str = _str()
    TextContainer: dict[str, str] = Field(default_factory=dict)
    MediaContainer: dict[str, str] = Field(default_factory=dict)


class ArrivalRegistrationMessageSettings(WireModel):
    WelcomeMessage: str = _str()
    AppointmentFoundMessage: str = _str()
    AppointmentNotFoundMessage: str = _str()
    PatientNotFoundMessage: str = _str()


class ArrivalRegistrationFeatureSettings(WireModel):
    ArrivalRegistrationMessages: dict[str, ArrivalRegistrationMessageSettings] = Field(
        default_factory=dict
    )
    Enabled: bool = False


class MyPageMessageSettings(WireModel):
    WelcomeMessage: str = _str()
    MakeAnAppointmentMessage: str = _str()


class MyPageFeatureSettings(WireModel):
    Messages: dict[str, MyPageMessageSettings] = Field(default_factory=dict)
    Enabled: bool = False
    UseExternalBooking: bool = False
    ExternalBookingUrl: str = _str()


# Aliases: a property named like its type would shadow the type inside the class body.
_ArrivalRegistration = ArrivalRegistrationFeatureSettings
_MyPage = MyPageFeatureSettings


class FeatureSettings(WireModel):
    ArrivalRegistrationFeatureSettings: _ArrivalRegistration = Field(
        default_factory=_ArrivalRegistration
    )
    MyPageFeatureSettings: _MyPage = Field(default_factory=_MyPage)


_Flexibility = FlexibilitySettings
_Media = MediaSettings
_Feature = FeatureSettings


class Subdomain(WireModel):
    Name: str = Field(max_length=50)
    AccountID: UUID
    FlexibilitySettings: _Flexibility
    MediaSettings: _Media
    FeatureSettings: _Feature = Field(default_factory=_Feature)


# --- Clinic, Clinician, Treatment -------------------------------------------------------------


class Clinician(WireModel):
    """One practitioner at one clinic (the spec has one row per practitioner and clinic)."""

    ProfileImage: str = _str(1000)
    ClinicianPersonalDataConsents: list[ConsentValue] = Field(default_factory=list)
    ID: Int32
    OpusDatabaseID: UUID
    Name: str = _str(174)
    Title: str = _str(50)
    Active: bool = False
    ClinicID: Int32
    Order: Int32
    Info: str = _str(100)
    ExternalID: str = _str(50)
    FirstName: str = _str(50)
    LastName: str = _str(50)
    MaxConcurrentWebBookingsPerTimePeriod: Int32 = 0
    MaxConcurrentWebBookingsPerResource: Int32 = 0


class ClinicApiPermission(WireModel):
    ID: Int32 = 0
    ClinicSeqID: Int32 = 0
    PermissionType: Literal[0, 1, 2, 3, 4, 5] = 0
    ClinicId: Int32 = 0
    Permission: str = _str()
    IsGranted: bool = False


class Clinic(WireModel):
    ID: Int32
    OpusDatabaseID: UUID
    Name: str = Field(max_length=174)
    Address1: str = _str(150)
    Address2: str = _str(150)
    Postalcode: str = _str(10)
    City: str = _str(10)
    Home: str = _str(30)
    Work: str = _str(30)
    Fax: str = _str(30)
    Mobile: str = _str(30)
    Email: str = _str(300)
    Clinicians: list[Clinician] = Field(default_factory=list)
    SMSSenderID: str = _str()
    Order: Int32
    ClinicTextHeader: str = _str()
    ClinicTextBody: str = _str()
    Group: str = _str()
    LinkMobilityUserName: str = _str()
    LinkMobilityServiceId: Int32 = 0
    # A secret in the spec; opus-tui never sends it and the emulator never returns it.
    LinkMobilityPassword: str = _str()
    SMSSupplierId: Int32 = 0
    Profession: str = _str(60)
    ExternalID: str = _str(50)
    ClinicApiPermissions: list[ClinicApiPermission] = Field(default_factory=list)
    SeqID: Int32 = 0


class Treatment(WireModel):
    UniqueId: str = _str()
    ID: Int32
    OpusDatabaseID: UUID
    Name: str = _str(30)
    Description: str = _str(150)
    Duration: Int32 = 0
    CoolDownDuration: Int32 = 0
    WarmUpDuration: Int32 = 0
    CreateInWeb: bool = False
    ChangeInWeb: bool = False
    CancelInWeb: bool = False
    ChangeInWebLimit: Int32 = 0
    IsPriority: bool = False


# --- opus-tui's envelopes ---------------------------------------------------------------------


_Subdomain = Subdomain


class Configuration(WireModel):
    """Everything published for one subdomain; read and replaced as one versioned document."""

    Subdomain: _Subdomain
    Clinics: list[Clinic] = Field(default_factory=list)
    Treatments: list[Treatment] = Field(default_factory=list)


class Health(WireModel):
    Status: Literal["ok"] = "ok"
    Version: str = _str()


class Availability(WireModel):
    Name: str
    Available: bool
    OwnedByYou: bool = False


class MediaReference(WireModel):
    """Where an uploaded image is served; goes into ProfileImage or MediaContainer."""

    Reference: str = Field(max_length=1000)
    ContentType: MediaType
    Size: Int32
    Sha256: str = Field(min_length=64, max_length=64)


ProblemKind = Literal[
    "credentials",
    "forbidden",
    "unknown_subdomain",
    "not_found",
    "name_taken",
    "conflict",
    "precondition_required",
    "invalid",
    "too_large",
    "unsupported_media_type",
    "unavailable",
]


class Problem(WireModel):
    """An error body (``application/problem+json``)."""

    Status: Int32
    Kind: ProblemKind
    Title: str
    Detail: str = _str()
    Field: str = _str()


class ConflictProblem(WireModel):
    """412: the configuration changed on the portal; carries the portal's current version."""

    Status: Literal[412] = 412
    Kind: Literal["conflict"] = "conflict"
    Title: str
    Detail: str = _str()
    Field: str = _str()
    CurrentETag: str
    Current: Configuration


MEDIA_TYPES: tuple[str, ...] = ("image/png", "image/jpeg")
PHOTO_MAX_BYTES = 25 * 1024
LOGO_MAX_BYTES = 200 * 1024
