"""Make the README's picture: the demo store, Flexibilitet beside the live preview, 120×40.

    .venv/bin/python docs/screenshot.py   # writes docs/images/opus-tui.svg
"""

from __future__ import annotations

import asyncio
import tempfile
from datetime import datetime
from pathlib import Path

from opus_tui.app import OpusApp
from opus_tui.commands.demo import demo_configuration
from opus_tui.services.demo import demo_catalogue
from opus_tui.store.repository import Store

NOW = datetime(2026, 11, 27, 9, 30)
OUT = Path(__file__).parent / "images" / "opus-tui.svg"


async def main() -> None:
    catalogue = demo_catalogue(NOW.date())
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'store.db'}"
        with Store.open(url) as store:
            store.save_config(demo_configuration(catalogue), summary="demo")
            store.save_catalogue(catalogue)
        app = OpusApp(url, catalogue=catalogue, clock=lambda: NOW)
        async with app.run_test(size=(132, 40)) as pilot:
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.press("4")
            await pilot.pause(0.5)
            await app.workers.wait_for_complete()
            await pilot.pause(0.5)
            OUT.parent.mkdir(exist_ok=True)
            app.save_screenshot(filename=OUT.name, path=str(OUT.parent))
    print(OUT)


if __name__ == "__main__":
    asyncio.run(main())
