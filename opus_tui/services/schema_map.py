"""Schema map: the table and column names of an Opus database.

The real Opus schema is not public, so opus-tui reads it through a mapping of *logical* fields
(``clinics.name``) to *physical* names (``"Clinic"."Name"``). The default mapping
(``schema_map.toml`` next to this module) matches the demo database; a technician can point a
database profile at another TOML file. See ``docs/opus-database.md``.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

SCHEMA_MAP_VERSION = 1
MAX_IDENTIFIER_LENGTH = 128
DEFAULT_SCHEMA_MAP_PATH = Path(__file__).with_name("schema_map.toml")


@dataclass(frozen=True)
class EntitySpec:
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()


# Logical fields per section; "table" is always required.
ENTITY_SPECS: dict[str, EntitySpec] = {
    "clinics": EntitySpec(
        required=("id", "name"),
        optional=("address", "postcode", "city", "phone", "email"),
    ),
    "practitioners": EntitySpec(
        required=("id", "first_name", "last_name"),
        optional=("title", "active", "clinic_id"),
    ),
    "practitioner_clinics": EntitySpec(required=("practitioner_id", "clinic_id")),
    "treatments": EntitySpec(
        required=("id", "name"),
        optional=(
            "description",
            "duration_minutes",
            "create_in_web",
            "change_in_web",
            "cancel_in_web",
        ),
    ),
    "online_times": EntitySpec(
        required=("practitioner_id", "clinic_id", "start", "end"),
        optional=("treatment_id",),
    ),
}
REQUIRED_SECTIONS = ("clinics", "practitioners", "treatments", "online_times")
TOP_LEVEL_KEYS = frozenset({"version", "schema", "time_zone", *ENTITY_SPECS})


class SchemaMapError(ValueError):
    """An invalid schema map; the message (Swedish) says where and what."""


@dataclass(frozen=True)
class TableMap:
    """One mapped table: its physical name and its logical → physical column names."""

    table: str
    columns: Mapping[str, str]

    def column(self, logical: str) -> str:
        return self.columns[logical]

    def has(self, logical: str) -> bool:
        return logical in self.columns


@dataclass(frozen=True)
class SchemaMap:
    clinics: TableMap
    practitioners: TableMap
    treatments: TableMap
    online_times: TableMap
    practitioner_clinics: TableMap | None = None
    schema: str | None = None
    time_zone: str = "UTC"
    source: str = field(default="<standard>", compare=False)

    @property
    def utc(self) -> bool:
        return self.time_zone.upper() in {"UTC", "ETC/UTC"}

    def tables(self) -> dict[str, TableMap]:
        out = {
            "clinics": self.clinics,
            "practitioners": self.practitioners,
            "treatments": self.treatments,
            "online_times": self.online_times,
        }
        if self.practitioner_clinics is not None:
            out["practitioner_clinics"] = self.practitioner_clinics
        return out

    # -- loading -------------------------------------------------------------------------------
    @classmethod
    def default(cls) -> SchemaMap:
        text = DEFAULT_SCHEMA_MAP_PATH.read_text(encoding="utf-8")
        return cls.from_toml(text, source="<standard>")

    @classmethod
    def load(cls, path: Path | str) -> SchemaMap:
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise SchemaMapError(
                f"Schemamappningen {path} kan inte läsas: {exc.strerror or exc}"
            ) from None
        return cls.from_toml(text, source=str(path))

    @classmethod
    def from_toml(cls, text: str, source: str = "<text>") -> SchemaMap:
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise SchemaMapError(f"Schemamappningen {source} är inte giltig TOML: {exc}") from None
        return cls.from_dict(data, source=source)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], source: str = "<dict>") -> SchemaMap:
        def fail(msg: str) -> SchemaMapError:
            return SchemaMapError(f"Schemamappningen {source}: {msg}")

        unknown = sorted(set(data) - TOP_LEVEL_KEYS)
        if unknown:
            raise fail(f"okänd nyckel {', '.join(unknown)}")
        version = data.get("version", SCHEMA_MAP_VERSION)
        if version != SCHEMA_MAP_VERSION:
            raise fail(f"version {version!r} stöds inte (bara {SCHEMA_MAP_VERSION})")
        schema = data.get("schema")
        if schema is not None:
            schema = _identifier(schema, "schema", fail)
        time_zone = data.get("time_zone", "UTC")
        if not isinstance(time_zone, str) or not time_zone:
            raise fail('time_zone måste vara ett tidszonsnamn, t.ex. "Europe/Stockholm"')
        try:
            ZoneInfo(time_zone)
        except (ZoneInfoNotFoundError, ValueError):
            raise fail(f"okänd tidszon {time_zone!r}") from None

        tables: dict[str, TableMap] = {}
        for section in ENTITY_SPECS:
            if section not in data:
                if section in REQUIRED_SECTIONS:
                    raise fail(f"avsnittet [{section}] saknas")
                continue
            tables[section] = _table(section, data[section], fail)

        has_link = "practitioner_clinics" in tables
        has_column = tables["practitioners"].has("clinic_id")
        if has_link == has_column:
            raise fail(
                "ange antingen [practitioner_clinics] eller practitioners.clinic_id "
                "(vilken klinik en behandlare hör till), inte båda och inte ingen"
            )
        return cls(
            clinics=tables["clinics"],
            practitioners=tables["practitioners"],
            treatments=tables["treatments"],
            online_times=tables["online_times"],
            practitioner_clinics=tables.get("practitioner_clinics"),
            schema=schema,
            time_zone=time_zone,
            source=source,
        )

    def to_dict(self) -> dict[str, Any]:
        """The map as TOML-ready data (round-trips through ``from_dict``)."""
        out: dict[str, Any] = {"version": SCHEMA_MAP_VERSION, "time_zone": self.time_zone}
        if self.schema:
            out["schema"] = self.schema
        for name, table in self.tables().items():
            out[name] = {"table": table.table, **table.columns}
        return out


def _identifier(value: object, where: str, fail: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise fail(f"{where} måste vara ett namn (text), inte {value!r}")
    if '"' in value or "\x00" in value or ";" in value:
        raise fail(f'{where} = {value!r} innehåller otillåtna tecken (", ; eller NUL)')
    if len(value) > MAX_IDENTIFIER_LENGTH:
        raise fail(f"{where} är längre än {MAX_IDENTIFIER_LENGTH} tecken")
    return value


def _table(section: str, raw: object, fail: Any) -> TableMap:
    spec = ENTITY_SPECS[section]
    if not isinstance(raw, Mapping):
        raise fail(f"[{section}] måste vara en tabell med kolumnnamn")
    allowed = {"table", *spec.required, *spec.optional}
    unknown = sorted(set(raw) - allowed)
    if unknown:
        raise fail(
            f"[{section}] har okänd nyckel {', '.join(unknown)} "
            f"(tillåtna: {', '.join(sorted(allowed))})"
        )
    if "table" not in raw:
        raise fail(f"[{section}] saknar table (tabellens namn)")
    table = _identifier(raw["table"], f"{section}.table", fail)
    missing = [f for f in spec.required if f not in raw]
    if missing:
        raise fail(f"[{section}] saknar kolumn {', '.join(missing)}")
    columns: dict[str, str] = {}
    for logical in (*spec.required, *spec.optional):
        if logical in raw:
            columns[logical] = _identifier(raw[logical], f"{section}.{logical}", fail)
    return TableMap(table=table, columns=columns)
