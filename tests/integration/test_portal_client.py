"""The portal client against the emulator over real loopback HTTP: every endpoint, every error."""

from __future__ import annotations

import io
import logging
import os
import socket
import uuid
from collections.abc import Iterator

import httpx
import pytest

from opus_tui.services import wire_models as wm
from opus_tui.services.portal import (
    UNREACHABLE_MESSAGE,
    PortalClient,
    PortalError,
    RetryPolicy,
)
from opus_tui.services.portal_emulator import RunningEmulator, running_emulator

KEY = "hemlig-nyckel-9f3b2c71d4e8"
OTHER_KEY = "annan-kunds-nyckel-51aa0c"
FAST = RetryPolicy(attempts=8, timeout=20.0, wait_initial=0.005, wait_max=0.02, wait_jitter=0.01)


@pytest.fixture(scope="module")
def emulator() -> Iterator[RunningEmulator]:
    with running_emulator(api_keys=[KEY, OTHER_KEY], seed=7) as emu:
        yield emu


@pytest.fixture(autouse=True)
def _no_faults(emulator: RunningEmulator) -> Iterator[None]:
    yield
    emulator.emulator.faults.update(
        {"LatencyMs": 0, "ErrorRate": 0, "DropRate": 0, "ConcurrentChange": False}
    )


@pytest.fixture
def client(emulator: RunningEmulator) -> Iterator[PortalClient]:
    with PortalClient(emulator.url, KEY, retry=FAST, timeout=5.0) as c:
        yield c


@pytest.fixture
def other(emulator: RunningEmulator) -> Iterator[PortalClient]:
    with PortalClient(emulator.url, OTHER_KEY, retry=FAST, timeout=5.0) as c:
        yield c


def fresh_name() -> str:
    return f"klinik-{uuid.uuid4().hex[:10]}"


def set_faults(emulator: RunningEmulator, **faults: object) -> None:
    response = httpx.post(f"{emulator.url}/_emulator/faults", json=faults)
    assert response.status_code == 200


def stats(emulator: RunningEmulator) -> dict[str, object]:
    body: dict[str, object] = httpx.get(f"{emulator.url}/_emulator/stats").json()
    return body


def png(size: int = 8, noise: bool = False) -> bytes:
    from PIL import Image

    image = Image.new("RGB", (size, size), (200, 30, 30))
    if noise:
        image = Image.frombytes("RGB", (size, size), os.urandom(size * size * 3))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def sample_configuration(base: wm.Configuration, marker: int) -> wm.Configuration:
    account = base.Subdomain.AccountID
    db = uuid.UUID(int=1)
    flex = base.Subdomain.FlexibilitySettings.model_copy(
        update={
            "FirstStep": 0,
            "SecondStep": 2,
            "ThirdStep": 1,
            "FourthStep": 3,
            "UseCodeChallange": marker % 2 == 1,
            "HourBeforModifyBookingClosing": marker,
        }
    )
    media = wm.MediaSettings(ColorCode="#1A5FB4", TextContainer={"Welcome": f"Välkommen {marker}"})
    clinic = wm.Clinic(
        ID=1,
        OpusDatabaseID=db,
        Name="Opus Tandläkarna",
        Order=0,
        Group="MALMÖ",
        ClinicTextHeader="Rubrik",
        Clinicians=[
            wm.Clinician(
                ID=11,
                OpusDatabaseID=db,
                ClinicID=1,
                Order=0,
                Name="Olle Ohlsson",
                Title="Tandläkare",
                Info="Erfaren",
                ClinicianPersonalDataConsents=[1, 2],
            )
        ],
    )
    treatment = wm.Treatment(ID=5, OpusDatabaseID=db, Name="Undersökning", Duration=30)
    return wm.Configuration(
        Subdomain=wm.Subdomain(
            Name=base.Subdomain.Name,
            AccountID=account,
            FlexibilitySettings=flex,
            MediaSettings=media,
        ),
        Clinics=[clinic],
        Treatments=[treatment],
    )


