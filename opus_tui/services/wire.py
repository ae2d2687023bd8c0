"""Domain ↔ wire: the ONE place for guesses about the portal.

The spec (Opus API v1) names the configuration models but not the meaning of their enums, the keys
of ``MediaSettings.TextContainer``/``MediaContainer``, nor how opus-tui's string identifiers become
the portal's ``int`` ids and ``uuid`` database ids. Every such decision is a constant or a small
function below, documented in docs/portal-api.md ("Guesses"), so a real portal's answer can
correct it here and nowhere else.

Mapping rules:
- Flexibility settings map one-to-one through each domain field's ``wire`` name.
- Properties opus-tui does not manage (e.g. ``UseLandingPage``, ``MonthsToSync``, clinic
  addresses, treatments, unknown text keys) are carried over from the portal's current version
  (``base``) so publishing never clears them.
- An empty text is left out of ``TextContainer`` (empty = Opus standard text).
- The booking-page texts (:data:`HTML_TEXT_KEYS`: welcome, patient info, the standard and
  per-clinic clinic text body, deviations) travel as sanitised HTML (``sanitize.to_html``) and
  come back as markup (``sanitize.html_to_markup``). Headings, e-mail/SMS templates and the
  sender are plain text; :func:`publish_problems` refuses HTML tags in them and an analytics
  script that ``analytics.check_script`` does not accept.
- Local image paths become portal references through ``media`` (path → reference, filled by the
  uploads before publishing); a path missing from ``media`` is sent as it is.
- Only published practitioners exist on the wire: a profile or consent of a practitioner who is
  not published, an all-false consent and a clinic text of an unpublished clinic are not sent.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from opus_tui.domain import (
    Catalogue,
    ClinicText,
    Consent,
    PractitionerProfile,
    PublishedClinic,
    PublishedPractitioner,
    StepKind,
    WebConfiguration,
)
from opus_tui.domain import config as dc
from opus_tui.domain.fields import label_of, wire_name_of
from opus_tui.domain.problems import label_for_path
from opus_tui.services import wire_models as wm

# --- Guesses ----------------------------------------------------------------------------------

# FlexibilitySettings.FirstStep…FourthStep: the manual's radio-button order (Klinik, Behandlare,
# Behandling, Tid). Unconfirmed.
STEP_TO_WIRE: dict[StepKind, wm.StepValue] = {
    StepKind.CLINIC: 0,
    StepKind.PRACTITIONER: 1,
    StepKind.TREATMENT: 2,
    StepKind.TIME: 3,
}
WIRE_TO_STEP: dict[int, StepKind] = {v: k for k, v in STEP_TO_WIRE.items()}

# Clinician.ClinicianPersonalDataConsents: the manual's column order (Profilbild, Behandlars
# titel). Unconfirmed.
CONSENT_PHOTO: wm.ConsentValue = 1
CONSENT_TITLE: wm.ConsentValue = 2

# MediaSettings.TextContainer keys (the spec names none): (domain section, field) -> key.
TEXT_KEYS: dict[tuple[str, str], str] = {
    ("media.texts", "welcome_text"): "Welcome",
    ("media.texts", "patient_info_text"): "PatientInfo",
    ("media.clinic_texts", "header"): "ClinicTextHeader",
    ("media.clinic_texts", "body"): "ClinicTextBody",
    ("media.deviations", "new_booking_disabled"): "DeviationNewBookingDisabled",
    ("media.deviations", "maintenance"): "DeviationMaintenance",
    ("media.deviations", "not_published"): "DeviationNotPublished",
    ("email", "sender"): "EmailSender",
    ("email", "new_booking"): "EmailNewBooking",
    ("email", "rebooking"): "EmailRebooking",
    ("email", "cancellation"): "EmailCancellation",
    ("sms", "new_booking"): "SmsNewBooking",
    ("sms", "rebooking"): "SmsRebooking",
    ("sms", "cancellation"): "SmsCancellation",
    ("advanced", "analytics_script"): "AnalyticsScript",
}

# Texts the booking page renders as HTML: sent as sanitised HTML built from our markup.
HTML_TEXT_KEYS = frozenset(
    {
        "Welcome",
        "PatientInfo",
        "ClinicTextBody",
        "DeviationNewBookingDisabled",
        "DeviationMaintenance",
        "DeviationNotPublished",
    }
)
# Plain texts that must not hold HTML tags (the sender may be "Namn <adress>").
PLAIN_TEXT_KEYS = frozenset(
    {"ClinicTextHeader", "EmailNewBooking", "EmailRebooking", "EmailCancellation"}
    | {"SmsNewBooking", "SmsRebooking", "SmsCancellation"}
)

# MediaSettings.MediaContainer key of the logo (its value: the reference returned by the upload).
LOGO_KEY = "Logo"

# opus-tui names databases (connection profiles); the portal wants a uuid. A name that is a uuid is
# used as is; any other name gets a stable uuid5 in this namespace.
DATABASE_NAMESPACE = uuid.UUID("0b7c51e2-3a8e-4d0f-9d43-6a1f0f2b7e55")


def database_uuid(database: str) -> uuid.UUID:
    try:
        return uuid.UUID(database)
    except ValueError:
        return uuid.uuid5(DATABASE_NAMESPACE, database)


def database_name(value: uuid.UUID, known: Iterable[str] = ()) -> str:
    for name in known:
        if database_uuid(name) == value:
            return name
    return str(value)


def wire_id(identifier: str) -> int:
    """Opus ids are integers; a non-numeric id gets a stable positive int32 (unconfirmed)."""
    text = identifier.strip()
    if text.lstrip("-").isdigit():
        value = int(text)
        if wm.INT32_MIN <= value <= wm.INT32_MAX:
            return value
    digest = uuid.uuid5(DATABASE_NAMESPACE, text).int
    return int(digest % (wm.INT32_MAX - 1_000_000_000)) + 1_000_000_000


def domain_ids(known: Iterable[str]) -> dict[int, str]:
    """wire id → local id for ``known`` (the first wins when two map to the same int)."""
    by_wire: dict[int, str] = {}
    for identifier in known:
        by_wire.setdefault(wire_id(identifier), identifier)
    return by_wire


# --- Flexibility through the domain's ``wire`` names ------------------------------------------

_FLEX_GROUPS: tuple[tuple[str, type[BaseModel]], ...] = (
    ("general", dc.GeneralSettings),
    ("booking", dc.BookingSettings),
    ("steps", dc.StepOrder),
)


def _wire_fields(model: type[BaseModel]) -> list[tuple[str, str]]:
    out = []
    for name in model.model_fields:
        wire = wire_name_of(model, name)
        if wire is not None:
            out.append((name, wire))
    return out


def _to_wire_value(value: Any) -> Any:
    return STEP_TO_WIRE[value] if isinstance(value, StepKind) else value


def flexibility_to_wire(
    flex: dc.FlexibilitySettings, base: wm.FlexibilitySettings
) -> wm.FlexibilitySettings:
    update: dict[str, Any] = {}
    for group, model in _FLEX_GROUPS:
        section = getattr(flex, group)
        for name, wire in _wire_fields(model):
            update[wire] = _to_wire_value(getattr(section, name))
    registration = {
        wire: getattr(flex.registration, name)
        for name, wire in _wire_fields(dc.RegistrationSettings)
    }
    update["RegistrationSettings"] = base.RegistrationSettings.model_copy(update=registration)
    return wm.FlexibilitySettings.model_validate({**base.model_dump(), **update})


def flexibility_from_wire(
    wire: wm.FlexibilitySettings, notes: list[str] | None = None
) -> dc.FlexibilitySettings:
    data: dict[str, Any] = {}
    for group, model in _FLEX_GROUPS:
        values: dict[str, Any] = {}
        for name, wire_name in _wire_fields(model):
            value = getattr(wire, wire_name)
            if group == "steps" and name != "merged_view":
                value = WIRE_TO_STEP[value]
            values[name] = value
        data[group] = _lenient(model, values, f"flexibility.{group}", notes)
    registration = {
        name: getattr(wire.RegistrationSettings, wire_name)
        for name, wire_name in _wire_fields(dc.RegistrationSettings)
    }
    data["registration"] = _lenient(
        dc.RegistrationSettings, registration, "flexibility.registration", notes
    )
    return dc.FlexibilitySettings.model_validate(data)


M = TypeVar("M", bound=BaseModel)


def _lenient(model: type[M], data: dict[str, Any], where: str, notes: list[str] | None) -> M:
    """Validate ``data``; a field the domain refuses falls back to its default (noted)."""
    data = dict(data)
    for _ in range(len(data) + 1):
        try:
            return model.model_validate(data)
        except ValidationError as exc:
            bad = {str(e["loc"][0]) for e in exc.errors() if e["loc"]}
            bad &= set(data)
            if notes is not None:
                notes.append(_refused_note(model, where, bad))
            if not bad:
                return model()
            for name in bad:
                data.pop(name)
    return model()


def _refused_note(model: type[BaseModel], where: str, bad: Iterable[str]) -> str:
    """``Media › Färgschema: portalens värde godtas inte; standard används`` (the UI's words)."""
    path = where.split(".")
    labels: list[str] = []
    for end in range(1, len(path) + 1):
        label = label_for_path(WebConfiguration, path[:end])
        if label and label not in labels:
            labels.append(label)
    section = " › ".join(labels)
    fields = [label_of(model, name) for name in sorted(bad)]
    if not fields:
        return f"{section}: portalens värden godtas inte; standard används"
    return f"{section} › {', '.join(fields)}: portalens värde godtas inte; standard används"


# --- Texts ------------------------------------------------------------------------------------


def _section(config: BaseModel, dotted: str) -> Any:
    obj: Any = config
    for part in dotted.split("."):
        obj = getattr(obj, part)
    return obj


def text_to_html(markup: str) -> str:
    """A booking-page text as the portal gets it: sanitised HTML ("" stays "")."""
    from opus_tui.services.sanitize import to_html

    return to_html(markup).html if markup else ""


def text_from_html(value: str) -> str:
    from opus_tui.services.sanitize import html_to_markup

    return html_to_markup(value) if value else ""


def texts_to_wire(config: WebConfiguration, base: Mapping[str, str]) -> dict[str, str]:
    managed = set(TEXT_KEYS.values())
    out = {k: v for k, v in base.items() if k not in managed}
    for (section, field), key in TEXT_KEYS.items():
        value = getattr(_section(config, section), field)
        if key in HTML_TEXT_KEYS:
            value = text_to_html(value)
        if value:
            out[key] = value
    return out


def publish_problems(config: WebConfiguration) -> list[str]:
    """Why ``config``'s texts may not be published (Swedish), or []: HTML tags in a plain text
    the booking page or a message shows, a bad link in a booking-page text, an analytics script
    that is not only ``<script>`` elements."""
    from opus_tui.domain import section_label
    from opus_tui.services.analytics import check_script
    from opus_tui.services.sanitize import has_tags, to_html

    problems: list[str] = []
    published = {(c.database, c.clinic_id): c.name for c in config.clinics.published}
    people = {
        (c.database, p.practitioner_id): p.name or p.practitioner_id
        for c in config.clinics.published
        for p in c.practitioners
    }

    def label(section: str, field: str) -> str:
        model = type(_section(config, section))
        title = model.model_fields[field].title or field
        return f"{section_label(section.split('.')[0])} › {title}"

    for (section, field), key in TEXT_KEYS.items():
        value = getattr(_section(config, section), field)
        if key in PLAIN_TEXT_KEYS and has_tags(value):
            problems.append(
                f"{label(section, field)}: HTML-taggar kan inte publiceras i den här texten."
            )
        elif key in HTML_TEXT_KEYS:
            problems.extend(f"{label(section, field)}: {p}" for p in to_html(value).problems)
    for text in config.media.clinic_texts.per_clinic:
        clinic = published.get((text.database, text.clinic_id))
        if clinic is None:
            continue
        if has_tags(text.header):
            problems.append(
                f"Kliniktext ({clinic}) › rubrik: HTML-taggar kan inte publiceras i rubriken."
            )
        problems.extend(f"Kliniktext ({clinic}): {p}" for p in to_html(text.body).problems)
    for profile in config.practitioners.profiles:
        who = people.get((profile.database, profile.practitioner_id))
        if who is not None and has_tags(profile.text):
            problems.append(f"Behandlare ({who}) › text: HTML-taggar kan inte publiceras.")
    report = check_script(config.advanced.analytics_script)
    problems.extend(f"{label('advanced', 'analytics_script')}: {p}" for p in report.problems)
    return problems


# --- The whole configuration ------------------------------------------------------------------


def empty_configuration(name: str, account: uuid.UUID) -> wm.Configuration:
    """What a freshly claimed subdomain holds."""
    return wm.Configuration(
        Subdomain=wm.Subdomain(
            Name=name,
            AccountID=account,
            FlexibilitySettings=wm.FlexibilitySettings(),
            MediaSettings=wm.MediaSettings(),
        )
    )


def _fit(value: str, limit: int) -> str:
    return value[:limit]


def to_wire(
    config: WebConfiguration,
    base: wm.Configuration,
    *,
    catalogue: Catalogue | None = None,
    media: Mapping[str, str] | None = None,
) -> wm.Configuration:
    """The wire body publishing ``config`` on top of the portal's current version ``base``."""
    media = media or {}
    sub = base.Subdomain
    branding = config.media.branding
    media_container = dict(sub.MediaSettings.MediaContainer)
    if branding.logo:
        media_container[LOGO_KEY] = media.get(branding.logo, branding.logo)
    else:
        media_container.pop(LOGO_KEY, None)
    subdomain = sub.model_copy(
        update={
            "Name": config.subdomain.name,
            "FlexibilitySettings": flexibility_to_wire(config.flexibility, sub.FlexibilitySettings),
            "MediaSettings": wm.MediaSettings(
                ColorCode=branding.colour,
                TextContainer=texts_to_wire(config, sub.MediaSettings.TextContainer),
                MediaContainer=media_container,
            ),
        }
    )
    return base.model_copy(
        update={
            "Subdomain": subdomain,
            "Clinics": _clinics_to_wire(config, base, catalogue, media),
        }
    )


def _clinics_to_wire(
    config: WebConfiguration,
    base: wm.Configuration,
    catalogue: Catalogue | None,
    media: Mapping[str, str],
) -> list[wm.Clinic]:
    old_clinics = {(c.OpusDatabaseID, c.ID): c for c in base.Clinics}
    old_rows = {(r.OpusDatabaseID, r.ClinicID, r.ID): r for c in base.Clinics for r in c.Clinicians}
    texts = {(t.database, t.clinic_id): t for t in config.media.clinic_texts.per_clinic}
    profiles: dict[tuple[str, str], PractitionerProfile] = {}
    for p in config.practitioners.profiles:
        profiles.setdefault((p.database, p.practitioner_id), p)
    consent_of: dict[tuple[str, str, str], Consent] = {}
    for c in config.practitioners.consents:
        consent_of.setdefault((c.database, c.practitioner_id, c.clinic_id), c)
    catalogue_clinics = (
        {(c.database, c.clinic_id): c for c in catalogue.clinics} if catalogue else {}
    )
    out: list[wm.Clinic] = []
    for order, clinic in enumerate(config.clinics.published):
        db = database_uuid(clinic.database)
        cid = wire_id(clinic.clinic_id)
        old = old_clinics.get((db, cid))
        fields: dict[str, Any] = old.model_dump() if old else {}
        source = catalogue_clinics.get((clinic.database, clinic.clinic_id))
        if source is not None:
            fields.update(
                Address1=_fit(source.address, 150),
                Postalcode=_fit(source.postcode, 10),
                City=_fit(source.city, 10),
                Work=_fit(source.phone, 30),
                Email=_fit(source.email, 300),
            )
        text = texts.get((clinic.database, clinic.clinic_id))
        rows = []
        for row_order, person in enumerate(clinic.practitioners):
            pid = wire_id(person.practitioner_id)
            old_row = old_rows.get((db, cid, pid))
            profile = profiles.get((clinic.database, person.practitioner_id))
            consent = consent_of.get((clinic.database, person.practitioner_id, clinic.clinic_id))
            photo = profile.photo if profile else ""
            consents: list[wm.ConsentValue] = []
            if consent is not None and consent.photo:
                consents.append(CONSENT_PHOTO)
            if consent is not None and consent.title:
                consents.append(CONSENT_TITLE)
            row_fields: dict[str, Any] = old_row.model_dump() if old_row else {}
            row_fields.update(
                ID=pid,
                OpusDatabaseID=db,
                ClinicID=cid,
                Order=row_order,
                Name=person.name,
                Title=person.title,
                Active=True,
                Info=profile.text if profile else "",
                ProfileImage=media.get(photo, photo) if photo else "",
                ClinicianPersonalDataConsents=consents,
            )
            rows.append(wm.Clinician.model_validate(row_fields))
        fields.update(
            ID=cid,
            OpusDatabaseID=db,
            Name=clinic.name,
            Order=order,
            Group=clinic.group,
            ClinicTextHeader=text.header if text else "",
            ClinicTextBody=text_to_html(text.body) if text else "",
            Clinicians=rows,
            LinkMobilityPassword="",
        )
        out.append(wm.Clinic.model_validate(fields))
    return out


def from_wire(
    wire: wm.Configuration,
    *,
    databases: Iterable[str] = (),
    ids: Iterable[str] = (),
    media: Mapping[str, str] | None = None,
    notes: list[str] | None = None,
) -> WebConfiguration:
    """The portal's configuration as a domain object.

    ``databases`` and ``ids`` are the local names/ids that map back to the portal's uuids/ints
    (others come back as their string form); ``media`` is the same path → reference map as for
    :func:`to_wire`, used backwards. Values the domain refuses fall back to defaults (``notes``).
    """
    if notes is not None and wire == empty_configuration(
        wire.Subdomain.Name, wire.Subdomain.AccountID
    ):
        notes = None  # a freshly claimed subdomain's blanks are unset values, not refused ones
    known_dbs = list(databases)
    by_wire_id = domain_ids(ids)
    by_reference = {ref: path for path, ref in (media or {}).items()}
    sub = wire.Subdomain
    texts = sub.MediaSettings.TextContainer

    published: list[PublishedClinic] = []
    profiles: dict[tuple[str, str], PractitionerProfile] = {}
    consents: list[Consent] = []
    clinic_texts: list[ClinicText] = []
    for clinic in sorted(wire.Clinics, key=lambda c: c.Order):
        db = database_name(clinic.OpusDatabaseID, known_dbs)
        cid = by_wire_id.get(clinic.ID, str(clinic.ID))
        people: list[PublishedPractitioner] = []
        for row in sorted(clinic.Clinicians, key=lambda r: r.Order):
            pid = by_wire_id.get(row.ID, str(row.ID))
            people.append(
                PublishedPractitioner(practitioner_id=pid, name=row.Name, title=row.Title)
            )
            photo = by_reference.get(row.ProfileImage, row.ProfileImage)
            if (row.Info or photo) and (db, pid) not in profiles:
                profiles[(db, pid)] = PractitionerProfile(
                    database=db, practitioner_id=pid, photo=photo, text=row.Info
                )
            given = set(row.ClinicianPersonalDataConsents)
            if given:
                consents.append(
                    Consent(
                        database=db,
                        practitioner_id=pid,
                        clinic_id=cid,
                        photo=CONSENT_PHOTO in given,
                        title=CONSENT_TITLE in given,
                    )
                )
        published.append(
            PublishedClinic(
                database=db,
                clinic_id=cid,
                name=clinic.Name,
                group=clinic.Group,
                practitioners=people,
            )
        )
        if clinic.ClinicTextHeader or clinic.ClinicTextBody:
            clinic_texts.append(
                ClinicText(
                    database=db,
                    clinic_id=cid,
                    header=clinic.ClinicTextHeader,
                    body=text_from_html(clinic.ClinicTextBody),
                )
            )

    def text_section(section: str, model: type[M], extra: dict[str, Any] | None = None) -> M:
        values: dict[str, Any] = dict(extra or {})
        for (where, field), key in TEXT_KEYS.items():
            if where == section:
                value = texts.get(key, "")
                values[field] = text_from_html(value) if key in HTML_TEXT_KEYS else value
        return _lenient(model, values, section, notes)

    logo = sub.MediaSettings.MediaContainer.get(LOGO_KEY, "")
    branding = _lenient(
        dc.Branding,
        {"colour": sub.MediaSettings.ColorCode, "logo": by_reference.get(logo, logo)},
        "media.branding",
        notes,
    )
    media_settings = dc.MediaSettings(
        texts=text_section("media.texts", dc.GeneralTexts),
        clinic_texts=text_section(
            "media.clinic_texts", dc.ClinicTexts, {"per_clinic": clinic_texts}
        ),
        branding=branding,
        deviations=text_section("media.deviations", dc.DeviationTexts),
    )
    return WebConfiguration(
        subdomain=_lenient(dc.SubdomainSettings, {"name": sub.Name}, "subdomain", notes),
        clinics=dc.ClinicsSettings(published=published),
        practitioners=dc.PractitionerSettings(profiles=list(profiles.values()), consents=consents),
        flexibility=flexibility_from_wire(sub.FlexibilitySettings, notes),
        media=media_settings,
        email=text_section("email", dc.EmailSettings),
        sms=text_section("sms", dc.SmsSettings),
        advanced=text_section("advanced", dc.AdvancedSettings),
    )


def known_identifiers(config: WebConfiguration) -> tuple[list[str], list[str]]:
    """The database names and ids of ``config`` (for :func:`from_wire`)."""
    databases: set[str] = set()
    ids: set[str] = set()
    for clinic in config.clinics.published:
        databases.add(clinic.database)
        ids.add(clinic.clinic_id)
        ids.update(p.practitioner_id for p in clinic.practitioners)
    for profile in config.practitioners.profiles:
        databases.add(profile.database)
        ids.add(profile.practitioner_id)
    return sorted(databases), sorted(ids)
