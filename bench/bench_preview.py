"""Preview: the booking-flow engine's recompute and the pane's keystroke-to-repaint time.

A chain of 300 clinics × 30 practitioners with 8 weeks of free times (4 a weekday: 1.44 M
times) beside a 3-clinic chain (30 practitioners each, same density), measured in the same run.

* engine rows: ``booking_flow.replay`` + ``page`` (what the pane does on every draft change) for
  the first page, the practitioner step and the time step (any practitioner), with a setting
  flipped between runs so nothing is reused but the catalogue index;
* index rows: building the catalogue index once per catalogue, and the memory it keeps (and
  its peak while building), measured with ``tracemalloc`` in a second build;
* pane rows: in ``App.run_test`` (headless, the real app on the Flexibilitet tab), press space
  on *Visa 'Vilken klinik som helst'* and wait until the pane has recomputed and the screen is
  idle again (so the repaint is included); on the first page as it opens (20 clinics, then
  "Visa fler") and with every clinic shown ("Visa fler" until none is left: 300 clinics,
  ≈ 1 200 lines);
* F2 rows: on a narrow terminal (100 columns: the preview opens full-width instead of the tab),
  F2 from the key to the screen idle again with the pane shown, on the first page as it opens
  and with every clinic shown;
* PageLines rows: ``PageLines.show`` of the pane's blocks with every clinic shown (100 columns),
  cold (no block's lines kept from an earlier build) and again (a new ``_body``, same content).

``BENCH_PREVIEW_RUNS`` (default 60) engine runs, ``BENCH_PREVIEW_KEYS`` (default 30) key presses
and F2 opens.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from bench import stats
from opus_tui.domain.catalogue import Catalogue
from opus_tui.domain.config import (
    PublishedClinic,
    PublishedPractitioner,
    WebConfiguration,
)
from opus_tui.services import booking_flow as bf
from opus_tui.services.demo import chain_catalogue, generate_chain

WEEKS = 8
LARGE = (300, 30)
SMALL = (3, 30)


def _env_int(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        return default


def chain_config(catalogue: Catalogue) -> WebConfiguration:
    """Every clinic published with all its practitioners, grouped by city, in catalogue order."""
    by_clinic: dict[str, list[PublishedPractitioner]] = {}
    for p in catalogue.practitioners:
        by_clinic.setdefault(p.clinic_id, []).append(
            PublishedPractitioner(practitioner_id=p.practitioner_id, name=p.name, title=p.title)
        )
    published = [
        PublishedClinic(
            database=c.database,
            clinic_id=c.clinic_id,
            name=c.name,
            group=c.city,
            practitioners=by_clinic.get(c.clinic_id, []),
        )
        for c in catalogue.clinics
    ]
    return WebConfiguration.model_validate({"clinics": {"published": published}})


def with_any_clinic(config: WebConfiguration, on: bool) -> WebConfiguration:
    general = config.flexibility.general.model_copy(update={"any_clinic": on})
    return config.model_copy(
        update={"flexibility": config.flexibility.model_copy(update={"general": general})}
    )


def index_memory(catalogue: Catalogue) -> tuple[float, float]:
    """(MiB the index keeps, MiB at the peak of building it), by ``tracemalloc``."""
    import tracemalloc

    tracemalloc.start()
    try:
        index = bf.build_index(catalogue)
        kept, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    del index
    return kept / 2**20, peak / 2**20


def _ms(samples: list[float]) -> tuple[float, float]:
    return statistics.median(samples) * 1000, stats.p95(samples) * 1000


def _row(
    name: str, unit: str, big: tuple[float, float], small: tuple[float, float], base: str
) -> dict[str, object]:
    return stats.make_row(name, unit, big[0], big[1], base, small[0])


Path_ = list[tuple[str, str | None]]  # (step, option label; None = the first specific one)

SCENARIOS: list[tuple[str, Path_]] = [
    ("first page (Klinik)", []),
    ("Behandlare step", [("clinic", None), ("treatment", None)]),
    (
        "Tid step, one clinic, any practitioner",
        [("clinic", None), ("treatment", None), ("practitioner", "Vilken behandlare som helst")],
    ),
    (
        "Tid step, any clinic of a group, any practitioner",
        [
            ("clinic", "Vilken som helst"),
            ("treatment", None),
            ("practitioner", "Vilken behandlare som helst"),
        ],
    ),
]


def with_user_message(config: WebConfiguration, on: bool) -> WebConfiguration:
    general = config.flexibility.general.model_copy(update={"user_message": on})
    return config.model_copy(
        update={"flexibility": config.flexibility.model_copy(update={"general": general})}
    )


def _choices_for(
    config: WebConfiguration, catalogue: Catalogue, now: datetime, path: Path_
) -> bf.Choices:
    choices = bf.Choices()
    for step, label in path:
        page = bf.page(config, catalogue, choices, now)
        action = page.find(step, label) if label else page.first_choice()
        if action is None:
            raise RuntimeError(f"bench path: nothing to choose for {step} {label!r}")
        choices = bf.step(config, catalogue, choices, action, now)
    return choices


def engine_samples(
    config: WebConfiguration, catalogue: Catalogue, now: datetime, path: Path_, runs: int
) -> list[float]:
    """replay + page after flipping a setting (Användarmeddelande), ``runs`` times."""
    base = with_any_clinic(config, True)
    configs = (with_user_message(base, True), with_user_message(base, False))
    choices = _choices_for(configs[0], catalogue, now, path)
    bf.page(configs[0], catalogue, choices, now)  # warm
    samples = []
    for n in range(runs):
        cfg = configs[n % 2]
        started = time.perf_counter()
        replayed = bf.replay(cfg, catalogue, choices, now)
        bf.page(cfg, catalogue, replayed, now)
        samples.append(time.perf_counter() - started)
    return samples


async def _pane_samples(
    config: WebConfiguration,
    catalogue: Catalogue,
    now: datetime,
    keys: int,
    directory: Path,
    every_clinic: bool = False,
) -> tuple[list[float], list[float]]:
    """(keystroke→repaint, the pane's own recompute+paint) per key press, in seconds."""
    from opus_tui.app import OpusApp
    from opus_tui.store.repository import Store
    from opus_tui.widgets.preview import PreviewPane

    url = f"sqlite:///{directory / 'store.db'}"
    with Store.open(url) as store:
        store.save_config(config, summary="bench")
    app = OpusApp(url, catalogue=catalogue, clock=lambda: now)
    samples: list[float] = []
    own: list[float] = []
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("4")
        await pilot.pause()
        pane = app.screen.query_one(PreviewPane)
        if every_clinic:
            await _show_every_clinic(pilot, pane)
        box = app.screen.query_one("#general-any_clinic")
        box.focus()
        await pilot.pause()
        for _ in range(keys + 3):
            before = pane.recomputes
            started = time.perf_counter()
            await pilot.press("space")
            while pane.recomputes == before:
                await pilot.pause()
            await pilot.pause()  # until idle: the repaint is done
            samples.append(time.perf_counter() - started)
            own.append(pane.last_recompute_ms / 1000)
    return samples[3:], own[3:]


NARROW = (100, 40)  # below the 120 columns where the preview stands beside the tab


async def _show_every_clinic(pilot: Any, pane: Any) -> None:
    """Choose "Visa fler" in the pane until every clinic is on the page."""
    while pane.page is not None:
        more = [a for a in pane.page.selectable() if a.kind == "more"]
        if not more:
            return
        pane.choose(more[0])
        await pilot.pause()


async def _f2_samples(
    config: WebConfiguration,
    catalogue: Catalogue,
    now: datetime,
    opens: int,
    directory: Path,
) -> dict[str, list[float]]:
    """F2 key→shown (first page; every clinic shown) and PageLines.show cold / after a change
    (every clinic shown), in seconds."""
    from opus_tui.app import OpusApp
    from opus_tui.store.repository import Store
    from opus_tui.widgets.preview import PageLines, PreviewPane

    url = f"sqlite:///{directory / 'store.db'}"
    with Store.open(url) as store:
        store.save_config(config, summary="bench")
    app = OpusApp(url, catalogue=catalogue, clock=lambda: now)
    out: dict[str, list[float]] = {}
    async with app.run_test(size=NARROW) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("4")
        await pilot.pause()
        app.screen.query_one("#general-any_clinic").focus()
        await pilot.pause()

        async def f2_opens(name: str) -> None:
            samples = []
            for _ in range(opens + 2):
                started = time.perf_counter()
                await pilot.press("f2")  # open: the pane takes the focus
                await pilot.pause()
                samples.append(time.perf_counter() - started)
                assert getattr(app.screen, "preview_layout", "") == "full"
                await pilot.press("f2")  # close
                await pilot.pause()
            out[name] = samples[2:]

        await f2_opens("f2 first page")
        await pilot.press("f2")
        await pilot.pause()
        pane = app.screen.query_one(PreviewPane)
        await _show_every_clinic(pilot, pane)
        await pilot.press("f2")
        await pilot.pause()
        await f2_opens("f2 every clinic")

        await pilot.press("f2")
        await pilot.pause()
        lines = pane.query_one(PageLines)
        assert pane.page is not None
        cold: list[float] = []
        warm: list[float] = []
        for _ in range(opens + 2):
            # cold: no block's lines kept from an earlier build
            for kept in ("_kept", "_kept_before"):
                getattr(lines, kept, {}).clear()
            blocks = pane._body(pane.page).blocks
            started = time.perf_counter()
            lines.show(blocks)
            cold.append(time.perf_counter() - started)
            blocks = pane._body(pane.page).blocks  # a new _body, same content
            started = time.perf_counter()
            lines.show(blocks)
            warm.append(time.perf_counter() - started)
        out["build cold"], out["build warm"] = cold[2:], warm[2:]
    return out


def run() -> list[dict[str, object]]:
    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    runs = _env_int("BENCH_PREVIEW_RUNS", 60)
    keys = _env_int("BENCH_PREVIEW_KEYS", 30)
    worlds: dict[str, tuple[WebConfiguration, Catalogue]] = {}
    index_s: dict[str, float] = {}
    index_mib: dict[str, tuple[float, float]] = {}
    now = datetime(2026, 1, 5, 8, 0)  # the chain's first day
    for label, (n_clinics, n_practitioners) in (("large", LARGE), ("small", SMALL)):
        started = time.perf_counter()
        catalogue = chain_catalogue(generate_chain(n_clinics, n_practitioners, WEEKS, seed=7))
        log(
            f"  {label}: {len(catalogue.times):,} times generated in "
            f"{time.perf_counter() - started:.1f} s"
        )
        started = time.perf_counter()
        bf.catalogue_index(catalogue)
        index_s[label] = time.perf_counter() - started
        log(f"  {label}: index built in {index_s[label]:.2f} s")
        index_mib[label] = index_memory(catalogue)
        log(
            f"  {label}: index keeps {index_mib[label][0]:.1f} MiB (peak {index_mib[label][1]:.1f})"
        )
        worlds[label] = (chain_config(catalogue), catalogue)

    big_name = f"{LARGE[0]}×{LARGE[1]}, {WEEKS} wk"
    small_name = f"{SMALL[0]}×{SMALL[1]}, {WEEKS} wk"
    rows: list[dict[str, object]] = []
    for what, path in SCENARIOS:
        result = {}
        for label, (config, catalogue) in worlds.items():
            result[label] = _ms(engine_samples(config, catalogue, now, path, runs))
        rows.append(
            _row(
                f"engine recompute, {what}, {big_name}",
                "ms",
                result["large"],
                result["small"],
                small_name,
            )
        )
        log(f"  engine {what}: {result['large'][0]:.2f} ms vs {result['small'][0]:.2f} ms")
    rows.append(
        _row(
            f"catalogue index build (once per catalogue), {big_name}",
            "ms",
            (index_s["large"] * 1000,) * 2,
            (index_s["small"] * 1000,) * 2,
            small_name,
        )
    )
    for what, i in (("kept", 0), ("peak while building", 1)):
        rows.append(
            _row(
                f"catalogue index memory, {what} (tracemalloc), {big_name}",
                "MiB",
                (index_mib["large"][i],) * 2,
                (index_mib["small"][i],) * 2,
                small_name,
            )
        )

    for every_clinic, shown in ((False, ""), (True, ", every clinic shown")):
        pane: dict[str, tuple[float, float]] = {}
        own: dict[str, tuple[float, float]] = {}
        for label, (config, catalogue) in worlds.items():
            with tempfile.TemporaryDirectory(prefix="opus-bench-preview-") as tmp:
                samples, inner = asyncio.run(
                    _pane_samples(config, catalogue, now, keys, Path(tmp), every_clinic)
                )
            pane[label], own[label] = _ms(samples), _ms(inner)
            log(
                f"  pane{shown} {label}: {pane[label][0]:.1f} ms "
                f"(pane's own part {own[label][0]:.2f} ms)"
            )
        rows.append(
            _row(
                f"pane keystroke→repaint (setting toggled, whole app){shown}, {big_name}",
                "ms",
                pane["large"],
                pane["small"],
                small_name,
            )
        )
        rows.append(
            _row(
                f"pane's own recompute+paint in that key press{shown}, {big_name}",
                "ms",
                own["large"],
                own["small"],
                small_name,
            )
        )

    f2: dict[str, dict[str, list[float]]] = {}
    for label, (config, catalogue) in worlds.items():
        with tempfile.TemporaryDirectory(prefix="opus-bench-preview-") as tmp:
            f2[label] = asyncio.run(_f2_samples(config, catalogue, now, keys, Path(tmp)))
        log(
            "  F2 "
            + label
            + ": "
            + ", ".join(f"{k} {_ms(v)[0]:.1f} ms" for k, v in f2[label].items())
        )
    for key, what in (
        ("f2 first page", "F2 opens the full-width preview, key→shown, first page (20 clinics)"),
        ("f2 every clinic", "F2 opens the full-width preview, key→shown, every clinic shown"),
        ("build cold", "PageLines.show, every clinic shown, cold (nothing kept)"),
        ("build warm", "PageLines.show, every clinic shown, again (new _body, same content)"),
    ):
        rows.append(
            _row(
                f"{what}, {big_name}",
                "ms",
                _ms(f2["large"][key]),
                _ms(f2["small"][key]),
                small_name,
            )
        )
    return rows


def _print(rows: list[dict[str, object]]) -> None:
    for row in rows:
        print(
            f"{row['name']}: median {row['median']} {row['unit']}, p95 {row['p95']} "
            f"(baseline {row['baseline_name']}: {row['baseline_median']}, ratio {row['ratio']})"
        )


if __name__ == "__main__":
    _print(run())
