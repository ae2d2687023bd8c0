"""Kliniker with a large chain: time per clinic switch and per filter keystroke.

A synthetic chain of 300 clinics × 30 practitioners (``services.demo.chain_catalogue``, in
memory) against a 3-clinic chain of the same shape, measured in the same run, in the real app
headless (Pilot, 80×24). One *clinic switch* is moving the highlight in *Välj klinik* to another
clinic and waiting until the app is idle again (the practitioner list refilled and repainted).
One *filter keystroke* is a character typed into the clinic filter until idle (the list
refiltered and repainted). One *published move* is alt+down/up on a practitioner in
Tillagda behandlare holding every practitioner of the chain (9,000 vs 90). Rows: wall-clock
milliseconds (including Pilot's wait for idle, a floor of some tens of ms) and the main thread's
CPU milliseconds (``*_cpu``) for the same step.

Environment: BENCH_CLINIC_SWITCHES (default 60), BENCH_FILTER_ROUNDS (default 6).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import stats
from bench.chain import small_then_large
from opus_tui.domain.catalogue import Catalogue


async def _measure(
    catalogue: Catalogue, store: Path, switches: int, rounds: int
) -> dict[str, list[float]]:
    from textual.widgets import Input, OptionList

    from opus_tui.app import OpusApp

    app = OpusApp(f"sqlite:///{store}", catalogue=catalogue)
    switch_ms: list[float] = []
    switch_cpu: list[float] = []
    filter_ms: list[float] = []
    filter_cpu: list[float] = []
    move_ms: list[float] = []
    move_cpu: list[float] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        clinic_list = app.screen.query_one("#clinic-list", OptionList)
        count = clinic_list.option_count
        clinic_list.focus()
        await pilot.pause()
        for i in range(switches):
            target = (i * 7 + 1) % count
            began, cpu = time.perf_counter(), time.thread_time()
            clinic_list.highlighted = target
            await pilot.pause()
            switch_cpu.append((time.thread_time() - cpu) * 1000)
            switch_ms.append((time.perf_counter() - began) * 1000)
        clinic_filter = app.screen.query_one("#clinic-filter", Input)
        clinic_filter.focus()
        await pilot.pause()
        for _ in range(rounds):
            for key in ("1", "2", "backspace", "backspace", "k", "backspace"):
                began, cpu = time.perf_counter(), time.thread_time()
                await pilot.press(key)
                filter_cpu.append((time.thread_time() - cpu) * 1000)
                filter_ms.append((time.perf_counter() - began) * 1000)
        # Tillagda behandlare holding every practitioner of the chain: alt+down on a row.
        from opus_tui.domain.config import (
            ClinicsSettings,
            PublishedClinic,
            PublishedPractitioner,
        )

        published = ClinicsSettings(
            published=[
                PublishedClinic(
                    database=c.database,
                    clinic_id=c.clinic_id,
                    name=c.name,
                    practitioners=[
                        PublishedPractitioner(practitioner_id=p.practitioner_id, name=p.name)
                        for p in catalogue.practitioners_of(c.database, c.clinic_id)
                    ],
                )
                for c in catalogue.clinics
            ]
        )
        app.update_draft("clinics", published)
        app.screen.load(published)  # type: ignore[attr-defined]
        published_list = app.screen.query_one("#published", OptionList)
        published_list.focus()
        await pilot.pause()
        await pilot.press("end", "up", "up", "up")
        for i in range(rounds * 4):
            began, cpu = time.perf_counter(), time.thread_time()
            await pilot.press("alt+down" if i % 2 == 0 else "alt+up")
            move_cpu.append((time.thread_time() - cpu) * 1000)
            move_ms.append((time.perf_counter() - began) * 1000)
    return {
        "move": move_ms,
        "move_cpu": move_cpu,
        "switch": switch_ms,
        "switch_cpu": switch_cpu,
        "filter": filter_ms,
        "filter_cpu": filter_cpu,
    }


def _row(name: str, values: list[float], base_name: str, base: list[float]) -> dict[str, Any]:
    return stats.row(name, "ms", values, base_name, base)


def run() -> list[dict[str, Any]]:
    switches = int(os.environ.get("BENCH_CLINIC_SWITCHES", "60"))
    rounds = int(os.environ.get("BENCH_FILTER_ROUNDS", "6"))
    tmp = Path(tempfile.mkdtemp(prefix="opus-bench-clinics-"))
    results, _small, _large = small_then_large(
        lambda catalogue, store: _measure(catalogue, store, switches, rounds), tmp
    )
    rows = []
    for key, name in (
        ("switch", "clinic_switch"),
        ("switch_cpu", "clinic_switch_cpu"),
        ("filter", "clinic_filter_keystroke"),
        ("filter_cpu", "clinic_filter_keystroke_cpu"),
        ("move", "published_move"),
        ("move_cpu", "published_move_cpu"),
    ):
        rows.append(
            _row(f"{name}_300x30", results["large"][key], f"{name}_3x30", results["small"][key])
        )
    return rows


if __name__ == "__main__":
    for row in run():
        print(row, file=sys.stdout)
