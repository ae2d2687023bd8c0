"""Where opus-tui's start-up time goes: ``python -m bench.startup_profile [--store PATH] [-n N]``.

Prints Markdown for docs/performance.md:

1. CPU time per start-up phase (median of N runs in a pty, bare app and opus-tui alternating),
   from ``bench/phase_probe.py``'s marks; CPU time, not wall time, so that other load on the
   machine matters less.
2. Import costs on top of ``textual.app`` (minimum of N fresh interpreters).
3. The heavy modules already loaded when the first frame is written.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.bench_startup import ROOT, build_demo_store, precompile
from bench.ptyterm import PtyApp

PYTHON = sys.executable
PROBE = str(ROOT / "bench" / "phase_probe.py")

IMPORTS = [
    ("pydantic (BaseModel)", "import pydantic.main"),
    ("opus_tui.domain (pydantic models)", "import opus_tui.domain"),
    ("opus_tui.app (screens registry; the domain is not imported)", "import opus_tui.app"),
    ("+ opus_tui.screens.clinics", "import opus_tui.app, opus_tui.screens.clinics"),
    (
        "Kliniker's Textual widgets",
        "from textual.widgets import Button, Footer, Header, "
        "Input, Label, OptionList, Select, Static",
    ),
    ("sqlmodel (deferred: after first paint)", "import sqlmodel"),
    ("httpx (deferred)", "import httpx"),
    ("PIL.Image + rich_pixels (deferred)", "import PIL.Image, rich_pixels"),
]


def phases(store: Path, runs: int) -> tuple[dict[str, list[dict[str, float]]], list[str]]:
    out = Path(tempfile.mkstemp(prefix="opus-phases-", suffix=".jsonl")[1])
    env = dict(os.environ, PHASE_OUT=str(out))
    try:
        for i in range(runs + 1):
            for app in ("bare", "opus") if i % 2 else ("opus", "bare"):
                argv = [PYTHON, PROBE, app, "--store", str(store)]
                with PtyApp(argv, cols=80, rows=24, cwd=ROOT, env=env) as pty:
                    pty.settle(quiet=0.3, timeout=30)
                    deadline = 50
                    while pty.proc is not None and pty.proc.poll() is None and deadline:
                        pty.settle(quiet=0.1, timeout=1)
                        deadline -= 1
        lines = [json.loads(line) for line in out.read_text().splitlines()]
    finally:
        out.unlink(missing_ok=True)
    result: dict[str, list[dict[str, float]]] = {"bare": [], "opus-tui": []}
    heavy: list[str] = []
    for line in lines[2:]:  # the first round warms the caches
        result[line["app"]].append(dict(line["marks"]))
        if line["app"] == "opus-tui":
            heavy = line["heavy_at_first_frame"]
    return result, heavy


def import_cost(code: str, runs: int) -> float:
    script = (
        "import time, textual.app; t = time.perf_counter(); "
        f"{code}; print((time.perf_counter() - t) * 1000)"
    )
    values = []
    for _ in range(runs):
        done = subprocess.run(
            [PYTHON, "-c", script], capture_output=True, text=True, cwd=ROOT, check=True
        )
        values.append(float(done.stdout.split()[-1]))
    return min(values)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.startup_profile")
    parser.add_argument("--store", type=Path, help="store to open (default: a new demo store)")
    parser.add_argument("-n", type=int, default=8, help="runs per figure (default 8)")
    args = parser.parse_args(argv)
    precompile()
    with tempfile.TemporaryDirectory(prefix="opus-profile-") as tmp:
        store = args.store or build_demo_store(Path(tmp) / "demo")
        runs, heavy = phases(store, args.n)
    print(f"### CPU time per start-up phase (median of {args.n}, ms since process start)\n")
    print("| phase | bare app | opus-tui | opus-tui: this phase |")
    print("|---|---|---|---|")
    bare = {k: statistics.median(r[k] for r in runs["bare"]) for k in runs["bare"][0]}
    opus = {k: statistics.median(r[k] for r in runs["opus-tui"]) for k in runs["opus-tui"][0]}
    previous = 0.0
    for name, value in opus.items():
        b = bare.get(name)
        print(
            f"| {name} | {'' if b is None else f'{b:.0f}'} | {value:.0f} | {value - previous:.0f} |"
        )
        previous = value
    print(f"\nHeavy modules loaded at the first frame: {', '.join(heavy) or 'none'}.\n")
    print(f"### Import cost on top of `textual.app` (minimum of {args.n} fresh interpreters)\n")
    print("| import | ms |")
    print("|---|---|")
    for label, code in IMPORTS:
        print(f"| {label} | {import_cost(code, args.n):.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