def claimed(client: PortalClient) -> tuple[str, wm.Configuration, str]:
    name = fresh_name()
    client.claim_subdomain(name)
    current = client.get_configuration(name)
    return name, current.value, current.etag


# --- endpoints --------------------------------------------------------------------------------


def test_health(client: PortalClient) -> None:
    health = client.health()
    assert health.Status == "ok"
    assert health.Version


def test_availability_and_claim(client: PortalClient, other: PortalClient) -> None:
    name = fresh_name()
    assert client.availability(name).Available is True
    first = client.claim_subdomain(name)
    assert first.value.Name == name
    assert first.etag
    after = client.availability(name)
    assert after.Available is False
    assert after.OwnedByYou is True
    assert other.availability(name).OwnedByYou is False
    # Claiming again with the same account is harmless and changes nothing.
    again = client.claim_subdomain(name)
    assert again.etag == first.etag
    assert client.availability("www").Available is False


def test_claim_taken_name(client: PortalClient, other: PortalClient) -> None:
    name = fresh_name()
    client.claim_subdomain(name)
    with pytest.raises(PortalError) as info:
        other.claim_subdomain(name)
    assert info.value.kind == "name_taken"
    assert info.value.status == 409
    assert name in info.value.message
    assert "upptagen" in info.value.message


def test_invalid_name_reports_field(client: PortalClient) -> None:
    with pytest.raises(PortalError) as info:
        client.availability("Ogiltig_Namn")
    assert info.value.kind == "invalid"
    assert info.value.field == "name"
    assert "Underdomän" in info.value.message


def test_read_and_replace_configuration(client: PortalClient) -> None:
    name, base, etag = claimed(client)
    subdomain = client.get_subdomain(name)
    assert subdomain.etag == etag
    assert subdomain.value.AccountID == base.Subdomain.AccountID
    wanted = sample_configuration(base, 3)
    published = client.replace_configuration(name, wanted, etag)
    assert published.value == wanted
    assert published.etag != etag
    read = client.get_configuration(name)
    assert read.value == wanted
    assert read.etag == published.etag
    assert read.value.Subdomain.FlexibilitySettings.HourBeforModifyBookingClosing == 3
    assert read.value.Subdomain.FlexibilitySettings.UseCodeChallange is True
    # Published lists.
    assert [c.Name for c in client.clinics(name)] == ["Opus Tandläkarna"]
    assert [
        (c.ID, c.ClinicID, c.ClinicianPersonalDataConsents) for c in client.clinicians(name)
    ] == [(11, 1, [1, 2])]
    assert [t.Name for t in client.treatments(name)] == ["Undersökning"]


def test_secret_clinic_password_is_not_kept(client: PortalClient) -> None:
    name, base, etag = claimed(client)
    wanted = sample_configuration(base, 1)
    clinic = wanted.Clinics[0].model_copy(update={"LinkMobilityPassword": "sms-lösen"})
    wanted = wanted.model_copy(update={"Clinics": [clinic]})
    client.replace_configuration(name, wanted, etag)
    assert client.clinics(name)[0].LinkMobilityPassword == ""


def test_uploads(client: PortalClient) -> None:
    name, _, _ = claimed(client)
    photo = png()
    ref = client.upload_practitioner_photo(name, 11, photo, "image/png")
    assert ref.ContentType == "image/png"
    assert ref.Size == len(photo)
    assert len(ref.Reference) <= 1000
    assert client.practitioner_photo(name, 11) == photo
    assert client.practitioner_photo(name, 12) is None
    # The reference points at the served photo.
    assert httpx.get(ref.Reference, headers={"apiKey": KEY}).content == photo
    logo = png(32)
    logo_ref = client.upload_logo(name, logo, "image/png")
    assert logo_ref.Sha256 != ref.Sha256
    assert client.logo(name) == logo


