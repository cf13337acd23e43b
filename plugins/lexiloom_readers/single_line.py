"""Checks shared by the writers of line-based formats (one document per line)."""

from __future__ import annotations

import os

from lexiloom.errors import CorpusError


def check_single_line(path: str | os.PathLike[str], number: int, text: str, fmt: str) -> str:
    """``text`` stripped, or :class:`CorpusError` when it cannot be one line of format ``fmt``.

    A line break would split the document in two and an empty text would be read as a blank
    line, so neither can be written.
    """
    if "\n" in text or "\r" in text:
        raise CorpusError(f"{path}: record {number} contains a line break, which the {fmt} format "
                          f"(one document per line) cannot hold; replace line breaks with spaces "
                          f"first, or write jsonl")
    stripped = text.strip()
    if not stripped:
        raise CorpusError(f"{path}: record {number} has an empty text, which the {fmt} format "
                          f"cannot hold (blank lines are skipped); drop empty records first")
    return stripped


def check_label_word(path: str | os.PathLike[str], number: int, label: str, fmt: str) -> None:
    """:class:`CorpusError` unless ``label`` is one non-empty word (no whitespace)."""
    if not label or any(ch.isspace() for ch in label):
        raise CorpusError(f"{path}: record {number} has label {label!r}; {fmt} labels must be one "
                          f"word without spaces; rename the label (e.g. with '_' for spaces)")
