"""``check_corpus_reader``: the :class:`~lexiloom.protocols.CorpusReader` contract, checked."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from lexiloom.corpora.record import BadLines, Record
from lexiloom.errors import CorpusFormatError, LexiloomError
from lexiloom.testing.faults import FaultCollector, Problems, describe_error
from lexiloom.testing.resolve import resolve
from lexiloom.testing.samples import RECORD_TIERS
from lexiloom.testing.settings import run_settings_checks

BAD_LINE = b"\xff\xfe this line is not UTF-8\n"
"""The malformed line the ``bad_lines`` check appends to a written (text) file."""


def check_corpus_reader(name_or_factory: Any, *, sample: Path | None = None,
                        skip: Iterable[str] = (), **settings: Any) -> None:
    """Check a corpus reader (a registered name or its factory) built with ``settings``.

    Checks ``protocol``, ``read_write`` (sample records, and the records of ``sample`` when
    given, survive ``write`` then ``read``), ``bad_lines``, ``json_settings`` and
    ``bad_settings`` (see ``docs/testing.md``); ``skip`` names checks not to run. Raises
    :class:`~lexiloom.testing.ConformanceError` listing every fault.
    """
    resolved = resolve("corpus_readers", name_or_factory, settings)
    faults = FaultCollector(resolved.label, skip)
    built, reader = faults.construct(lambda: resolved.factory(**resolved.merged),
                                     "factory(**settings)", resolved.merged)
    if not built:
        return
    faults.require("protocol", lambda: _protocol(reader))
    with tempfile.TemporaryDirectory(prefix="lexiloom-check-") as tmp:
        written: list[Path] = []
        faults.run("read_write", lambda: _read_write(reader, Path(tmp), written))
        if sample is not None:
            faults.run("read_write", lambda: _sample_round_trip(reader, Path(sample), Path(tmp)))
        if not written and sample is not None and Path(sample).is_file():
            written.append(Path(shutil.copy(sample, Path(tmp) / Path(sample).name)))
        if written:
            faults.run("bad_lines", lambda: _bad_lines(reader, written[0]))
    run_settings_checks(faults, resolved, reader, {})
    faults.raise_if_any()


def _protocol(reader: Any) -> Problems:
    extensions = getattr(reader, "extensions", None)
    if not isinstance(extensions, tuple) or not all(
            isinstance(e, str) and e.startswith(".") for e in extensions):
        yield f"extensions must be a tuple of suffixes such as ('.jsonl',), not {extensions!r}"
    for method in ("read", "write"):
        if not callable(getattr(reader, method, None)):
            yield f"the reader has no {method}() method"


def _target(reader: Any, folder: Path, stem: str) -> Path:
    extensions = getattr(reader, "extensions", ()) or ("",)
    return folder / f"{stem}{extensions[0]}"


def _normal(records: Iterable[Any]) -> list[tuple[str, tuple[str, ...]]]:
    """Records compared without their order, and labels without theirs."""
    return sorted((r.text, tuple(sorted(r.labels))) for r in records)


def _diff(expected: Sequence[Any], got: Sequence[Any]) -> str:
    want, have = _normal(expected), _normal(got)
    if len(want) != len(have):
        return f"{len(want)} records written, {len(have)} read back"
    for a, b in zip(want, have, strict=True):
        if a != b:
            return f"wrote {Record(*a)!r}, read back {Record(*b)!r}"
    return "the records differ"


def _read_write(reader: Any, folder: Path, written: list[Path]) -> Problems:
    refusals = []
    for number, (what, records) in enumerate(RECORD_TIERS):
        path = _target(reader, folder, f"tier{number}")
        try:
            count = reader.write(list(records), path)
        except NotImplementedError:  # a read-only format: only a sample can be checked
            return
        except LexiloomError as err:  # the format cannot hold these records
            refusals.append(f"{what}: {err}")
            continue
        if count != len(records):
            yield f"write() of {len(records)} {what} returned {count!r}, not the number written"
        got = list(reader.read(path))
        if _normal(got) == _normal(records):
            written.append(path)
            return
        no_labels = all(not r.labels for r in got)
        if no_labels and [r.text for r in _as_records(_normal(got))] == \
                [r.text for r in _as_records(_normal(records))]:
            continue  # a format without labels drops them all; try unlabelled records next
        yield f"write() then read() of {what} loses information: {_diff(records, got)}; " \
              "read must give back every record the format can hold, exactly"
        return
    yield "write() refused every sample record set (" + "; ".join(refusals) + ")"


def _as_records(normal: list[tuple[str, tuple[str, ...]]]) -> list[Record]:
    return [Record(text, labels) for text, labels in normal]


def _sample_round_trip(reader: Any, sample: Path, folder: Path) -> Problems:
    records = list(reader.read(sample))
    if not records:
        yield f"the sample {sample} has no records; give a sample with a few records"
        return
    path = _target(reader, folder, "sample-copy")
    try:
        reader.write(records, path)
    except NotImplementedError:  # a read-only format: reading the sample is all there is
        return
    got = list(reader.read(path))
    if _normal(got) != _normal(records):
        yield f"the records of {sample} do not survive write() then read(): " \
              f"{_diff(records, got)}"


def _bad_lines(reader: Any, path: Path) -> Problems:
    if not path.is_file():
        return  # a directory format (e.g. one file per document): no lines to break
    data = path.read_bytes()
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return  # a binary format: no lines to break
    expected = list(reader.read(path))
    if data and not data.endswith(b"\n"):
        data += b"\n"
    line = data.count(b"\n") + 1
    path.write_bytes(data + BAD_LINE)
    bad = BadLines(skip=True)
    try:
        got = list(reader.read(path, bad_lines=bad))
    except LexiloomError as err:
        yield f"with bad_lines=BadLines(skip=True), a malformed line {line} still raised " \
              f"{describe_error(err)}; report malformed records through bad_lines.bad(path, " \
              "line, reason)"
        return
    if bad.skipped < 1:
        yield f"a malformed line {line} (undecodable bytes) was not reported to bad_lines " \
              "(BadLines(skip=True).skipped stayed 0); call bad_lines.bad(path, line, reason)"
    if _normal(got) != _normal(expected):
        yield f"skipping a malformed line {line} changed the good records: {_diff(expected, got)}"
    try:
        list(reader.read(path))
    except CorpusFormatError as err:
        if err.line != line or Path(err.path).name != path.name:
            yield f"the malformed line was reported as {err.path!r}, line {err.line}, not " \
                  f"{str(path)!r}, line {line}"
        return
    except LexiloomError as err:
        yield f"a malformed line {line} raised {describe_error(err)}, not a CorpusFormatError " \
              "naming the file and the line"
        return
    yield f"a malformed line {line} (undecodable bytes) was read without error; by default " \
          "bad lines must raise CorpusFormatError (BadLines().bad does)"
