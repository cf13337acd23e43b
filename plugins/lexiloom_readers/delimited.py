"""``csv`` and ``tsv``: one document per row, text and labels in columns (the csv module)."""

from __future__ import annotations

import csv
import itertools
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from lexiloom.corpora.lines import open_text, undecodable
from lexiloom.corpora.record import BadLines, Record
from lexiloom.corpora.writing import open_output, unencodable
from lexiloom.errors import CorpusError, CorpusFormatError, SettingsError

_FIELD_LIMIT = 2**31 - 1
_DEFAULT_LABEL = "label"
Column = str | int


class DelimitedReader:
    """Comma-separated values, by default with a header row: ``text,label``.

    Settings:

    - ``text_column``: the text column, by header name or 0-based number (default ``"text"``).
    - ``label_column``: the label column, by name or number (default ``"label"``). The default
      column is optional: a file without it is read unlabelled. ``""`` means no labels; any other
      column must exist.
    - ``header``: whether the first row names the columns (default ``True``). Without a header,
      columns must be numbers, e.g. ``-o header=false -o text_column=1 -o label_column=0``.
    - ``delimiter``: the field separator (``,``; the ``tsv`` reader uses a tab).
    - ``label_separator``: splits several labels in one cell (default ``"|"``: ``sports|politics``);
      ``""`` keeps the cell as one label. Labels are stripped; an empty cell means no labels.
    - ``quotechar``: the quote character (default ``"``); ``""`` turns quoting off, so fields may
      contain quotes but not the delimiter or line breaks.

    Quoted fields may span lines; errors name the line where the row starts, and a quote that is
    never closed is an error (not a row that swallows the rest of the file). Blank lines are
    skipped; every other row must have as many fields as the first. Writing streams a header and
    one row per record (a label column unless ``label_column`` is ``""``), quoting as needed.
    """

    extensions: tuple[str, ...] = (".csv",)
    format_name = "csv"
    default_delimiter = ","

    def __init__(
        self,
        text_column: Column = "text",
        label_column: Column | None = _DEFAULT_LABEL,
        header: bool = True,
        delimiter: str | None = None,
        label_separator: str = "|",
        quotechar: str = '"',
    ) -> None:
        fmt = self.format_name
        delimiter = self.default_delimiter if delimiter is None else delimiter
        if not isinstance(delimiter, str) or len(delimiter) != 1 or delimiter in "\r\n":
            raise SettingsError(f"{fmt} setting delimiter must be one character, not "
                                f"{delimiter!r} (e.g. -o delimiter=';')")
        if not isinstance(quotechar, str) or len(quotechar) > 1 or quotechar == delimiter:
            raise SettingsError(f"{fmt} setting quotechar must be one character other than the "
                                f"delimiter, or '' for no quoting; not {quotechar!r}")
        if not isinstance(label_separator, str) or label_separator == delimiter:
            raise SettingsError(f"{fmt} setting label_separator must be a string other than the "
                                f"delimiter ('' for one label per cell); not {label_separator!r}")
        if not isinstance(header, bool):
            raise SettingsError(f"{fmt} setting header must be true or false, not {header!r}")
        self.header = header
        self.delimiter = delimiter
        self.quotechar = quotechar
        self.label_separator = label_separator
        self.text_column = _column(fmt, "text_column", text_column, header)
        self.label_optional = label_column == _DEFAULT_LABEL
        self.label_column: Column | None = None
        if label_column not in (None, "") and (header or not self.label_optional):
            self.label_column = _column(fmt, "label_column", label_column, header)
        if self.label_column is not None and self.label_column == self.text_column:
            raise SettingsError(f"{fmt} settings text_column and label_column are both "
                                f"{text_column!r}; name two different columns")

    def _dialect(self) -> dict[str, Any]:
        if self.quotechar:
            return {"delimiter": self.delimiter, "quotechar": self.quotechar}
        return {"delimiter": self.delimiter, "quoting": csv.QUOTE_NONE}

    # -- reading ------------------------------------------------------------------------------
    def read(
        self, path: Path, *, encoding: str = "utf-8", bad_lines: BadLines | None = None
    ) -> Iterator[Record]:
        """Stream the rows of ``path`` as records; malformed rows go to ``bad_lines``."""
        bad_lines = bad_lines or BadLines()
        if csv.field_size_limit() < _FIELD_LIMIT:
            csv.field_size_limit(_FIELD_LIMIT)  # documents may be long; the default is 128 KiB
        with open_text(path, encoding) as fh:
            rows = csv.reader(fh, strict=True, **self._dialect())  # a stray quote is an error
            layout: _Layout | None = None
            end = 0
            while True:
                start = end + 1
                try:
                    row = next(rows)
                except StopIteration:
                    return
                except csv.Error as err:
                    end = rows.line_num
                    bad_lines.bad(path, start, f"not valid {self.format_name} ({err}); quote "
                                  f"fields that contain quotes, the delimiter or line breaks")
                    continue
                except (OSError, EOFError, zlib.error) as err:  # truncated or corrupt .gz
                    raise CorpusError(f"{path}: cannot read: {err}") from None
                except UnicodeError as err:  # codecs that cannot escape bytes (UTF-16/32)
                    raise CorpusFormatError(path, start, f"cannot be decoded as {encoding} "
                                            f"({err}); pass the file's encoding with "
                                            "--encoding") from None
                end = rows.line_num
                if not row:
                    continue
                problem = undecodable(self.delimiter.join(row), encoding)
                if problem and layout is None and self.header:
                    raise CorpusFormatError(path, start, "the header row: " + problem)
                if problem:
                    bad_lines.bad(path, start, problem)
                    continue
                if layout is None:
                    layout = self._layout(path, start, row)
                    if self.header:
                        continue
                try:
                    yield layout.record(row, self.label_separator)
                except ValueError as err:
                    bad_lines.bad(path, start, str(err))

    def _layout(self, path: Path, line: int, first: list[str]) -> _Layout:
        names = [name.strip() for name in first] if self.header else None
        text = _locate(path, line, self.text_column, names, len(first), "text_column", self)
        label = None
        wanted = self.label_column is not None and (
            not self.label_optional or (names is not None and self.label_column in names))
        if wanted:
            label = _locate(path, line, self.label_column, names, len(first), "label_column",
                            self)
        return _Layout(len(first), text, label, names)

    # -- writing ------------------------------------------------------------------------------
    def write(self, records: Iterable[Record], path: Path, *, encoding: str = "utf-8") -> int:
        """Write a header (when ``header``) and one row per record, streaming; return how many.

        Named columns are written as ``text`` then ``label``; numbered columns go to those
        positions, other cells left empty.
        """
        text_at, label_at, width = self._write_positions()
        count = 0
        with open_output(path, encoding) as out:
            writer = csv.writer(out, **self._dialect())  # "\r\n" rows: both CR and LF get quoted
            if self.header:
                head = [f"column{i}" for i in range(width)]
                head[text_at] = _header_name(self.text_column, "text")
                if label_at is not None:
                    head[label_at] = _header_name(self.label_column, _DEFAULT_LABEL)
                self._write_row(writer, path, 0, head)
            for count, record in enumerate(records, start=1):
                row = [""] * width
                row[text_at] = record.text
                if label_at is not None:
                    row[label_at] = self._join_labels(path, count, record.labels)
                self._write_row(writer, path, count, row)
        return count

    def _write_positions(self) -> tuple[int, int | None, int]:
        text, label = self.text_column, self.label_column
        taken = {c for c in (text, label) if isinstance(c, int)}
        free = (i for i in itertools.count() if i not in taken)
        text_at = text if isinstance(text, int) else next(free)
        label_at = None if label is None else label if isinstance(label, int) else next(free)
        return text_at, label_at, max(text_at, -1 if label_at is None else label_at) + 1

    def _write_row(self, writer: Any, path: Path, number: int, row: list[str]) -> None:
        try:
            writer.writerow(row)
        except UnicodeEncodeError as err:
            raise unencodable(path, number, err.object, err) from None
        except csv.Error as err:
            raise CorpusError(f"{path}: record {number} cannot be written without quoting "
                              f"({err}); keep the default quotechar") from None

    def _join_labels(self, path: Path, number: int, labels: tuple[str, ...]) -> str:
        for label in labels:
            if (not label.strip() or label != label.strip()
                    or (self.label_separator and self.label_separator in label)):
                raise CorpusError(
                    f"{path}: record {number} has label {label!r}, which a {self.format_name} "
                    f"label cell cannot hold (labels are stripped and split on "
                    f"{self.label_separator!r}); rename it or set another label_separator")
        if len(labels) > 1 and not self.label_separator:
            raise CorpusError(f"{path}: record {number} has {len(labels)} labels but "
                              f"label_separator is ''; set one (e.g. -o label_separator='|')")
        return self.label_separator.join(labels)


