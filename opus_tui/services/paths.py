"""File paths as a technician types them: ``~`` expanded without raising, and a relative path
made absolute (pinned) so that it does not depend on the directory the app runs in. Stdlib only."""

from __future__ import annotations

import os
from pathlib import Path


def expanded(text: str) -> Path:
    """``text`` as a path with ``~`` expanded; ``~name`` of an unknown user stays as it is (a
    relative path, as in a shell) instead of raising."""
    path = Path(text)
    try:
        return path.expanduser()
    except RuntimeError:
        return path


def pinned_path(text: str, root: Path | None = None) -> str:
    """``text`` (stripped) with ``~`` expanded and, when relative, joined to ``root`` (default:
    the current directory) and resolved. An absolute path is kept as typed (a mapped drive is
    not rewritten to its network path); the empty text stays empty."""
    text = text.strip()
    if not text:
        return text
    path = expanded(text)
    if path.is_absolute():
        return text if path == Path(text) else str(path)
    try:
        base = Path.cwd() if root is None else expanded(str(root)).absolute()
        return str((base / path).resolve())
    except (OSError, RuntimeError):  # no working directory (removed) or a symlink loop
        return text


def is_url(text: str) -> bool:
    """An http(s) address, which the publisher passes on as it is (no file)."""
    return text.strip().startswith(("https://", "http://"))


def pinned_image_path(text: str, root: Path | None = None) -> str:
    """An image path as typed in the app, made independent of the working directory: ``~``
    expanded and a relative path joined to ``root`` (default: the current directory) and
    resolved. Absolute paths, http(s) addresses and the empty text are kept (stripped).
    ``publish --images DIR`` only applies to relative paths, so those that came from a TOML
    import stay relative (``opus-tui check --images --pin`` pins them on request)."""
    text = text.strip()
    if is_url(text):
        return text
    return pinned_path(text, root)


def is_relative_image_path(text: str) -> bool:
    """A stored image path that names a different file from another working directory (or
    ``publish --images DIR``): not empty, not an http(s) address, relative after ``~``."""
    text = text.strip()
    if not text or is_url(text):
        return False
    if os.name == "posix" and not text.startswith("~"):
        return not text.startswith("/")  # as Path.is_absolute, without a Path (many profiles)
    return not expanded(text).is_absolute()


def image_file(text: str, root: Path | None = None) -> Path:
    """The file the publisher opens for a stored image path: ``~`` expanded, a relative path
    joined to ``root`` (``publish --images DIR``) when given, else left relative (to the
    working directory). ``opus-tui check --images`` and the publisher both open this."""
    path = expanded(text)  # not stripped: the publisher does not strip either
    if not path.is_absolute() and root is not None:
        path = root / path
    return path


def typed_image_path(text: str, stored: str) -> str:
    """What an image field stores for its ``text``: the pinned (absolute) path, or the stored
    value while the text is unchanged (a saved relative path stays as it is)."""
    text = text.strip()
    return stored if text == stored else pinned_image_path(text)
