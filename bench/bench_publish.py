"""Publishing (sync) a 300 clinics × 30 practitioners configuration to the portal emulator over
real loopback HTTP, through the real publisher, against bare httpx sending the same requests.

The store is built like ``bench.bench_startup.build_large_store`` (a synthetic chain, every clinic
and practitioner published on Kliniker) into a temporary SQLite store; the emulator runs on a free
127.0.0.1 port in a background thread, started the way ``tests/integration`` start it
(``running_emulator``). One ``PortalClient`` and one bare ``httpx.Client`` stay open for the run.

Rows (``ratio`` = ours / baseline: the factor our own work adds on top of the HTTP exchanges):
- ``first publication``: a new subdomain name is saved (not timed), then ``Publisher.prepare()`` +
  ``Publisher.publish(plan)`` as ``opus-tui publish`` does: read the portal (404), claim, read
  again, build the wire body and the readable diff, queue it in the store's outbox, PUT it with
  ``If-Match`` and an idempotency key, mark it applied. Baseline: bare httpx making the same
  requests (same client settings) with the same body, serialised before the clock starts.
- ``second publication, one setting changed``: one flexibility setting saved (not timed), then
  prepare + publish again. The contract replaces the whole configuration, so the whole body is
  sent again; only the readable diff is limited to the change. Baseline: GET + PUT, bare.
- ``wire conversion``: ``wire.to_wire`` (domain → wire models, on top of the portal's current
  version) + ``model_dump_json`` against ``json.dumps`` of the resulting dict.

Rounds alternate which side goes first. Knobs: ``BENCH_PUBLISH_ROUNDS`` (default 5) and
``BENCH_PUBLISH_BUDGET`` (seconds, default 40: no new round starts after it, once two are done).
Run: ``python -m bench.bench_publish`` (or ``python -m bench publish``, ``make bench``).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

os.environ.setdefault("OPUS_TUI_KEY_FILE", str(Path(tempfile.gettempdir()) / "opus-bench.key"))

from bench import stats  # noqa: E402 - after the path and key file
from bench.bench_startup import build_chain_store  # noqa: E402

if TYPE_CHECKING:
    import httpx

    from opus_tui.services.portal import PortalClient
    from opus_tui.services.portal_emulator import RunningEmulator
    from opus_tui.store import Store

CLINICS, PRACTITIONERS = 300, 30
API_KEY = "bench-publicering-nyckel"
WIRE_REPEATS = 7
MIN_ROUNDS = 2


def _env_number(name: str, default: float) -> float:
    raw = os.environ.get(name, "")
    return float(raw) if raw.strip() else default


def _row(name: str, ours: list[float], base_name: str, base: list[float]) -> dict[str, Any]:
    return stats.row(name, "s", ours, base_name, base)


def _size(n: int) -> str:
    return f"{n / 2**20:.1f} MiB" if n >= 2**20 else f"{n / 1024:.1f} KiB"


def _timed(fn: Callable[[], object]) -> float:
    began = time.perf_counter()
    fn()
    return time.perf_counter() - began


# -- our side: the real publisher -----------------------------------------------------------------


@dataclass
class _Ours:
    store: Store
    client: PortalClient
    emu: RunningEmulator
    requests: dict[str, int] = field(default_factory=dict)  # per step, seen by the emulator

    def _publish(self, step: str) -> tuple[float, dict[str, Any]]:
        from opus_tui.services.publisher import Publisher

        publisher = Publisher(self.store, self.client)
        stats = self.emu.emulator.state.stats
        before = stats.requests
        began = time.perf_counter()
        outcome = publisher.publish(publisher.prepare())
        took = time.perf_counter() - began
        if outcome.status != "published":
            raise RuntimeError(f"{step}: {outcome.status}: {outcome.message}")
        self.requests[step] = stats.requests - before
        wire: dict[str, Any] = self.store.publications()[-1].payload["wire"]
        return took, wire

    def first(self, name: str) -> tuple[float, dict[str, Any]]:
        from opus_tui.domain.config import SubdomainSettings

        self.store.save_section("subdomain", SubdomainSettings(name=name), summary="bench")
        return self._publish("first")

    def second(self) -> tuple[float, dict[str, Any]]:
        flex = self.store.load_config().flexibility
        flex.booking.hours_limit = (flex.booking.hours_limit + 1) % 48
        self.store.save_section("flexibility", flex, summary="bench")
        return self._publish("second")


# -- baseline: bare httpx, the same requests and bodies -------------------------------------------


def bare_client() -> httpx.Client:
    """An httpx client with PortalClient's settings (TLS context, timeouts, headers)."""
    import ssl

    import certifi
    import httpx

    return httpx.Client(
        verify=ssl.create_default_context(cafile=certifi.where()),
        timeout=httpx.Timeout(10.0, connect=5.0),
        headers={"Accept": "application/json", "User-Agent": "opus-tui", "apiKey": API_KEY},
        follow_redirects=False,
    )


