"""A progress bar on stderr: redrawn in place on a terminal, one line per
tenth otherwise (a log file or CI keeps a readable record)."""

from __future__ import annotations

import sys
import time


class Progress:
    def __init__(self, label: str, total: float, unit: str = ""):
        self.label, self.total, self.unit = label, max(total, 1e-9), unit
        self.tty = sys.stderr.isatty()
        self.started = time.perf_counter()
        self._last_tenth = -1
        self.update(0)

    def update(self, done: float, note: str = "") -> None:
        frac = min(max(done / self.total, 0.0), 1.0)
        elapsed = time.perf_counter() - self.started
        line = (
            f"{self.label:<28} [{'#' * int(frac * 30):<30}] {frac:6.1%} "
            f"{done:,.0f}/{self.total:,.0f}{self.unit} {elapsed:5.0f}s {note}"
        )
        if self.tty:
            print("\r" + line[:118].ljust(118), end="", file=sys.stderr, flush=True)
        elif int(frac * 10) > self._last_tenth:
            self._last_tenth = int(frac * 10)
            print(line, file=sys.stderr, flush=True)

    def done(self, note: str = "") -> None:
        self.update(self.total, note)
        if self.tty:
            print(file=sys.stderr)
