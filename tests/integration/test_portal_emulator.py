"""The emulator itself: persistence, idempotency edge cases, its OpenAPI, the CLI, TLS with a
client certificate."""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import pytest

from opus_tui.services import wire_models as wm
from opus_tui.services.portal import ClientCertificate, PortalClient, PortalError, RetryPolicy
from opus_tui.services.portal_emulator import API_BASE, TlsOptions, running_emulator

KEY = "emulator-test-nyckel-31"
ONE = RetryPolicy(attempts=1)
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
    b"\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)


def test_storage_survives_restart(tmp_path: Path) -> None:
    data = tmp_path / "portal"
    with running_emulator(data, api_keys=[KEY]) as emu, PortalClient(emu.url, KEY, retry=ONE) as c:
        c.claim_subdomain("bestaende")
        current = c.get_configuration("bestaende")
        flex = current.value.Subdomain.FlexibilitySettings.model_copy(
            update={"UseCodeChallange": True}
        )
        sub = current.value.Subdomain.model_copy(update={"FlexibilitySettings": flex})
        wanted = current.value.model_copy(update={"Subdomain": sub})
        published = c.replace_configuration("bestaende", wanted, current.etag, "nyckel-1")
        c.upload_logo("bestaende", PNG, "image/png")
    assert (data / "state.json").exists()
    with running_emulator(data, api_keys=[KEY]) as emu, PortalClient(emu.url, KEY, retry=ONE) as c:
        again = c.get_configuration("bestaende")
        assert again == published
        assert c.logo("bestaende") == PNG
        # The stored response of a key survives too: a late retry is not applied again.
        replay = c.replace_configuration("bestaende", wanted, current.etag, "nyckel-1")
        assert replay == published
        stats = httpx.get(f"{emu.url}/_emulator/stats").json()
        assert stats["Applications"]["nyckel-1"] == 1


def test_write_preconditions() -> None:
    with running_emulator(api_keys=[KEY]) as emu, httpx.Client(base_url=emu.url) as http:
        auth = {"apiKey": KEY}
        assert http.put(f"{API_BASE}/subdomains/vilkor", headers=auth).status_code == 422
        claim = http.put(f"{API_BASE}/subdomains/vilkor", headers={**auth, "Idempotency-Key": "c"})
        assert claim.status_code == 201
        url = f"{API_BASE}/subdomains/vilkor/configuration"
        body = http.get(url, headers=auth).json()
        no_match = http.put(url, json=body, headers={**auth, "Idempotency-Key": "a"})
        assert no_match.status_code == 428
        assert no_match.headers["content-type"] == "application/problem+json"
        etag = claim.headers["ETag"]
        ok = http.put(url, json=body, headers={**auth, "Idempotency-Key": "b", "If-Match": etag})
        assert ok.status_code == 200
        body["Subdomain"]["FlexibilitySettings"]["MaintenanceMode"] = True
        reused = http.put(
            url, json=body, headers={**auth, "Idempotency-Key": "b", "If-Match": etag}
        )
        assert reused.status_code == 422
        assert reused.json()["Field"] == "Idempotency-Key"
        body["Subdomain"]["FlexibilitySettings"]["HourBeforModifyBookingClosing"] = "24"
        typed = http.put(
            url, json=body, headers={**auth, "Idempotency-Key": "d", "If-Match": ok.headers["ETag"]}
        )
        assert typed.status_code == 422
        assert (
            typed.json()["Field"] == "Subdomain.FlexibilitySettings.HourBeforModifyBookingClosing"
        )
        body["Subdomain"]["FlexibilitySettings"]["HourBeforModifyBookingClosing"] = 24
        body["Clinics"] = [
            {
                "ID": 1,
                "OpusDatabaseID": str(uuid.uuid4()),
                "Name": "x",
                "Order": 0,
                "City": "x" * 11,
            }
        ]
        long_city = http.put(
            url, json=body, headers={**auth, "Idempotency-Key": "e", "If-Match": ok.headers["ETag"]}
        )
        assert long_city.status_code == 422
        assert long_city.json()["Field"] == "Clinics.0.City"
        faults = http.post("/_emulator/faults", json=[1])
        assert faults.status_code == 422


def test_openapi_uses_the_spec_property_names() -> None:
    with running_emulator(api_keys=[KEY]) as emu:
        doc = httpx.get(f"{emu.url}/openapi.json").json()
    schemas = doc["components"]["schemas"]
    flex = schemas["FlexibilitySettings"]["properties"]
    assert "HourBeforModifyBookingClosing" in flex
    assert "UseCodeChallange" in flex
    assert flex["FirstStep"]["enum"] == [0, 1, 2, 3]
    assert schemas["Clinician"]["properties"]["Info"]["maxLength"] == 100
    assert schemas["Clinician"]["properties"]["ProfileImage"]["maxLength"] == 1000
    assert schemas["Subdomain"]["required"] == [
        "Name",
        "AccountID",
        "FlexibilitySettings",
        "MediaSettings",
    ]
    assert doc["components"]["securitySchemes"]["apiKey"] == {
        "type": "apiKey",
        "in": "header",
        "name": "apiKey",
    }
    assert f"{API_BASE}/subdomains/{{name}}/configuration" in doc["paths"]
    assert not any(p.startswith("/_emulator") for p in doc["paths"])


