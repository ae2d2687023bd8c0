"""Generate ``docs/config-reference.md`` from the domain model:

    python -m opus_tui.services.config_reference > docs/config-reference.md

Every key of the exported TOML with its Swedish label, type, default and rule. A test checks that
the committed file is up to date.
"""

from __future__ import annotations

import sys
from enum import Enum
from typing import Any, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from opus_tui.domain import config as cfg
from opus_tui.domain.config import STEP_CHOICES, STEP_LABELS, StepKind, WebConfiguration

# Rules enforced by validators (not visible as field constraints), by (model, field).
_VALIDATOR_RULES: dict[tuple[type[BaseModel], str], str] = {
    (cfg.SubdomainSettings, "name"): (
        f"a–z, 0–9 och bindestreck; {cfg.SUBDOMAIN_MIN}–{cfg.SUBDOMAIN_MAX} tecken; "
        "inte bindestreck först eller sist; versaler görs om till gemener; tom = inte vald"
    ),
    (cfg.EmailSettings, "sender"): (
        'e-postadress, t.ex. `bokning@klinik.se` eller `"Kliniken" <bokning@klinik.se>`; tom = '
        "Opus standardavsändare"
    ),
    (cfg.StepOrder, "merged_view"): (
        "på kräver ordningen " + ", ".join(k.label for k in cfg.MERGED_ORDER)
    ),
    (cfg.PublishedClinic, "practitioners"): "samma behandlare högst en gång per klinik",
    (cfg.ClinicsSettings, "published"): "samma (databas, klinik) högst en gång",
    (cfg.PractitionerSettings, "profiles"): "högst en profil per (databas, behandlare)",
    (cfg.PractitionerSettings, "consents"): "högst en rad per (databas, behandlare, klinik)",
    (cfg.ClinicTexts, "per_clinic"): "högst en text per (databas, klinik)",
}


def _constraint(info: FieldInfo, name: str) -> Any:
    for meta in info.metadata:
        value = getattr(meta, name, None)
        if value is not None:
            return value
    return None


def _type_name(annotation: Any) -> str:
    if annotation is bool:
        return "sant/falskt"
    if annotation is int:
        return "heltal"
    if annotation is str:
        return "text"
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return "val"
    if get_origin(annotation) is list:
        (inner,) = get_args(annotation)
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            return "lista av tabeller"
        return "lista"
    return str(annotation)


def _default(info: FieldInfo) -> str:
    if info.is_required():
        return "(krävs)"
    value = info.get_default(call_default_factory=True)
    if isinstance(value, bool):
        return "`true`" if value else "`false`"
    if isinstance(value, Enum):
        return f'`"{value.value}"`'
    if isinstance(value, str):
        return f'`"{value}"`' if value else '`""`'
    if isinstance(value, list):
        return "`[]`"
    return f"`{value}`"


def _rule(model: type[BaseModel], name: str, info: FieldInfo) -> str:
    parts: list[str] = []
    if info.annotation is StepKind:
        parts.append(
            "en av "
            + ", ".join(f'`"{k.value}"` ({STEP_LABELS[k]})' for k in STEP_CHOICES[name])
            + "; de fyra stegen är olika"
        )
    min_length = _constraint(info, "min_length")
    max_length = _constraint(info, "max_length")
    if min_length and max_length:
        parts.append(f"{min_length}–{max_length} tecken")
    elif max_length:
        parts.append(f"högst {max_length} tecken")
    elif min_length:
        parts.append(f"minst {min_length} tecken")
    pattern = _constraint(info, "pattern")
    if pattern == cfg.COLOUR_PATTERN:
        parts.append("färg `#RRGGBB`")
    elif pattern:
        parts.append(f"mönster `{pattern}`")
    ge, le = _constraint(info, "ge"), _constraint(info, "le")
    if ge is not None and le is not None:
        parts.append(f"heltal {ge}–{le}")
    elif ge is not None:
        parts.append(f"heltal ≥ {ge}")
    extra = _VALIDATOR_RULES.get((model, name))
    if extra:
        parts.append(extra)
    return "; ".join(parts) or "–"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _rows(model: type[BaseModel], prefix: str, out: list[str]) -> list[tuple[str, type[BaseModel]]]:
    """Table rows of the model's own keys; returns nested tables to document after it."""
    nested: list[tuple[str, type[BaseModel]]] = []
    for name, info in model.model_fields.items():
        annotation = info.annotation
        key = f"{prefix}.{name}"
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            nested.append((key, annotation))
            continue
        if get_origin(annotation) is list:
            (inner,) = get_args(annotation)
            if isinstance(inner, type) and issubclass(inner, BaseModel):
                nested.append((f"{key}[]", inner))
        label = info.title or name
        help_text = info.description or ""
        out.append(
            f"| `{key}` | {_cell(label)} | {_type_name(annotation)} | {_default(info)} | "
            f"{_cell(_rule(model, name, info))} | {_cell(help_text)} |"
        )
    return nested


def _table(title: str, key: str, model: type[BaseModel], out: list[str], level: int) -> None:
    out.append("")
    out.append(f"{'#' * level} {title} — `[{key}]`" if not key.endswith("[]") else "")
    if key.endswith("[]"):
        toml_key = key.replace("[]", "")
        out[-1] = f"{'#' * level} {title} — `[[{toml_key}]]` (en tabell per rad)"
    out.append("")
    out.append("| Nyckel | Etikett | Typ | Standard | Regel | Beskrivning |")
    out.append("|---|---|---|---|---|---|")
    size = len(out)
    nested = _rows(model, key, out)
    if len(out) == size:  # only sub-tables: no table of its own
        del out[-3:]
    for sub_key, sub_model in nested:
        parent_field = sub_key.rsplit(".", 1)[-1].removesuffix("[]")
        sub_title = model.model_fields[parent_field].title or parent_field
        _table(sub_title, sub_key, sub_model, out, min(level + 1, 4))


def reference() -> str:
    out = [
        "# Konfigurationsreferens",
        "",
        "<!-- Genererad av `python -m opus_tui.services.config_reference`; "
        "ändra inte för hand. -->",
        "",
        "Alla nycklar i den exporterade TOML-filen (`opus-tui export`), i handbokens",
        "flikordning, med etikett, typ, standardvärde och regel. `opus-tui import` kontrollerar",
        "alla regler innan något sparas. Databaser, Mitt konto, Certifikat och alla",
        "lösenord/nycklar exporteras inte. Varningar (tillåtet men troligen fel, t.ex. bara",
        "vissa kliniker grupperade) visar `opus-tui check`.",
    ]
    for name, info in WebConfiguration.model_fields.items():
        annotation = info.annotation
        assert isinstance(annotation, type) and issubclass(annotation, BaseModel)
        _table(info.title or name, name, annotation, out, 2)
    return "\n".join(out) + "\n"


def main() -> int:
    sys.stdout.write(reference())
    return 0


if __name__ == "__main__":
    sys.exit(main())
