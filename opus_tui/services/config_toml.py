"""The web configuration as readable TOML: export and import.

Export is deterministic (sections in the manual's tab order, keys in model order, a ``# label``
comment above every key and table), so export → import → export is byte-identical. Import parses,
validates the whole configuration and returns every error at once; nothing is saved when anything
is wrong. Connection settings and secrets are never part of the file.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Mapping
from enum import Enum
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from opus_tui.domain.config import STEP_CHOICES, STEP_LABELS, StepKind, WebConfiguration
from opus_tui.domain.diff import item_name
from opus_tui.domain.problems import Problem, validate_config
from opus_tui.errors import UserError

HEADER = """\
# opus-tui: webbkonfiguration (Web konfigurationer) för Opus Dental Online.
# Flikarna i handbokens ordning: Kliniker, Behandlare, Underdomän, Flexibilitet, Media, E-post,
# SMS, Avancerat. Nycklar, regler och standardvärden: docs/config-reference.md.
# Databaser, Mitt konto, Certifikat och alla lösenord/nycklar exporteras INTE.
# Importera med: opus-tui import FIL.toml
"""


class TomlImportError(UserError):
    """The file could not be read or parsed as TOML."""

    exit_code = 1


# --- export ---------------------------------------------------------------------------------


def _string(value: str) -> str:
    """A TOML basic string; multi-line strings use the triple-quoted form."""
    if "\n" in value:
        out = []
        for ch in value:
            if ch == "\\":
                out.append("\\\\")
            elif ch == '"':
                out.append('\\"')
            elif ch == "\n":
                out.append("\n")
            elif ch == "\t":
                out.append("\\t")
            elif ord(ch) < 0x20 or ord(ch) == 0x7F:
                out.append(f"\\u{ord(ch):04X}")
            else:
                out.append(ch)
        return '"""\n' + "".join(out) + '"""'
    return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007F")


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, list):
        return "[" + ", ".join(_scalar(v) for v in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} as TOML")


def _key_comment(model: type[BaseModel], name: str) -> str:
    field = model.model_fields[name]
    label = field.title or name
    if field.annotation is StepKind:
        allowed = ", ".join(f"{k.value} = {STEP_LABELS[k]}" for k in STEP_CHOICES[name])
        return f"# {label} ({allowed})"
    return f"# {label}"


def _is_model_list(model: type[BaseModel], name: str, value: Any) -> bool:
    if not isinstance(value, list) or not value:
        return False
    return all(isinstance(v, BaseModel) for v in value)


def _emit_table(obj: BaseModel, path: str, lines: list[str]) -> None:
    model = type(obj)
    nested: list[tuple[str, BaseModel]] = []
    arrays: list[tuple[str, list[BaseModel]]] = []
    for name in model.model_fields:
        value = getattr(obj, name)
        if isinstance(value, BaseModel):
            nested.append((name, value))
        elif _is_model_list(model, name, value):
            arrays.append((name, value))
        else:
            lines.append(_key_comment(model, name))
            lines.append(f"{name} = {_scalar(value)}")
    for name, value in nested:
        sub = f"{path}.{name}" if path else name
        lines.append("")
        lines.append(f"# {model.model_fields[name].title or name}")
        lines.append(f"[{sub}]")
        _emit_table(value, sub, lines)
    for name, items in arrays:
        sub = f"{path}.{name}" if path else name
        label = model.model_fields[name].title or name
        for item in items:
            lines.append("")
            lines.append(f"# {label}: {item_name(item)}")
            lines.append(f"[[{sub}]]")
            _emit_table(item, sub, lines)


def export_toml(config: WebConfiguration) -> str:
    """The whole configuration as TOML text (deterministic)."""
    lines: list[str] = [HEADER.rstrip("\n")]
    for name in WebConfiguration.model_fields:
        lines.append("")
        lines.append(f"# === {WebConfiguration.model_fields[name].title} ===")
        lines.append(f"[{name}]")
        _emit_table(getattr(config, name), name, lines)
    return "\n".join(lines) + "\n"


# --- import ---------------------------------------------------------------------------------


def parse_toml(text: str, source: str = "filen") -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TomlImportError(f"{source} är inte giltig TOML{_where(str(exc))}") from None


def _where(message: str) -> str:
    """tomllib's English message with its place in Swedish first: " (rad 3, kolumn 5): …"."""
    place = re.search(r"\s*\(at line (\d+), column (\d+)\)$", message)
    if place is not None:
        row, column = place.groups()
        return f" (rad {row}, kolumn {column}): {message[: place.start()]}"
    end = re.search(r"\s*\(at end of document\)$", message)
    if end is not None:
        return f" (i slutet av filen): {message[: end.start()]}"
    return f": {message}"


def import_toml(text: str, source: str = "filen") -> tuple[WebConfiguration | None, list[Problem]]:
    """Parse and validate: (config, warnings) when valid, (None, errors + …) otherwise."""
    data = parse_toml(text, source)
    if not data:
        raise TomlImportError(f"{source} innehåller ingen konfiguration (tom fil?)")
    return validate_data(data)


def validate_data(data: Mapping[str, Any]) -> tuple[WebConfiguration | None, list[Problem]]:
    config, problems = validate_config(data)
    if config is None or any(p.is_error for p in problems):
        return None, problems
    return config, problems


def read_file(path: Path | str) -> str:
    """The text of an import file ("-" is stdin), with a Swedish error if it can't be read."""
    if str(path) == "-":
        import sys

        return sys.stdin.read()
    p = Path(path)
    try:
        return p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise TomlImportError(f"filen {p} finns inte") from None
    except IsADirectoryError:
        raise TomlImportError(f"{p} är en katalog, inte en fil") from None
    except PermissionError:
        raise TomlImportError(f"filen {p} kan inte läsas (behörighet saknas)") from None
    except UnicodeDecodeError:
        raise TomlImportError(f"filen {p} är inte UTF-8-text") from None
