"""A one-line progress display on stderr: epoch, step, loss and items (documents or tokens) per
second."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    """Redraws one status line on a terminal; elsewhere prints a line every ``every`` steps.

    ``enabled=False`` prints nothing (the Python API's ``progress=False``); ``unit`` names what
    the rate counts (``docs`` for classifiers, ``tokens`` for language models).
    """

    def __init__(self, total_steps: int, *, enabled: bool = True, stream: TextIO | None = None,
                 every: int = 50, unit: str = "docs") -> None:
        self.unit = unit
        self.total = total_steps
        self.enabled = enabled
        self.stream = stream or sys.stderr
        self.every = every
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self._start = time.perf_counter()
        self._docs = 0

    def update(self, step: int, epoch: int, loss: float, docs: int) -> None:
        """Report that ``step`` finished with ``loss`` after ``docs`` more items."""
        self._docs += docs
        if not self.enabled or not (self.tty or step % self.every == 0):
            return
        rate = self._docs / max(time.perf_counter() - self._start, 1e-9)
        width = 24
        done = int(width * min(step / max(self.total, 1), 1.0))
        bar = "#" * done + "." * (width - done)
        line = (f"epoch {epoch + 1} [{bar}] step {step}/{self.total} loss {loss:.4f} "
                f"{rate:,.0f} {self.unit}/s")
        self.stream.write(f"\r{line}" if self.tty else line + "\n")
        self.stream.flush()

    def message(self, text: str) -> None:
        """Print ``text`` on its own line (after clearing the status line)."""
        if not self.enabled:
            return
        self.stream.write(("\r\x1b[K" if self.tty else "") + text + "\n")
        self.stream.flush()


def tell(lines: list[str], *, enabled: bool = True) -> None:
    """Print each of ``lines`` on stderr (nothing when not ``enabled``)."""
    report = Progress(0, enabled=enabled)
    for line in lines:
        report.message(line)


__all__ = ["Progress", "tell"]
