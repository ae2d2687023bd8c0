"""The publishing benchmark's harness on a tiny configuration (3 clinics × 2 practitioners):
it publishes through the real publisher to the emulator over loopback and returns well-formed
rows. No timings are asserted here."""

from __future__ import annotations

import pytest

from bench.bench_publish import run

KEYS = {"name", "unit", "median", "p95", "baseline_name", "baseline_median", "ratio"}


def test_rows_have_the_table_shape_and_the_requests_are_mirrored(
    capsys: pytest.CaptureFixture[str],
) -> None:
    rows = run(clinics=3, practitioners=2, rounds=2)
    assert "warning" not in capsys.readouterr().err  # the baseline made the same requests
    names = [str(r["name"]) for r in rows]
    assert [n.split(" 3×2")[0] for n in names] == [
        "first publication",
        "second publication, one setting changed",
        "wire conversion",
    ]
    assert "4 requests" in names[0] and "2 requests" in names[1]
    for row in rows:
        assert set(row) == KEYS
        assert row["unit"] == "s"
        for key in ("median", "p95", "baseline_median", "ratio"):
            assert isinstance(row[key], float) and row[key] > 0
        assert row["p95"] >= row["median"]
