"""Catalogue fetch through the Opus gateway vs a bare ``cursor.fetchall()`` of the same queries.

A synthetic chain of 100 clinics × 20 practitioners and 200,000 online times, in SQLite (read
through the SQLite3 ODBC driver) and in a throwaway PostgreSQL 15 (psqlODBC). For each driver:
``OpusGateway.fetch_catalogue`` (rows converted to catalogue dataclasses, streamed with
``fetchmany``) against executing the same SELECTs with ``fetchall()`` and nothing else, in the
same run, alternating. Peak memory (max RSS) of one gateway fetch is measured in a fresh
subprocess.

Rows: ``ratio`` is the gateway's rate divided by the bare fetch's rate (= bare median / gateway
median); target ≥ 0.5. Peak RSS target: < 300 MB.
Run: ``python -m bench.bench_catalogue`` (or ``make bench``).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import stats  # noqa: E402
from opus_tui.services import opus_sql  # noqa: E402
from opus_tui.services.demo import generate_chain, write_chain_odbc, write_chain_sqlite  # noqa: E402
from opus_tui.services.opus_db import OpusGateway, connection_string_with_password  # noqa: E402
from opus_tui.services.schema_map import SchemaMap  # noqa: E402

CLINICS, PRACTITIONERS, WEEKS, PER_DAY = 100, 20, 10, 2  # 200,000 times
START, END = datetime(2025, 12, 1), datetime(2026, 6, 1)
REPEATS = 5


def _chain() -> Any:
    return generate_chain(CLINICS, PRACTITIONERS, WEEKS, seed=42, times_per_day=PER_DAY)


def gateway_fetch(cs: str, password: str | None) -> int:
    gw = OpusGateway(cs, password, SchemaMap.default(), timeout=60, database_name="Kedjan")
    cat = gw.fetch_catalogue("Kedjan", START, END)
    return len(cat.clinics) + len(cat.practitioners) + len(cat.treatments) + len(cat.times)


def bare_fetch(cs: str, password: str | None) -> int:
    import pyodbc

    schema = SchemaMap.default()
    conn = pyodbc.connect(connection_string_with_password(cs, password), autocommit=True)
    try:
        cursor = conn.cursor()
        n = 0
        for stmt in (
            opus_sql.select_clinics(schema),
            opus_sql.select_practitioners(schema),
            opus_sql.select_treatments(schema),
            opus_sql.select_online_times(schema, START, END),
        ):
            cursor.execute(stmt.sql, *stmt.params)
            n += len(cursor.fetchall())
        return n
    finally:
        conn.close()


def _time(fn: Callable[[], int]) -> tuple[float, int]:
    began = time.perf_counter()
    n = fn()
    return time.perf_counter() - began, n


def _peak_rss_mb(mode: str, cs: str, password: str | None) -> float:
    env = {**os.environ, "OPUS_BENCH_CS": cs, "OPUS_BENCH_PWD": password or ""}
    out = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--peak", mode],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    return float(json.loads(out.stdout.strip().splitlines()[-1])["peak_mb"])


def _measure(driver: str, cs: str, password: str | None) -> list[dict[str, Any]]:
    gateway_fetch(cs, password)  # warm-up (caches, first connect)
    gw_times: list[float] = []
    bare_times: list[float] = []
    rows = 0
    for _ in range(REPEATS):
        t, rows = _time(lambda: gateway_fetch(cs, password))
        gw_times.append(t)
        t, bare_rows = _time(lambda: bare_fetch(cs, password))
        bare_times.append(t)
        assert bare_rows == rows, (bare_rows, rows)
    gw_med, bare_med = statistics.median(gw_times), statistics.median(bare_times)
    peak_gw = _peak_rss_mb("gateway", cs, password)
    peak_bare = _peak_rss_mb("bare", cs, password)
    return [
        stats.row(
            f"{driver}: fetch_catalogue {rows:,} rows", "s", gw_times, "bare fetchall", bare_times
        ),
        stats.make_row(
            f"{driver}: gateway rate",
            "rows/s",
            rows / gw_med,
            rows / stats.p95(gw_times),
            "bare fetchall rate",
            rows / bare_med,
        ),
        stats.make_row(
            f"{driver}: peak RSS of one gateway fetch",
            "MB",
            peak_gw,
            peak_gw,
            "bare fetchall peak RSS",
            peak_bare,
        ),
    ]


def run() -> list[dict[str, Any]]:
    from tests.pg_cluster import PgCluster, find_pg_bindir

    chain = _chain()
    out: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="opus-bench-") as tmp:
        cs = write_chain_sqlite(chain, Path(tmp) / "chain.db")
        out += _measure("SQLite3 ODBC", cs, None)
    if find_pg_bindir() is None:
        print("PostgreSQL binaries not found: PostgreSQL part skipped", file=sys.stderr)
        return out
    with PgCluster.started() as cluster:
        db = cluster.create_database("opus_bench")
        write_chain_odbc(chain, db.odbc_with_password)
        out += _measure("PostgreSQL ODBC", db.odbc, db.password)
    return out


def _peak_mb() -> float:
    # VmHWM: this process's own high-water mark (ru_maxrss would carry the parent's over exec).
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _peak_main(mode: str) -> None:
    cs = os.environ["OPUS_BENCH_CS"]
    password = os.environ.get("OPUS_BENCH_PWD") or None
    (gateway_fetch if mode == "gateway" else bare_fetch)(cs, password)
    print(json.dumps({"peak_mb": _peak_mb()}))


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--peak":
        _peak_main(sys.argv[2])
    else:
        for row in run():
            print(
                f"{row['name']:<45} {row['median']:>12,.3f} {row['unit']:<7} "
                f"p95 {row['p95']:>12,.3f}  {row['baseline_name']}: "
                f"{row['baseline_median']:>12,.3f}  ratio {row['ratio']:.2f}"
            )
