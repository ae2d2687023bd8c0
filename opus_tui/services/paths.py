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


def pinned_image_path(text: str) -> str:
    """An image path as typed in the app, made independent of the working directory: ``~``
    expanded and a relative path joined to the current directory (resolved). Absolute paths,
    http(s) addresses and the empty text are kept (stripped). ``publish --images DIR`` only
    applies to relative paths, so those that came from a TOML import stay relative."""
    text = text.strip()
    if text.startswith(("https://", "http://")):
        return text
    return pinned_path(text)


def typed_image_path(text: str, stored: str) -> str:
    """What an image field stores for its ``text``: the pinned (absolute) path, or the stored
    value while the text is unchanged (a saved relative path stays as it is)."""
    text = text.strip()
    return stored if text == stored else pinned_image_path(text)
