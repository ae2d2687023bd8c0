"""The least memory opus-tui's design can hold a large store in: Textual's modules, the domain
(pydantic) and the store's configuration and catalogue (without online times) as the app holds
them, read with ``store.quick`` — no app, no screen, no widget, no store connection. Prints the
process's peak RSS (VmHWM) in KiB.

    python bench/memory_floor.py STORE.db
"""

from __future__ import annotations

import gc
import sys
from pathlib import Path


def peak_kib() -> int:
    for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise RuntimeError("no VmHWM in /proc/self/status")


def main(store: str) -> int:
    import textual.app
    import textual.widgets  # noqa: F401 - every tab needs them, as the app has them

    import opus_tui.domain.config  # noqa: F401
    from opus_tui.store.quick import catalogue_from_plain, config_from_plain, read_plain

    plain = read_plain(f"sqlite:///{store}")
    if plain is None:
        raise SystemExit(f"cannot read {store}")
    config, catalogue = config_from_plain(plain), catalogue_from_plain(plain)
    if config is None or catalogue is None:
        raise SystemExit(f"no configuration or catalogue in {store}")
    del plain  # config and catalogue are kept, as the app keeps them
    gc.collect()
    return peak_kib()


if __name__ == "__main__":
    print(main(sys.argv[1]))
