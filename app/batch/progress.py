"""The batch's progress on stderr: one redrawn status line on a terminal (done / failed /
remaining, ETA, dollars so far), or one plain line per finished item when stderr is a file or
a pipe (logs stay readable, no carriage returns)."""

from __future__ import annotations

import shutil
import sys
import time
from collections.abc import Callable
from typing import TextIO

from .records import ItemResult

_REDRAW_EVERY_S = 0.5


def format_seconds(seconds: float) -> str:
    """'42s', '3m05s', '1h02m'."""
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds}s"
    minutes, secs = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}m{secs:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m"


class Progress:
    """Counts of the items this run has to do, and the line that shows them."""

    def __init__(
        self,
        total: int,
        *,
        reused: int = 0,
        jobs: int = 1,
        stream: TextIO | None = None,
        tty: bool | None = None,
        quiet: bool = False,
        spent: Callable[[], float] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.total = total
        self.reused = reused
        self.jobs = max(1, jobs)
        self.stream = stream if stream is not None else sys.stderr
        self.tty = self.stream.isatty() if tty is None else tty
        self.quiet = quiet
        self._spent = spent
        self._clock = clock
        self.started = clock()
        self.done = 0
        self.failed = 0
        self.other = 0  # incomplete or stopped
        self.running = 0
        self._last_draw = 0.0
        self._line_width = 0

    @property
    def finished(self) -> int:
        """Items that ended this run, whatever their status."""
        return self.done + self.failed + self.other

    @property
    def remaining(self) -> int:
        """Items not finished yet (running or waiting)."""
        return max(0, self.total - self.finished)

    def eta_seconds(self) -> float | None:
        """Remaining time at the rate so far (None before the first item ends)."""
        if self.finished == 0:
            return None
        elapsed = self._clock() - self.started
        return elapsed / self.finished * self.remaining

    def status_line(self) -> str:
        """'12/200 done · 1 failed · 4 running · 183 left · ETA 2m10s · $0.42'."""
        parts = [f"{self.done}/{self.total} done"]
        if self.reused:
            parts[0] += f" (+{self.reused} already done)"
        if self.failed:
            parts.append(f"{self.failed} failed")
        if self.other:
            parts.append(f"{self.other} stopped")
        parts.append(f"{self.running} running")
        parts.append(f"{self.remaining} left")
        eta = self.eta_seconds()
        parts.append(f"ETA {format_seconds(eta)}" if eta is not None else "ETA …")
        if self._spent is not None:
            parts.append(f"${self._spent():.2f}")
        return " · ".join(parts)

    def started_item(self) -> None:
        """An item was handed to a worker."""
        self.running += 1
        self.refresh()

    def finished_item(self, result: ItemResult) -> None:
        """An item ended: count it, and on a non-terminal print its line."""
        self.running = max(0, self.running - 1)
        if result.status == "done":
            self.done += 1
        elif result.status == "failed":
            self.failed += 1
        else:
            self.other += 1
        if self.quiet:
            return
        if not self.tty:
            self._print(self._item_line(result))
        elif result.status != "done":
            self._clear()
            self._print(self._item_line(result))
        self.refresh(force=True)

    def note(self, message: str) -> None:
        """A message of its own line (the status line is redrawn below it)."""
        if self.quiet:
            return
        self._clear()
        self._print(message)
        self.refresh(force=True)

    def refresh(self, force: bool = False) -> None:
        """Redraw the status line (terminals only; at most twice a second unless forced)."""
        if self.quiet or not self.tty:
            return
        now = self._clock()
        if not force and now - self._last_draw < _REDRAW_EVERY_S:
            return
        self._last_draw = now
        width = shutil.get_terminal_size((100, 20)).columns - 1
        line = self.status_line()[:width]
        self.stream.write("\r" + line + " " * max(0, self._line_width - len(line)))
        self.stream.flush()
        self._line_width = len(line)

    def close(self) -> None:
        """End the status line (terminals) or print the final counts (logs)."""
        if self.quiet:
            return
        if self.tty:
            self.refresh(force=True)
            self.stream.write("\n")
            self.stream.flush()
        else:
            self._print(self.status_line())

    def _item_line(self, result: ItemResult) -> str:
        position = f"[{self.finished}/{self.total}]"
        what = f" ({result.system})" if result.system else ""
        line = f"{position} {result.status} {result.name}{what} {result.seconds:.1f}s"
        if result.reason:
            line += f": {result.reason}"
        return line

    def _clear(self) -> None:
        if self.tty and self._line_width:
            self.stream.write("\r" + " " * self._line_width + "\r")
            self._line_width = 0

    def _print(self, text: str) -> None:
        self.stream.write(text + "\n")
        self.stream.flush()
