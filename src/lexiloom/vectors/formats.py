"""Word-vector files: word2vec text, word2vec binary and GloVe text, read and written.

Formats (names accepted by :func:`read_vectors` / :func:`write_vectors`):

- ``"word2vec"`` (alias ``"text"``): a header line ``N D``, then one line per word:
  ``word v1 ... vD``, fields separated by single spaces.
- ``"word2vec-binary"`` (alias ``"binary"``): the header line ``N D\\n``, then per word the UTF-8
  bytes of ``word``, one space, ``D`` little-endian float32 values and a newline (as the original
  C tool writes; a missing newline is accepted, as gensim writes none).
- ``"glove"``: like ``"word2vec"`` without the header line.

Any of them may be gzip-compressed (a path ending in ``.gz``). Text values are written with
``%.9g``, enough digits for every float32 to read back exactly; binary values are copied as they
are, so write→read round-trips are exact in all three formats.

Words must be non-empty and contain no ASCII whitespace (space, tab, newline, ...): the formats
separate fields with it. A word that appears twice keeps its first vector (as gensim does); the
later lines are still checked and counted against the header.

Malformed files raise :class:`VectorsFormatError` (a :class:`~lexiloom.errors.ModelFileError`)
naming the file and the line (binary files: the vector number and byte offset).
"""

from __future__ import annotations

import codecs
import contextlib
import gzip
import logging
import os
import zlib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Any

import numpy as np

from lexiloom import atomic, manifest
from lexiloom.errors import ModelFileError, SettingsError

logger = logging.getLogger(__name__)

WORD2VEC, WORD2VEC_BINARY, GLOVE = "word2vec", "word2vec-binary", "glove"
FORMATS: tuple[str, ...] = (WORD2VEC, WORD2VEC_BINARY, GLOVE)
ALIASES: dict[str, str] = {"text": WORD2VEC, "binary": WORD2VEC_BINARY, "bin": WORD2VEC_BINARY,
                           "word2vec-text": WORD2VEC, **{f: f for f in FORMATS}}
_FORBIDDEN = frozenset(" \t\n\r\v\f")
_BINARY_SAMPLE = 4096
_VALUE_FORMAT = "%.9g"


class VectorsFormatError(ModelFileError):
    """A malformed vectors file; ``path``, ``line`` (or ``None``) and ``reason`` say where/why."""

    def __init__(self, path: str | os.PathLike[str], line: int | None, reason: str,
                 where: str | None = None) -> None:
        self.path = str(path)
        self.line = line
        self.reason = reason
        if where is None:
            where = f"line {line}" if line is not None else ""
        super().__init__(f"{self.path}, {where}: {reason}" if where else f"{self.path}: {reason}")


def normalize_format(name: str) -> str:
    """The canonical format name for ``name`` (``"text"`` → ``"word2vec"``, ...)."""
    try:
        return ALIASES[name.lower()]
    except (KeyError, AttributeError):
        raise SettingsError(
            f"unknown vectors format {name!r}; use one of: word2vec (text), word2vec-binary "
            f"(binary), glove, fasttext (a fastText .bin: subword vectors)") from None


def format_for_path(path: str | os.PathLike[str]) -> str:
    """The format a file at ``path`` is written in when none is given: word2vec binary for
    ``.bin`` (or ``.bin.gz``), as :func:`detect_format` reads it, else word2vec text."""
    path = Path(path)
    stem = path.with_suffix("") if path.suffix.lower() == ".gz" else path
    return WORD2VEC_BINARY if stem.suffix == ".bin" else WORD2VEC


def detect_format(path: str | os.PathLike[str]) -> str:
    """Guess the format of ``path``.

    ``.bin`` (or ``.bin.gz``) → word2vec binary; a first line of two integers → word2vec (text,
    or binary when the bytes after the header are not text); anything else → GloVe.
    """
    path = Path(path)
    if format_for_path(path) == WORD2VEC_BINARY:
        return WORD2VEC_BINARY
    with _open_binary(path) as fh:
        try:
            header = _parse_header(fh.readline())
            if header is None:
                return GLOVE
            sample = fh.read(_BINARY_SAMPLE)
        except (OSError, EOFError, zlib.error) as err:  # a truncated or corrupt .gz
            raise ModelFileError(f"{path}: cannot read: {err}") from None
    return WORD2VEC_BINARY if _looks_binary(sample, header[1]) else WORD2VEC


