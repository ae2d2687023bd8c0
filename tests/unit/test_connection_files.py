"""Konfiguration's file checks: PEM content, schema maps, and a file read again only when it
changes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from opus_tui.services import connection_files
from opus_tui.services.connection_files import file_problem

CERT = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"


def test_pem_kinds_missing_and_directory(tmp_path: Path) -> None:
    cert = tmp_path / "c.pem"
    cert.write_text(CERT)
    assert file_problem(str(cert), "certificate_path") is None
    assert "PRIVATE KEY" in (file_problem(str(cert), "key_path") or "")
    assert file_problem(str(tmp_path / "nej.pem"), "certificate_path") == "filen finns inte"
    assert file_problem(str(tmp_path), "certificate_path") == "är en mapp, inte en fil"


def test_an_answer_is_kept_until_the_file_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cert = tmp_path / "c.pem"
    cert.write_bytes(b"\x30\x82 DER bytes")
    reads: list[Path] = []
    check = connection_files._check

    def counted(file: Path, kind: str) -> str | None:
        reads.append(file)
        return check(file, kind)

    monkeypatch.setattr(connection_files, "_check", counted)
    first = file_problem(str(cert), "certificate_path")
    assert first is not None and "PEM" in first
    assert file_problem(str(cert), "certificate_path") == first
    assert len(reads) == 1  # the same version: not read again
    cert.write_text(CERT)
    stat = cert.stat()
    os.utime(cert, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert file_problem(str(cert), "certificate_path") is None
    assert len(reads) == 2
