"""Reading and writing corpora in any registered format, chosen by name or by file extension.

>>> from lexiloom.corpora import read_corpus
>>> for record in read_corpus("reviews.jsonl"):          # doctest: +SKIP
...     print(record.text, record.labels)

Formats are corpus readers registered by plugins (``lexiloom plugins`` lists them). Without a
format name, a directory is read by a reader whose factory sets ``directory = True`` (the
built-in ``folder``) and a file by the reader whose ``extensions`` include its extension, after
removing ``.gz``. A corpus path that does not exist may name a bundled corpus (``sentiment`` or
``sentiment/train``, see :mod:`lexiloom.corpora.bundled`).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from lexiloom import registry
from lexiloom.corpora.bundled import resolve_corpus
from lexiloom.corpora.record import BadLines, Record
from lexiloom.errors import CorpusError, LexiloomError, UnknownComponentError
from lexiloom.registry import Entry
from lexiloom.tokens import MAX_LENGTH

DIRECTORY_FORMAT = "folder"


def _is_directory_reader(entry: Entry[Any]) -> bool:
    return bool(getattr(entry.factory, "directory", False))


def _extensions(entry: Entry[Any]) -> tuple[str, ...]:
    return tuple(ext.lower() for ext in getattr(entry.factory, "extensions", ()) or ())


def formats_listing() -> str:
    """Every registered format with what it is chosen for, e.g. ``csv (.csv), folder
    (directories), labelled (--format only)``."""
    parts = []
    for entry in registry.corpus_readers.entries():
        exts = _extensions(entry)
        if exts:
            what = ", ".join(exts)
        elif _is_directory_reader(entry):
            what = "directories"
        else:
            what = "--format only"
        parts.append(f"{entry.name} ({what})")
    return ", ".join(parts) or "none (no corpus reader plugin is loaded; run 'lexiloom plugins')"


def reader_entry(format: str) -> Entry[Any]:
    """The registry entry of corpus format ``format``; :class:`~lexiloom.errors.CorpusError`
    lists the formats when there is none."""
    try:
        return registry.corpus_readers.get(format)
    except UnknownComponentError:
        raise CorpusError(f"unknown corpus format {format!r}; formats: {formats_listing()}") \
            from None


def detect_format(path: str | os.PathLike[str]) -> str:
    """The format name for ``path``: a directory reader for an existing directory, else the
    reader that claims the file's extension (``.gz`` removed first).

    Raises :class:`~lexiloom.errors.CorpusError` listing the formats when no reader claims the
    extension. The file need not exist (the extension decides).
    """
    path = Path(path)
    entries = registry.corpus_readers.entries()
    if path.is_dir():
        names = [e.name for e in entries if _is_directory_reader(e)]
        if names:
            return DIRECTORY_FORMAT if DIRECTORY_FORMAT in names else names[0]
        raise CorpusError(f"{path} is a directory and no loaded corpus reader reads directories; "
                          f"pass a file, or --format NAME (formats: {formats_listing()})")
    name = path.name[:-3] if path.name.lower().endswith(".gz") else path.name
    suffix = Path(name).suffix.lower()
    matches = [e for e in entries if suffix and suffix in _extensions(e)]
    if len(matches) > 1:
        builtin = _builtin_plugins()
        preferred = [e for e in matches if e.plugin in builtin]
        matches = preferred or matches
    if len(matches) == 1:
        return matches[0].name
    if matches:
        names = ", ".join(e.name for e in matches)
        raise CorpusError(f"{path}: several formats read {suffix} files ({names}); choose one "
                          f"with --format NAME")
    what = f"its extension {suffix!r}" if suffix else "a file without an extension"
    raise CorpusError(f"{path}: cannot tell the corpus format from {what}; pass --format NAME "
                      f"(formats: {formats_listing()})")


def _builtin_plugins() -> set[str]:
    from lexiloom import plugins

    return {record.name for record in plugins.records() if record.builtin}


def open_reader(format: str, **settings: Any) -> Any:
    """Build the :class:`~lexiloom.protocols.CorpusReader` of ``format`` with ``settings``.

    Unknown formats raise :class:`~lexiloom.errors.CorpusError` listing the formats; settings
    the reader does not accept raise :class:`~lexiloom.errors.SettingsError`.
    """
    return reader_entry(format).create(**settings)


def corpus_format(path: str | os.PathLike[str], format: str | None = None) -> tuple[Path, str]:
    """The file or folder ``path`` means (a bundled name resolved) and the reader
    :func:`read_corpus` uses for it: ``format``, else the bundled corpus's, else detected."""
    resolved, bundled_format = resolve_corpus(path)
    return resolved, format or bundled_format or detect_format(resolved)


