"""``labelled``: ``<label> <text>`` lines, the SST and TREC layout (``NUM:dist How far is ...``)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from lexiloom.corpora.lines import iter_lines
from lexiloom.corpora.record import BadLines, Record
from lexiloom.corpora.writing import write_lines
from lexiloom.errors import CorpusError, SettingsError
from lexiloom_readers.single_line import check_label_word, check_single_line

LABEL_PARTS = ("full", "coarse", "fine")


class LabelledReader:
    """One document per line: the first word is its label, the rest its text.

    ``1 a gripping film`` (SST) reads as ``Record("a gripping film", ("1",))``. TREC labels have a
    coarse and a fine part, ``NUM:dist``: ``label_part`` selects ``"full"`` (default,
    ``NUM:dist``), ``"coarse"`` (``NUM``) or ``"fine"`` (``dist``), split at ``label_delimiter``
    (default ``":"``); a label without the delimiter is kept whole. A line with a label and no text
    is malformed. Whitespace at the ends of a line is stripped and blank lines are skipped.

    The format has no file extension (SST and TREC files have none): choose it with
    ``--format labelled``. Writing needs exactly one label without spaces per record.
    """

    extensions: tuple[str, ...] = ()

    def __init__(self, label_part: str = "full", label_delimiter: str = ":") -> None:
        if label_part not in LABEL_PARTS:
            raise SettingsError(f"labelled setting label_part must be one of "
                                f"{', '.join(LABEL_PARTS)}, not {label_part!r}")
        if not isinstance(label_delimiter, str) or not label_delimiter:
            raise SettingsError(f"labelled setting label_delimiter must be a non-empty string, "
                                f"not {label_delimiter!r}")
        self.label_part = label_part
        self.label_delimiter = label_delimiter

    def read(
        self, path: Path, *, encoding: str = "utf-8", bad_lines: BadLines | None = None
    ) -> Iterator[Record]:
        """Stream the records of ``path``; malformed lines go to ``bad_lines``."""
        bad_lines = bad_lines or BadLines()
        for number, line in iter_lines(path, encoding, bad_lines):
            parts = line.split(maxsplit=1)
            if not parts:
                continue
            if len(parts) == 1:
                bad_lines.bad(path, number, f"label {parts[0]!r} but no text; each line is "
                              f"'<label> <text>', e.g. '1 a gripping film'")
                continue
            yield Record(parts[1].rstrip(), (self._part(parts[0]),))

    def _part(self, label: str) -> str:
        if self.label_part == "full" or self.label_delimiter not in label:
            return label
        coarse, _, fine = label.partition(self.label_delimiter)
        return (coarse if self.label_part == "coarse" else fine) or label

    def write(self, records: Iterable[Record], path: Path, *, encoding: str = "utf-8") -> int:
        """Write ``<label> <text>`` lines; every record needs exactly one label."""
        return write_lines(path, (self._line(path, number, record)
                                  for number, record in enumerate(records, start=1)),
                           encoding=encoding)

    def _line(self, path: Path, number: int, record: Record) -> str:
        text = check_single_line(path, number, record.text, "labelled")
        if len(record.labels) != 1:
            raise CorpusError(f"{path}: record {number} has {len(record.labels)} labels; the "
                              f"labelled format holds exactly one per line; write jsonl for "
                              f"multi-label or unlabelled data")
        check_label_word(path, number, record.labels[0], "labelled")
        return f"{record.labels[0]} {text}"
