"""Every problem of a configuration, for ``opus-tui check`` and the UI.

``all_problems`` is the domain's ``check()`` (rules and cross-field warnings) plus the checkers in
``CHECKERS`` — the extension point for checks that need a service (merge fields of the e-post/SMS
templates, the analytics script, …). A checker gets a *valid* configuration and returns problems;
add one with ``register(checker)`` at import time of its module, and list that module in
``CHECKER_MODULES`` so the command line loads it.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from opus_tui.domain.config import WebConfiguration
from opus_tui.domain.problems import (
    Problem,
    SectionErrors,
    check,
    section_errors,
    validate_config,
)

Checker = Callable[[WebConfiguration], list[Problem]]

# --- extension point ------------------------------------------------------------------------
CHECKERS: list[Checker] = []
# Modules that register checkers when imported (content helper: templates/analytics checks).
CHECKER_MODULES: list[str] = ["opus_tui.services.content_checks"]


def register(checker: Checker) -> Checker:
    """Add a checker (usable as a decorator); registering twice has no effect."""
    if checker not in CHECKERS:
        CHECKERS.append(checker)
    return checker


def _load_checker_modules() -> None:
    for name in CHECKER_MODULES:
        importlib.import_module(name)


def all_problems(
    config: WebConfiguration, errors_of: SectionErrors = section_errors
) -> list[Problem]:
    """Errors first, then warnings: the domain's rules and warnings plus every checker's
    (``errors_of``: see ``domain.problems.check``)."""
    found = check(config, errors_of)
    if not any(p.is_error for p in found):
        _load_checker_modules()
        for checker in CHECKERS:
            found.extend(checker(config))
    return sorted(found, key=lambda p: not p.is_error)


def problems_of_data(data: dict[str, object]) -> list[Problem]:
    """Like ``all_problems`` for raw (possibly invalid) data, e.g. a hand-edited store."""
    config, found = validate_config(data)
    if config is None:
        return found
    return all_problems(config)
