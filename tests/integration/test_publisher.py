"""Publishing from a real store (SQLite) to the emulator over loopback: diff, claim, photos,
conflicts, offline outbox, exactly-once through faults, and the ``publish`` command."""

from __future__ import annotations

import io
import time
import uuid
from collections.abc import Iterator
from contextlib import redirect_stdout
from dataclasses import replace
from pathlib import Path

import httpx
import pytest

from opus_tui.cli import main
from opus_tui.domain import (
    ConnectionSettings,
    Consent,
    PortalAccount,
    PractitionerProfile,
    PublishedClinic,
    PublishedPractitioner,
    WebConfiguration,
)
from opus_tui.domain import config as dc
from opus_tui.domain.connections import API_KEY_SECRET
from opus_tui.services import wire
from opus_tui.services.portal import PortalClient, RetryPolicy
from opus_tui.services.portal_emulator import RunningEmulator, running_emulator
from opus_tui.services.publisher import Publisher, PublishError
from opus_tui.store import Store, open_store

KEY = "publicerings-nyckel-4d2a"
FAST = RetryPolicy(attempts=6, timeout=20.0, wait_initial=0.002, wait_max=0.01, wait_jitter=0.005)
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
    b"\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture
def emulator() -> Iterator[RunningEmulator]:
    with running_emulator(api_keys=[KEY], seed=11) as emu:
        yield emu


@pytest.fixture
def store(tmp_path: Path, emulator: RunningEmulator) -> Iterator[Store]:
    with open_store(str(tmp_path / "butik.sqlite")) as s:
        s.save_connections(ConnectionSettings(account=PortalAccount(url=emulator.url)))
        s.set_secret(API_KEY_SECRET, KEY)
        yield s


@pytest.fixture
def client(emulator: RunningEmulator) -> Iterator[PortalClient]:
    with PortalClient(emulator.url, KEY, retry=FAST) as c:
        yield c


def faults(emu: RunningEmulator, **values: object) -> None:
    emu.emulator.faults.update({"ErrorRate": 0, "DropRate": 0, **values})


def configuration(name: str, i: int = 0, photo: str = "") -> WebConfiguration:
    clinic = PublishedClinic(
        database="Opus Malmö",
        clinic_id="1",
        name="Opus Tandläkarna",
        group="MALMÖ",
        practitioners=[
            PublishedPractitioner(practitioner_id="11", name="Olle Ohlsson", title="Tandläkare")
        ],
    )
    profiles = (
        [PractitionerProfile(database="Opus Malmö", practitioner_id="11", photo=photo, text="Hej")]
        if photo
        else []
    )
    return WebConfiguration(
        subdomain=dc.SubdomainSettings(name=name),
        clinics=dc.ClinicsSettings(published=[clinic]),
        practitioners=dc.PractitionerSettings(
            profiles=profiles,
            consents=[
                Consent(
                    database="Opus Malmö",
                    practitioner_id="11",
                    clinic_id="1",
                    photo=True,
                    title=True,
                )
            ],
        ),
        flexibility=dc.FlexibilitySettings(
            general=dc.GeneralSettings(any_clinic=i % 2 == 1),
            booking=dc.BookingSettings(hours_limit=i),
        ),
        media=dc.MediaSettings(texts=dc.GeneralTexts(welcome_text="A" if i % 2 == 0 else "B")),
    )


def portal_side(client: PortalClient, store: Store) -> WebConfiguration:
    config = store.load_config()
    dbs, ids = wire.known_identifiers(config)
    return wire.from_wire(
        client.get_configuration(config.subdomain.name).value, databases=dbs, ids=ids
    )


def test_first_publication_claims_and_publishes(store: Store, client: PortalClient) -> None:
    name = f"klinik-{uuid.uuid4().hex[:8]}"
    store.save_config(configuration(name, 1), summary="test")
    publisher = Publisher(store, client)
    assert publisher.status() == "unpublished"
    plan = publisher.prepare(upload=False)
    assert plan.claim_needed
    text = "\n".join(plan.describe())
    assert f"Underdomänen {name} reserveras" in text
    assert "Flexibilitet:" in text
    assert "Visa 'Vilken klinik som helst' av → på" in text
    assert client.availability(name).Available is True  # a dry run claims nothing
    outcome = publisher.publish(publisher.prepare())
    assert outcome.status == "published", outcome.message
    assert name in outcome.message
    assert publisher.status() == "published"
    assert portal_side(client, store) == plan.local
    again = publisher.prepare()
    assert not again.has_changes
    assert publisher.publish(again).status == "nothing"


