"""Errors of the store, shown to the user without a traceback (no SQLAlchemy import here)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from opus_tui.errors import UserError

if TYPE_CHECKING:  # the domain imports pydantic; opus_tui.store.quick must not (issue 8)
    from opus_tui.domain.config import Section
    from opus_tui.domain.problems import Problem


class StoreError(UserError):
    """The store cannot be opened or used (missing, unreadable, not a database, unreachable)."""


class ConfigInvalid(UserError):
    """A configuration with errors was refused; ``problems`` lists them (errors first)."""

    exit_code = 1

    def __init__(self, problems: Sequence[Problem], intro: str = "konfigurationen har fel") -> None:
        self.problems = list(problems)
        self.errors = [p for p in self.problems if p.is_error]
        lines = [f"{intro} ({len(self.errors)} st):"]
        lines += [f"  {p}" for p in self.errors]
        super().__init__("\n".join(lines))


class SectionChanged(StoreError):
    """A section save refused: the store's section is no longer the one the editor started
    from (another session saved it meanwhile). ``stored`` is the store's value now."""

    def __init__(self, section: str, label: str, stored: Section, by: str, when: str) -> None:
        self.section, self.stored = section, stored
        super().__init__(
            f"{label} sparades från en annan session ({by}, {when}) efter att du läste den"
        )
