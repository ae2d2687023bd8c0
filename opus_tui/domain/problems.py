"""Errors and warnings about a configuration, in one place for the UI, import and `opus-tui check`.

An error names the key (``flexibility.steps.second``), its Swedish label, the rule and the value.
Warnings are cross-field situations that are allowed but probably not what the clinic wants.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from enum import Enum
from typing import Any, Literal, get_args, get_origin

from pydantic import BaseModel, ValidationError, create_model

from opus_tui.domain import standard_texts
from opus_tui.domain.config import SECTION_NAMES, ClinicsSettings, RuleError, WebConfiguration

Severity = Literal["error", "warning"]
Path = tuple[str | int, ...]


def path_key(path: Path) -> str:
    """``flexibility.steps.second``, ``clinics.published[0].group``: a path as one key."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


@dataclass(frozen=True)
class Problem:
    path: Path
    message: str
    severity: Severity = "error"
    value: Any = None
    label: str = ""

    @property
    def key(self) -> str:
        return path_key(self.path)

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def of(self, owner: str) -> Problem:
        """The same problem, its label naming whose field it is: "Kliniktext (Lund)"."""
        return replace(self, label=f"{self.label} ({owner})" if self.label else owner)

    def __str__(self) -> str:
        where = f"{self.key} ({self.label})" if self.label else self.key
        text = f"{where}: {self.message}"
        if self.value is not None and self.severity == "error":
            shown = repr(self.value)
            if len(shown) > 60:
                shown = shown[:57] + "..."
            text += f" — värde: {shown}"
        return text


def label_for_path(model: type[BaseModel], path: Iterable[str | int]) -> str:
    """The Swedish label of the field at ``path`` (list indexes skipped)."""
    found = _deepest_field(model, path)
    return "" if found is None else found[1].title or found[0]


def unit_for_path(model: type[BaseModel], path: Iterable[str | int]) -> str:
    """The unit of the number at ``path`` (``setting(unit=…)``), or ""."""
    found = _deepest_field(model, path)
    extra = None if found is None else found[1].json_schema_extra
    unit = extra.get("unit") if isinstance(extra, dict) else None
    return unit if isinstance(unit, str) else ""


def _deepest_field(model: type[BaseModel], path: Iterable[str | int]) -> tuple[str, Any] | None:
    """The (name, FieldInfo) of the last field ``path`` reaches (list indexes skipped)."""
    found: tuple[str, Any] | None = None
    current: Any = model
    for part in path:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            break
        field = current.model_fields.get(part)
        if field is None:
            break
        found = (part, field)
        current = _inner_model(field.annotation)
    return found


def _inner_model(annotation: Any) -> Any:
    args = getattr(annotation, "__args__", None)
    if args:
        for arg in args:
            if isinstance(arg, type) and issubclass(arg, BaseModel):
                return arg
    return annotation


_MESSAGES: dict[str, str] = {
    "extra_forbidden": "okänd nyckel (stavfel? se docs/config-reference.md)",
    "missing": "saknas",
    "bool_type": "måste vara true eller false",
    "bool_parsing": "måste vara true eller false",
    "int_type": "måste vara ett heltal",
    "int_parsing": "måste vara ett heltal",
    "int_from_float": "måste vara ett heltal",
    "string_type": "måste vara en text",
    "list_type": "måste vara en lista",
    "model_type": "måste vara en tabell",
    "model_attributes_type": "måste vara en tabell",
}


def _message(error: Mapping[str, Any]) -> tuple[str, tuple[str | int, ...]]:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    extra: tuple[str | int, ...] = ()
    if kind == "value_error" and isinstance(ctx.get("error"), RuleError):
        rule: RuleError = ctx["error"]
        if rule.field:
            extra = (rule.field,)
        return rule.message, extra
    if kind == "string_too_long":
        value = error.get("input")
        length = f" (är {len(value)})" if isinstance(value, str) else ""
        return f"får vara högst {ctx['max_length']} tecken{length}", extra
    if kind == "string_too_short":
        if ctx["min_length"] == 1:
            return "får inte vara tomt", extra
        return f"måste vara minst {ctx['min_length']} tecken", extra
    if kind == "greater_than_equal":
        return f"måste vara ett heltal ≥ {ctx['ge']}", extra
    if kind == "less_than_equal":
        return f"får vara högst {ctx['le']}", extra
    if kind == "string_pattern_mismatch":
        if ctx.get("pattern", "").startswith("^#"):
            return "måste vara en färg som #RRGGBB (sex hexadecimala siffror)", extra
        return f"måste ha formen {ctx.get('pattern')}", extra
    if kind == "enum":
        return f"måste vara en av: {ctx.get('expected')}", extra
    return _MESSAGES.get(kind, str(error.get("msg", kind))), extra


