"""What changed between two versions of a model: for revision summaries and the publish diff.

Pure. Lists of clinics, practitioners, profiles, consents and clinic texts are compared by their
identifiers (added / removed / moved / changed), other lists as whole values.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any, Literal

from pydantic import BaseModel

from opus_tui.domain.config import StepKind
from opus_tui.domain.problems import Path, label_for_path, path_key, unit_for_path

ChangeKind = Literal["changed", "added", "removed", "moved"]

# Fields that identify an item of a list of models, in key order.
ID_FIELDS = ("database", "clinic_id", "practitioner_id")


@dataclass(frozen=True)
class Wording:
    """How ``Change.describe`` words each kind; ``changed`` is formatted with where/old/new."""

    added: str
    removed: str
    moved: str
    changed: str


PLAN_WORDING = Wording("tillagd", "borttagen", "flyttad", "{where} {old} → {new}")


@dataclass(frozen=True)
class Change:
    """One difference. ``path`` is relative to the compared models plus ``prefix``;
    ``item`` names the list item for added/removed/moved (and changes inside an item)."""

    path: Path
    label: str
    old: Any
    new: Any
    kind: ChangeKind = "changed"
    item: str = ""
    unit: str = ""  # of a number, e.g. "timmar"

    def old_text(self) -> str:
        return self._text(self.old)

    def new_text(self) -> str:
        return self._text(self.new)

    def _text(self, value: Any) -> str:
        shown = show_value(value)
        return f"{shown} {self.unit}" if self.unit and isinstance(value, int | float) else shown

    @property
    def key(self) -> str:
        return path_key(self.path)

    def describe(self, wording: Wording | None = None) -> str:
        """Short Swedish text, e.g. "Visa 'Vilken klinik som helst' av → på" (``PLAN_WORDING``;
        a conflict list words both sides its own way)."""
        words = wording or PLAN_WORDING
        if self.kind != "changed":
            return f"{self.label}: {self.item} {getattr(words, self.kind)}"
        where = f"{self.label} ({self.item})" if self.item else self.label
        return words.changed.format(where=where, old=self.old_text(), new=self.new_text())

    def __str__(self) -> str:
        return self.describe()


def show_value(value: Any, limit: int = 30) -> str:
    if isinstance(value, bool):
        return "på" if value else "av"
    if isinstance(value, StepKind):
        return value.label
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, str):
        text = value.replace("\n", " ")
        if len(text) > limit:
            text = text[: limit - 1] + "…"
        return f"'{text}'"
    if isinstance(value, BaseModel):
        return item_name(value)
    if isinstance(value, list):
        return f"{len(value)} st"
    return str(value)


def item_key(item: BaseModel) -> tuple[Any, ...] | None:
    """The identifying key of a list item, or None when it has no identifying fields."""
    fields = type(item).model_fields
    names = [n for n in ID_FIELDS if n in fields]
    if not names and "name" in fields:
        names = ["name"]
    if not names:
        return None
    return tuple(getattr(item, n) for n in names)


def item_name(item: BaseModel) -> str:
    name = getattr(item, "name", "")
    if isinstance(name, str) and name:
        return name
    key = item_key(item)
    return "/".join(str(k) for k in key) if key else type(item).__name__


def diff(old: BaseModel, new: BaseModel, prefix: Path = ()) -> list[Change]:
    """Every difference between ``old`` and ``new`` (same model type), in field order."""
    changes: list[Change] = []
    _diff_models(type(old), old, new, prefix, (), "", changes)
    return changes


def _diff_models(
    root: type[BaseModel],
    old: BaseModel,
    new: BaseModel,
    prefix: Path,
    rel: Path,
    item: str,
    out: list[Change],
) -> None:
    for name in type(new).model_fields:
        a, b = getattr(old, name), getattr(new, name)
        if a == b:
            continue
        path = (*rel, name)
        if isinstance(a, BaseModel) and isinstance(b, BaseModel) and type(a) is type(b):
            _diff_models(root, a, b, prefix, path, item, out)
        elif isinstance(a, list) and isinstance(b, list) and _keyed(a, b):
            _diff_lists(root, a, b, prefix, path, item, out)
        else:
            label, unit = label_for_path(root, path), unit_for_path(root, path)
            out.append(Change(prefix + path, label, a, b, item=item, unit=unit))


def _keyed(a: list[Any], b: list[Any]) -> bool:
    items = a + b
    return bool(items) and all(isinstance(x, BaseModel) and item_key(x) is not None for x in items)


def _diff_lists(
    root: type[BaseModel],
    old: list[Any],
    new: list[Any],
    prefix: Path,
    path: Path,
    within: str,
    out: list[Change],
) -> None:
    """``within``: the item holding this list (e.g. a clinic's name for its practitioners)."""
    label = label_for_path(root, path)

    def name(x: BaseModel) -> str:
        return f"{within} › {item_name(x)}" if within else item_name(x)

    old_by_key = {item_key(x): (i, x) for i, x in enumerate(old)}
    new_by_key = {item_key(x): (i, x) for i, x in enumerate(new)}
    for key, (i, x) in old_by_key.items():
        if key not in new_by_key:
            out.append(Change((*prefix, *path, i), label, x, None, "removed", name(x)))
    common_old = [k for k in old_by_key if k in new_by_key]
    common_new = [k for k in new_by_key if k in old_by_key]
    for key, (i, x) in new_by_key.items():
        if key not in old_by_key:
            out.append(Change((*prefix, *path, i), label, None, x, "added", name(x)))
            continue
        before = old_by_key[key][1]
        if common_old.index(key) != common_new.index(key):
            out.append(Change((*prefix, *path, i), label, before, x, "moved", name(x)))
        if before != x:
            _diff_models(root, before, x, prefix, (*path, i), name(x), out)


def summarise(changes: Sequence[Change], limit: int = 1) -> str:
    """A short summary: the first change(s), then how many more, headed by the section's label,
    e.g. "Flexibilitet: Visa 'Vilken klinik som helst' av → på; 2 till"."""
    if not changes:
        return "inga ändringar"
    from opus_tui.domain.config import SECTION_NAMES, section_label

    shown = [c.describe() for c in changes[:limit]]
    rest = len(changes) - len(shown)
    text = "; ".join(shown)
    if rest > 0:
        text += f"; {rest} till"
    sections: list[str] = []
    for c in changes:
        head = c.path[0] if c.path else None
        if isinstance(head, str) and head in SECTION_NAMES and head not in sections:
            sections.append(head)
    if sections:
        text = f"{', '.join(section_label(s) for s in sections)}: {text}"
    return text
