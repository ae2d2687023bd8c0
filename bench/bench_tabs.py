"""A tab's first visit against its revisit, on the 300 clinics × 30 practitioners store.

The store is ``bench_startup.build_large_store``'s (every clinic and practitioner published on
Kliniker). Each run is a fresh app, headless (Pilot, 80×24), made as ``run_app`` makes it
(``freeze_data``), that waits on Kliniker until the full store and the catalogue are read. Then
for every other tab, in the tab bar's order on even runs and in the reverse order on odd runs (a
tab's first visit comes early in one run, late in the next):

- *first*: its number key pressed on Kliniker: the screen is made (its module imported on the
  first run only), composed, mounted, styled, filled from the draft and painted;
- back to Kliniker with ``1``;
- *revisit*: its number key again (the same screen shown again, the baseline);
- back to Kliniker.

Each step is timed from the key until the app is idle again (workers done, screen repainted):
wall-clock ms (including Pilot's wait for idle, a floor of some tens of ms) and ``*_cpu``: the
process's CPU ms (all threads). A full collection of the cycle collector runs before each step
(not timed), so that one lands in a step only if that step's own allocations call for it.

Rows: ``tab_<mode>_first`` against ``tab_<mode>_revisit`` (and ``_cpu``), medians over the runs.

Environment: BENCH_TABS_RUNS (default 6), BENCH_LARGE_WEEKS (weeks of online times, default 1),
BENCH_LARGE_STORE (an existing 300×30 store to use instead of building one).
"""

from __future__ import annotations

import asyncio
import gc
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import stats
from bench.bench_startup import build_large_store

Results = dict[str, list[float]]
HOME = "1"  # Kliniker
READY_TIMEOUT = 60.0


async def _measure(store: Path, reverse: bool, found: Results) -> None:
    from opus_tui.app import OpusApp
    from opus_tui.screens import TABS

    app = OpusApp(f"sqlite:///{store}", freeze_data=True)
    async with app.run_test(size=(80, 24)) as pilot:

        async def settle() -> None:
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()

        async def step(name: str | None, key: str) -> None:
            gc.collect()
            began, cpu = time.perf_counter(), time.process_time()
            await pilot.press(key)
            await settle()
            if name is not None:
                found.setdefault(f"{name}_cpu", []).append((time.process_time() - cpu) * 1000)
                found.setdefault(name, []).append((time.perf_counter() - began) * 1000)

        deadline = time.monotonic() + READY_TIMEOUT
        while app.store is None or app.catalogue is None:
            if time.monotonic() > deadline:
                raise RuntimeError("the store or the catalogue was not read in time")
            await pilot.pause(0.05)
        await settle()
        keys = [(str(n), tab.mode) for n, tab in enumerate(TABS, start=1) if str(n) != HOME]
        for key, mode in reversed(keys) if reverse else keys:
            await step(f"{mode}_first", key)
            assert app.current_mode == mode, (app.current_mode, mode)
            await step(None, HOME)
            await step(f"{mode}_revisit", key)
            await step(None, HOME)


def run() -> list[dict[str, Any]]:
    from opus_tui.screens import TABS

    runs = int(os.environ.get("BENCH_TABS_RUNS", "6"))
    weeks = int(os.environ.get("BENCH_LARGE_WEEKS", "1"))
    tmp = Path(tempfile.mkdtemp(prefix="opus-bench-tabs-"))
    try:
        store = build_large_store(tmp / "large.db", weeks)
        found: Results = {}
        try:
            for n in range(runs):
                asyncio.run(_measure(store, n % 2 == 1, found))
        finally:
            gc.unfreeze()  # the next bench starts from the same state
        rows = []
        for tab in TABS[1:]:
            for suffix in ("", "_cpu"):
                first, again = f"{tab.mode}_first{suffix}", f"{tab.mode}_revisit{suffix}"
                rows.append(
                    stats.row(f"tab_{first}", "ms", found[first], f"tab_{again}", found[again])
                )
        return rows
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    for row in run():
        print(row, file=sys.stdout)
