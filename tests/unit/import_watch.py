"""Import-hygiene probes in a fresh interpreter. ``WATCH`` is source for the child: it records,
for each library named in ``heavy``, which opus_tui frames were on the stack when it was first
imported (``culprits``), so a failing test names the culprit. Needs ``sys``, ``traceback`` and
``heavy`` defined. ``run_probe`` runs a probe and returns the JSON it printed last."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

WATCH = r"""
culprits = {}

class Watch:
    def find_spec(self, fullname, path=None, target=None):
        top = fullname.partition(".")[0]
        if top in heavy and top not in culprits:
            culprits[top] = [
                f"{f.filename.rpartition('opus_tui')[2] or f.filename}:{f.lineno}"
                for f in traceback.extract_stack()
                if "opus_tui" in f.filename
            ]
        return None

sys.meta_path.insert(0, Watch())
"""


def run_probe(source: str, argument: str, heavy: tuple[str, ...]) -> dict[str, object]:
    """``python -c source argument heavy,…`` from the project root, with this environment
    (the same key file: tests/conftest.py); the last line it printed, as JSON."""
    done = subprocess.run(
        [sys.executable, "-c", source, argument, ",".join(heavy)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env=os.environ.copy(),
    )
    assert done.returncode == 0, f"the probe for {argument} failed:\n{done.stderr}"
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result
