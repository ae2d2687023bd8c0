"""Behandlare with a large chain: the tab's first visit, a move in its list and a keystroke.

The same synthetic chains as ``bench_clinic_edits`` — 300 clinics × 30 practitioners, every one
added in Kliniker (Tillagda behandlare on Behandlare: 9,000 rows) against 3 × 30 (90 rows),
measured in the same run, in the real app headless (Pilot, 80×24), made as ``run_app`` makes it
(``freeze_data``). Steps, each timed from the key until the app is idle again (workers done,
screen repainted):

- *first visit*: ``2`` pressed on Kliniker: the Behandlare screen is made, mounted, its list
  filled, the first practitioner chosen and painted, ready for keys. To repeat it the mode is
  removed on Kliniker and added again (the module stays imported: a warm first visit), and
  before each visit what the app holds is frozen out of the cycle collector's scans, as
  ``run_app`` leaves it after start-up (``freeze_data``);
- *list move*: ↓ in Tillagda behandlare (the next practitioner's settings shown);
- *text keystroke*: a character typed into (or erased from) Text (the draft edited and checked).

Behandlare has no filter of its own. Rows: wall-clock ms (including Pilot's wait for idle: a
floor of ≈ 150 ms here, as the *list move* rows show), the main thread's CPU ms (``*_cpu``),
and ``visit_frame``: wall-clock ms from ``2`` to the first frame of Behandlare drawn with its
list filled (no idle wait).

Environment: BENCH_PRACTITIONER_VISITS (default 12), BENCH_PRACTITIONER_ROUNDS (default 12).
"""

from __future__ import annotations

import gc
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import stats
from bench.chain import small_then_large
from opus_tui.domain.catalogue import Catalogue

MODE, MODE_SECTION = "behandlare", "practitioners"


class _Session:
    def __init__(self, app: Any, pilot: Any) -> None:
        self.app, self.pilot = app, pilot
        self.found: dict[str, list[float]] = {}

    async def settle(self) -> None:
        await self.pilot.pause()
        await self.app.workers.wait_for_complete()
        await self.pilot.pause()

    async def step(self, name: str, *keys: str) -> None:
        began, cpu = time.perf_counter(), time.thread_time()
        await self.pilot.press(*keys)
        await self.settle()
        self.found.setdefault(f"{name}_cpu", []).append((time.thread_time() - cpu) * 1000)
        self.found.setdefault(name, []).append((time.perf_counter() - began) * 1000)


async def _measure(
    catalogue: Catalogue, store: Path, visits: int, rounds: int
) -> dict[str, list[float]]:
    from opus_tui.app import OpusApp
    from opus_tui.screens import TAB_BY_MODE
    from opus_tui.services.demo import published_clinics
    from opus_tui.store import Store

    with Store.open(f"sqlite:///{store}") as opened:
        opened.save_section("clinics", published_clinics(catalogue))
    app = OpusApp(f"sqlite:///{store}", catalogue=catalogue, freeze_data=True)
    shown: list[float] = []  # when the first frame of a filled Behandlare was drawn
    display = app._display

    def traced_display(screen: Any, renderable: Any) -> None:
        display(screen, renderable)
        if not shown and getattr(screen, "SECTION", "") == MODE_SECTION and screen.started:
            shown.append(time.perf_counter())

    app._display = traced_display  # type: ignore[method-assign]
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            session = _Session(app, pilot)
            await session.settle()
            for i in range(visits):
                if i:  # back on Kliniker; Behandlare made anew on the next visit
                    await session.pilot.press("1")
                    await session.settle()
                    await app.remove_mode(MODE)
                    app.add_mode(MODE, TAB_BY_MODE[MODE].factory())
                    await session.settle()
                # as after start-up: what is there is out of the collector's scans (a removed
                # Behandlare is kept alive by its signal subscriptions)
                gc.collect()
                gc.freeze()
                shown.clear()
                began = time.perf_counter()
                await session.step("visit", "2")
                session.found.setdefault("frame", []).append((shown[0] - began) * 1000)
                assert app.current_mode == MODE
            people = app.screen.query_one("#people")
            count = people.option_count  # type: ignore[attr-defined]
            assert count == len(catalogue.practitioners), count
            people.focus()
            await session.settle()
            for _ in range(rounds):
                await session.step("move", "down")
            app.screen.query_one("#text").focus()
            await session.settle()
            for i in range(rounds):
                await session.step("text", "backspace" if i % 2 else "x")
    finally:
        gc.unfreeze()  # the next chain's app starts from the same state
    return session.found


def run() -> list[dict[str, Any]]:
    visits = int(os.environ.get("BENCH_PRACTITIONER_VISITS", "12"))
    rounds = int(os.environ.get("BENCH_PRACTITIONER_ROUNDS", "12"))
    tmp = Path(tempfile.mkdtemp(prefix="opus-bench-practitioners-"))
    results, _small, _large = small_then_large(
        lambda catalogue, store: _measure(catalogue, store, visits, rounds), tmp, "snapshot"
    )
    rows = []
    rows.append(
        stats.row(
            "practitioners_visit_frame_300x30",
            "ms",
            results["large"]["frame"],
            "practitioners_visit_frame_3x30",
            results["small"]["frame"],
        )
    )
    rows += stats.chain_rows(
        "practitioners", ("visit", "move", "text"), results["large"], results["small"]
    )
    return rows


if __name__ == "__main__":
    for row in run():
        print(row, file=sys.stdout)
