"""Child process for ``bench/startup_profile.py``: runs opus-tui (or the bare app) with CPU-time
marks at the start-up phases, then exits right after the first frame is written.

Marks (``time.process_time``, ms, all threads): interpreter up, ``textual.app`` imported,
``opus_tui.app`` imported, ``OpusApp.__init__`` (quick store reads) done, the first tab's
``compose`` called (its screen made, the stylesheets read), first frame written. Also the heavy
modules loaded by then.
Appends one JSON line to the file named by $PHASE_OUT. Not a benchmark module itself.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any

T0 = time.process_time()
marks: list[tuple[str, float]] = [("python", T0)]
HEAVY = ("pydantic", "sqlalchemy", "sqlmodel", "httpx", "PIL", "rich_pixels", "pyodbc", "nh3")


def mark(name: str) -> None:
    marks.append((name, time.process_time()))


def main() -> None:
    bare = sys.argv[1] == "bare"
    import textual.app as textual_app

    mark("textual.app")
    if not bare:
        import opus_tui.app as opus_app

        mark("opus_tui.app")
        from opus_tui.screens import base

        init = opus_app.OpusApp.__init__
        compose = base.TabScreen.compose

        def traced_init(self: Any, *args: Any, **kwargs: Any) -> None:
            init(self, *args, **kwargs)
            mark("app init (quick reads)")

        def traced_compose(self: Any) -> Any:
            if not any(name == "first tab composed" for name, _ in marks):
                mark("first tab composed")  # its screen made, the stylesheets read
            return compose(self)

        opus_app.OpusApp.__init__ = traced_init  # type: ignore[method-assign]
        base.TabScreen.compose = traced_compose  # type: ignore[method-assign]

    display = textual_app.App._display
    state: dict[str, Any] = {}

    def traced_display(self: Any, *args: Any, **kwargs: Any) -> None:
        display(self, *args, **kwargs)
        if "done" not in state:
            state["done"] = True
            mark("first frame")
            state["modules"] = [m for m in HEAVY if m in sys.modules]
            self.call_later(self.exit)

    textual_app.App._display = traced_display  # type: ignore[method-assign]
    if bare:
        import runpy

        sys.argv = [sys.argv[0]]
        runpy.run_path(str(Path(__file__).parent / "bare_app.py"), run_name="__main__")
    else:
        from opus_tui.cli import main as cli_main

        cli_main(sys.argv[2:])
    with Path(os.environ["PHASE_OUT"]).open("a", encoding="utf-8") as out:
        out.write(
            json.dumps(
                {
                    "app": "bare" if bare else "opus-tui",
                    "marks": [(n, round(t * 1000, 1)) for n, t in marks],
                    "heavy_at_first_frame": state.get("modules", []),
                }
            )
            + "\n"
        )


if __name__ == "__main__":
    main()
