"""Reading texts from standard input, one per line, with a one-line error for bad bytes."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import BinaryIO

from lexiloom.errors import LexiloomError


def stdin_lines(encoding: str = "utf-8") -> Iterator[str]:
    """Lines of standard input without their line endings, decoded strictly as ``encoding``."""
    for number, raw in enumerate(_binary_stdin(), start=1):
        try:
            line = raw.decode(encoding)
        except UnicodeDecodeError as err:
            raise LexiloomError(
                f"standard input, line {number}: byte 0x{raw[err.start]:02x} is not valid "
                f"{encoding}; convert the text to {encoding} first (e.g. with iconv)"
            ) from None
        yield line.rstrip("\r\n")


def _binary_stdin() -> BinaryIO:
    """The bytes under ``sys.stdin`` (click's ``get_binary_stream`` is deprecated in click 8.2;
    this is what it did for a text stream that wraps a binary one, as under CliRunner)."""
    return getattr(sys.stdin, "buffer", sys.stdin)  # type: ignore[return-value]