def problems_from_validation_error(
    exc: ValidationError, model: type[BaseModel] = WebConfiguration, prefix: Path = ()
) -> list[Problem]:
    found: list[Problem] = []
    for error in exc.errors():
        message, extra = _message(error)
        path = prefix + tuple(error["loc"]) + extra
        value: Any = error.get("input")
        if extra and isinstance(value, Mapping):
            value = value.get(extra[0])
        if isinstance(value, (dict, list)):
            value = None
        elif isinstance(value, Enum):
            value = value.value
        found.append(
            Problem(path, message, "error", value, label_for_path(model, path[len(prefix) :]))
        )
    return found


def validate_config(data: Mapping[str, Any]) -> tuple[WebConfiguration | None, list[Problem]]:
    """Parse and check a whole configuration: (config or None, errors + warnings)."""
    try:
        config = WebConfiguration.model_validate(data)
    except ValidationError as exc:
        return None, problems_from_validation_error(exc)
    return config, warnings(config)


def lenient_config(data: Mapping[str, Any]) -> WebConfiguration:
    """The stored configuration even where it breaks the rules (a store saved before a rule
    was tightened, or edited by hand): what passes is validated, what does not is kept as stored
    (like a draft, whose edits are not validated), so a tab shows it under its error and
    nothing is lost; keys the model does not know are left out. ``check`` says what is wrong."""
    config: WebConfiguration = _lenient(WebConfiguration, data)
    return config


def _lenient(cls: type[BaseModel], data: Any) -> Any:
    if not isinstance(data, Mapping):
        return cls()
    try:
        return cls.model_validate(data)
    except ValidationError:
        pass
    values: dict[str, Any] = {}
    for name, field in cls.model_fields.items():
        if name not in data:
            continue
        raw, model = data[name], _model_of(field.annotation)
        if model is not None and isinstance(raw, Mapping):
            values[name] = _lenient(model, raw)
        elif (item := _list_item_model(field.annotation)) is not None and isinstance(raw, list):
            values[name] = [_lenient(item, x) if isinstance(x, Mapping) else x for x in raw]
        else:
            try:  # this field alone: coerced as the model would (dates, enums, …)
                values[name] = getattr(cls.model_validate({name: raw}), name)
            except ValidationError:
                values[name] = raw
    return cls.model_construct(**values)


