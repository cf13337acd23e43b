"""Streaming, atomic text output for corpus writers (plain or ``.gz``)."""

from __future__ import annotations

import contextlib
import gzip
import io
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

from lexiloom.atomic import atomic_path
from lexiloom.errors import CorpusError


def check_encoding(encoding: str) -> None:
    """Raise :class:`~lexiloom.errors.CorpusError` unless ``encoding`` is a known codec."""
    try:
        "".encode(encoding)
    except LookupError:
        raise CorpusError(f"unknown encoding {encoding!r}; use a Python codec name such as "
                          "'utf-8' or 'latin-1'") from None


@contextlib.contextmanager
def open_output(path: str | os.PathLike[str], encoding: str = "utf-8") -> Iterator[IO[str]]:
    """A text stream that replaces ``path`` atomically when the ``with`` block succeeds.

    A ``path`` ending in ``.gz`` is gzip-compressed. Line endings are written as given
    (``newline=""``). On an exception ``path`` is left as it was.
    """
    path = Path(path)
    check_encoding(encoding)
    with atomic_path(path) as tmp:
        raw = gzip.open(tmp, "wb") if path.suffix.lower() == ".gz" else open(tmp, "wb")  # noqa: SIM115
        with io.TextIOWrapper(raw, encoding=encoding, newline="") as out:
            yield out


def unencodable(path: str | os.PathLike[str], number: int, text: str,
                err: UnicodeEncodeError) -> CorpusError:
    """The error for record ``number`` whose ``text`` the output encoding cannot hold."""
    bad = text[err.start:err.end] if err.object == text else err.object[err.start:err.end]
    return CorpusError(f"{path}: record {number} contains {bad!r}, which {err.encoding} cannot "
                       f"encode; write with encoding='utf-8'")


def write_lines(
    path: str | os.PathLike[str], lines: Iterable[str], *, encoding: str = "utf-8"
) -> int:
    """Write each of ``lines`` followed by ``\\n`` to ``path`` atomically; return the count.

    ``lines`` is consumed lazily, so memory does not grow with the corpus. Errors raised while
    producing a line (a record the format cannot hold) leave ``path`` untouched.
    """
    count = 0
    with open_output(path, encoding) as out:
        for line in lines:
            try:
                out.write(line + "\n")
            except UnicodeEncodeError as err:
                raise unencodable(path, count + 1, line, err) from None
            count += 1
    return count
