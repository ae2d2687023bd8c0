"""Merge-field templates for the confirmation e-mails and SMS (*kopplingsfält*).

Syntax (also in ``docs/templates.md``):

* A merge field is its key in braces: ``{patient_first_name}``. Keys are the English identifiers
  of :data:`FIELDS`; the field picker shows their Swedish labels. Keys are case-sensitive and
  take no spaces.
* ``{{`` and ``}}`` write a literal brace. A lone ``}``, a ``{`` without its ``}`` on the same
  line, an empty ``{}`` and an unknown key are errors, reported with offset, line and column
  (both 1-based) and, where one is close, a suggestion.
* Some fields only exist for one kind of message: ``new_date``/``new_time``/``new_weekday``
  only in *Ombokning* (the appointment moved to), the others in all three.
* An empty template means Opus's standard text (:func:`standard_text`); the six standard texts
  are the manual's, written in this syntax.

Values are plain strings; :func:`sample_values` gives the manual's example (Anna Hedman,
Olle Ohlsson, OpusTandläkarna, 2015-04-22 kl. 08:10, Undersökning),
:func:`booking_values` builds them from catalogue rows, and :func:`candidate_values` lists the
plausible values of every field (from a :class:`Catalogue`) for the SMS length range.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from opus_tui.domain.catalogue import (
        Catalogue,
        CatalogueClinic,
        CataloguePractitioner,
        CatalogueTreatment,
    )


class Channel(StrEnum):
    EMAIL = "email"
    SMS = "sms"


class TemplateKind(StrEnum):
    NEW_BOOKING = "new_booking"
    REBOOKING = "rebooking"
    CANCELLATION = "cancellation"


CHANNEL_LABELS: dict[Channel, str] = {Channel.EMAIL: "E-post", Channel.SMS: "SMS"}
KIND_LABELS: dict[TemplateKind, str] = {
    TemplateKind.NEW_BOOKING: "Nybokning",
    TemplateKind.REBOOKING: "Ombokning",
    TemplateKind.CANCELLATION: "Avbokning",
}

ALL_KINDS: frozenset[TemplateKind] = frozenset(TemplateKind)
REBOOKING_ONLY: frozenset[TemplateKind] = frozenset({TemplateKind.REBOOKING})


@dataclass(frozen=True, slots=True)
class MergeField:
    key: str
    label: str  # Swedish, shown in the picker
    help: str
    kinds: frozenset[TemplateKind] = ALL_KINDS

    @property
    def token(self) -> str:
        return "{" + self.key + "}"


FIELDS: tuple[MergeField, ...] = (
    MergeField("patient_first_name", "Förnamn", "Patientens förnamn"),
    MergeField("patient_last_name", "Efternamn", "Patientens efternamn"),
    MergeField("patient_name", "Patientens namn", "Förnamn och efternamn"),
    MergeField("clinic_name", "Klinik", "Klinikens namn"),
    MergeField("clinic_address", "Klinikens adress", "Gatuadress, postnummer och ort"),
    MergeField("clinic_phone", "Klinikens telefon", "Klinikens telefonnummer"),
    MergeField("clinic_email", "Klinikens e-post", "Klinikens e-postadress"),
    MergeField("practitioner_name", "Behandlare", "Behandlarens namn"),
    MergeField("practitioner_title", "Behandlarens titel", "T.ex. Tandläkare"),
    MergeField("treatment", "Behandling", "Behandlingens namn"),
    MergeField("date", "Datum", "Den bokade tidens datum (ÅÅÅÅ-MM-DD)"),
    MergeField("weekday", "Veckodag", "Den bokade tidens veckodag"),
    MergeField("start_time", "Starttid", "Den bokade tidens starttid (TT:MM)"),
    MergeField("end_time", "Sluttid", "Den bokade tidens sluttid (TT:MM)"),
    MergeField("new_date", "Nytt datum", "Datum för den nya tiden", REBOOKING_ONLY),
    MergeField("new_weekday", "Ny veckodag", "Veckodag för den nya tiden", REBOOKING_ONLY),
    MergeField("new_time", "Ny tid", "Starttid för den nya tiden", REBOOKING_ONLY),
    MergeField("campaign_code", "Kampanjkod", "Kampanjkoden som patienten angav (kan vara tom)"),
    MergeField(
        "cancellation_deadline",
        "Sista tid för av-/ombokning",
        "Bokad tid minus 'Avbokning/ombokning kan inte göras inom N timmar'",
    ),
    MergeField("booking_page", "Bokningssidan", "Adressen till bokningssidan"),
)
FIELDS_BY_KEY: dict[str, MergeField] = {f.key: f for f in FIELDS}

# Other spellings a technician may try; used only for suggestions.
_ALIASES: dict[str, str] = {
    "förnamn": "patient_first_name",
    "fornamn": "patient_first_name",
    "first_name": "patient_first_name",
    "efternamn": "patient_last_name",
    "last_name": "patient_last_name",
    "namn": "patient_name",
    "patient": "patient_name",
    "klinik": "clinic_name",
    "clinic": "clinic_name",
    "adress": "clinic_address",
    "telefon": "clinic_phone",
    "behandlare": "practitioner_name",
    "practitioner": "practitioner_name",
    "titel": "practitioner_title",
    "behandling": "treatment",
    "datum": "date",
    "veckodag": "weekday",
    "tid": "start_time",
    "time": "start_time",
    "starttid": "start_time",
    "sluttid": "end_time",
    "ny_tid": "new_time",
    "nytid": "new_time",
    "new_start_time": "new_time",
    "kampanjkod": "campaign_code",
    "avbokningsgräns": "cancellation_deadline",
}

WEEKDAYS_SV: tuple[str, ...] = (
    "måndag",
    "tisdag",
    "onsdag",
    "torsdag",
    "fredag",
    "lördag",
    "söndag",
)

# --- parsing -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Position:
    offset: int  # 0-based index into the template
    line: int  # 1-based
    column: int  # 1-based

    @classmethod
    def of(cls, source: str, offset: int) -> Position:
        line = source.count("\n", 0, offset) + 1
        column = offset - (source.rfind("\n", 0, offset) + 1) + 1
        return cls(offset, line, column)


@dataclass(frozen=True, slots=True)
class TemplateProblem:
    message: str  # Swedish, with the position
    position: Position
    end: int  # offset just after the faulty text
    text: str  # the faulty text as written
    suggestion: str | None = None  # a field key


@dataclass(frozen=True, slots=True)
class FieldRef:
    key: str
    start: int
    end: int


Segment = str | FieldRef


@dataclass(frozen=True, slots=True)
class ParsedTemplate:
    source: str
    segments: tuple[Segment, ...]
    problems: tuple[TemplateProblem, ...] = ()
    kind: TemplateKind | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def fields(self) -> tuple[str, ...]:
        """The keys used, in order of first use."""
        seen: dict[str, None] = {}
        for seg in self.segments:
            if isinstance(seg, FieldRef):
                seen.setdefault(seg.key, None)
        return tuple(seen)

    @property
    def literal_text(self) -> str:
        return "".join(seg for seg in self.segments if isinstance(seg, str))


class TemplateError(ValueError):
    """A template with syntax errors or unknown fields was rendered strictly."""

    def __init__(self, problems: Iterable[TemplateProblem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(p.message for p in self.problems))


class MissingValueError(KeyError):
    """A field in the template has no value."""

    def __init__(self, key: str) -> None:
        self.key = key
        super().__init__(key)

    def __str__(self) -> str:
        return f"Kopplingsfältet {{{self.key}}} saknar värde"


def suggest(name: str, kind: TemplateKind | None = None) -> str | None:
    """The field key closest to a misspelt ``name`` (by key, alias or Swedish label)."""
    wanted = name.strip().strip("{}").lower().replace(" ", "_").replace("-", "_")
    keys = [f.key for f in FIELDS if kind is None or kind in f.kinds]
    if wanted in keys:
        return wanted
    names: dict[str, str] = {k: k for k in keys}
    for alias, key in _ALIASES.items():
        if key in names:
            names[alias] = key
    for f in FIELDS:
        if f.key in names:
            names[f.label.lower().replace(" ", "_")] = f.key
    match = difflib.get_close_matches(wanted, list(names), n=1, cutoff=0.6)
    return names[match[0]] if match else None


def parse(source: str, kind: TemplateKind | None = None) -> ParsedTemplate:
    """Split ``source`` into literal text and field references, collecting every problem."""
    segments: list[Segment] = []
    problems: list[TemplateProblem] = []
    buf: list[str] = []

    def problem(message: str, start: int, end: int, suggestion: str | None = None) -> None:
        pos = Position.of(source, start)
        where = f"rad {pos.line}, kolumn {pos.column}"
        text = source[start:end]
        full = f"{message} ({where})"
        if suggestion is not None:
            full += f". Menade du {{{suggestion}}}?"
        problems.append(TemplateProblem(full, pos, end, text, suggestion))

    i, n = 0, len(source)
    while i < n:
        ch = source[i]
        if ch == "{":
            if source.startswith("{{", i):
                buf.append("{")
                i += 2
                continue
            close = source.find("}", i + 1)
            newline = source.find("\n", i + 1)
            reopen = source.find("{", i + 1)
            if (
                close == -1
                or (newline != -1 and newline < close)
                or (reopen != -1 and reopen < close)
            ):
                problem("Kopplingsfältet saknar avslutande '}'", i, i + 1)
                buf.append(ch)
                i += 1
                continue
            name = source[i + 1 : close]
            end = close + 1
            merge_field = FIELDS_BY_KEY.get(name)
            if not name.strip():
                problem("Tomt kopplingsfält '{}'", i, end)
                buf.append(source[i:end])
            elif merge_field is None:
                problem(f"Okänt kopplingsfält '{{{name}}}'", i, end, suggest(name, kind))
                buf.append(source[i:end])
            elif kind is not None and kind not in merge_field.kinds:
                allowed = ", ".join(KIND_LABELS[k] for k in TemplateKind if k in merge_field.kinds)
                problem(
                    f"Kopplingsfältet '{{{name}}}' ({merge_field.label}) finns inte i mallen för "
                    f"{KIND_LABELS[kind]}, bara för {allowed}",
                    i,
                    end,
                )
                buf.append(source[i:end])
            else:
                if buf:
                    segments.append("".join(buf))
                    buf = []
                segments.append(FieldRef(name, i, end))
            i = end
        elif ch == "}":
            if source.startswith("}}", i):
                buf.append("}")
                i += 2
                continue
            problem("Ensam '}' – skriv '}}' för att få en klammer", i, i + 1)
            buf.append(ch)
            i += 1
        else:
            buf.append(ch)
            i += 1
    if buf:
        segments.append("".join(buf))
    return ParsedTemplate(source, tuple(segments), tuple(problems), kind)


def render(
    template: str | ParsedTemplate,
    values: Mapping[str, str],
    *,
    kind: TemplateKind | None = None,
    strict: bool = True,
) -> str:
    """Fill in the fields. Strict: problems raise :class:`TemplateError` and a field without a
    value raises :class:`MissingValueError`. Not strict (previews): faulty text and fields
    without a value are left as written."""
    parsed = parse(template, kind) if isinstance(template, str) else template
    if strict and parsed.problems:
        raise TemplateError(parsed.problems)
    out: list[str] = []
    for seg in parsed.segments:
        if isinstance(seg, str):
            out.append(seg)
        elif seg.key in values:
            out.append(values[seg.key])
        elif strict:
            raise MissingValueError(seg.key)
        else:
            out.append(parsed.source[seg.start : seg.end])
    return "".join(out)


def escape(text: str) -> str:
    """Literal text made safe to put into a template."""
    return text.replace("{", "{{").replace("}", "}}")


# --- standard texts (the manual's, "E-post" and "SMS") ---------------------------------------

_STANDARD: dict[tuple[Channel, TemplateKind], str] = {
    (Channel.EMAIL, TemplateKind.NEW_BOOKING): (
        "Hej {patient_first_name} {patient_last_name},\n"
        "Du har bokat tid hos {practitioner_name} på {clinic_name}\n"
        "{date} kl. {start_time}\n"
        "Behandling: {treatment}\n"
        "\n"
        "Välkommen!"
    ),
    (Channel.EMAIL, TemplateKind.REBOOKING): (
        "Hej {patient_first_name} {patient_last_name},\n"
        "Din nya tid: {new_date} kl. {new_time}\n"
        "Behandling: {treatment}\n"
        "\n"
        "Välkommen!"
    ),
    (Channel.EMAIL, TemplateKind.CANCELLATION): (
        "Hej {patient_first_name} {patient_last_name},\n"
        "Du har avbokat din tid hos {clinic_name}.\n"
        "\n"
        "Välkommen åter!"
    ),
    # The manual shows the SMS as wrapped on a phone's screen; the line breaks below are ours.
    (Channel.SMS, TemplateKind.NEW_BOOKING): (
        "Bokningsbekräftelse\nDin tid: {date} kl. {start_time}\nBehandling: {treatment}\nVälkommen!"
    ),
    (Channel.SMS, TemplateKind.REBOOKING): (
        "Bokningsbekräftelse för ny tid. Din nya tid: {new_date} kl. {new_time}. "
        "Behandling: {treatment}. Välkommen!"
    ),
    (Channel.SMS, TemplateKind.CANCELLATION): (
        "Avbokningsbekräftelse. Du har nu avbokat din tid hos {clinic_name}. Välkommen åter!"
    ),
}


def standard_text(channel: Channel, kind: TemplateKind) -> str:
    """Opus's standard text, sent when the template is left empty."""
    return _STANDARD[(channel, kind)]