def wire_bytes(wire: dict[str, Any], name: str) -> bytes:
    """``wire`` for subdomain ``name``, serialised as PortalClient sends it."""
    from opus_tui.services import wire_models as wm

    data = {**wire, "Subdomain": {**wire["Subdomain"], "Name": name}}
    return wm.Configuration.model_validate(data, strict=False).model_dump_json().encode("utf-8")


@dataclass
class _Bare:
    http: httpx.Client
    emu: RunningEmulator
    requests: dict[str, int] = field(default_factory=dict)

    def _call(self, method: str, url: str, ok: int, **kwargs: Any) -> httpx.Response:
        response = self.http.request(method, url, **kwargs)
        if response.status_code != ok:
            raise RuntimeError(f"bare {method} {url}: HTTP {response.status_code}")
        return response

    def _put(self, url: str, body: bytes, etag: str) -> None:
        headers = {
            "If-Match": etag,
            "Idempotency-Key": uuid.uuid4().hex,
            "Content-Type": "application/json",
        }
        self._call("PUT", url, 200, content=body, headers=headers)

    def first(self, name: str, body: bytes) -> float:
        sub = f"{self.emu.url}/api/config/v1/subdomains/{name}"

        def exchange() -> None:
            self._call("GET", f"{sub}/configuration", 404)
            self._call("PUT", sub, 201, headers={"Idempotency-Key": uuid.uuid4().hex})
            etag = self._call("GET", f"{sub}/configuration", 200).headers["ETag"]
            self._put(f"{sub}/configuration", body, etag)

        return self._count("first", exchange)

    def second(self, name: str, body: bytes) -> float:
        url = f"{self.emu.url}/api/config/v1/subdomains/{name}/configuration"

        def exchange() -> None:
            self._put(url, body, self._call("GET", url, 200).headers["ETag"])

        return self._count("second", exchange)

    def _count(self, step: str, exchange: Callable[[], None]) -> float:
        stats = self.emu.emulator.state.stats
        before = stats.requests
        took = _timed(exchange)
        self.requests[step] = stats.requests - before
        return took


# -- the run --------------------------------------------------------------------------------------


