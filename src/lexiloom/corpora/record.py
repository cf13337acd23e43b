"""The record type every corpus reader yields, and the policy for malformed input."""

from __future__ import annotations

from os import PathLike
from typing import NamedTuple

from lexiloom.errors import CorpusFormatError


class Record(NamedTuple):
    """One document: its text and its labels (empty for unlabelled text)."""

    text: str
    labels: tuple[str, ...] = ()


class BadLines:
    """What a reader does with a malformed line: raise (default) or skip and count.

    Readers call :meth:`bad` for every malformed record; with ``skip=True`` it counts the line and
    keeps the first few messages (``examples``) instead of raising
    :class:`~lexiloom.errors.CorpusFormatError`.
    """

    def __init__(self, skip: bool = False, keep: int = 5) -> None:
        self.skip = skip
        self.skipped = 0
        self.examples: list[str] = []
        self._keep = keep

    def bad(self, path: str | PathLike[str], line: int | None, reason: str) -> None:
        """Report a malformed record at ``path``:``line``; raises unless skipping."""
        error = CorpusFormatError(path, line, reason)
        if not self.skip:
            raise error
        self.skipped += 1
        if len(self.examples) < self._keep:
            self.examples.append(str(error))
