"""Encryption of the store's secrets with a local Fernet key file.

The key lives in the user's config dir (``$OPUS_TUI_KEY_FILE`` overrides the path; tests point it
at a temp file). It is created on first use, readable by its owner only where the OS supports it.
A store copied to another machine (or a shared PostgreSQL store used from another machine) cannot
decrypt its secrets: they read as missing and must be entered again.

``cryptography`` (≈ 6.6 MiB) is imported only to encrypt or decrypt. Keys are made and tokens are
checked with the stdlib: a Fernet key is 32 random bytes in url-safe base64, and a token is
``0x80 | time | iv | ciphertext | HMAC-SHA256`` signed with the key's first half, so
``can_decrypt`` (``Store.has_secret``) needs only ``hmac``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
from pathlib import Path
from typing import TYPE_CHECKING

from opus_tui.store.location import APP_NAME

if TYPE_CHECKING:
    from cryptography.fernet import Fernet

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
    key = base64.urlsafe_b64encode(os.urandom(32))  # what Fernet.generate_key does
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
        self._signing_key: bytes | None = None

    def _path(self) -> Path:
        return self._key_path or key_file_path()

    def _box(self) -> Fernet:
        if self._fernet is None:
            from cryptography.fernet import Fernet

            self._fernet = Fernet(_load_or_create_key(self._path()))
        return self._fernet

    def encrypt(self, value: str) -> str:
        return self._box().encrypt(value.encode("utf-8")).decode("ascii")

    def decrypt(self, token: str) -> str | None:
        """The plain value, or None when this key cannot decrypt the token."""
        from cryptography.fernet import InvalidToken

        try:
            return self._box().decrypt(token.encode("ascii")).decode("utf-8")
        except (InvalidToken, ValueError):
            return None

    def can_decrypt(self, token: str) -> bool:
        """Whether ``decrypt`` would give a value: the token is well formed and signed with this
        key (stdlib only; a missing key file is not created)."""
        if self._signing_key is None:
            try:
                key = base64.urlsafe_b64decode(self._path().read_bytes().strip())
            except (OSError, ValueError, binascii.Error):
                return False
            if len(key) != 32:
                return False
            self._signing_key = key[:16]
        try:
            data = base64.urlsafe_b64decode(token.encode("ascii"))
        except (ValueError, binascii.Error):
            return False
        # version, 8-byte time, 16-byte IV, whole AES blocks (at least one), 32-byte HMAC
        if len(data) < 73 or data[0] != 0x80 or (len(data) - 57) % 16:
            return False
        mac = hmac.new(self._signing_key, data[:-32], hashlib.sha256).digest()
        return hmac.compare_digest(mac, data[-32:])
