"""Start-up and memory of ``opus-tui`` against a bare Textual app, in a real pseudo-terminal.

The apps run alternately in the same run (bare, opus-tui, floor, then rotated), each on a fresh
pty of the same size, timed from just before the spawn. The *floor* (``bench/floor_app.py``) is
the Kliniker tab's widget tree and stylesheets without any opus-tui code: what Textual alone
costs for that screen (see ``bench/ptyterm.py`` and
``docs/performance.md`` for the exact definitions):

- *shown*: the first frame with the first tab's markers on screen — the tab label "Kliniker" and
  the title of its clinic list "Välj klinik" (bare: its Static's text).
- *accepts keys*: ctrl+c is sent the moment *shown* is seen; the figure is when its visible
  effect (Textual's "Do you want to quit?" notification, shown by the app-level binding after
  the key went through the focused widget and the screen) is on screen.
- *with data*: a clinic name from the demo store is on screen and keys are accepted.
- *whole tab*: the first frame is progressive (issue 8): the rest of Kliniker (the pickers,
  Tillagda behandlare, the buttons) is mounted once the draft is built; this is when its
  "Tillagda behandlare" and "Lägg till" are on screen too.
- *CPU*: CPU time of the app's process (all threads) when keys are accepted; much less sensitive
  than wall time to other load on the machine.
- *peak RSS*: VmHWM of the app on a 300 clinics × 30 practitioners store, once the full store is
  open, after visiting every tab with its number key, against the bare app after its first screen.
- *memory floor*: VmHWM of ``bench/memory_floor.py`` on that store: Textual's modules, the domain
  and the store's configuration and catalogue as the app holds them, no widget at all.

Environment: BENCH_STARTUP_RUNS (default 12), BENCH_STARTUP_SIZE (default 80x24),
BENCH_RSS_RUNS (default 3), BENCH_LARGE_WEEKS (weeks of online times in the large store,
default 1; the preview issue's 8 weeks hold 1.44 M times).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from bench import stats
from bench.ptyterm import Condition, PtyApp, Screen, has_text, lacks_text

if TYPE_CHECKING:
    from opus_tui.store import Store

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BARE_TEXT = "Bare Textual app ready"
KEY_PROBE = b"\x03"  # ctrl+c: Textual's app-level "help_quit" binding
KEY_PROBE_EFFECT = "Do you want to quit?"
FIRST_TAB = ("Kliniker", "Välj klinik")
DATA_TEXT = "OpusTandläkarna"
WHOLE_TAB = ("Tillagda behandlare", "Lägg till")  # mounted after the first frame
LARGE_DATA_TEXT = "Kedjetandvården 0001"
STORE_OPENING = "Butik: öppnas"  # in the header until the full store is open
TAB_KEYS = "23456789"  # from Kliniker through Konfiguration, then back with "1"
TAB_LABELS = (
    "Kliniker",
    "Behandlare",
    "Underdomän",
    "Flexibilitet",
    "Media",
    "E-post",
    "SMS",
    "Avancerat",
    "Konfiguration",
)
DATA_TIMEOUT = 20.0


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def _size() -> tuple[int, int]:
    cols, rows = os.environ.get("BENCH_STARTUP_SIZE", "80x24").lower().split("x")
    return int(cols), int(rows)


def opus_command(store: Path) -> list[str]:
    """How a user starts it: the console script (``python -m opus_tui`` as a fallback)."""
    override = os.environ.get("BENCH_OPUS_CMD")  # for testing the harness on a stand-in
    if override:
        return [*override.split(), "--store", str(store)]
    script = Path(PYTHON).parent / "opus-tui"
    if script.exists():
        return [str(script), "--store", str(store)]
    return [PYTHON, "-m", "opus_tui", "--store", str(store)]


def bare_command() -> list[str]:
    return [PYTHON, str(ROOT / "bench" / "bare_app.py")]


def floor_command() -> list[str]:
    return [PYTHON, str(ROOT / "bench" / "floor_app.py")]


# -- stores ---------------------------------------------------------------------------------


def build_demo_store(directory: Path) -> Path:
    """``opus-tui demo --dir DIR --no-open`` (the store helper's demo); returns the store."""
    override = os.environ.get("BENCH_DEMO_STORE")
    if override:
        return Path(override)
    script = Path(PYTHON).parent / "opus-tui"
    command = [str(script)] if script.exists() else [PYTHON, "-m", "opus_tui"]
    subprocess.run(
        [*command, "demo", "--dir", str(directory), "--no-open"],
        check=True,
        capture_output=True,
        cwd=ROOT,
    )
    return directory / "store.db"


def build_large_store(path: Path, weeks: int) -> Path:
    """A store whose catalogue is a synthetic chain of 300 clinics × 30 practitioners (with
    ``weeks`` of online times), every clinic and practitioner published on Kliniker."""
    override = os.environ.get("BENCH_LARGE_STORE")
    if override:
        return Path(override)
    build_chain_store(path, 300, 30, weeks=weeks).close()
    return path


def build_chain_store(
    path: Path,
    clinics: int,
    practitioners: int,
    *,
    weeks: int = 1,
    times_per_day: int = 4,
) -> Store:
    """A new store at ``path`` holding a synthetic chain (``services.demo.generate_chain``) as
    its catalogue snapshot, every clinic and practitioner published on Kliniker; left open."""
    from opus_tui.services.demo import chain_catalogue, generate_chain, published_clinics
    from opus_tui.store import Store

    chain = generate_chain(clinics, practitioners, weeks, 8, times_per_day=times_per_day)
    catalogue = chain_catalogue(chain)
    store = Store.open(f"sqlite:///{path}")
    try:
        store.save_catalogue(catalogue)
        summary = f"bench: {clinics} × {practitioners}"
        store.save_section("clinics", published_clinics(catalogue), summary=summary)
    except BaseException:
        store.close()
        raise
    return store


# -- measuring ------------------------------------------------------------------------------


@dataclass
class Target:
    name: str
    command: list[str]
    shown: Condition
    data: Condition | None = None
    whole: Condition | None = None
    times: dict[str, list[float]] = field(default_factory=dict)

    def add(self, key: str, value: float) -> None:
        self.times.setdefault(key, []).append(value)


def measure_once(target: Target, cols: int, rows: int) -> dict[str, float]:
    """One start: spawn → shown → (send ctrl+c) → accepts keys, with data seen meanwhile."""
    seen: dict[str, float] = {}
    with PtyApp(target.command, cols=cols, rows=rows, cwd=ROOT) as app:

        def watch(screen: Screen) -> bool:
            now = app.now()
            if "shown" not in seen and target.shown(screen):
                seen["shown"] = now
                seen["cpu_shown"] = app.cpu_seconds()
                app.send(KEY_PROBE)
            if "shown" in seen and "keys" not in seen and KEY_PROBE_EFFECT in screen.text():
                seen["keys"] = now
                seen["cpu_keys"] = app.cpu_seconds()
            if target.data is not None and "data" not in seen and target.data(screen):
                seen["data"] = now
                seen["cpu_data"] = app.cpu_seconds()
            if target.whole is not None and "whole" not in seen and target.whole(screen):
                seen["whole"] = now
                seen["cpu_whole"] = app.cpu_seconds()
            return (
                "keys" in seen
                and (target.data is None or "data" in seen)
                and (target.whole is None or "whole" in seen)
            )

        try:
            app.wait_for(watch, timeout=DATA_TIMEOUT)
        except TimeoutError:
            if "keys" not in seen:
                raise
            # the data never showed up: reported as missing, not as a number
    if "data" in seen:
        seen["ready"] = max(seen["data"], seen["keys"])
    return seen


def measure_rss(target: Target, cols: int, rows: int, visit_tabs: bool) -> float:
    """Peak RSS (MiB) after the first screen (and after visiting every tab)."""
    with PtyApp(target.command, cols=cols, rows=rows, cwd=ROOT) as app:
        app.wait_for(target.data or target.shown, timeout=120)
        if visit_tabs:
            app.wait_for(lacks_text(STORE_OPENING), timeout=300)  # the first frame said it
        app.settle(quiet=0.5, timeout=30)
        if visit_tabs:
            for key in [*TAB_KEYS, "1"]:
                app.send(key)
                # the current tab shows its full label in the tab bar
                app.wait_for(has_text(f"{key} {TAB_LABELS[int(key) - 1]}"), timeout=60)
                app.settle(quiet=0.5, timeout=60)
        app.settle(quiet=1.0, timeout=30)
        return app.status("VmHWM") / 1024


def memory_floor(store: Path) -> float:
    """Peak RSS (MiB) of ``bench/memory_floor.py`` on ``store``: the data and the modules the
    app cannot do without, no widget."""
    script = ROOT / "bench" / "memory_floor.py"
    done = subprocess.run(
        [PYTHON, str(script), str(store)], check=True, capture_output=True, text=True, cwd=ROOT
    )
    return int(done.stdout.split()[-1]) / 1024


def _row(
    name: str, unit: str, values: list[float], base_name: str, base: list[float]
) -> dict[str, object]:
    return stats.row(name, unit, values, base_name, base)


def precompile() -> None:
    """Bytecode as an installed wheel has it (this environment sets PYTHONDONTWRITEBYTECODE)."""
    subprocess.run(
        [PYTHON, "-m", "compileall", "-q", str(ROOT / "opus_tui"), str(ROOT / "bench")],
        check=False,
        capture_output=True,
    )


def startup_rows(
    opus: Target,
    bare: Target,
    floor: Target,
    runs: int,
    cols: int,
    rows: int,
    log: Callable[[str], None],
) -> list[dict[str, object]]:
    targets = [bare, opus, floor]
    for target in targets:  # warm-up: bytecode caches, page cache
        measure_once(target, cols, rows)
    for i in range(runs):
        last: dict[str, dict[str, float]] = {}
        for k in range(len(targets)):  # alternate, rotating who goes first
            target = targets[(i + k) % len(targets)]
            last[target.name] = measure_once(target, cols, rows)
            for key, value in last[target.name].items():
                target.add(key, value * 1000)
        b, o, f = last[bare.name], last[opus.name], last[floor.name]
        log(
            f"  run {i + 1}/{runs}: bare shown/keys {b['shown'] * 1000:.0f}/"
            f"{b['keys'] * 1000:.0f} ms; floor {f['shown'] * 1000:.0f}/{f['keys'] * 1000:.0f} "
            f"ms; opus-tui shown/keys/data/whole {o['shown'] * 1000:.0f}/{o['keys'] * 1000:.0f}/"
            f"{o.get('data', float('nan')) * 1000:.0f}/{o.get('whole', float('nan')) * 1000:.0f} ms"
        )
    size = f"{cols}×{rows} pty"
    out = [
        _row(
            f"start: first tab shown ({size})",
            "ms",
            opus.times["shown"],
            "bare: Static shown",
            bare.times["shown"],
        ),
        _row(
            f"start: first tab accepts keys ({size})",
            "ms",
            opus.times["keys"],
            "bare: accepts keys",
            bare.times["keys"],
        ),
    ]
    if len(opus.times.get("ready", [])) == runs:
        out.append(
            _row(
                f"start: first tab with store data + keys ({size})",
                "ms",
                opus.times["ready"],
                "bare: accepts keys",
                bare.times["keys"],
            )
        )
    if len(opus.times.get("whole", [])) == runs:
        out.append(
            _row(
                f"start: whole first tab mounted and filled ({size})",
                "ms",
                opus.times["whole"],
                "bare: accepts keys",
                bare.times["keys"],
            )
        )
    out += [
        _row(
            "start: CPU time until first tab shown",
            "ms",
            opus.times["cpu_shown"],
            "bare: CPU until Static shown",
            bare.times["cpu_shown"],
        ),
        _row(
            "start: CPU time until first tab accepts keys",
            "ms",
            opus.times["cpu_keys"],
            "bare: CPU until accepts keys",
            bare.times["cpu_keys"],
        ),
        _row(
            f"floor (Kliniker's widgets, no opus-tui code): accepts keys ({size})",
            "ms",
            floor.times["keys"],
            "bare: accepts keys",
            bare.times["keys"],
        ),
        _row(
            "floor: CPU time until shown",
            "ms",
            floor.times["cpu_shown"],
            "bare: CPU until Static shown",
            bare.times["cpu_shown"],
        ),
        _row(
            "floor: CPU time until accepts keys",
            "ms",
            floor.times["cpu_keys"],
            "bare: CPU until accepts keys",
            bare.times["cpu_keys"],
        ),
    ]
    return out


def run() -> list[dict[str, object]]:
    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    cols, rows = _size()
    runs = _env_int("BENCH_STARTUP_RUNS", 12)
    rss_runs = _env_int("BENCH_RSS_RUNS", 3)
    weeks = _env_int("BENCH_LARGE_WEEKS", 1)
    tmp = Path(tempfile.mkdtemp(prefix="opus-bench-startup-"))
    try:
        precompile()
        demo = build_demo_store(tmp / "demo")
        bare = Target("bare", bare_command(), has_text(BARE_TEXT))
        opus = Target(
            "opus-tui",
            opus_command(demo),
            has_text(*FIRST_TAB),
            has_text(DATA_TEXT),
            has_text(*WHOLE_TAB),
        )
        floor = Target("floor", floor_command(), has_text(*FIRST_TAB))
        result = startup_rows(opus, bare, floor, runs, cols, rows, log)

        started = time.perf_counter()
        large = build_large_store(tmp / "large.db", weeks)
        log(f"  large store built in {time.perf_counter() - started:.1f} s")
        big = Target(
            "opus-tui large",
            opus_command(large),
            has_text(*FIRST_TAB),
            has_text(LARGE_DATA_TEXT),
        )
        rss_bare: list[float] = []
        rss_opus: list[float] = []
        for _ in range(rss_runs):
            rss_bare.append(measure_rss(bare, cols, rows, visit_tabs=False))
            rss_opus.append(measure_rss(big, cols, rows, visit_tabs=True))
            log(f"  peak RSS: bare {rss_bare[-1]:.1f} MiB, opus-tui {rss_opus[-1]:.1f} MiB")
        result.append(
            _row(
                f"peak RSS, 300×30 store ({weeks} wk of times), all tabs",
                "MiB",
                rss_opus,
                "bare: peak RSS",
                rss_bare,
            )
        )
        floors = [memory_floor(large) for _ in range(rss_runs)]
        result.append(
            _row(
                "memory floor: Textual + domain + 300×30 data (no app, no times)",
                "MiB",
                floors,
                "bare: peak RSS",
                rss_bare,
            )
        )
        return result
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    for r in run():
        print(r)
