"""Konfiguration's files: certificate and key (PEM) and a database's schema map. Why a file
cannot be used, or None; checked on every edit, so the answer is kept per file version (path,
size, modification time) and the file is read again only when it changes."""

from __future__ import annotations

from pathlib import Path

from opus_tui.services.paths import expanded

# What a PEM file of each kind holds (the portal client loads PEM only; DER or a .pfx fails
# later, at the first TLS handshake, with an error that names no field).
PEM_MARKERS = {
    "certificate_path": (("-----BEGIN CERTIFICATE-----",), "-----BEGIN CERTIFICATE-----"),
    "key_path": (
        (
            "-----BEGIN PRIVATE KEY-----",
            "-----BEGIN RSA PRIVATE KEY-----",
            "-----BEGIN EC PRIVATE KEY-----",
            "-----BEGIN ENCRYPTED PRIVATE KEY-----",
        ),
        "-----BEGIN … PRIVATE KEY-----",
    ),
}
PEM_READ_LIMIT = 1 << 20  # a certificate chain is a few kB


def _readable(path: str, kind: str | None = None) -> str | None:
    """Why the file cannot be used, or None; ``kind`` ("certificate_path" or "key_path")
    also asks for that PEM content."""
    try:
        with expanded(path).open("rb") as handle:
            head = handle.read(PEM_READ_LIMIT)
    except FileNotFoundError:
        return "filen finns inte"
    except IsADirectoryError:
        return "är en mapp, inte en fil"
    except OSError:
        return "filen kan inte läsas (behörighet?)"
    if kind in PEM_MARKERS:
        markers, shown = PEM_MARKERS[kind]
        text = head.decode("ascii", "replace")
        if not any(marker in text for marker in markers):
            return f"är inte en PEM-fil med {shown}"
    return None


_answers: dict[tuple[str, str, int, int], str | None] = {}


def file_problem(path: str, kind: str) -> str | None:
    """Why the file at ``path`` cannot be used as ``kind`` ("certificate_path", "key_path" or
    "schema_map"), or None."""
    file = expanded(path)
    try:
        stat = file.stat()
    except FileNotFoundError:
        return "filen finns inte"
    except OSError:
        return "filen kan inte läsas (behörighet?)"
    key = (str(file), kind, stat.st_size, stat.st_mtime_ns)
    if key not in _answers:
        _answers[key] = _check(file, kind)
    return _answers[key]


def _check(file: Path, kind: str) -> str | None:
    why = _readable(str(file), kind)
    if why is None and kind == "schema_map":
        from opus_tui.services.schema_map import SchemaMap, SchemaMapError

        try:
            SchemaMap.load(file)
        except SchemaMapError as exc:
            why = str(exc)
    return why
