"""Checks of the content tabs that need a service: merge fields of the e-post and SMS templates,
SMS length, the texts' markup (links), the colour's contrast, the logo file and the analytics
script. Used by the screens (per section) and by ``opus-tui check`` (registered with
``services.checks``)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from opus_tui.domain.config import (
    AdvancedSettings,
    Branding,
    ClinicTexts,
    DeviationTexts,
    EmailSettings,
    GeneralTexts,
    MediaSettings,
    Section,
    SmsSettings,
    WebConfiguration,
)
from opus_tui.domain.fields import label_of
from opus_tui.domain.problems import Path as ProblemPath
from opus_tui.domain.problems import Problem
from opus_tui.services import colours, sanitize, sms
from opus_tui.services import templates as tpl
from opus_tui.services.analytics import check_script
from opus_tui.services.checks import register
from opus_tui.services.paths import expanded
from opus_tui.services.templates import Candidates, TemplateKind

KINDS: tuple[TemplateKind, ...] = tuple(TemplateKind)
TEXT_FIELDS: tuple[tuple[str, type[Section], str], ...] = (
    ("texts", GeneralTexts, "welcome_text"),
    ("texts", GeneralTexts, "patient_info_text"),
    ("clinic_texts", ClinicTexts, "header"),
    ("clinic_texts", ClinicTexts, "body"),
    ("deviations", DeviationTexts, "new_booking_disabled"),
    ("deviations", DeviationTexts, "maintenance"),
    ("deviations", DeviationTexts, "not_published"),
)


def template_problems(section: str, model: type[Section], value: Section) -> list[Problem]:
    """Unknown or misspelt merge fields (errors, with their position)."""
    found: list[Problem] = []
    for kind in KINDS:
        text = getattr(value, kind.value)
        if not text.strip():
            continue
        label = label_of(model, kind.value)
        for p in tpl.parse(text, kind).problems:
            found.append(Problem((section, kind.value), p.message, "error", None, label))
    return found


def email_problems(value: EmailSettings) -> list[Problem]:
    return template_problems("email", EmailSettings, value)


def sms_problems(value: SmsSettings, candidates: Candidates | None = None) -> list[Problem]:
    """Template errors, and a warning when a confirmation can need two SMS."""
    found = template_problems("sms", SmsSettings, value)
    faulty = {p.path for p in found}
    cands = (candidates or tpl.candidate_values()).values
    for kind in KINDS:
        text = getattr(value, kind.value)
        if not text.strip() or ("sms", kind.value) in faulty:
            continue
        estimate = sms.estimate(text, cands, kind)
        if estimate.warning:
            found.append(
                Problem(
                    ("sms", kind.value),
                    estimate.warning,
                    "warning",
                    None,
                    label_of(SmsSettings, kind.value),
                )
            )
    return found


def text_problems(path: ProblemPath, text: str, label: str) -> list[Problem]:
    rendered = sanitize.to_html(text)
    found = [Problem(path, m, "error", None, label) for m in rendered.problems]
    return found + [Problem(path, m, "warning", None, label) for m in rendered.warnings]


def colour_problems(colour: str) -> list[Problem]:
    try:
        report = colours.contrast_report(colour)
    except colours.ColourError:
        return []  # the domain rule reports the format
    path = ("media", "branding", "colour")
    label = label_of(Branding, "colour")
    if max(report.white, report.black) < colours.AA_NORMAL:
        message = "varken vit eller svart text når kontrasten 4,5:1 på den här färgen"
    elif report.white < colours.AA_NORMAL:
        message = (
            f"vit text har kontrasten {colours.format_ratio(report.white)} (under 4,5:1); "
            "välj en mörkare färg om sidan visar vit text på den"
        )
    else:
        return []
    return [Problem(path, message, "warning", None, label)]


def logo_problem(logo: str) -> str | None:
    """Why the logo file cannot be used (Swedish), or None. Reads the file (Pillow) once per
    version of the file (cached by path, size and modification time)."""
    if not logo:
        return None
    path = expanded(logo)
    try:
        stat = path.stat()
    except OSError:
        return f"filen {path} finns inte"
    if not path.is_file():
        return f"{path} är ingen fil"
    return _logo_problem(str(path), stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=16)
def _logo_problem(path: str, size: int, mtime_ns: int) -> str | None:
    from opus_tui.services.images import ImageError, fit_logo

    del size, mtime_ns  # cache key only
    try:
        fit_logo(Path(path))
    except ImageError as exc:
        return str(exc)
    return None


SMS_LENGTH_WARNING = "Bekräftelsen kan bli"


def dedupe(problems: list[Problem]) -> list[Problem]:
    """One copy of each problem. The app checks the whole draft with these same checks and a
    screen adds its own (e.g. the SMS length with the real catalogue's names): for the SMS
    length the last one per field wins, the screen's."""
    last_length: dict[ProblemPath, int] = {}
    for i, p in enumerate(problems):
        if p.message.startswith(SMS_LENGTH_WARNING):
            last_length[p.path] = i
    seen: set[tuple[ProblemPath, str, str]] = set()
    out: list[Problem] = []
    for i, p in enumerate(problems):
        if p.message.startswith(SMS_LENGTH_WARNING) and last_length[p.path] != i:
            continue
        key = (p.path, p.severity, p.message)
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out


def media_problems(value: MediaSettings, *, check_logo: bool = False) -> list[Problem]:
    found: list[Problem] = []
    for sub, model, name in TEXT_FIELDS:
        text = getattr(getattr(value, sub), name)
        found += text_problems(("media", sub, name), text, label_of(model, name))
    for i, entry in enumerate(value.clinic_texts.per_clinic):
        path: ProblemPath = ("media", "clinic_texts", "per_clinic", i)
        label = f"Klinikspecifik text ({entry.clinic_id})"
        found += text_problems(path, entry.header, label)
        found += text_problems(path, entry.body, label)
    found += colour_problems(value.branding.colour)
    if check_logo:
        problem = logo_problem(value.branding.logo)
        if problem:
            found.append(
                Problem(
                    ("media", "branding", "logo"),
                    problem,
                    "error",
                    value.branding.logo,
                    label_of(Branding, "logo"),
                )
            )
    return found


def advanced_problems(value: AdvancedSettings) -> list[Problem]:
    report = check_script(value.analytics_script)
    path = ("advanced", "analytics_script")
    label = label_of(AdvancedSettings, "analytics_script")
    found = [Problem(path, m, "error", None, label) for m in report.problems]
    return found + [Problem(path, m, "warning", None, label) for m in report.warnings]


@register
def content_problems(config: WebConfiguration) -> list[Problem]:
    """Every content check of a whole configuration (the logo file included)."""
    candidates = tpl.candidate_values(
        subdomain=config.subdomain.name, hours_before=config.flexibility.booking.hours_limit
    )
    return (
        media_problems(config.media, check_logo=True)
        + email_problems(config.email)
        + sms_problems(config.sms, candidates)
        + advanced_problems(config.advanced)
    )
