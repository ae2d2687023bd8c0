"""Kliniker's edits with a large chain: time per keystroke that changes Tillagda behandlare.

The same synthetic chains as ``bench_clinic_switch`` — 300 clinics × 30 practitioners, every
one added (9,000 rows: Tillagda behandlare shows one clinic's practitioners at a time) against
3 × 30 (90 rows, all shown), measured in the same run, in the real app headless (Pilot, 80×24).
A step is one key press until the app is idle again (workers done, screen repainted):

- *group keystroke*: a character typed into (or erased from) Grupp for the first clinic;
- *open clinic*: End / Home in Tillagda behandlare, which opens the last / first clinic (on the
  large chain a rebuild of the list; on the small one a cursor move);
- *remove*: Del on an added practitioner of the first clinic;
- *add all*: ctrl+a in Behandlare, adding that practitioner back.

Every edit is followed by the draft's check (``domain.problems.section_errors``): only the
clinics the edit made are validated, then the section's rules across the list (a clinic added
twice); validating the section whole took ≈ 10 ms quiet for 9,000 practitioners. The rows
``clinic_section_errors_*`` time that check alone, for one edit of Grupp (``*_whole``: the whole
section validated from its dump, as before). The app is made as
``run_app`` makes it (``freeze_data``): the loaded catalogue and draft are out of the cycle
collector's scans; without that, a full collection walked them every two or three edits on
the large chain (≈ 110 ms here). Rows:
wall-clock ms (including Pilot's wait for idle), the main thread's CPU ms (``*_cpu``), and
``clinic_edit_gc``: the cycle collector's ms per step, all steps (median: the mean per step).

Environment: BENCH_CLINIC_EDIT_ROUNDS (default 8).
"""

from __future__ import annotations

import gc
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import stats
from bench.chain import small_then_large
from opus_tui.domain.catalogue import Catalogue


class _Session:
    """One app under Pilot: steps timed until idle, with the cycle collector's time."""

    def __init__(self, app: Any, pilot: Any) -> None:
        self.app, self.pilot = app, pilot
        self.found: dict[str, list[float]] = {}
        self._collecting = [0.0, 0.0]  # started at, ms so far

    def collector(self, phase: str, _info: dict[str, int]) -> None:
        if phase == "start":
            self._collecting[0] = time.perf_counter()
        else:
            self._collecting[1] += (time.perf_counter() - self._collecting[0]) * 1000

    async def settle(self) -> None:
        await self.pilot.pause()
        await self.app.workers.wait_for_complete()
        await self.pilot.pause()

    async def focus(self, widget_id: str) -> None:
        self.app.screen.query_one(f"#{widget_id}").focus()
        await self.settle()

    async def step(self, name: str, key: str) -> None:
        collected = self._collecting[1]
        began, cpu = time.perf_counter(), time.thread_time()
        await self.pilot.press(key)
        await self.settle()
        found = self.found
        found.setdefault(f"{name}_cpu", []).append((time.thread_time() - cpu) * 1000)
        found.setdefault(name, []).append((time.perf_counter() - began) * 1000)
        found.setdefault("gc", []).append(self._collecting[1] - collected)


async def _measure(catalogue: Catalogue, store: Path, rounds: int) -> dict[str, list[float]]:
    from opus_tui.app import OpusApp
    from opus_tui.services.demo import published_clinics
    from opus_tui.store import Store

    with Store.open(f"sqlite:///{store}") as opened:
        opened.save_section("clinics", published_clinics(catalogue))
    # as run_app starts it: the loaded data frozen out of the collector's scans
    app = OpusApp(f"sqlite:///{store}", catalogue=catalogue, freeze_data=True)
    async with app.run_test(size=(80, 24)) as pilot:
        session = _Session(app, pilot)
        gc.callbacks.append(session.collector)
        try:
            await _steps(session, rounds)
        finally:
            gc.callbacks.remove(session.collector)
            gc.unfreeze()  # the next chain's app starts from the same state
    return session.found


async def _steps(session: _Session, rounds: int) -> None:
    pilot = session.pilot
    await session.settle()
    await session.focus("clinic-list")
    await pilot.press("home")  # Behandlare: the first clinic's
    await session.focus("published")
    await pilot.press("home")
    await session.settle()
    for _ in range(rounds):
        await session.step("open_clinic", "end")
        await session.step("open_clinic", "home")
    await session.focus("group")
    for i in range(rounds * 2):
        await session.step("group_keystroke", "backspace" if i % 2 else "x")
    for _ in range(rounds):
        await session.focus("published")
        await pilot.press("home", "down")  # the first clinic's first practitioner
        await session.settle()
        await session.step("remove", "delete")
        await session.focus("practitioner-list")
        await session.step("add_all", "ctrl+a")


def _section_errors_ms(catalogue: Catalogue, rounds: int) -> tuple[list[float], list[float]]:
    """The clinics section's check after an edit of one clinic's Grupp, in CPU ms with the
    cycle collector paused (the app's steps count it): as the app checks it, and validating
    the whole section from its dump (the same errors)."""
    from opus_tui.domain.problems import SectionValidator
    from opus_tui.services.demo import published_clinics

    value = published_clinics(catalogue)
    validator = SectionValidator()
    validator.errors("clinics", value)  # the first check validates every clinic
    checked: list[float] = []
    whole: list[float] = []
    gc.collect()
    gc.disable()
    try:
        for i in range(rounds * 4):
            clinics = list(value.published)
            clinics[0] = clinics[0].model_copy(update={"group": "x" * (i % 2)})
            value = value.model_copy(update={"published": clinics})
            began = time.thread_time()
            found = validator.errors("clinics", value)
            checked.append((time.thread_time() - began) * 1000)
            began = time.thread_time()
            reference = _whole_section_errors(value)
            whole.append((time.thread_time() - began) * 1000)
            assert found == reference
    finally:
        gc.enable()
    return checked, whole


def _whole_section_errors(value: Any) -> list[Any]:
    from pydantic import ValidationError

    from opus_tui.domain.problems import problems_from_validation_error

    try:
        value.model_validate(value.model_dump())
    except ValidationError as exc:
        return problems_from_validation_error(exc, type(value), ("clinics",))
    return []


def run() -> list[dict[str, Any]]:
    rounds = int(os.environ.get("BENCH_CLINIC_EDIT_ROUNDS", "8"))
    tmp = Path(tempfile.mkdtemp(prefix="opus-bench-clinic-edits-"))
    results, small, large = small_then_large(
        lambda catalogue, store: _measure(catalogue, store, rounds), tmp, "snapshot"
    )
    large_gc, small_gc = results["large"]["gc"], results["small"]["gc"]
    large_checked, large_whole = _section_errors_ms(large, rounds)
    small_checked, _ = _section_errors_ms(small, rounds)
    rows = [
        stats.row(
            "clinic_section_errors_300x30",
            "ms",
            large_checked,
            "clinic_section_errors_3x30",
            small_checked,
        ),
        stats.row(
            "clinic_section_errors_whole_300x30",
            "ms",
            large_whole,
            "clinic_section_errors_300x30",
            large_checked,
        ),
        stats.make_row(
            "clinic_edit_gc_300x30",
            "ms",
            statistics.fmean(large_gc),
            stats.p95(large_gc),
            "clinic_edit_gc_3x30",
            statistics.fmean(small_gc),
        ),
    ]
    rows += stats.chain_rows(
        "clinic",
        ("group_keystroke", "open_clinic", "remove", "add_all"),
        results["large"],
        results["small"],
    )
    return rows


if __name__ == "__main__":
    for row in run():
        print(row, file=sys.stdout)
