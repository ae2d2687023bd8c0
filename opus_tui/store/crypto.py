"""Encryption of the store's secrets with a local Fernet key file.

The key lives in the user's config dir (``$OPUS_TUI_KEY_FILE`` overrides the path; tests point it
at a temp file). It is created on first use, readable by its owner only where the OS supports it.
A store copied to another machine (or a shared PostgreSQL store used from another machine) cannot
decrypt its secrets: they read as missing and must be entered again.
"""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

from opus_tui.store.location import APP_NAME

KEY_FILE_ENV = "OPUS_TUI_KEY_FILE"


def key_file_path() -> Path:
    given = os.environ.get(KEY_FILE_ENV)
    if given:
        return Path(given).expanduser()
    from platformdirs import user_config_path

    return user_config_path(APP_NAME, appauthor=False) / "store.key"


def _load_or_create_key(path: Path) -> bytes:
    try:
        return path.read_bytes().strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    key = Fernet.generate_key()
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process was first
        return path.read_bytes().strip()
    with os.fdopen(fd, "wb") as f:
        f.write(key + b"\n")
    return key


class SecretBox:
    """Encrypts and decrypts secret values; the key file is read (or created) lazily."""

    def __init__(self, key_path: Path | None = None) -> None:
        self._key_path = key_path
        self._fernet: Fernet | None = None

    def _box(self) -> Fernet:
        if self._fernet is None:
            path = self._key_path or key_file_path()
            self._fernet = Fernet(_load_or_create_key(path))
        return self._fernet

    def encrypt(self, value: str) -> str:
        return self._box().encrypt(value.encode("utf-8")).decode("ascii")

    def decrypt(self, token: str) -> str | None:
        """The plain value, or None when this key cannot decrypt the token."""
        try:
            return self._box().decrypt(token.encode("ascii")).decode("utf-8")
        except (InvalidToken, ValueError):
            return None