def test_header_says_when_a_save_has_not_been_published(store: Store, client: PortalClient) -> None:
    from opus_tui.services.publisher import status_label

    name = f"klinik-{uuid.uuid4().hex[:8]}"
    store.save_config(configuration(name, 1), summary="test")
    publisher = Publisher(store, client)
    assert status_label(store) == "ej publicerad"
    assert publisher.publish(publisher.prepare()).status == "published"
    assert (publisher.status(), status_label(store)) == ("published", "publicerad")
    store.save_config(configuration(name, 2), summary="efter publiceringen")
    assert (publisher.status(), status_label(store)) == ("changed", "opublicerade ändringar")
    assert publisher.publish(publisher.prepare()).status == "published"
    assert status_label(store) == "publicerad"


def big_jpeg(path: Path) -> bytes:
    """A 4000×3000 camera-like JPEG (noise does not compress), with EXIF."""
    from PIL import Image

    noise = Image.effect_noise((4000, 3000), 80).convert("RGB")
    exif = Image.Exif()
    exif[0x010F] = "Kamera AB"  # Make
    noise.save(path, "JPEG", quality=92, exif=exif)
    return path.read_bytes()


def test_photo_is_fitted_uploaded_and_referenced(
    store: Store, client: PortalClient, tmp_path: Path
) -> None:
    from PIL import Image

    from opus_tui.services import images

    original = big_jpeg(tmp_path / "olle.jpg")
    assert len(original) > 1_000_000
    (tmp_path / "logo.png").write_bytes(PNG)
    name = f"foto-{uuid.uuid4().hex[:8]}"
    config = configuration(name, photo="olle.jpg")
    config = config.model_copy(
        update={
            "media": config.media.model_copy(
                update={"branding": dc.Branding(colour="#112233", logo="logo.png")}
            )
        }
    )
    store.save_config(config, summary="test")
    publisher = Publisher(store, client, image_root=tmp_path)
    assert publisher.publish(publisher.prepare()).status == "published"
    row = client.clinicians(name)[0]
    assert row.ProfileImage.startswith("http://127.0.0.1")
    assert row.ClinicianPersonalDataConsents == [1, 2]
    sent = client.practitioner_photo(name, 11)
    assert sent is not None and len(sent) <= 25 * 1024
    assert sent == images.fit_photo(original).data  # the fitted photo, not the original
    with Image.open(io.BytesIO(sent)) as photo:
        assert photo.format == "JPEG"
        assert photo.size == (300, 400)
        assert not photo.getexif()
    assert (tmp_path / "olle.jpg").read_bytes() == original  # the original is untouched
    assert sorted(p.name for p in tmp_path.glob("*.*g")) == ["logo.png", "olle.jpg"]
    logo = client.get_configuration(name).value.Subdomain.MediaSettings.MediaContainer["Logo"]
    assert logo.startswith("http://127.0.0.1")
    assert not publisher.prepare().has_changes  # the same bytes: the same reference


