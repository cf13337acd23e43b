"""A one-line progress display on stderr with a rate (words/s while counting, records/s while
training)."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    """Rewrites one stderr line: ``glove: <stage> <done> <unit> (<rate> <unit>/s)``.

    Disabled (``enabled=False``) it does nothing, so callers need no checks.
    """

    def __init__(self, enabled: bool, stream: TextIO | None = None) -> None:
        self.enabled = enabled
        self.stream = stream or sys.stderr
        self._stage = ""
        self._start = time.perf_counter()
        self._offset = 0

    def start(self, stage: str, offset: int = 0) -> None:
        """Begin a stage; ``offset`` is subtracted from later counts when computing the rate."""
        self._stage = stage
        self._start = time.perf_counter()
        self._offset = offset

    def update(self, done: int, unit: str = "words", extra: str = "") -> None:
        """Show ``done`` units of the current stage and the rate since :meth:`start`."""
        if not self.enabled:
            return
        elapsed = max(time.perf_counter() - self._start, 1e-9)
        rate = (done - self._offset) / elapsed
        line = f"glove: {self._stage} {done:,} {unit} ({_human(rate)} {unit}/s){extra}"
        self.stream.write("\r" + line.ljust(78))
        self.stream.flush()

    def finish(self) -> None:
        """End the line."""
        if self.enabled:
            self.stream.write("\n")
            self.stream.flush()


def _human(rate: float) -> str:
    for limit, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if rate >= limit:
            return f"{rate / limit:.1f}{suffix}"
    return f"{rate:.0f}"