def corpus_files(path: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """Each file of the corpus at ``path`` (a bundled name resolved; a folder: every file
    below it) with its size and modification time: what tells a resumed run that its corpus
    changed."""
    try:
        root, _ = resolve_corpus(path)
    except LexiloomError:
        root = Path(path)
    files = sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else [root]
    return [{"name": str(f), "size": f.stat().st_size, "mtime_ns": f.stat().st_mtime_ns}
            for f in files if f.exists()]


def read_corpus(
    path: str | os.PathLike[str],
    *,
    format: str | None = None,
    encoding: str = "utf-8",
    skip_bad_lines: bool = False,
    bad_lines: BadLines | None = None,
    max_length: int | None = MAX_LENGTH,
    **settings: Any,
) -> Iterator[Record]:
    """Stream the records of the corpus at ``path`` (a file, a directory or a bundled name).

    ``format`` names the reader (default: :func:`detect_format`); ``settings`` go to its factory
    (e.g. ``text_field="body"`` for jsonl). Malformed records raise
    :class:`~lexiloom.errors.CorpusFormatError` naming the file and line; with
    ``skip_bad_lines=True`` they are skipped, and counted in ``bad_lines`` when given
    (``BadLines(skip=True)``, then read ``bad_lines.skipped``). The path, format and settings
    are checked before this returns; the file is read as the iterator is consumed. A record
    whose text has more than ``max_length`` characters (spaCy's ``nlp.max_length``, 1,000,000;
    ``None``: no limit) is a malformed record too, named by its number.
    """
    resolved, name = corpus_format(path, format)
    entry = reader_entry(name)
    if resolved.is_dir() != _is_directory_reader(entry):
        kind = "a directory" if resolved.is_dir() else "a file"
        raise CorpusError(f"{resolved} is {kind}, which the {name} format does not read; pass "
                          f"--format NAME (formats: {formats_listing()})")
    reader = entry.create(**settings)
    if bad_lines is None:
        bad_lines = BadLines(skip=skip_bad_lines)
    elif skip_bad_lines:
        bad_lines.skip = True
    records = iter(reader.read(resolved, encoding=encoding, bad_lines=bad_lines))
    return records if max_length is None else _bounded(records, max_length, resolved, bad_lines)


def _bounded(records: Iterator[Record], max_length: int, path: Path,
             bad_lines: BadLines) -> Iterator[Record]:
    for number, record in enumerate(records, 1):
        if len(record.text) > max_length:
            bad_lines.bad(path, None, f"record {number:,} has {len(record.text):,} characters, "
                          f"more than max_length ({max_length:,}, spaCy's nlp.max_length "
                          "rule); split it into smaller documents")
            continue
        yield record


def write_corpus(
    records: Iterable[Record],
    path: str | os.PathLike[str],
    *,
    format: str | None = None,
    encoding: str = "utf-8",
    **settings: Any,
) -> int:
    """Write ``records`` to ``path`` in ``format`` (default: from the extension), atomically.

    Returns how many records were written. A record the format cannot hold (a line break in a
    one-line format, several labels for ``labelled``) raises :class:`~lexiloom.errors.CorpusError`
    and leaves ``path`` untouched.
    """
    name = format or detect_format(path)
    reader = open_reader(name, **settings)
    return int(reader.write(records, Path(path), encoding=encoding))
