"""Streaming text input: plain or gzip files, any encoding, undecodable bytes found per line."""

from __future__ import annotations

import codecs
import gzip
import io
import os
import re
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from lexiloom.corpora.record import BadLines
from lexiloom.errors import CorpusError, CorpusFormatError

_ESCAPED = re.compile("[\udc80-\udcff]")


def open_text(path: str | os.PathLike[str], encoding: str = "utf-8") -> IO[str]:
    """Open ``path`` for streaming text reading; ``.gz`` files are decompressed on the fly.

    Undecodable bytes do not raise here: they arrive as lone surrogates (``surrogateescape``), so
    callers can report the exact line (see :func:`undecodable`). Line endings are kept as in the
    file (``newline=""``).
    """
    path = Path(path)
    try:
        codec = codecs.lookup(encoding).name
    except LookupError:
        raise CorpusError(f"unknown encoding {encoding!r}; use a Python codec name such as "
                          "'utf-8' or 'latin-1'") from None
    if not path.exists():
        raise CorpusError(f"{path}: no such file")
    if path.is_dir():
        raise CorpusError(f"{path}: is a directory, expected a file (or use --format folder)")
    try:
        raw = gzip.open(path, "rb") if path.suffix.lower() == ".gz" else open(path, "rb")  # noqa: SIM115
    except OSError as err:
        raise CorpusError(f"{path}: cannot open: {err.strerror or err}") from None
    # A UTF-8 byte-order mark (Excel's "CSV UTF-8") is not part of the text: utf-8-sig drops it
    # and is otherwise the same codec.
    decode_as = "utf-8-sig" if codec == "utf-8" else encoding
    return io.TextIOWrapper(raw, encoding=decode_as, errors="surrogateescape", newline="")


def undecodable(text: str, encoding: str) -> str | None:
    """A description of the first undecodable byte in ``text`` read by :func:`open_text`."""
    if text.isascii():  # fast path: escaped bytes are never ASCII
        return None
    match = _ESCAPED.search(text)
    if match is None:
        return None
    byte = ord(match.group()) - 0xDC00
    return (f"byte 0x{byte:02x} at column {match.start() + 1} cannot be decoded as {encoding}; "
            f"pass the file's encoding (e.g. --encoding latin-1) or --skip-bad-lines")


def iter_lines(
    path: str | os.PathLike[str], encoding: str = "utf-8", bad_lines: BadLines | None = None
) -> Iterator[tuple[int, str]]:
    """Yield ``(line_number, line)`` with the line ending removed, streaming.

    A line with undecodable bytes is reported through ``bad_lines`` (raising by default).
    """
    bad_lines = bad_lines or BadLines()
    number = 0
    try:
        with open_text(path, encoding) as fh:
            for number, line in enumerate(fh, start=1):
                line = line.rstrip("\r\n")
                problem = undecodable(line, encoding)
                if problem:
                    bad_lines.bad(path, number, problem)
                    continue
                yield number, line
    except (OSError, EOFError, zlib.error) as err:  # truncated or corrupt .gz
        raise CorpusError(f"{path}: cannot read: {err}") from None
    except UnicodeError as err:  # codecs that cannot escape bytes (UTF-16/32) fail here
        raise CorpusFormatError(path, number + 1, f"cannot be decoded as {encoding} ({err}); "
                                "pass the file's encoding with --encoding") from None