def test_upload_errors(client: PortalClient) -> None:
    name, _, _ = claimed(client)
    big = png(120, noise=True)
    assert len(big) > wm.PHOTO_MAX_BYTES
    with pytest.raises(PortalError) as info:
        client.upload_practitioner_photo(name, 11, big, "image/png")
    assert (info.value.kind, info.value.status) == ("invalid", 413)
    with pytest.raises(PortalError) as info:
        client.upload_practitioner_photo(name, 11, b"GIF89a....", "image/gif")
    assert (info.value.kind, info.value.status) == ("invalid", 415)
    with pytest.raises(PortalError) as info:
        client.upload_logo(name, b"not a png at all", "image/png")
    assert (info.value.kind, info.value.status, info.value.field) == ("invalid", 422, "body")


# --- error mapping ----------------------------------------------------------------------------


def test_unknown_key_is_credentials(emulator: RunningEmulator) -> None:
    with (
        PortalClient(emulator.url, "fel-nyckel", retry=FAST) as bad,
        pytest.raises(PortalError) as info,
    ):
        bad.availability("abcdef")
    assert (info.value.kind, info.value.status) == ("credentials", 401)
    assert "API-nyckeln" in info.value.message


def test_other_account_is_forbidden(client: PortalClient, other: PortalClient) -> None:
    name, _, _ = claimed(client)
    with pytest.raises(PortalError) as info:
        other.get_configuration(name)
    assert (info.value.kind, info.value.status) == ("credentials", 403)


def test_unknown_subdomain(client: PortalClient) -> None:
    name = fresh_name()
    for call in (
        client.get_configuration,
        client.get_subdomain,
        client.clinics,
        client.clinicians,
        client.treatments,
    ):
        with pytest.raises(PortalError) as info:
            call(name)
        assert (info.value.kind, info.value.status) == ("unknown_subdomain", 404)
        assert name in info.value.message


def test_conflict_keeps_portal_version(client: PortalClient, emulator: RunningEmulator) -> None:
    name, base, etag = claimed(client)
    set_faults(emulator, ConcurrentChange=True)
    mine = sample_configuration(base, 8)
    with pytest.raises(PortalError) as info:
        client.replace_configuration(name, mine, etag)
    error = info.value
    assert (error.kind, error.status) == ("conflict", 412)
    assert error.current is not None
    assert error.current_etag and error.current_etag != etag
    # The portal's change (made "by someone else") is there, ours is not.
    theirs = client.get_configuration(name)
    assert theirs.etag == error.current_etag
    assert theirs.value == error.current
    assert theirs.value.Subdomain.FlexibilitySettings.HourBeforModifyBookingClosing == 1
    assert theirs.value.Clinics == []
    # Publishing on top of the portal's version works.
    done = client.replace_configuration(name, mine, error.current_etag)
    assert done.value == mine


def test_invalid_body_reports_field(client: PortalClient) -> None:
    name, base, etag = claimed(client)
    wrong = sample_configuration(base, 1)
    wrong = wrong.model_copy(
        update={"Subdomain": wrong.Subdomain.model_copy(update={"Name": "annan-doman"})}
    )
    with pytest.raises(PortalError) as info:
        client.replace_configuration(name, wrong, etag)
    assert (info.value.kind, info.value.status) == ("invalid", 422)
    assert info.value.field == "Subdomain.Name"
    assert "Subdomain.Name" in info.value.message


def test_server_errors_are_unreachable(client: PortalClient, emulator: RunningEmulator) -> None:
    set_faults(emulator, ErrorRate=1.0)
    before = stats(emulator)["InjectedErrors"]
    with pytest.raises(PortalError) as info:
        client.health()
    assert (info.value.kind, info.value.status) == ("unreachable", 503)
    assert info.value.message == UNREACHABLE_MESSAGE
    # Reads are retried: every attempt reached the emulator.
    assert stats(emulator)["InjectedErrors"] == before + FAST.attempts  # type: ignore[operator]


def test_dropped_connections_are_unreachable(
    client: PortalClient, emulator: RunningEmulator
) -> None:
    set_faults(emulator, DropRate=1.0)
    with pytest.raises(PortalError) as info:
        client.health()
    assert info.value.kind == "unreachable"
    assert info.value.status is None


