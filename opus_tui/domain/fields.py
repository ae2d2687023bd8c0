"""Field helpers: every setting carries its Swedish label, its help line and (optionally) its
wire property name, so screens, exports and error messages never restate them."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


def setting(
    default: Any,
    label: str,
    help: str = "",
    *,
    wire: str | None = None,
    unit: str | None = None,
    **constraints: Any,
) -> Any:
    """A model field with its label (``title``), help line (``description``), wire name and
    the unit its number is in (said after the value in lists of changes)."""
    extra: dict[str, Any] = {}
    if wire is not None:
        extra["wire"] = wire
    if unit is not None:
        extra["unit"] = unit
    return Field(
        default,
        title=label,
        description=help or None,
        json_schema_extra=extra or None,
        **constraints,
    )


def list_setting(label: str, help: str = "", **constraints: Any) -> Any:
    return Field(default_factory=list, title=label, description=help or None, **constraints)


def label_of(model: type[BaseModel], name: str) -> str:
    return model.model_fields[name].title or name


def help_of(model: type[BaseModel], name: str) -> str:
    return model.model_fields[name].description or ""


def wire_name_of(model: type[BaseModel], name: str) -> str | None:
    extra = model.model_fields[name].json_schema_extra
    if isinstance(extra, dict):
        wire = extra.get("wire")
        return wire if isinstance(wire, str) else None
    return None


def max_length_of(model: type[BaseModel], name: str) -> int | None:
    for meta in model.model_fields[name].metadata:
        value = getattr(meta, "max_length", None)
        if isinstance(value, int):
            return value
    return None
