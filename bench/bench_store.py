"""The local store with a chain-sized catalogue snapshot (300 clinics × 30 practitioners,
200,000 online times) on SQLite and on a throwaway PostgreSQL 15.

Rows:
- ``save_catalogue`` vs a bare executemany of the same rows into the same table (stdlib sqlite3 /
  psycopg);
- ``load_catalogue`` (plain DB-API: stdlib sqlite3 / psycopg, rows streamed with ``fetchmany``
  into ``OnlineTimes``) and, SQLite only, ``read_catalogue_fast`` vs a bare ``fetchall()`` of the
  online-time rows;
- ``save_section`` (read, validate the whole configuration, write, revision) per save;
- peak RSS (VmHWM) of a fresh process that opens the store and calls ``load_config`` and
  ``load_catalogue``, against one that only imports the domain.
Every ratio is ours / baseline (``bench.stats``): above 1 means slower (or bigger) than it.
Run: ``python -m bench.bench_store`` (or ``make bench``).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

os.environ.setdefault("OPUS_TUI_KEY_FILE", str(Path(tempfile.gettempdir()) / "opus-bench.key"))

from bench import stats  # noqa: E402
from opus_tui.domain.catalogue import Catalogue  # noqa: E402
from opus_tui.services.demo import chain_catalogue, generate_chain  # noqa: E402
from opus_tui.store.quick import read_catalogue_fast  # noqa: E402
from opus_tui.store.repository import Store  # noqa: E402

CLINICS, PRACTITIONERS, WEEKS, PER_DAY = 300, 30, 5, 1  # 300×30×25 weekdays ≈ 225,000 times
REPEATS = 3


def _catalogue() -> Catalogue:
    chain = generate_chain(CLINICS, PRACTITIONERS, WEEKS, seed=7, times_per_day=PER_DAY)
    cat = chain_catalogue(chain)
    return Catalogue(
        cat.source, cat.fetched_at, cat.databases, cat.clinics, cat.practitioners,
        cat.treatments, cat.times[:200_000],
    )  # fmt: skip


def _timed(fn: Callable[[], object], repeats: int = REPEATS) -> list[float]:
    out = []
    for _ in range(repeats):
        began = time.perf_counter()
        fn()
        out.append(time.perf_counter() - began)
    return out


def _row(name: str, ours: list[float], base_name: str, base: list[float]) -> dict[str, Any]:
    return stats.row(name, "s", ours, base_name, base)


def _time_rows(cat: Catalogue) -> list[tuple[Any, ...]]:
    return [
        (t.database, t.practitioner_id, t.clinic_id, t.start, t.end, t.treatment_id)
        for t in cat.times
    ]


INSERT = (
    "INSERT INTO bare_time (database, practitioner_id, clinic_id, start_at, end_at, "
    "treatment_id) VALUES ({p}, {p}, {p}, {p}, {p}, {p})"
)
CREATE = (
    "CREATE TABLE bare_time (id INTEGER PRIMARY KEY, database VARCHAR(100), "
    "practitioner_id VARCHAR(100), clinic_id VARCHAR(100), start_at TIMESTAMP, "
    "end_at TIMESTAMP, treatment_id VARCHAR(100))"
)


def _measure(label: str, url: str, cat: Catalogue, bare: Any) -> list[dict[str, Any]]:
    store = Store.open(url)
    try:
        save = _timed(lambda: store.save_catalogue(cat))
        rows = _time_rows(cat)
        bare_save = _timed(lambda: bare.insert(rows))
        load = _timed(store.load_catalogue)
        bare_load = _timed(bare.fetch)
        n = len(cat.times)
        out = [
            _row(f"{label}: save_catalogue {n:,} times", save, "bare executemany", bare_save),
            _row(f"{label}: load_catalogue {n:,} times", load, "bare fetchall", bare_load),
        ]
        if url.startswith("sqlite"):
            quick = _timed(lambda: read_catalogue_fast(url))
            out.append(_row(f"{label}: read_catalogue_fast", quick, "bare fetchall", bare_load))
        flex = store.load_config().flexibility

        def one_save() -> None:
            flex.booking.hours_limit = (flex.booking.hours_limit + 1) % 48
            store.save_section("flexibility", flex)

        saves = _timed(one_save, 20)
        baseline = _timed(store.load_config, 20)
        out.append(_row(f"{label}: save_section", saves, "load_config", baseline))
        out.append(_peak_row(label, url))
        return out
    finally:
        store.close()


PEAK = """
import sys
def hwm():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM"):
            return int(line.split()[1]) / 1024
if sys.argv[1] == "-":
    import opus_tui.domain
else:
    from opus_tui.store import Store
    with Store.open(sys.argv[1]) as store:
        store.load_config()
        store.load_catalogue()
print(hwm())
"""


def _peak_mib(url: str) -> float:
    import subprocess

    done = subprocess.run(
        [sys.executable, "-c", PEAK, url], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return float(done.stdout.split()[-1])


def _peak_row(label: str, url: str) -> dict[str, Any]:
    """Peak RSS (Linux: /proc) of open + load_config + load_catalogue in a fresh process."""
    ours = [_peak_mib(url) for _ in range(REPEATS)]
    base = [_peak_mib("-") for _ in range(REPEATS)]
    return stats.row(
        f"{label}: peak RSS open + load_config + load_catalogue",
        "MiB",
        ours,
        "import opus_tui.domain",
        base,
    )


class _BareSqlite:
    def __init__(self, path: Path) -> None:
        import sqlite3

        self.conn = sqlite3.connect(path)
        self.conn.execute(CREATE)

    def insert(self, rows: list[tuple[Any, ...]]) -> None:
        with self.conn:
            self.conn.execute("DELETE FROM bare_time")
            self.conn.executemany(INSERT.format(p="?"), rows)

    def fetch(self) -> None:
        self.conn.execute("SELECT * FROM bare_time").fetchall()


class _BarePg:
    def __init__(self, url: str) -> None:
        import psycopg

        self.conn = psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"))
        with self.conn.transaction():
            self.conn.execute(CREATE.replace("INTEGER PRIMARY KEY", "SERIAL PRIMARY KEY"))

    def insert(self, rows: list[tuple[Any, ...]]) -> None:
        with self.conn.transaction(), self.conn.cursor() as cur:
            cur.execute("DELETE FROM bare_time")
            cur.executemany(INSERT.format(p="%s"), rows)

    def fetch(self) -> None:
        with self.conn.transaction(), self.conn.cursor() as cur:
            cur.execute("SELECT * FROM bare_time")
            cur.fetchall()


def run() -> list[dict[str, Any]]:
    from tests.pg_cluster import PgCluster, find_pg_bindir

    cat = _catalogue()
    out: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="opus-bench-store-") as tmp:
        base = Path(tmp)
        out += _measure("SQLite", f"sqlite:///{base / 'store.db'}", cat, _BareSqlite(base / "b.db"))
    if find_pg_bindir() is None:
        print("PostgreSQL binaries not found: PostgreSQL part skipped", file=sys.stderr)
        return out
    with PgCluster.started() as cluster:
        db = cluster.create_database("opus_bench_store")
        bare = cluster.create_database("opus_bench_bare")
        out += _measure("PostgreSQL", db.url, cat, _BarePg(bare.url))
    return out


if __name__ == "__main__":
    for row in run():
        print(
            f"{row['name']:<45} {row['median']:>9.3f} {row['unit']:<3} p95 {row['p95']:>9.3f}  "
            f"{row['baseline_name']}: {row['baseline_median']:>9.3f}  ratio {row['ratio']:.2f}"
        )
