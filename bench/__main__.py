"""`make bench`: run every bench/bench_*.py and print one table.

Each module exposes ``run() -> list[dict]`` with rows: name, unit, median, p95, baseline_name,
baseline_median, ratio (the baseline is measured in the same run; these machines are noisy).
"""

from __future__ import annotations

import importlib
import platform
import sys
import time
import traceback
from pathlib import Path


def _fmt(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return "" if value is None else str(value)


def main(argv: list[str]) -> int:
    here = Path(__file__).parent
    names = sorted(p.stem for p in here.glob("bench_*.py"))
    if argv:
        names = [n for n in names if any(a in n for a in argv)]
    rows: list[dict[str, object]] = []
    failed = 0
    for name in names:
        started = time.perf_counter()
        print(f"… {name}", file=sys.stderr, flush=True)
        try:
            module = importlib.import_module(f"bench.{name}")
            for row in module.run():
                rows.append({"bench": name, **row})
        except Exception:
            failed += 1
            traceback.print_exc()
        print(f"  {name}: {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)
    columns = [
        "bench",
        "name",
        "unit",
        "median",
        "p95",
        "baseline_name",
        "baseline_median",
        "ratio",
    ]
    table = [[_fmt(r.get(c)) for c in columns] for r in rows]
    widths = [
        max(len(c), *(len(t[i]) for t in table)) if table else len(c) for i, c in enumerate(columns)
    ]
    print(
        f"# opus-tui bench — {platform.node()} {platform.machine()} Python "
        f"{platform.python_version()}, {time.strftime('%Y-%m-%d %H:%M')}"
    )
    print(" | ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)))
    print("-|-".join("-" * w for w in widths))
    for t in table:
        print(" | ".join(v.ljust(w) for v, w in zip(t, widths, strict=True)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
