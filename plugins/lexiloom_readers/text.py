"""``text``: plain text, one document per line, no labels."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from lexiloom.corpora.lines import iter_lines
from lexiloom.corpora.record import BadLines, Record
from lexiloom.corpora.writing import write_lines
from lexiloom_readers.single_line import check_single_line


class TextReader:
    """Plain text: each non-blank line is one unlabelled document.

    Reading strips whitespace at both ends of each line and skips blank lines. Writing drops the
    records' labels (the format has none) and rejects texts with line breaks or no characters.
    """

    extensions: tuple[str, ...] = (".txt",)

    def read(
        self, path: Path, *, encoding: str = "utf-8", bad_lines: BadLines | None = None
    ) -> Iterator[Record]:
        """Stream the non-blank lines of ``path`` as records without labels."""
        for _number, line in iter_lines(path, encoding, bad_lines):
            text = line.strip()
            if text:
                yield Record(text)

    def write(self, records: Iterable[Record], path: Path, *, encoding: str = "utf-8") -> int:
        """Write one text per line (labels are not written); return how many."""
        lines = (check_single_line(path, number, record.text, "text")
                 for number, record in enumerate(records, start=1))
        return write_lines(path, lines, encoding=encoding)