def truncated_jpeg() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.effect_noise((400, 400), 60).convert("RGB").save(out, "JPEG")
    return out.getvalue()[: len(out.getvalue()) // 2]


@pytest.mark.parametrize(
    ("kind", "message"),
    [("text", "ingen bild som kan läsas"), ("truncated", "skadad eller ofullständig")],
)
def test_refused_photo_blocks_the_publication(
    store: Store, client: PortalClient, tmp_path: Path, kind: str, message: str
) -> None:
    content = "det här är ingen bild".encode() if kind == "text" else truncated_jpeg()
    (tmp_path / "fel.png").write_bytes(content)
    name = f"fel-{uuid.uuid4().hex[:8]}"
    store.save_config(configuration(name, 1), summary="test")
    publisher = Publisher(store, client, image_root=tmp_path)
    assert publisher.publish(publisher.prepare()).status == "published"
    store.save_config(configuration(name, 1, photo="fel.png"), summary="test")
    with pytest.raises(PublishError) as caught:
        publisher.prepare()
    assert "Profilbilden fel.png kan inte publiceras" in str(caught.value)
    assert message in str(caught.value)
    assert store.pending_publications() == []
    assert (tmp_path / "fel.png").read_bytes() == content
    assert client.clinicians(name)[0].ProfileImage == ""


def test_html_in_a_heading_blocks_the_publication(store: Store, client: PortalClient) -> None:
    name = f"html-{uuid.uuid4().hex[:8]}"
    config = configuration(name, 1)
    clinic_texts = dc.ClinicTexts(header="<script>alert(1)</script>")
    store.save_config(
        config.model_copy(
            update={"media": config.media.model_copy(update={"clinic_texts": clinic_texts})}
        ),
        summary="test",
    )
    with pytest.raises(PublishError) as caught:
        Publisher(store, client).prepare(upload=False)
    assert "HTML-taggar" in str(caught.value)
    assert client.availability(name).Available is True  # nothing claimed, nothing sent


def test_conflict_overwrites_nothing(
    store: Store, client: PortalClient, emulator: RunningEmulator
) -> None:
    name = f"konflikt-{uuid.uuid4().hex[:8]}"
    store.save_config(configuration(name, 2), summary="test")
    publisher = Publisher(store, client)
    assert publisher.publish(publisher.prepare()).status == "published"
    store.save_config(configuration(name, 4), summary="test")
    plan = publisher.prepare()
    faults(emulator, ConcurrentChange=True)  # someone changes the portal after our read
    outcome = publisher.publish(plan)
    assert outcome.status == "conflict"
    assert outcome.conflict is not None
    assert publisher.status() == "conflict"
    # The portal keeps the other change (hours 2 → 3), not ours (4).
    theirs = portal_side(client, store)
    assert theirs.flexibility.booking.hours_limit == 3
    assert outcome.conflict.portal.flexibility.booking.hours_limit == 3
    assert outcome.conflict.local.flexibility.booking.hours_limit == 4
    lines = [c.describe() for group in outcome.conflict.by_tab() for c in group.changes]
    assert any("3 timmar → 4 timmar" in line for line in lines), lines
    assert store.pending_publications() == []
    # After review, publishing again builds on the portal's current version.
    retry = publisher.prepare()
    assert [c.describe() for c in retry.changes] == [c.describe() for c in outcome.conflict.changes]
    assert publisher.publish(retry).status == "published"
    assert portal_side(client, store).flexibility.booking.hours_limit == 4


def test_conflict_tells_the_portals_changes_from_ours(
    store: Store, client: PortalClient, emulator: RunningEmulator
) -> None:
    """Both sides differ in every line of a conflict; which of them Skriv över would undo (the
    other side's change since our plan read the portal) was not said."""
    name = f"tre-{uuid.uuid4().hex[:8]}"
    store.save_config(configuration(name, 2), summary="test")
    publisher = Publisher(store, client)
    assert publisher.publish(publisher.prepare()).status == "published"
    ours = configuration(name, 2)
    ours = ours.model_copy(
        update={"media": dc.MediaSettings(texts=dc.GeneralTexts(welcome_text="Vår text"))}
    )
    store.save_config(ours, summary="vår")
    plan = publisher.prepare()
    faults(emulator, ConcurrentChange=True)  # theirs: hours 2 → 3 on the portal
    outcome = publisher.publish(plan)
    assert outcome.status == "conflict" and outcome.conflict is not None
    on_portal, only_ours = outcome.conflict.split()
    assert [c.describe() for c in on_portal] == [
        "Avbokning/ombokning kan inte göras inom 3 timmar → 2 timmar"
    ]
    assert [c.describe() for c in only_ours] == ["Välkommen text 'A' → 'Vår text'"]
    # Without the plan's view of the portal, nothing is claimed to be theirs.
    unknown = replace(outcome.conflict, base=None)
    assert unknown.split() == ([], outcome.conflict.changes)


def test_offline_publication_waits_in_outbox(
    store: Store, client: PortalClient, emulator: RunningEmulator
) -> None:
    name = f"utkorg-{uuid.uuid4().hex[:8]}"
    store.save_config(configuration(name, 0), summary="test")
    publisher = Publisher(store, client)
    publisher.publish(publisher.prepare())
    faults(emulator, ErrorRate=1.0)
    store.save_config(configuration(name, 5), summary="test")
    plan = publisher.prepare()
    assert plan.offline
    assert any("5" in c.describe() for c in plan.changes)
    outcome = publisher.publish(plan)
    assert outcome.status == "pending"
    assert "publiceras senare" in outcome.message
    store.save_config(configuration(name, 7), summary="test")
    assert publisher.publish(publisher.prepare()).status == "pending"
    assert publisher.status() == "pending"
    assert len(store.pending_publications()) == 2
    faults(emulator)
    done = publisher.send_pending()
    assert (done.status, done.sent) == ("published", 2)
    assert store.pending_publications() == []
    assert portal_side(client, store).flexibility.booking.hours_limit == 7


def test_two_hundred_publications_exactly_once(
    store: Store, client: PortalClient, emulator: RunningEmulator
) -> None:
    name = f"fel-{uuid.uuid4().hex[:8]}"
    store.save_config(configuration(name, 0), summary="test")
    # Few retries per call, so that the outbox (not only the client's retries) does the work.
    impatient = RetryPolicy(attempts=2, timeout=5.0, wait_initial=0.001, wait_max=0.002)
    publisher = Publisher(store, PortalClient(emulator.url, KEY, retry=impatient))
    publisher.publish(publisher.prepare())
    faults(emulator, ErrorRate=0.3, DropRate=0.1)
    started = time.perf_counter()
    outcomes: dict[str, int] = {}
    for i in range(1, 201):
        store.save_config(configuration(name, i), summary="test")
        status: str
        try:
            plan = publisher.prepare()
            status = publisher.publish(plan).status
        except Exception as exc:  # unreachable before anything was queued
            status = type(exc).__name__
        outcomes[status] = outcomes.get(status, 0) + 1
    faults(emulator)
    final = publisher.send_pending()
    elapsed = time.perf_counter() - started
    assert final.status in ("published", "nothing")
    assert store.pending_publications() == []
    keys = [p.idempotency_key for p in store.publications()]
    stats = httpx.get(f"{emulator.url}/_emulator/stats").json()
    applied = [stats["Applications"].get(k, 0) for k in keys]
    assert max(applied) == 1  # nothing applied twice
    assert all(p.status == "applied" for p in store.publications())
    assert portal_side(client, store) == wire.from_wire(
        wire.to_wire(configuration(name, 200), client.get_configuration(name).value),
        databases=["Opus Malmö"],
        ids=["1", "11"],
    )
    assert portal_side(client, store).flexibility.booking.hours_limit == 200
    print(
        f"\n200 saves+publications in {elapsed:.1f} s: outcomes {outcomes}, "
        f"{len(keys)} queued, {sum(applied)} applied, requests {stats['Requests']}, "
        f"503 {stats['InjectedErrors']}, dropped {stats['DroppedConnections']}, "
        f"replays {stats['Replays']}"
    )


def test_publish_command(store: Store, emulator: RunningEmulator, tmp_path: Path) -> None:
    name = f"cli-{uuid.uuid4().hex[:8]}"
    store.save_config(configuration(name, 3), summary="test")
    path = str(tmp_path / "butik.sqlite")
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["--store", path, "publish", "--dry-run"]) == 0
    assert "reserveras" in out.getvalue()
    assert KEY not in out.getvalue()
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["--store", path, "publish"]) == 0
    assert "Publicerat" in out.getvalue()
    faults(emulator, ConcurrentChange=True)
    store.save_config(configuration(name, 9), summary="test")
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["--store", path, "publish"]) == 4
    assert "portalen 4 timmar · lokalt 9 timmar" in out.getvalue()
    assert "Inget skrevs över" in out.getvalue()


