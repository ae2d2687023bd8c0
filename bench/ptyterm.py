"""Run a terminal app in a real pseudo-terminal and read its screen (Linux, bench-only).

``Screen`` is a small VT parser: enough of ECMA-48 for what Textual writes (cursor moves,
erases, SGR and private modes ignored, OSC/DCS/APC strings skipped), so text is found where it
is *on screen*, not merely somewhere in the byte stream. ``PtyApp`` starts a process on a new
pty of a fixed size and timestamps, relative to just before the spawn, when a condition on
the screen first holds.
"""

from __future__ import annotations

import codecs
import contextlib
import fcntl
import os
import select
import struct
import subprocess
import termios
import time
import unicodedata
from collections.abc import Callable, Sequence
from pathlib import Path


class Screen:
    """A character grid fed with terminal output."""

    def __init__(self, cols: int, rows: int) -> None:
        self.cols = cols
        self.rows = rows
        self.grid = [[" "] * cols for _ in range(rows)]
        self.x = 0
        self.y = 0
        self.alt_screen = False
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._pending = ""  # an unfinished escape sequence

    # -- feeding -------------------------------------------------------------------------
    def feed(self, data: bytes) -> None:
        text = self._pending + self._decoder.decode(data)
        self._pending = ""
        i = 0
        n = len(text)
        while i < n:
            ch = text[i]
            if ch == "\x1b":
                end = self._escape(text, i)
                if end < 0:  # incomplete: keep for the next chunk
                    self._pending = text[i:]
                    return
                i = end
                continue
            if ch == "\r":
                self.x = 0
            elif ch == "\n":
                self.y = min(self.y + 1, self.rows - 1)
            elif ch == "\b":
                self.x = max(self.x - 1, 0)
            elif ch == "\t":
                self.x = min((self.x // 8 + 1) * 8, self.cols - 1)
            elif ch >= " " and ch != "\x7f":
                self._put(ch)
            i += 1

    def _put(self, ch: str) -> None:
        if unicodedata.combining(ch):
            return
        width = 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
        if self.x + width > self.cols:
            self.x = 0
            self.y = min(self.y + 1, self.rows - 1)
        self.grid[self.y][self.x] = ch
        if width == 2 and self.x + 1 < self.cols:
            self.grid[self.y][self.x + 1] = ""
        self.x += width

    def _escape(self, text: str, i: int) -> int:
        """Handle the sequence at ``text[i]`` (ESC); return the index after it, -1 if cut."""
        if i + 1 >= len(text):
            return -1
        kind = text[i + 1]
        if kind == "[":
            j = i + 2
            while j < len(text) and not ("@" <= text[j] <= "~"):
                j += 1
            if j >= len(text):
                return -1
            self._csi(text[i + 2 : j], text[j])
            return j + 1
        if kind in "]P_^X":  # OSC, DCS, APC, PM, SOS: up to BEL or ST
            j = i + 2
            while j < len(text):
                if text[j] == "\x07":
                    return j + 1
                if text[j] == "\x1b":
                    if j + 1 >= len(text):
                        return -1
                    if text[j + 1] == "\\":
                        return j + 2
                j += 1
            return -1
        if kind in "()*+":  # charset designation: one more char
            return i + 3 if i + 2 < len(text) else -1
        return i + 2  # ESC 7, ESC 8, ESC =, ...

    def _csi(self, params: str, final: str) -> None:
        private = params[:1] in ("?", ">", "<", "=")
        if private:
            if final in "hl" and params[1:].split(";")[0] in ("1049", "47", "1047"):
                self.alt_screen = final == "h"
                self.clear()
            return
        fields = list(params.split(";")) if params else []

        def arg(k: int, default: int) -> int:
            try:
                value = int(fields[k].split(":")[0]) if k < len(fields) and fields[k] else default
            except ValueError:
                return default
            return value if value > 0 or default == 0 else default

        if final in "Hf":
            self.y = min(max(arg(0, 1) - 1, 0), self.rows - 1)
            self.x = min(max(arg(1, 1) - 1, 0), self.cols - 1)
        elif final == "A":
            self.y = max(self.y - arg(0, 1), 0)
        elif final == "B":
            self.y = min(self.y + arg(0, 1), self.rows - 1)
        elif final == "C":
            self.x = min(self.x + arg(0, 1), self.cols - 1)
        elif final == "D":
            self.x = max(self.x - arg(0, 1), 0)
        elif final == "G":
            self.x = min(max(arg(0, 1) - 1, 0), self.cols - 1)
        elif final == "d":
            self.y = min(max(arg(0, 1) - 1, 0), self.rows - 1)
        elif final == "J":
            mode = arg(0, 0)
            if mode == 0:
                self.grid[self.y][self.x :] = [" "] * (self.cols - self.x)
                for row in self.grid[self.y + 1 :]:
                    row[:] = [" "] * self.cols
            elif mode == 1:
                for row in self.grid[: self.y]:
                    row[:] = [" "] * self.cols
                self.grid[self.y][: self.x + 1] = [" "] * (self.x + 1)
            else:
                self.clear()
        elif final == "K":
            mode = arg(0, 0)
            row = self.grid[self.y]
            if mode == 0:
                row[self.x :] = [" "] * (self.cols - self.x)
            elif mode == 1:
                row[: self.x + 1] = [" "] * (self.x + 1)
            else:
                row[:] = [" "] * self.cols
        elif final == "X":
            count = min(arg(0, 1), self.cols - self.x)
            self.grid[self.y][self.x : self.x + count] = [" "] * count
        # SGR (m) and everything else: no effect on the characters

    def clear(self) -> None:
        for row in self.grid:
            row[:] = [" "] * self.cols

    # -- reading -------------------------------------------------------------------------
    def lines(self) -> list[str]:
        return ["".join(row) for row in self.grid]

    def text(self) -> str:
        return "\n".join(self.lines())

    def contains(self, needle: str) -> bool:
        return any(needle in line for line in self.lines())


Condition = Callable[[Screen], bool]


def has_text(*needles: str) -> Condition:
    """A condition: every needle is visible on screen (each within one row)."""

    def check(screen: Screen) -> bool:
        lines = screen.lines()
        return all(any(n in line for line in lines) for n in needles)

    return check


def lacks_text(needle: str) -> Condition:
    def check(screen: Screen) -> bool:
        return not screen.contains(needle)

    return check


class AppExited(RuntimeError):
    pass


class PtyApp:
    """A process on its own pseudo-terminal; times are seconds since just before the spawn."""

    def __init__(
        self,
        argv: Sequence[str],
        *,
        cols: int = 120,
        rows: int = 40,
        env: dict[str, str] | None = None,
        cwd: Path | None = None,
    ) -> None:
        self.argv = list(argv)
        self.screen = Screen(cols, rows)
        self.cols = cols
        self.rows = rows
        self.env = dict(os.environ if env is None else env)
        self.env.setdefault("TERM", "xterm-256color")
        self.env.setdefault("COLORTERM", "truecolor")
        self.env.pop("NO_COLOR", None)
        self.env.pop("PYTHONDONTWRITEBYTECODE", None)  # as a user's shell: bytecode is cached
        # The pty's size is the terminal's: Textual prefers COLUMNS/LINES when set, and a test
        # runner's (pytest-xdist workers have 80×24) would draw past our screen's edge.
        self.env.pop("COLUMNS", None)
        self.env.pop("LINES", None)
        self.cwd = cwd
        self.proc: subprocess.Popen[bytes] | None = None
        self.master = -1
        self.t0 = 0.0
        self.exited = False
        self.raw = bytearray()

    def __enter__(self) -> PtyApp:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def start(self) -> None:
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", self.rows, self.cols, 0, 0))
        self.t0 = time.perf_counter()
        self.proc = subprocess.Popen(
            self.argv,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=self.env,
            cwd=self.cwd,
            start_new_session=True,
            close_fds=True,
        )
        os.close(slave)
        self.master = master

    def now(self) -> float:
        return time.perf_counter() - self.t0

    def _pump(self, timeout: float) -> bool:
        """Read what is there (waiting up to ``timeout``); False once the app has exited."""
        if self.exited:
            return False
        ready, _, _ = select.select([self.master], [], [], max(timeout, 0.0))
        if not ready:
            return True
        try:
            data = os.read(self.master, 65536)
        except OSError:  # EIO: the slave side is closed
            data = b""
        if not data:
            self.exited = True
            return False
        self.raw += data
        self.screen.feed(data)
        return True

    def wait_for(self, condition: Condition, timeout: float = 30.0) -> float:
        """Seconds since spawn at which ``condition`` first held after a read."""
        deadline = time.perf_counter() + timeout
        while True:
            if condition(self.screen):
                return self.now()
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                raise TimeoutError(self._describe("timed out"))
            if not self._pump(remaining) and not condition(self.screen):
                raise AppExited(self._describe("the app exited"))

    def settle(self, quiet: float = 0.3, timeout: float = 10.0) -> None:
        """Read until nothing has arrived for ``quiet`` seconds."""
        deadline = time.perf_counter() + timeout
        last = time.perf_counter()
        while time.perf_counter() < deadline:
            before = len(self.raw)
            if not self._pump(0.05):
                return
            if len(self.raw) != before:
                last = time.perf_counter()
            elif time.perf_counter() - last >= quiet:
                return

    def send(self, data: bytes | str) -> None:
        os.write(self.master, data.encode() if isinstance(data, str) else data)

    def status(self, field: str) -> int:
        """A ``kB`` field of /proc/<pid>/status, e.g. VmHWM (peak RSS) or VmRSS."""
        assert self.proc is not None
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
        raise KeyError(field)

    def cpu_seconds(self) -> float:
        """CPU time the process has run so far, all threads (/proc/<pid>/task/*/schedstat, ns).

        Unlike wall time it hardly depends on what else the machine is doing."""
        assert self.proc is not None
        total = 0
        for task in Path(f"/proc/{self.proc.pid}/task").iterdir():
            try:
                total += int((task / "schedstat").read_text().split()[0])
            except (OSError, ValueError, IndexError):
                continue  # a thread that just ended
        return total / 1e9

    def _describe(self, what: str) -> str:
        return f"{' '.join(self.argv)}: {what} after {self.now():.2f} s; screen:\n" + "\n".join(
            line.rstrip() for line in self.screen.lines() if line.strip()
        )

    def close(self, quit_key: bytes = b"\x11", timeout: float = 5.0) -> None:
        """Quit with ctrl+q, then terminate if needed; always reap the process."""
        if self.proc is None:
            return
        if self.proc.poll() is None and not self.exited:
            with contextlib.suppress(OSError):
                self.send(quit_key)
            deadline = time.perf_counter() + timeout
            while self.proc.poll() is None and time.perf_counter() < deadline:
                self._pump(0.05)
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(2)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.master >= 0:
            os.close(self.master)
            self.master = -1