def _model_of(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


def _list_item_model(annotation: Any) -> type[BaseModel] | None:
    if get_origin(annotation) in (list, tuple) and (args := get_args(annotation)):
        return _model_of(args[0])
    return None


SectionErrors = Callable[[str, BaseModel], list[Problem]]


class SectionValidator:
    """A section's rule errors, checking again only the list entries an edit changed.

    Validating Kliniker whole took ≈ 10 ms for 300 clinics × 30 practitioners, on every
    keystroke. A draft's list entries are not changed in place (an edit makes new ones), so
    whether an entry passes its model's rules is kept per entry object, with its validated
    model. When every entry passes, the section is validated as a *shell*: the same model with
    its lists typed ``list[Any]``, given the validated entries, so only its own fields and its
    rules across a whole list (a clinic added twice) run. While an entry breaks a rule, the
    section model itself is validated, given the validated entries (pydantic does not check a
    model's fields again, only runs its ``mode="after"`` rules: ≈ 1 ms for the chain) and the
    failing ones' dumps. Either way the errors are those of validating the whole dump: the
    same paths, rules, values and order."""

    def __init__(self) -> None:
        # (section, list) → {id(entry): (entry, its validated model or None)} for the entries
        # of the last call, kept alive with them so an id stays its own
        self._entries: dict[tuple[str, str], dict[int, tuple[BaseModel, BaseModel | None]]] = {}
        self.entries_checked = 0  # entries validated so far (each new entry object once)

    def errors(self, name: str, value: BaseModel) -> list[Problem]:
        model = type(value)
        lists = _entry_lists(value)
        if lists:
            data = value.model_dump(exclude=set(lists))
            for field, item in lists.items():
                data[field] = self._validated(name, field, getattr(value, field), item)
            valid = all(e is not None for field in lists for e in data[field])
            if not valid:
                for field in lists:
                    entries = zip(data[field], getattr(value, field), strict=True)
                    data[field] = [v if v is not None else e.model_dump() for v, e in entries]
            checked = _shell(model) if valid else model
        else:
            data, checked = value.model_dump(), model
        try:
            checked.model_validate(data)
        except ValidationError as exc:
            return problems_from_validation_error(exc, model, (name,))
        return []

    def _validated(
        self, name: str, field: str, entries: list[BaseModel], item: type[BaseModel]
    ) -> list[BaseModel | None]:
        """Each entry's validated model, or None where it breaks a rule; known entries are not
        validated again."""
        known = self._entries.get((name, field), {})
        kept: dict[int, tuple[BaseModel, BaseModel | None]] = {}
        for entry in entries:
            checked = known.get(id(entry))
            if checked is None or checked[0] is not entry:
                checked = (entry, _validated(entry, item))
                self.entries_checked += 1
            kept[id(entry)] = checked
        self._entries[(name, field)] = kept
        return [kept[id(entry)][1] for entry in entries]


def _validated(entry: BaseModel, item: type[BaseModel]) -> BaseModel | None:
    """The entry's validated model, or None when it breaks a rule; the entry itself when
    validating changes nothing (no second copy of a big chain's data is kept)."""
    try:
        checked = item.model_validate(entry.model_dump())
    except ValidationError:
        return None
    return entry if checked == entry else checked


def _entry_lists(value: BaseModel) -> dict[str, type[BaseModel]]:
    """The section's lists of entries (``list[Model]``) and their entry models; none when a list
    holds something else (a lenient draft may), or the section has rules that would see its
    input (not the validated section) or a list's own validators or serializers: the section
    is then validated from its dump alone."""
    model = type(value)
    decorators = model.__pydantic_decorators__
    if any(d.info.mode != "after" for d in decorators.model_validators.values()):
        return {}
    found: dict[str, type[BaseModel]] = {}
    for field, info in model.model_fields.items():
        item = _list_item_model(info.annotation)
        if item is None:
            continue
        entries = getattr(value, field, None)
        if not (isinstance(entries, list) and all(type(e) is item for e in entries)):
            return {}
        found[field] = item
    validators = [d.info.fields for d in decorators.field_validators.values()]
    serializers = [d.info.fields for d in decorators.field_serializers.values()]
    if any(found.keys() & set(fields) for fields in validators + serializers):
        return {}
    return found


_shells: dict[type[BaseModel], type[BaseModel]] = {}


def _shell(model: type[BaseModel]) -> type[BaseModel]:
    """``model`` with its lists of entries typed ``list[Any]`` (their constraints kept): given
    validated entries, it checks only the section's own fields and rules."""
    shell = _shells.get(model)
    if shell is None:
        fields: dict[str, Any] = {
            name: (list[Any], info)
            for name, info in model.model_fields.items()
            if _list_item_model(info.annotation) is not None
        }
        shell = _shells[model] = create_model(f"{model.__name__}Shell", __base__=model, **fields)
    return shell


_sections = SectionValidator()


def section_errors(name: str, value: BaseModel) -> list[Problem]:
    """The rule errors of one section of a (possibly unvalidated, draft) configuration. The
    configuration has no rules across sections, so its errors are its sections' errors.
    Entries of the section's lists unchanged since the last call are not checked again
    (``SectionValidator``)."""
    return _sections.errors(name, value)


def check(config: WebConfiguration, errors_of: SectionErrors = section_errors) -> list[Problem]:
    """Every error and warning of a (possibly unvalidated, draft) configuration: the errors,
    or when there are none the warnings. ``errors_of`` may cache per section (the UI does: an
    edit replaces one section); ``section_errors`` itself checks again only the list entries
    an edit made."""
    errors = [p for name in SECTION_NAMES for p in errors_of(name, getattr(config, name))]
    return errors or warnings(config)


def _warn(path: Path, message: str) -> Problem:
    return Problem(path, message, "warning", None, label_for_path(WebConfiguration, path))


def warnings(config: WebConfiguration) -> list[Problem]:
    """Situations that are allowed but probably not what the clinic wants."""
    found: list[Problem] = []
    general = config.flexibility.general
    registration = config.flexibility.registration
    clinics = config.clinics.published

    if not config.subdomain.name:
        found.append(
            _warn(("subdomain", "name"), "ingen underdomän vald; sidan kan inte publiceras")
        )
    grouped = [c for c in clinics if c.group.strip()]
    if grouped and len(grouped) < len(clinics):
        names = ", ".join(c.name or c.clinic_id for c in clinics if not c.group.strip())
        found.append(
            _warn(
                ("clinics", "published"),
                f"bara vissa kliniker är grupperade; {names} visas under rubriken "
                f'"{standard_texts.UNGROUPED_CLINICS_HEADING}". Gruppera alla kliniker.',
            )
        )
    spellings: dict[str, set[str]] = {}
    for c in grouped:
        spellings.setdefault(c.group.strip().casefold(), set()).add(c.group.strip())
    for variants in spellings.values():
        if len(variants) > 1:
            shown = " och ".join(f"'{v}'" for v in sorted(variants))
            found.append(
                _warn(
                    ("clinics", "published"),
                    f"grupperna {shown} skiljer sig bara i stora och små bokstäver och visas "
                    "som olika rubriker; skriv dem likadant",
                )
            )
    if general.any_clinic and not grouped and clinics:
        found.append(
            _warn(
                ("flexibility", "general", "any_clinic"),
                "'Vilken klinik som helst' visas per grupp, men ingen klinik har en grupp",
            )
        )
    if clinics and not any(c.practitioners for c in clinics):
        found.append(
            _warn(("clinics", "published"), "inga tillagda behandlare; inga e-tider kan publiceras")
        )
    if general.new_booking_requires_login and not general.login_enabled:
        found.append(
            _warn(
                ("flexibility", "general", "new_booking_requires_login"),
                "ny bokning kräver inloggning, men inloggning är avaktiverad: ingen kan boka nytt",
            )
        )
    if general.sms_login and not general.login_enabled:
        found.append(
            _warn(
                ("flexibility", "general", "sms_login"),
                "SMS-inloggning har ingen verkan när inloggning är avaktiverad",
            )
        )
    if general.show_bookings and not general.login_enabled:
        found.append(
            _warn(
                ("flexibility", "general", "show_bookings"),
                "bokningar visas bara för inloggade patienter, och inloggning är avaktiverad",
            )
        )
    if general.code_challenge and not (registration.email or registration.mobile):
        found.append(
            _warn(
                ("flexibility", "general", "code_challenge"),
                "koden skickas via e-post eller SMS, men varken E-post eller Mobilnummer "
                "efterfrågas",
            )
        )
    if general.code_challenge and general.skip_confirmation:
        found.append(
            _warn(
                ("flexibility", "general", "code_challenge"),
                "ingen kod skickas eftersom 'Hoppa över bekräftelse' är aktiverad",
            )
        )
    if general.maintenance_mode:
        found.append(
            _warn(
                ("flexibility", "general", "maintenance_mode"),
                "bokningssidan visar bara underhållstexten",
            )
        )
    if not general.publish_opus_online:
        found.append(
            _warn(
                ("flexibility", "general", "publish_opus_online"),
                "bokningssidan visar bara sin avvikelsetext; bokning endast via API",
            )
        )
    if not config.flexibility.booking.new_booking:
        found.append(
            _warn(
                ("flexibility", "booking", "new_booking"),
                "nya bokningar kan inte göras via portalen",
            )
        )
    found.extend(_profile_warnings(config))
    return found


_published_cache: list[tuple[ClinicsSettings, frozenset[tuple[str, str, str]], frozenset[Any]]] = []


def _published_keys(
    clinics: ClinicsSettings,
) -> tuple[frozenset[tuple[str, str, str]], frozenset[Any]]:
    """(database, practitioner, clinic) and (database, practitioner) of everyone on Kliniker,
    kept for the last clinics section: an edit on another tab keeps that object, and a chain's
    9 000 practitioners took ≈ 17 ms a keystroke to collect."""
    for cached, published_at, published in _published_cache:
        if cached is clinics:
            return published_at, published
    published_at = frozenset(
        (c.database, p.practitioner_id, c.clinic_id)
        for c in clinics.published
        for p in c.practitioners
    )
    published = frozenset((database, pid) for database, pid, _ in published_at)
    _published_cache[:] = [(clinics, published_at, published)]
    return published_at, published


def _profile_warnings(config: WebConfiguration) -> list[Problem]:
    """Profiles and consents of practitioners who are not (or not there) on Kliniker."""
    found: list[Problem] = []
    practitioners = config.practitioners
    if not practitioners.profiles and not practitioners.consents:
        return found
    published_at, published = _published_keys(config.clinics)
    for i, profile in enumerate(config.practitioners.profiles):
        key = (profile.database, profile.practitioner_id)
        if key not in published and (profile.photo or profile.text):
            found.append(
                _warn(
                    ("practitioners", "profiles", i),
                    f"behandlare {profile.practitioner_id} är inte tillagd under Kliniker",
                )
            )
        elif profile.photo and not any(
            c.photo for c in config.practitioners.consents if (c.database, c.practitioner_id) == key
        ):
            found.append(
                _warn(
                    ("practitioners", "profiles", i, "photo"),
                    "bilden visas inte: samtycke för profilbild saknas på alla kliniker",
                )
            )
    for i, consent in enumerate(config.practitioners.consents):
        if (consent.database, consent.practitioner_id, consent.clinic_id) not in published_at:
            found.append(
                _warn(
                    ("practitioners", "consents", i),
                    f"samtycke för behandlare {consent.practitioner_id} på klinik "
                    f"{consent.clinic_id}, som inte är tillagd där",
                )
            )
    return found