def effective_template(channel: Channel, kind: TemplateKind, custom: str | None) -> str:
    """The template that is really sent: the custom one, or the standard text when empty."""
    if custom is None or not custom.strip():
        return standard_text(channel, kind)
    return custom


# --- values ------------------------------------------------------------------------------------


def format_date(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d")


def format_time(moment: datetime) -> str:
    return moment.strftime("%H:%M")


def format_moment(moment: datetime) -> str:
    """``2015-04-22 kl. 08:10`` as in the manual."""
    return f"{format_date(moment)} kl. {format_time(moment)}"


def weekday_sv(moment: datetime) -> str:
    return WEEKDAYS_SV[moment.weekday()]


def booking_page_url(subdomain: str) -> str:
    return f"https://{subdomain}.opusdentalonline.com" if subdomain else ""


def _time_values(
    start: datetime,
    end: datetime,
    new_start: datetime | None,
    deadline: datetime,
) -> dict[str, str]:
    values = {
        "date": format_date(start),
        "weekday": weekday_sv(start),
        "start_time": format_time(start),
        "end_time": format_time(end),
        "cancellation_deadline": format_moment(deadline),
    }
    if new_start is not None:
        values["new_date"] = format_date(new_start)
        values["new_weekday"] = weekday_sv(new_start)
        values["new_time"] = format_time(new_start)
    return values


# The manual's example booking.
SAMPLE_START = datetime(2015, 4, 22, 8, 10)
SAMPLE_NEW_START = datetime(2015, 4, 22, 8, 40)
SAMPLE_DURATION = timedelta(minutes=30)


def sample_values(hours_before: int = 0, subdomain: str = "tandmottagningen") -> dict[str, str]:
    """The manual's example: Anna Hedman's Undersökning with Olle Ohlsson at OpusTandläkarna,
    2015-04-22 kl. 08:10, rebooked to 08:40. ``hours_before`` is the N-hours setting."""
    values = {
        "patient_first_name": "Anna",
        "patient_last_name": "Hedman",
        "patient_name": "Anna Hedman",
        "clinic_name": "OpusTandläkarna",
        "clinic_address": "Kyrkogatan 17, 222 22 LUND",
        "clinic_phone": "046-190470",
        "clinic_email": "info@opustandlakarna.se",
        "practitioner_name": "Olle Ohlsson",
        "practitioner_title": "Tandläkare",
        "treatment": "Undersökning",
        "campaign_code": "1234",
        "booking_page": booking_page_url(subdomain),
    }
    values.update(
        _time_values(
            SAMPLE_START,
            SAMPLE_START + SAMPLE_DURATION,
            SAMPLE_NEW_START,
            SAMPLE_START - timedelta(hours=hours_before),
        )
    )
    return values


def clinic_address(clinic: CatalogueClinic) -> str:
    place = " ".join(p for p in (clinic.postcode, clinic.city) if p)
    return ", ".join(p for p in (clinic.address, place) if p)


def _local_zone() -> tzinfo:
    from datetime import UTC
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo("Europe/Stockholm")
    except ZoneInfoNotFoundError:  # no tz database (e.g. Windows without tzdata)
        return UTC


def _to_local(moment: datetime, zone: tzinfo) -> datetime:
    from datetime import UTC

    return moment.replace(tzinfo=UTC).astimezone(zone).replace(tzinfo=None)


def booking_values(
    *,
    clinic: CatalogueClinic,
    practitioner: CataloguePractitioner,
    treatment: CatalogueTreatment,
    start: datetime,
    patient_first_name: str,
    patient_last_name: str,
    new_start: datetime | None = None,
    campaign_code: str = "",
    hours_before: int = 0,
    subdomain: str = "",
    zone: tzinfo | None = None,
) -> dict[str, str]:
    """Values for a real booking. ``start``/``new_start`` are naive UTC (as in the catalogue);
    they are shown in ``zone`` (default Europe/Stockholm)."""
    tz = zone or _local_zone()
    local_start = _to_local(start, tz)
    local_end = _to_local(start + timedelta(minutes=treatment.duration_minutes), tz)
    local_new = _to_local(new_start, tz) if new_start is not None else None
    deadline = _to_local(start - timedelta(hours=hours_before), tz)
    values = {
        "patient_first_name": patient_first_name,
        "patient_last_name": patient_last_name,
        "patient_name": f"{patient_first_name} {patient_last_name}".strip(),
        "clinic_name": clinic.name,
        "clinic_address": clinic_address(clinic),
        "clinic_phone": clinic.phone,
        "clinic_email": clinic.email,
        "practitioner_name": practitioner.name,
        "practitioner_title": practitioner.title,
        "treatment": treatment.name,
        "campaign_code": campaign_code,
        "booking_page": booking_page_url(subdomain),
    }
    values.update(_time_values(local_start, local_end, local_new, deadline))
    return values


# --- plausible ranges (for the SMS length estimate) ---------------------------------------------

# Patient names are not in the catalogue: short and long names a Swedish clinic meets.
PATIENT_FIRST_NAMES: tuple[str, ...] = ("Bo", "Anna", "Ann-Christine Louise")
PATIENT_LAST_NAMES: tuple[str, ...] = ("Ek", "Hedman", "Hammarskjöld-Oxenstierna")
CAMPAIGN_CODE_MAX = 20
SUBDOMAIN_MAX = 50


@dataclass(frozen=True, slots=True)
class Candidates:
    """Plausible values for every field; the estimate takes the shortest and the longest."""

    values: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def shortest(self) -> dict[str, str]:
        return {k: min(v, key=len) for k, v in self.values.items() if v}

    def longest(self) -> dict[str, str]:
        return {k: max(v, key=len) for k, v in self.values.items() if v}


def _distinct(items: Iterable[str], fallback: str) -> tuple[str, ...]:
    seen = tuple(dict.fromkeys(s for s in items if s))
    return seen or (fallback,)


def candidate_values(
    catalogue: Catalogue | None = None,
    *,
    subdomain: str = "",
    hours_before: int = 0,
    campaign_code_max: int = CAMPAIGN_CODE_MAX,
) -> Candidates:
    """Every plausible value per field: catalogue names (clinics, practitioners, treatments)
    where a catalogue is given, the manual's sample otherwise; fixed-width dates and times;
    short and long patient names; no campaign code up to ``campaign_code_max`` characters."""
    sample = sample_values(hours_before, subdomain or "tandmottagningen")
    clinics = catalogue.clinics if catalogue else ()
    practitioners = catalogue.practitioners if catalogue else ()
    treatments = catalogue.treatments if catalogue else ()
    first = PATIENT_FIRST_NAMES
    last = PATIENT_LAST_NAMES
    moments = [format_moment(SAMPLE_START)]
    sub_short = subdomain or "abc"
    sub_long = subdomain or "x" * SUBDOMAIN_MAX
    values: dict[str, tuple[str, ...]] = {
        "patient_first_name": first,
        "patient_last_name": last,
        "patient_name": (f"{first[0]} {last[0]}", f"{first[-1]} {last[-1]}"),
        "clinic_name": _distinct((c.name for c in clinics), sample["clinic_name"]),
        "clinic_address": _distinct((clinic_address(c) for c in clinics), sample["clinic_address"]),
        "clinic_phone": _distinct((c.phone for c in clinics), sample["clinic_phone"]),
        "clinic_email": _distinct((c.email for c in clinics), sample["clinic_email"]),
        "practitioner_name": _distinct((p.name for p in practitioners), "Olle Ohlsson"),
        "practitioner_title": _distinct((p.title for p in practitioners), "Tandläkare"),
        "treatment": _distinct((t.name for t in treatments), sample["treatment"]),
        "date": (sample["date"],),
        "new_date": (sample["new_date"],),
        "weekday": WEEKDAYS_SV,
        "new_weekday": WEEKDAYS_SV,
        "start_time": (sample["start_time"],),
        "end_time": (sample["end_time"],),
        "new_time": (sample["new_time"],),
        "campaign_code": ("", "K" * campaign_code_max),
        "cancellation_deadline": tuple(moments),
        "booking_page": (booking_page_url(sub_short), booking_page_url(sub_long)),
    }
    return Candidates(values)


def shortest_values(
    catalogue: Catalogue | None = None, *, subdomain: str = "", hours_before: int = 0
) -> dict[str, str]:
    return candidate_values(catalogue, subdomain=subdomain, hours_before=hours_before).shortest()


def longest_values(
    catalogue: Catalogue | None = None, *, subdomain: str = "", hours_before: int = 0
) -> dict[str, str]:
    return candidate_values(catalogue, subdomain=subdomain, hours_before=hours_before).longest()