def test_timeout_is_unreachable(emulator: RunningEmulator) -> None:
    set_faults(emulator, LatencyMs=400)
    quick = RetryPolicy(attempts=2, timeout=5, wait_initial=0.001, wait_max=0.001, wait_jitter=0)
    impatient = PortalClient(emulator.url, KEY, retry=quick, timeout=0.05)
    with impatient, pytest.raises(PortalError) as info:
        impatient.health()
    assert info.value.kind == "unreachable"
    assert info.value.message == UNREACHABLE_MESSAGE


def test_connection_refused_is_unreachable() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    quick = RetryPolicy(attempts=2, timeout=5, wait_initial=0.001, wait_max=0.001, wait_jitter=0)
    nowhere = PortalClient(f"http://127.0.0.1:{port}", KEY, retry=quick)
    with nowhere, pytest.raises(PortalError) as info:
        nowhere.health()
    assert info.value.kind == "unreachable"


def test_plain_http_only_to_loopback() -> None:
    with pytest.raises(PortalError) as info:
        PortalClient("http://portal.opusdentalonline.com", KEY)
    assert info.value.kind == "invalid"
    with pytest.raises(PortalError) as info:
        PortalClient("https://portal.example", "")
    assert info.value.kind == "credentials"


# --- idempotency ------------------------------------------------------------------------------


def test_replayed_key_is_applied_once(client: PortalClient, emulator: RunningEmulator) -> None:
    name, base, etag = claimed(client)
    wanted = sample_configuration(base, 2)
    key = f"pub-{uuid.uuid4().hex}"
    first = client.replace_configuration(name, wanted, etag, idempotency_key=key)
    second = client.replace_configuration(name, wanted, etag, idempotency_key=key)
    assert second == first
    applications = stats(emulator)["Applications"]
    assert isinstance(applications, dict)
    assert applications[key] == 1


def test_writes_survive_lost_responses(client: PortalClient, emulator: RunningEmulator) -> None:
    name, base, etag = claimed(client)
    set_faults(emulator, DropRate=0.5)
    keys = []
    for marker in range(6):
        key = f"drop-{uuid.uuid4().hex}"
        keys.append(key)
        etag = client.replace_configuration(
            name, sample_configuration(base, marker), etag, idempotency_key=key
        ).etag
    set_faults(emulator, DropRate=0.0)
    applications = stats(emulator)["Applications"]
    assert isinstance(applications, dict)
    assert [applications.get(k) for k in keys] == [1] * 6
    final = client.get_configuration(name).value
    assert final.Subdomain.FlexibilitySettings.HourBeforModifyBookingClosing == 5


# --- secrets ----------------------------------------------------------------------------------


def test_api_key_never_leaks(
    emulator: RunningEmulator, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    caplog.set_level(logging.DEBUG)
    texts: list[str] = []
    client = PortalClient(emulator.url, KEY, retry=FAST)
    texts += [repr(client), str(vars(client).get("base_url"))]
    name, base, etag = claimed(client)
    client.replace_configuration(name, sample_configuration(base, 1), etag)

    def failing(call: object) -> None:
        try:
            call()  # type: ignore[operator]
        except PortalError as exc:
            texts.extend([str(exc), repr(exc), exc.message, exc.field])

    failing(lambda: client.replace_configuration(name, sample_configuration(base, 2), etag))
    failing(lambda: client.get_configuration(fresh_name()))
    failing(lambda: client.upload_logo(name, b"x", "image/png"))
    set_faults(emulator, ErrorRate=1.0)
    failing(client.health)
    set_faults(emulator, ErrorRate=0.0, DropRate=1.0)
    failing(client.health)
    set_faults(emulator, DropRate=0.0)
    with PortalClient(emulator.url, KEY + "-fel", retry=FAST) as wrong:
        failing(lambda: wrong.availability("abcdef"))
    client.close()
    captured = capsys.readouterr()
    texts += [caplog.text, captured.out, captured.err]
    texts += [r.getMessage() + repr(r.args) + repr(r.__dict__) for r in caplog.records]
    assert len(texts) > 10
    for text in texts:
        assert KEY not in text
    assert client.scrub(f"nyckel {KEY}") == "nyckel •••"