def read_vectors(
    path: str | os.PathLike[str],
    format: str | None = None,
    *,
    limit: int | None = None,
    encoding: str = "utf-8",
    verify: bool = True,
) -> tuple[list[str], np.ndarray]:
    """Read a vectors file: ``(words, vectors)`` with ``vectors`` float32 of shape (len, dim).

    ``format`` is detected when ``None`` (see :func:`detect_format`); ``limit`` reads only the
    first ``limit`` vectors. Memory: one float32 matrix, preallocated from the header when there
    is one; lines are streamed. With ``verify`` (the default) a checksum sidecar
    (``PATH.sha256``, written by :func:`write_vectors`) is checked first when there is one: a
    file that changed since it was written is a :class:`~lexiloom.errors.ModelFileError`.
    """
    path = Path(path)
    if verify and path.is_file():
        manifest.verify_sidecar(path)
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 0):
        raise SettingsError(f"limit must be a non-negative integer or None, not {limit!r}")
    _check_encoding(encoding)
    fmt = detect_format(path) if format is None else normalize_format(format)
    if fmt == WORD2VEC_BINARY:
        return _read_binary(path, limit, encoding)
    return _read_text(path, fmt == WORD2VEC, limit, encoding)


def write_vectors(
    path: str | os.PathLike[str],
    words: Sequence[str],
    vectors: np.ndarray,
    format: str = WORD2VEC,
    *,
    encoding: str = "utf-8",
    sidecar: bool = True,
) -> None:
    """Write ``words`` and their ``vectors`` (rows) to ``path`` atomically (gzip for ``.gz``),
    and, with ``sidecar``, its SHA-256 beside it (``PATH.sha256``, ``sha256sum`` format) for
    :func:`read_vectors` to check. An old sidecar is removed before the file is replaced, so a
    crash in between leaves the new file unverified rather than mismatched."""
    path = Path(path)
    fmt = normalize_format(format)
    _check_encoding(encoding)
    vectors = np.asarray(vectors, dtype=np.float32)
    if vectors.ndim != 2 or vectors.shape[0] != len(words):
        raise SettingsError(f"cannot write {path}: {len(words)} words but vectors of shape "
                            f"{vectors.shape}; expected ({len(words)}, dim)")
    for word in words:
        if not isinstance(word, str) or not word or _FORBIDDEN.intersection(word):
            raise ModelFileError(
                f"cannot write {path}: word {word!r} is empty or contains whitespace, which the "
                f"{fmt} format uses as a separator; rename or drop that word first")
    with atomic.atomic_path(path) as tmp:
        opener = gzip.open if path.suffix.lower() == ".gz" else open
        with opener(tmp, "wb") as raw:
            if fmt == WORD2VEC_BINARY:
                _write_binary(raw, words, vectors, encoding)
            else:
                _write_text(raw, words, vectors, fmt == WORD2VEC, encoding)
        manifest.remove_sidecar(path)
    if sidecar:
        with atomic.atomic_path(manifest.sidecar_path(path)) as tmp:
            tmp.write_text(manifest.sidecar_text(path), encoding="utf-8")


# -- reading -------------------------------------------------------------------------------------

def _check_encoding(encoding: str) -> None:
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise SettingsError(f"unknown encoding {encoding!r}; use a Python codec name such as "
                            "'utf-8' or 'latin-1'") from None


def _open_binary(path: Path) -> IO[bytes]:
    if not path.exists():
        raise ModelFileError(f"{path}: no such vectors file; check the path")
    if path.is_dir():
        raise ModelFileError(f"{path}: is a directory, expected a vectors file")
    try:
        if path.suffix.lower() == ".gz":
            return gzip.open(path, "rb")  # type: ignore[return-value]
        return open(path, "rb")
    except OSError as err:
        raise ModelFileError(f"{path}: cannot open: {err.strerror or err}") from None


def _parse_header(line: bytes) -> tuple[int, int] | None:
    fields = line.split()
    if len(fields) != 2:
        return None
    try:
        count, dim = int(fields[0]), int(fields[1])
    except ValueError:
        return None
    return count, dim


def _looks_binary(sample: bytes, dim: int) -> bool:
    """Whether the bytes after a ``N D`` header are binary vectors: not when the next line is a
    word and ``dim`` numbers; yes when they hold control bytes no text file has."""
    line = sample.split(b"\n", 1)[0]
    fields = line.split()
    if len(fields) == dim + 1 and all(_is_number(f.decode("latin-1")) for f in fields[1:]):
        return False
    return any(byte < 0x20 and byte not in b"\t\n\r" for byte in sample)


