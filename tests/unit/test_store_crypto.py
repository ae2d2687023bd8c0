"""SecretBox: ``can_decrypt`` (stdlib HMAC check, used by ``Store.has_secret``) agrees with
``decrypt`` (cryptography's Fernet) for good, foreign, tampered and malformed tokens."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from opus_tui.store.crypto import SecretBox


@pytest.fixture
def box(tmp_path: Path) -> SecretBox:
    return SecretBox(tmp_path / "a.key")


def _tampered(token: str) -> str:
    data = bytearray(base64.urlsafe_b64decode(token))
    data[30] ^= 1  # a ciphertext byte
    return base64.urlsafe_b64encode(bytes(data)).decode("ascii")


def test_can_decrypt_agrees_with_decrypt(box: SecretBox, tmp_path: Path) -> None:
    token = box.encrypt("Hemligt-lösen-4711")
    other = SecretBox(tmp_path / "b.key").encrypt("Hemligt-lösen-4711")
    cases = {
        "own": token,
        "other key": other,
        "tampered": _tampered(token),
        "cut": token[:-8],
        "garbage": "gAAAAA-not-a-token",
        "empty": "",
        "not ascii": "gAAAAåäö",
    }
    for name, value in cases.items():
        assert box.can_decrypt(value) == (box.decrypt(value) is not None), name
    assert box.can_decrypt(token)
    assert box.decrypt(token) == "Hemligt-lösen-4711"
    assert not box.can_decrypt(other)


def test_key_is_a_fernet_key(box: SecretBox, tmp_path: Path) -> None:
    from cryptography.fernet import Fernet

    token = box.encrypt("x")
    key = (tmp_path / "a.key").read_bytes().strip()
    assert Fernet(key).decrypt(token.encode()) == b"x"


def test_missing_key_file_is_not_created_by_can_decrypt(tmp_path: Path) -> None:
    token = SecretBox(tmp_path / "a.key").encrypt("x")
    fresh = SecretBox(tmp_path / "saknas.key")
    assert not fresh.can_decrypt(token)
    assert not (tmp_path / "saknas.key").exists()


def test_broken_key_file_reads_as_undecryptable(tmp_path: Path) -> None:
    token = SecretBox(tmp_path / "a.key").encrypt("x")
    (tmp_path / "bad.key").write_text("inte en nyckel\n")
    bad = SecretBox(tmp_path / "bad.key")
    assert not bad.can_decrypt(token)
    assert bad.decrypt(token) is None
