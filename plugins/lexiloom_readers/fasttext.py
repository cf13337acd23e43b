"""``fasttext``: ``__label__sports __label__news text ...`` lines (fastText's supervised format)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from lexiloom.corpora.lines import iter_lines
from lexiloom.corpora.record import BadLines, Record
from lexiloom.corpora.writing import write_lines
from lexiloom.errors import CorpusError, SettingsError
from lexiloom_readers.single_line import check_label_word, check_single_line


class FastTextReader:
    """fastText supervised lines: the leading words that start with ``label_prefix`` (default
    ``__label__``) are labels, the rest of the line is the text.

    A line without labels is an unlabelled document; a line with labels but no text, or an empty
    label (a bare prefix), is malformed. Whitespace at the ends of a line is stripped and blank
    lines are skipped. Writing needs labels without spaces and a one-line text whose first word
    does not start with the prefix.
    """

    extensions: tuple[str, ...] = (".ft", ".fasttext")

    def __init__(self, label_prefix: str = "__label__") -> None:
        if not isinstance(label_prefix, str) or not label_prefix or any(
                ch.isspace() for ch in label_prefix):
            raise SettingsError(f"fasttext setting label_prefix must be a non-empty word without "
                                f"spaces, not {label_prefix!r}")
        self.label_prefix = label_prefix

    def read(
        self, path: Path, *, encoding: str = "utf-8", bad_lines: BadLines | None = None
    ) -> Iterator[Record]:
        """Stream the records of ``path``; malformed lines go to ``bad_lines``."""
        bad_lines = bad_lines or BadLines()
        prefix = self.label_prefix
        for number, line in iter_lines(path, encoding, bad_lines):
            rest = line.strip()
            if not rest:
                continue
            labels: list[str] = []
            while rest.startswith(prefix):
                word, *tail = rest.split(maxsplit=1)
                labels.append(word[len(prefix):])
                rest = tail[0] if tail else ""
            if "" in labels:
                bad_lines.bad(path, number, f"empty label: {prefix!r} must be followed by the "
                              f"label name, e.g. {prefix}sports")
            elif not rest:
                bad_lines.bad(path, number, f"no text after the labels; a fastText line is "
                              f"'{prefix}LABEL text of the document'")
            else:
                yield Record(rest, tuple(labels))

    def write(self, records: Iterable[Record], path: Path, *, encoding: str = "utf-8") -> int:
        """Write ``__label__a __label__b text`` lines; return how many."""
        return write_lines(path, (self._line(path, number, record)
                                  for number, record in enumerate(records, start=1)),
                           encoding=encoding)

    def _line(self, path: Path, number: int, record: Record) -> str:
        text = check_single_line(path, number, record.text, "fasttext")
        if text.startswith(self.label_prefix):
            raise CorpusError(f"{path}: record {number}: the text starts with the label prefix "
                              f"{self.label_prefix!r} and would be read as a label; change the "
                              f"text or the label_prefix setting")
        for label in record.labels:
            check_label_word(path, number, label, "fasttext")
        return " ".join([*(self.label_prefix + label for label in record.labels), text])