class _Rows:
    """A float32 matrix filled row by row, preallocated when the size is known, else doubling."""

    def __init__(self, path: Path, capacity: int, dim: int) -> None:
        try:
            self.data = np.empty((capacity, dim), dtype=np.float32)
        except (MemoryError, ValueError):
            gib = capacity * dim * 4 / 2**30
            raise ModelFileError(
                f"{path}: the header announces {capacity} vectors of {dim} values ({gib:.1f} GiB),"
                " more than fits in memory; load fewer with limit=") from None
        self.size = 0

    def next_row(self) -> np.ndarray:
        if self.size == len(self.data):
            grown = np.empty((max(16, 2 * len(self.data)), self.data.shape[1]), np.float32)
            grown[: self.size] = self.data
            self.data = grown
        self.size += 1
        return self.data[self.size - 1]

    def drop_last(self) -> None:
        self.size -= 1

    def result(self) -> np.ndarray:
        return self.data if self.size == len(self.data) else self.data[: self.size].copy()


class _Collector:
    """Words and rows, skipping (and logging) duplicate words after their first vector."""

    def __init__(self, path: Path, capacity: int, dim: int) -> None:
        self.path = path
        self.rows = _Rows(path, capacity, dim)
        self.words: list[str] = []
        self.seen: set[str] = set()
        self.duplicates = 0

    def add(self, word: str) -> np.ndarray | None:
        """The row to fill for ``word``, or ``None`` when it is a duplicate."""
        if word in self.seen:
            self.duplicates += 1
            return None
        self.seen.add(word)
        self.words.append(word)
        return self.rows.next_row()

    def undo(self) -> None:
        self.seen.discard(self.words.pop())
        self.rows.drop_last()

    def result(self) -> tuple[list[str], np.ndarray]:
        if self.duplicates:
            logger.warning("%s: %d duplicate words ignored (the first vector of each is kept)",
                           self.path, self.duplicates)
        return self.words, self.rows.result()


def _text_lines(path: Path, encoding: str) -> Iterator[tuple[int, str]]:
    with _open_binary(path) as raw:
        try:
            for number, data in enumerate(raw, start=1):
                try:
                    line = data.decode(encoding)
                except UnicodeDecodeError as err:
                    raise VectorsFormatError(
                        path, number, f"byte 0x{data[err.start]:02x} at column {err.start + 1} "
                        f"cannot be decoded as {encoding}; pass the file's encoding "
                        "(encoding=... / --encoding)") from None
                yield number, line.rstrip()
        except (OSError, EOFError, zlib.error) as err:  # a truncated or corrupt .gz
            raise ModelFileError(f"{path}: cannot read: {err}") from None


def _read_text(
    path: Path, has_header: bool, limit: int | None, encoding: str
) -> tuple[list[str], np.ndarray]:
    with contextlib.closing(_text_lines(path, encoding)) as lines:
        return _parse_text(lines, path, has_header, limit)


def _parse_text(
    lines: Iterator[tuple[int, str]], path: Path, has_header: bool, limit: int | None
) -> tuple[list[str], np.ndarray]:
    expected: int | None = None
    dim: int | None = None
    if has_header:
        number, header = next(lines, (1, ""))
        parsed = _parse_header(header.encode("utf-8"))
        if parsed is None or parsed[0] < 0 or parsed[1] < 1:
            raise VectorsFormatError(
                path, number, f"expected a header 'COUNT DIM' (two integers), got {header!r}; "
                "for a file without a header use format='glove'")
        expected, dim = parsed
    wanted = expected if limit is None else limit if expected is None else min(limit, expected)
    collector: _Collector | None = (
        _Collector(path, wanted, dim) if dim is not None and wanted is not None else None)
    read = 0
    last = 1 if has_header else 0
    for number, line in lines:
        last = number
        if not line:
            continue  # blank lines carry nothing
        if limit is not None and read >= limit and collector is not None:
            break
        if expected is not None and read >= expected:
            raise VectorsFormatError(
                path, number, f"more vectors than the header's count {expected}; fix the "
                "header or the file (e.g. re-export it)")
        word, _, rest = line.partition(" ")
        values = rest.split()
        if collector is None:
            dim = len(values)
            if not word or dim == 0:
                raise VectorsFormatError(
                    path, number, "expected 'word value ...' separated by spaces, got "
                    f"{_clip(line)!r}")
            collector = _Collector(path, 1024 if limit is None else min(limit, 1024), dim)
            if limit == 0:
                break
        if len(values) != dim or not word:
            raise VectorsFormatError(
                path, number, f"expected a word and {dim} values separated by spaces, got "
                f"{'no word' if not word else f'{len(values)} values'}")
        row = collector.add(word)
        try:
            if row is not None:
                row[:] = values
            else:
                np.asarray(values, dtype=np.float32)
        except ValueError:
            if row is not None:
                collector.undo()
            bad = next((v for v in values if not _is_number(v)), values[0])
            raise VectorsFormatError(path, number, f"{bad!r} is not a number") from None
        read += 1
    if expected is not None and read < (expected if limit is None else min(limit, expected)):
        raise VectorsFormatError(
            path, last, f"the header announces {expected} vectors but the file ends after "
            f"{read}; the file is truncated, or fix the count in the header")
    if collector is None:
        if dim is not None:
            return [], np.empty((0, dim), np.float32)
        raise VectorsFormatError(path, None, "the file holds no vectors")
    return collector.result()


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _clip(text: str, size: int = 60) -> str:
    return text if len(text) <= size else text[:size] + "..."