def test_cli_serves_on_loopback(tmp_path: Path) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "OPUS_PORTAL_EMULATOR_API_KEYS": "miljo-nyckel"}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "opus_tui",
            "portal-emulator",
            "--port",
            str(port),
            "--data",
            str(tmp_path / "d"),
            "--error-rate",
            "0",
            "--seed",
            "3",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        for _ in range(200):
            try:
                if httpx.get(f"{url}{API_BASE}/health").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.05)
        with PortalClient(url, "miljo-nyckel", retry=ONE) as client:
            assert client.availability("fran-cli").Available is True
        with PortalClient(url, "opus-demo-nyckel", retry=ONE) as demo:
            with pytest.raises(PortalError) as info:
                demo.availability("fran-cli")
            assert info.value.kind == "credentials"
    finally:
        proc.terminate()
        out, err = proc.communicate(timeout=15)
    assert "127.0.0.1" in out
    assert "miljo-nyckel" not in out + err


# --- TLS with a client certificate ------------------------------------------------------------


def _certificates(tmp: Path) -> dict[str, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = dt.datetime.now(dt.UTC)

    def name(cn: str) -> x509.Name:
        return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])

    def cert(subject: str, key, issuer: x509.Name, issuer_key, *, ca: bool, san=None):
        builder = (
            x509.CertificateBuilder()
            .subject_name(name(subject))
            .issuer_name(issuer)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        )
        if san is not None:
            builder = builder.add_extension(x509.SubjectAlternativeName(san), critical=False)
        return builder.sign(issuer_key, hashes.SHA256())

    def write(path: Path, data: bytes) -> Path:
        path.write_bytes(data)
        return path

    def key_pem(key, password: bytes | None = None) -> bytes:
        encryption = (
            serialization.BestAvailableEncryption(password)
            if password
            else serialization.NoEncryption()
        )
        data: bytes = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
        )
        return data

    pem = serialization.Encoding.PEM
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = cert("Test CA", ca_key, name("Test CA"), ca_key, ca=True)
    server_key = ec.generate_private_key(ec.SECP256R1())
    server = cert(
        "127.0.0.1",
        server_key,
        ca.subject,
        ca_key,
        ca=False,
        san=[x509.IPAddress(ipaddress.ip_address("127.0.0.1"))],
    )
    client_key = ec.generate_private_key(ec.SECP256R1())
    client = cert("klinik", client_key, ca.subject, ca_key, ca=False)
    return {
        "ca": write(tmp / "ca.pem", ca.public_bytes(pem)),
        "server": write(tmp / "server.pem", server.public_bytes(pem)),
        "server_key": write(tmp / "server.key", key_pem(server_key)),
        "client": write(tmp / "client.pem", client.public_bytes(pem)),
        "client_key": write(tmp / "client.key", key_pem(client_key, b"nyckel-losen-7")),
    }


def test_tls_with_client_certificate(tmp_path: Path) -> None:
    files = _certificates(tmp_path)
    tls = TlsOptions(files["server"], files["server_key"], client_ca=files["ca"])
    certificate = ClientCertificate(files["client"], files["client_key"], "nyckel-losen-7")
    with running_emulator(api_keys=[KEY], tls=tls) as emu:
        assert emu.url.startswith("https://")
        with PortalClient(
            emu.url, KEY, client_certificate=certificate, ca_file=files["ca"], retry=ONE
        ) as client:
            assert client.health().Status == "ok"
            assert client.availability("tls-klinik").Available is True
        # Verification stays on: the system CAs do not know the test CA.
        unverified = PortalClient(emu.url, KEY, client_certificate=certificate, retry=ONE)
        with unverified, pytest.raises(PortalError) as info:
            unverified.health()
        assert info.value.kind == "credentials"
        assert "Portalens certifikat" in info.value.message
        # Without our certificate the portal refuses the connection. Under TLS 1.3 the refusal
        # arrives as a plain disconnect after the handshake, indistinguishable from a dropped
        # connection, so the client can only call it "unreachable" (TLS 1.2 alerts map to
        # "credentials").
        anonymous = PortalClient(emu.url, KEY, ca_file=files["ca"], retry=ONE)
        with anonymous, pytest.raises(PortalError) as info:
            anonymous.health()
        assert info.value.kind in ("credentials", "unreachable")
        assert "Konfiguration › Certifikat" in info.value.message  # either way, where to look
    with pytest.raises(PortalError) as info:
        PortalClient(
            "https://127.0.0.1:1",
            KEY,
            client_certificate=ClientCertificate(files["client"], files["client_key"], "fel"),
        )
    assert info.value.kind == "credentials"
    assert "fel" not in info.value.message.replace("felaktig", "")
    assert "nyckel-losen-7" not in repr(certificate)


def test_wire_models_refuse_long_values() -> None:
    with pytest.raises(ValueError):
        wm.Clinician(ID=1, OpusDatabaseID=uuid.uuid4(), ClinicID=1, Order=0, Info="x" * 101)
