"""The store does not grow without bound: the outbox drops the payloads of publications that can
never be sent again once a newer one is applied, and revision snapshots are stored compressed.
Real SQLite and real PostgreSQL; the publisher end to end against the portal emulator."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest

from opus_tui.domain import (
    ConnectionSettings,
    PortalAccount,
    WebConfiguration,
)
from opus_tui.domain.config import ClinicsSettings
from opus_tui.domain.connections import API_KEY_SECRET
from opus_tui.services.demo import chain_catalogue, generate_chain, published_clinics
from opus_tui.services.portal import PortalClient
from opus_tui.services.portal_emulator import RunningEmulator, running_emulator
from opus_tui.services.publisher import Publisher
from opus_tui.store import Store, StoreError
from opus_tui.store.repository import (
    DROPPED_PAYLOAD,
    SNAPSHOT_PREFIX,
    decode_snapshot,
    encode_snapshot,
)
from tests.integration.test_publisher import FAST, KEY, configuration, faults, portal_side


@pytest.fixture(scope="module")
def chain_config() -> WebConfiguration:
    """A realistic large configuration: 300 clinics × 30 practitioners, all published."""
    catalogue = chain_catalogue(generate_chain(300, 30, 1, 8, times_per_day=1))
    return WebConfiguration(clinics=published_clinics(catalogue))


def _raw(store: Store, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    with store.database.transaction() as tx:
        return tx.all(sql, params)


def _stored_payloads(store: Store) -> dict[int, str]:
    return dict(_raw(store, "SELECT id, payload FROM outbox"))


def _payload(n: int) -> dict[str, Any]:
    return {"subdomain": "klinik", "wire": {"Name": "klinik", "N": n, "Text": "å" * 500}}


# --- outbox ---------------------------------------------------------------------------------


def test_older_applied_payloads_are_dropped_when_a_newer_one_is_applied(store: Store) -> None:
    first = store.enqueue_publication(_payload(1), None, "key-1")
    store.mark_applied(first, "etag-1", "{}")
    [one] = store.publications()
    assert one.payload == _payload(1)  # the newest applied one keeps its payload

    second = store.enqueue_publication(_payload(2), "etag-1", "key-2")
    store.mark_failed(second, "timeout")
    store.mark_applied(second, "etag-2", "{}")
    old, new = store.publications()
    assert old.payload == {} and new.payload == _payload(2)
    assert _stored_payloads(store)[first] == DROPPED_PAYLOAD
    # The history stays: status, key, base, attempts, times.
    assert (old.id, old.status, old.idempotency_key, old.base_etag, old.attempts) == (
        first,
        "applied",
        "key-1",
        None,
        1,
    )
    assert isinstance(old.created_at, datetime) and isinstance(old.applied_at, datetime)
    assert (new.status, new.attempts, new.last_error) == ("applied", 2, "timeout")
    assert store.publication_statuses() == ["applied", "applied"]
    state = store.publish_state()
    assert state is not None and state.etag == "etag-2"

    third = store.enqueue_publication(_payload(3), "etag-2", "key-3")
    store.mark_applied(third, "etag-3", "{}")
    assert [p.payload for p in store.publications()] == [{}, {}, _payload(3)]


def test_waiting_and_current_conflict_payloads_are_kept(store: Store) -> None:
    applied = store.enqueue_publication(_payload(1), None, "a")
    conflict = store.enqueue_publication(_payload(2), None, "b")
    store.mark_applied(applied, "etag-1", "{}")
    store.mark_conflict(conflict, '{"etag": "etag-x", "current": null}')
    rejected = store.enqueue_publication(_payload(3), "etag-x", "c")
    store.mark_rejected(rejected, "400: ogiltig underdomän")
    failed = store.enqueue_publication(_payload(4), "etag-x", "d")
    store.mark_failed(failed, "nås inte")
    pending = store.enqueue_publication(_payload(5), "etag-x", "e")
    # Nothing newer than the conflict was applied: every payload is still there.
    assert [p.payload for p in store.publications()] == [_payload(n) for n in range(1, 6)]

    # A newer publication is applied (e.g. Skriv över after the conflict).
    newest = store.enqueue_publication(_payload(6), "etag-x", "f")
    store.mark_applied(newest, "etag-2", "{}")
    rows = {p.id: p for p in store.publications()}
    # Final and older than it: dropped (and the conflict's copy of the portal's side).
    assert rows[applied].payload == {} and rows[conflict].payload == {}
    assert rows[rejected].payload == {}
    assert rows[conflict].portal_body is None
    assert (rows[conflict].status, rows[rejected].status) == ("conflict", "rejected")
    assert rows[rejected].last_error == "400: ogiltig underdomän"
    # Still to be sent: kept, whatever their age.
    assert rows[failed].payload == _payload(4) and rows[failed].last_error == "nås inte"
    assert rows[pending].payload == _payload(5)
    assert [p.payload for p in store.pending_publications()] == [_payload(4), _payload(5)]
    assert rows[newest].payload == _payload(6)
    assert store.publication_statuses() == [
        "applied",
        "conflict",
        "rejected",
        "failed",
        "pending",
        "applied",
    ]


def test_a_conflict_newer_than_the_applied_one_keeps_its_payload(store: Store) -> None:
    applied = store.enqueue_publication(_payload(1), None, "a")
    conflict = store.enqueue_publication(_payload(2), None, "b")
    store.mark_conflict(conflict, '{"etag": "etag-x"}')
    store.mark_applied(applied, "etag-1", "{}")
    rows = {p.id: p for p in store.publications()}
    assert rows[conflict].payload == _payload(2)
    assert rows[conflict].portal_body == '{"etag": "etag-x"}'
    assert rows[applied].payload == _payload(1)


def test_an_empty_stored_payload_reads_as_empty(store: Store) -> None:
    key = store.enqueue_publication(_payload(1), None, "a")
    with store.database.transaction(write=True) as tx:
        tx.execute("UPDATE outbox SET payload = '' WHERE id = ?", (key,))
    assert store.publications()[0].payload == {}


# --- the publisher end to end ----------------------------------------------------------------


@pytest.fixture
def emulator() -> Iterator[RunningEmulator]:
    with running_emulator(api_keys=[KEY], seed=11) as emu:
        yield emu


def test_publisher_end_to_end_keeps_only_what_it_needs(
    store: Store, emulator: RunningEmulator
) -> None:
    store.save_connections(ConnectionSettings(account=PortalAccount(url=emulator.url)))
    store.set_secret(API_KEY_SECRET, KEY)
    name = f"tillvaxt-{uuid.uuid4().hex[:8]}"
    with PortalClient(emulator.url, KEY, retry=FAST) as client:
        publisher = Publisher(store, client)
        for i in (1, 2, 3):
            store.save_config(configuration(name, i), summary="test")
            assert publisher.publish(publisher.prepare()).status == "published"
        rows = store.publications()
        assert [p.status for p in rows] == ["applied"] * 3
        assert [bool(p.payload) for p in rows] == [False, False, True]
        assert rows[-1].payload["subdomain"] == name

        # Offline: the waiting publication keeps its payload, and is sent later.
        faults(emulator, ErrorRate=1.0)
        store.save_config(configuration(name, 4), summary="test")
        assert publisher.publish(publisher.prepare()).status == "pending"
        assert [bool(p.payload) for p in store.pending_publications()] == [True]
        faults(emulator)
        done = publisher.send_pending()
        assert (done.status, done.sent) == ("published", 1)
        assert [bool(p.payload) for p in store.publications()] == [False] * 3 + [True]

        # A conflict: the publication keeps its payload until a newer one is applied.
        store.save_config(configuration(name, 5), summary="test")
        plan = publisher.prepare()
        faults(emulator, ConcurrentChange=True)
        outcome = publisher.publish(plan)
        assert outcome.status == "conflict" and outcome.conflict is not None
        assert publisher.status() == "conflict"
        conflicted = store.publications()[-1]
        assert conflicted.status == "conflict" and conflicted.payload["subdomain"] == name
        assert conflicted.portal_body is not None
        # Skriv över: built on the portal's current version.
        done = publisher.publish(publisher.prepare())
        assert (done.status, done.sent) == ("published", 1)
        assert publisher.status() == "published"
        assert portal_side(client, store).flexibility.booking.hours_limit == 5

    rows = store.publications()
    assert [p.status for p in rows] == ["applied"] * 4 + ["conflict", "applied"]
    assert [bool(p.payload) for p in rows] == [False] * 5 + [True]
    assert rows[4].portal_body is None and rows[3].last_error is not None
    assert len({p.idempotency_key for p in rows}) == 6
    assert [p.applied_at is not None for p in rows] == [True] * 4 + [False, True]
    # In the store: one payload's worth of JSON, not six.
    [(total,)] = _raw(store, "SELECT SUM(LENGTH(payload)) FROM outbox")
    assert total < len(_stored_payloads(store)[rows[-1].id]) + 6 * len(DROPPED_PAYLOAD)


# --- revision snapshots ----------------------------------------------------------------------


def test_snapshot_encoding_round_trips() -> None:
    text = WebConfiguration().model_dump_json()
    stored = encode_snapshot(text)
    assert stored.startswith(SNAPSHOT_PREFIX) and stored.isascii()
    assert decode_snapshot(stored) == text
    assert decode_snapshot(text) == text  # plain JSON (older stores) as it is
    with pytest.raises(ValueError):
        decode_snapshot(SNAPSHOT_PREFIX + "inte base64!")


def test_large_revision_is_stored_compressed_and_restores(
    store: Store, chain_config: WebConfiguration
) -> None:
    first = store.save_config(chain_config, summary="kedjan")
    assert store.revision_config(first.id) == chain_config
    [(stored,)] = _raw(store, "SELECT snapshot FROM revision WHERE id = ?", (first.id,))
    plain = chain_config.model_dump_json().encode("utf-8")
    assert stored.startswith(SNAPSHOT_PREFIX)
    assert len(stored.encode("utf-8")) < len(plain) / 3  # about 1/8 measured
    print(f"\nrevision snapshot 300 × 30: {len(plain)} B JSON, {len(stored)} B stored")

    # Save → restore gives the same configuration.
    store.save_section("clinics", ClinicsSettings(), summary="tömd")
    assert store.load_config().clinics.published == []
    restored = store.restore(first.id)
    assert store.load_config() == chain_config
    assert store.revision_config(restored.id) == chain_config


def test_old_plain_json_revision_still_restores(store: Store) -> None:
    config = configuration("gammal-butik", 3)
    with store.database.transaction(write=True) as tx:
        old = tx.insert_id(
            "INSERT INTO revision (created_at, os_user, section, summary, snapshot)"
            " VALUES (?, ?, ?, ?, ?)",
            (tx.dt(datetime(2026, 1, 2, 3, 4, 5)), "olle", "*", "gammal", config.model_dump_json()),
        )
    assert store.revision_config(old) == config
    store.restore(old)
    assert store.load_config() == config
    newest = store.history(1)[0]
    [(stored,)] = _raw(store, "SELECT snapshot FROM revision WHERE id = ?", (newest.id,))
    assert stored.startswith(SNAPSHOT_PREFIX)  # new saves are compressed


def test_damaged_snapshot_is_a_store_error(store: Store) -> None:
    revision = store.save_config(configuration("skadad", 1), summary="test")
    with store.database.transaction(write=True) as tx:
        tx.execute(
            "UPDATE revision SET snapshot = ? WHERE id = ?",
            (SNAPSHOT_PREFIX + "AAAA", revision.id),
        )
    with pytest.raises(StoreError, match="skadad"):
        store.revision_config(revision.id)
