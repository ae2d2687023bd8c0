"""Where the stylesheets live: ``opus_tui/styles`` in a wheel, the repository's ``styles/`` in an
editable checkout (hatchling's force-include maps the folder only into built wheels)."""

from __future__ import annotations

from functools import cache
from pathlib import Path


@cache
def styles_dir() -> Path:
    """The folder holding ``app.tcss`` and one ``.tcss`` per screen."""
    package = Path(__file__).resolve().parent
    for candidate in (package / "styles", package.parent / "styles"):
        if (candidate / "app.tcss").is_file():
            return candidate
    raise FileNotFoundError("opus-tui: stylesheet folder 'styles' not found")


def stylesheet(name: str) -> str:
    """The path of one stylesheet, e.g. ``stylesheet("clinics.tcss")``."""
    return str(styles_dir() / name)