def _publish_rows(
    ours: _Ours, bare: _Bare, size: str, rounds: int, budget: float
) -> list[dict[str, Any]]:
    times: dict[str, list[float]] = {}
    wires: dict[str, dict[str, Any]] = {}  # the last body ours sent, per step
    sizes: dict[str, int] = {}
    began = time.perf_counter()

    def run_ours(step: str, name: str) -> None:
        took, wires[step] = ours.first(name) if step == "first" else ours.second()
        times.setdefault(step, []).append(took)

    def run_bare(step: str, name: str) -> None:
        body = wire_bytes(wires[step], name)  # before the clock starts
        sizes[step] = len(body)
        took = (bare.first if step == "first" else bare.second)(name, body)
        times.setdefault(f"bare {step}", []).append(took)

    for r in range(rounds):
        if r >= MIN_ROUNDS and time.perf_counter() - began > budget:
            break
        for step in ("first", "second"):
            # Alternate which side goes first (the first round needs ours' body first).
            if r % 2 == 0:
                run_ours(step, f"bench-ours-{r:03d}")
                run_bare(step, f"bench-bare-{r:03d}")
            else:
                run_bare(step, f"bench-bare-{r:03d}")
                run_ours(step, f"bench-ours-{r:03d}")
        print(f"  round {r + 1}: {time.perf_counter() - began:.1f} s", file=sys.stderr)
    for step in ("first", "second"):
        if ours.requests.get(step) != bare.requests.get(step):
            print(
                f"warning: {step} publication made {ours.requests.get(step)} requests, "
                f"the bare baseline {bare.requests.get(step)}: update bench_publish",
                file=sys.stderr,
            )
    return [
        _row(
            f"first publication {size} (claim + PUT {_size(sizes['first'])}, "
            f"{ours.requests['first']} requests)",
            times["first"],
            "bare httpx, same requests",
            times["bare first"],
        ),
        _row(
            f"second publication, one setting changed {size} (whole body PUT "
            f"{_size(sizes['second'])}, {ours.requests['second']} requests)",
            times["second"],
            "bare httpx, same requests",
            times["bare second"],
        ),
    ]


def _wire_row(store: Store, client: PortalClient, size: str) -> dict[str, Any]:
    from opus_tui.services import wire

    local = store.load_config()
    base = client.get_configuration(local.subdomain.name).value  # the portal's current version
    catalogue = store.load_catalogue(with_times=False)
    as_dict = wire.to_wire(local, base, catalogue=catalogue).model_dump(mode="json")

    def ours() -> bytes:
        body = wire.to_wire(local, base, catalogue=catalogue)
        return body.model_dump_json().encode("utf-8")

    def bare() -> bytes:
        return json.dumps(as_dict, ensure_ascii=False, separators=(",", ":")).encode("utf-8")

    ours_times: list[float] = []
    bare_times: list[float] = []
    for i in range(WIRE_REPEATS):
        pair = [(ours, ours_times), (bare, bare_times)]
        for fn, out in pair if i % 2 == 0 else reversed(pair):
            out.append(_timed(fn))
    return _row(
        f"wire conversion {size}: to_wire + model_dump_json",
        ours_times,
        "json.dumps of the wire dict",
        bare_times,
    )


def run(
    clinics: int = CLINICS, practitioners: int = PRACTITIONERS, rounds: int | None = None
) -> list[dict[str, Any]]:
    from opus_tui.domain import ConnectionSettings, PortalAccount
    from opus_tui.domain.connections import API_KEY_SECRET
    from opus_tui.services.portal import PortalClient
    from opus_tui.services.portal_emulator import running_emulator

    rounds = rounds or int(_env_number("BENCH_PUBLISH_ROUNDS", 5))
    budget = _env_number("BENCH_PUBLISH_BUDGET", 40.0)
    size = f"{clinics}×{practitioners}"
    with tempfile.TemporaryDirectory(prefix="opus-bench-publish-") as tmp:
        store = build_chain_store(Path(tmp) / "store.db", clinics, practitioners, times_per_day=1)
        try:
            with running_emulator(api_keys=[API_KEY], seed=3) as emu:
                store.save_connections(ConnectionSettings(account=PortalAccount(url=emu.url)))
                store.set_secret(API_KEY_SECRET, API_KEY)
                with PortalClient(emu.url, API_KEY) as client, bare_client() as http:
                    client.health()  # warm up both connections
                    http.get(f"{emu.url}/api/config/v1/health").raise_for_status()
                    ours, bare = _Ours(store, client, emu), _Bare(http, emu)
                    rows = _publish_rows(ours, bare, size, rounds, budget)
                    rows.append(_wire_row(store, client, size))
        finally:
            store.close()
    return rows


if __name__ == "__main__":
    for row in run():
        print(
            f"{row['name']:<80} {row['median']:>8.3f} {row['unit']} p95 {row['p95']:>8.3f}  "
            f"{row['baseline_name']}: {row['baseline_median']:>8.3f}  ratio {row['ratio']:.2f}"
        )