def test_api_key_not_in_outputs_or_store(
    store: Store,
    emulator: RunningEmulator,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import logging

    caplog.set_level(logging.DEBUG)
    name = f"hemlig-{uuid.uuid4().hex[:8]}"
    store.save_config(configuration(name, 1), summary="test")
    path = str(tmp_path / "butik.sqlite")
    codes = [main(["--store", path, "publish"])]
    faults(emulator, ConcurrentChange=True)
    store.save_config(configuration(name, 2), summary="test")
    codes.append(main(["--store", path, "publish"]))
    # Unreachable (through a client with quick retries; the command's back-off is slow).
    faults(emulator, ErrorRate=0.5, DropRate=0.5)
    quick = RetryPolicy(attempts=2, timeout=5.0, wait_initial=0.001, wait_max=0.002)
    with PortalClient(emulator.url, KEY, retry=quick) as c:
        publisher = Publisher(store, c)
        for i in (3, 4):
            store.save_config(configuration(name, i), summary="test")
            try:
                print(publisher.publish(publisher.prepare()).message)
            except Exception as exc:
                print(exc)
    faults(emulator)
    store.set_secret(API_KEY_SECRET, KEY + "-fel")
    codes.append(main(["--store", path, "publish"]))
    assert codes == [0, 4, 1]
    captured = capsys.readouterr()
    rows = store.publications()
    state = store.publish_state()
    texts = [caplog.text, captured.out, captured.err, repr(rows), repr(state)]
    texts += [repr(r.__dict__) for r in caplog.records]
    assert "Inget skrevs över" in captured.out
    assert "API-nyckeln" in captured.err
    for text in texts:
        assert KEY not in text
    raw = (tmp_path / "butik.sqlite").read_bytes()
    assert KEY.encode() not in raw
