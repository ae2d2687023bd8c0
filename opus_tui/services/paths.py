"""File paths as a technician types them: ``~`` expanded without raising, and a relative path
made absolute (pinned) so that it does not depend on the directory the app runs in. Stdlib only."""

from __future__ import annotations

from pathlib import Path


def expanded(text: str) -> Path:
    """``text`` as a path with ``~`` expanded; ``~name`` of an unknown user stays as it is (a
    relative path, as in a shell) instead of raising."""
    path = Path(text)
    try:
        return path.expanduser()
    except RuntimeError:
        return path


def pinned_path(text: str) -> str:
    """``text`` (stripped) with ``~`` expanded and, when relative, joined to the current
    directory and resolved. An absolute path is kept as typed (a mapped drive is not rewritten
    to its network path); the empty text stays empty."""
    text = text.strip()
    if not text:
        return text
    path = expanded(text)
    if path.is_absolute():
        return text if path == Path(text) else str(path)
    try:
        return str((Path.cwd() / path).resolve())
    except (OSError, RuntimeError):  # no working directory (removed) or a symlink loop
        return text
