"""What every row of ``make bench`` is made of: the median and p95 of repeated measurements,
beside a baseline measured in the same run, and ``ratio = median / baseline median`` (above 1:
more than the baseline — slower for times, bigger for memory; for rates, below 1 is slower)."""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from typing import Any


def p95(values: Sequence[float]) -> float:
    """The 95th percentile (inclusive method); the value itself for a single measurement."""
    if len(values) < 2:
        return values[0]
    return statistics.quantiles(values, n=20, method="inclusive")[18]


def make_row(
    name: str,
    unit: str,
    median: float,
    p95_value: float,
    baseline_name: str,
    baseline_median: float,
) -> dict[str, Any]:
    return {
        "name": name,
        "unit": unit,
        "median": median,
        "p95": p95_value,
        "baseline_name": baseline_name,
        "baseline_median": baseline_median,
        "ratio": median / baseline_median if baseline_median else None,
    }


def row(
    name: str, unit: str, values: Sequence[float], baseline_name: str, baseline: Sequence[float]
) -> dict[str, Any]:
    """A row from the raw measurements of ours and of the baseline."""
    return make_row(
        name,
        unit,
        statistics.median(values),
        p95(values),
        baseline_name,
        statistics.median(baseline),
    )


def chain_rows(
    prefix: str,
    names: Sequence[str],
    large: Mapping[str, Sequence[float]],
    small: Mapping[str, Sequence[float]],
) -> list[dict[str, Any]]:
    """``{prefix}_{name}`` and ``{prefix}_{name}_cpu`` in ms, 300×30 against 3×30."""
    return [
        row(f"{prefix}_{key}_300x30", "ms", large[key], f"{prefix}_{key}_3x30", small[key])
        for name in names
        for key in (name, f"{name}_cpu")
    ]