class TsvReader(DelimitedReader):
    """Tab-separated values: the ``csv`` reader with a tab as the default delimiter."""

    extensions: tuple[str, ...] = (".tsv",)
    format_name = "tsv"
    default_delimiter = "\t"


class _Layout:
    """Where the text and labels are in a row, and how many fields every row must have."""

    def __init__(self, width: int, text: int, label: int | None,
                 names: list[str] | None) -> None:
        self.width = width
        self.text = text
        self.label = label
        self.names = names

    def record(self, row: list[str], separator: str) -> Record:
        if len(row) != self.width:
            which = f" ({', '.join(self.names)})" if self.names else ""
            raise ValueError(f"expected {self.width} fields{which}, found {len(row)}; quote "
                             f"fields that contain the delimiter or line breaks")
        if self.label is None:
            return Record(row[self.text])
        cell = row[self.label].strip()
        if not separator or separator not in cell:
            return Record(row[self.text], (cell,) if cell else ())
        labels = tuple(part.strip() for part in cell.split(separator))
        return Record(row[self.text], tuple(label for label in labels if label))


def _column(fmt: str, setting: str, value: Any, header: bool) -> Column:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise SettingsError(f"{fmt} setting {setting} must be a column name or number, not "
                            f"{value!r}")
    if isinstance(value, str) and value.strip().isdigit() and not header:
        value = int(value)
    if isinstance(value, int) and value < 0:
        raise SettingsError(f"{fmt} setting {setting} must be a 0-based column number, not "
                            f"{value}")
    if isinstance(value, str) and not header:
        raise SettingsError(f"{fmt} files without a header name columns by number: "
                            f"{setting} must be a number, not {value!r} (e.g. -o {setting}=0)")
    return value


def _locate(path: Path, line: int, column: Column, names: list[str] | None, width: int,
            setting: str, reader: DelimitedReader) -> int:
    if names is not None and isinstance(column, str):
        if column in names:
            return names.index(column)
        if column.strip().isdigit() and int(column) < width:
            return int(column)
        listing = ", ".join(repr(n) for n in names)
        raise CorpusFormatError(path, line, f"no column {column!r}; the columns are {listing}; "
                                f"choose one with -o {setting}=NAME or a 0-based number")
    number = int(column)
    if number < width:
        return number
    sep = "tab" if reader.delimiter == "\t" else repr(reader.delimiter)
    raise CorpusFormatError(path, line, f"no column {number}: the first row has {width} "
                            f"column(s) separated by {sep}, numbered 0 to {width - 1}; choose "
                            f"one with -o {setting}=NUMBER (or set -o delimiter=...)")


def _header_name(column: Column | None, fallback: str) -> str:
    return column if isinstance(column, str) and not column.isdigit() else fallback
