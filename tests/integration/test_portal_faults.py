"""Publishing through a failing portal (30 % errors, dropped connections): exactly once."""

from __future__ import annotations

import time
import uuid

import httpx

from opus_tui.services import wire_models as wm
from opus_tui.services.portal import PortalClient, PortalError, RetryPolicy
from opus_tui.services.portal_emulator import Faults, running_emulator

KEY = "fel-test-nyckel-0c1d2e"
FAST = RetryPolicy(attempts=8, timeout=20.0, wait_initial=0.002, wait_max=0.01, wait_jitter=0.005)
PUBLICATIONS = 200


def variant(base: wm.Configuration, i: int) -> wm.Configuration:
    """Alternating configurations A/B; the counter makes each one distinct too."""
    flex = base.Subdomain.FlexibilitySettings.model_copy(
        update={
            "MaintenanceMode": i % 2 == 0,
            "UseCombinedView": i % 2 == 1,
            "HourBeforModifyBookingClosing": i,
        }
    )
    media = base.Subdomain.MediaSettings.model_copy(
        update={"TextContainer": {"Welcome": "A" if i % 2 == 0 else "B"}}
    )
    sub = base.Subdomain.model_copy(update={"FlexibilitySettings": flex, "MediaSettings": media})
    return base.model_copy(update={"Subdomain": sub})


def test_two_hundred_publications_through_faults() -> None:
    faults = Faults(error_rate=0.3, drop_rate=0.1)
    with running_emulator(api_keys=[KEY], seed=20261127) as emu:
        with PortalClient(emu.url, KEY, retry=RetryPolicy(attempts=1)) as setup:
            emu.emulator.faults.update({"ErrorRate": 0, "DropRate": 0})
            name = f"fel-{uuid.uuid4().hex[:8]}"
            setup.claim_subdomain(name)
            current = setup.get_configuration(name)
            emu.emulator.faults.update({"ErrorRate": faults.error_rate, "DropRate": 0.1})
        base, etag = current.value, current.etag
        keys: list[str] = []
        outbox_retries = 0
        started = time.perf_counter()
        with PortalClient(emu.url, KEY, retry=FAST) as client:
            for i in range(PUBLICATIONS):
                key = f"pub-{i}-{uuid.uuid4().hex}"
                keys.append(key)
                wanted = variant(base, i)
                while True:  # the outbox: keep the same key until the portal answers
                    try:
                        etag = client.replace_configuration(name, wanted, etag, key).etag
                        break
                    except PortalError as exc:
                        assert exc.kind == "unreachable", exc.message
                        outbox_retries += 1
            elapsed = time.perf_counter() - started
            emu.emulator.faults.update({"ErrorRate": 0, "DropRate": 0})
            final = client.get_configuration(name)
        stats = httpx.get(f"{emu.url}/_emulator/stats").json()

    applications = stats["Applications"]
    assert final.value == variant(base, PUBLICATIONS - 1)
    assert final.etag == etag
    assert [applications.get(k) for k in keys] == [1] * PUBLICATIONS
    assert stats["InjectedErrors"] > 0
    assert stats["DroppedConnections"] > 0
    print(
        f"\n{PUBLICATIONS} publications in {elapsed:.2f} s: {stats['Requests']} requests, "
        f"{stats['InjectedErrors']} injected 503, {stats['DroppedConnections']} dropped, "
        f"{stats['Replays']} replays, {outbox_retries} outbox retries, "
        f"max applications per key {max(applications[k] for k in keys)}"
    )
