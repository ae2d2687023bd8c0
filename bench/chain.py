"""The synthetic chains the Kliniker/Behandlare benches compare (300 × 30 against 3 × 30,
one week of times), and how they alternate."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from dataclasses import replace
from pathlib import Path
from typing import Any

from opus_tui.domain.catalogue import Catalogue, CatalogueSource

Results = dict[str, list[float]]
SEED = 20261127


def chain(clinics: int, practitioners: int, source: CatalogueSource = "demo") -> Catalogue:
    """A chain as ``services.demo`` makes it; ``source="snapshot"`` as if fetched from Opus
    (the catalogue check's ⚠ rows run, as for a real chain)."""
    from opus_tui.services.demo import chain_catalogue, generate_chain

    made = chain_catalogue(generate_chain(clinics, practitioners, 1, seed=SEED))
    return made if source == made.source else replace(made, source=source)


def small_then_large(
    measure: Callable[[Catalogue, Path], Coroutine[Any, Any, Results]],
    tmp: Path,
    source: CatalogueSource = "demo",
) -> tuple[dict[str, Results], Catalogue, Catalogue]:
    """``measure`` on 3 × 30 and 300 × 30, alternately, twice (a store file each); the second,
    warm result of each by "small"/"large", and the two catalogues."""
    small, large = chain(3, 30, source), chain(300, 30, source)
    results: dict[str, Results] = {}
    for n, (label, catalogue) in enumerate((("small", small), ("large", large)) * 2):
        results[label] = asyncio.run(measure(catalogue, tmp / f"{label}{n}.db"))
    return results, small, large