def _read_binary(path: Path, limit: int | None, encoding: str) -> tuple[list[str], np.ndarray]:
    with _open_binary(path) as fh:
        try:
            return _read_binary_stream(fh, path, limit, encoding)
        except (OSError, EOFError, zlib.error) as err:
            raise ModelFileError(f"{path}: cannot read: {err}") from None


def _read_binary_stream(
    fh: IO[bytes], path: Path, limit: int | None, encoding: str
) -> tuple[list[str], np.ndarray]:
    header = fh.readline()
    parsed = _parse_header(header)
    if parsed is None or parsed[0] < 0 or parsed[1] < 1:
        raise VectorsFormatError(path, 1, f"expected a header 'COUNT DIM' (two integers), got "
                                 f"{_clip(header.decode('latin-1').rstrip())!r}; is this a "
                                 "word2vec binary file?")
    expected, dim = parsed
    wanted = expected if limit is None else min(limit, expected)
    collector = _Collector(path, wanted, dim)
    record = 4 * dim
    buf = b""
    pos = 0
    offset = len(header)  # file offset of buf[0]
    done = False

    def where(index: int, at: int) -> str:
        return f"vector {index + 1} (byte {at})"

    for index in range(wanted):
        while True:
            space = buf.find(b" ", pos)
            if space >= 0 and len(buf) - space - 1 >= record:
                break
            chunk = fh.read(max(1 << 16, record + 1024)) if not done else b""
            if not chunk:
                done = True
                at = offset + pos
                if space < 0 and not buf[pos:].strip(b"\n"):
                    raise VectorsFormatError(
                        path, None, f"the header announces {expected} vectors but the file ends "
                        f"after {index}; the file is truncated, or fix the count in the header",
                        where(index, at))
                raise VectorsFormatError(
                    path, None, f"truncated: expected a word, a space and {dim} float32 values "
                    f"({record} bytes); the file is cut short", where(index, at))
            buf = buf[pos:] + chunk
            offset += pos
            pos = 0
        raw_word = buf[pos:space].lstrip(b"\n")
        try:
            word = raw_word.decode(encoding)
        except UnicodeDecodeError:
            raise VectorsFormatError(
                path, None, f"word bytes {_clip(repr(raw_word))} cannot be decoded as {encoding}; "
                "pass the file's encoding", where(index, offset + pos)) from None
        if not word or _FORBIDDEN.intersection(word):
            raise VectorsFormatError(
                path, None, f"invalid word {_clip(word)!r}: the file is not word2vec binary or is "
                "corrupt (is it a text file? use format='word2vec')", where(index, offset + pos))
        row = collector.add(word)
        if row is not None:
            row[:] = np.frombuffer(buf, dtype="<f4", count=dim, offset=space + 1)
        pos = space + 1 + record
    if wanted == expected:
        _check_binary_end(fh, buf[pos:], path, expected, offset + pos)
    return collector.result()


def _check_binary_end(fh: IO[bytes], rest: bytes, path: Path, expected: int, at: int) -> None:
    while True:
        if rest.strip():
            raise VectorsFormatError(
                path, None, f"more data after the header's count of {expected} vectors; fix the "
                "header or the file (e.g. re-export it)", f"byte {at}")
        at += len(rest)
        rest = fh.read(1 << 16)
        if not rest:
            return


# -- writing -------------------------------------------------------------------------------------

def _write_text(raw: Any, words: Sequence[str], vectors: np.ndarray, header: bool,
                encoding: str) -> None:
    count, dim = vectors.shape
    if header:
        raw.write(f"{count} {dim}\n".encode())
    row_format = " ".join([_VALUE_FORMAT] * dim)
    block = 4096
    for start in range(0, count, block):
        rows = vectors[start:start + block].tolist()
        text = "".join(f"{word} {row_format % tuple(row)}\n"
                       for word, row in zip(words[start:start + block], rows, strict=True))
        raw.write(text.encode(encoding))


def _write_binary(raw: Any, words: Sequence[str], vectors: np.ndarray, encoding: str) -> None:
    count, dim = vectors.shape
    raw.write(f"{count} {dim}\n".encode())
    little = vectors.astype("<f4", copy=False)
    for word, row in zip(words, little, strict=True):
        raw.write(word.encode(encoding) + b" " + row.tobytes() + b"\n")
