"""The csv and tsv readers: columns by name or number, header, separators, quoting, errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from corpus_files import make

from lexiloom.corpora import BadLines, Record, read_corpus, write_corpus
from lexiloom.errors import CorpusError, CorpusFormatError


def test_csv_reader_finds_columns_by_header_name_in_any_order(tmp_path: Path) -> None:
    path = make(tmp_path, "c.csv", "id,label,text\n1,pos,good\n2,,meh\n\n3,neg|bad ,\"a, b\"\n")
    assert list(read_corpus(path)) == [Record("good", ("pos",)), Record("meh"),
                                       Record("a, b", ("neg", "bad"))]


def test_csv_without_the_default_label_column_is_unlabelled(tmp_path: Path) -> None:
    path = make(tmp_path, "c.csv", "text\nhello\n")
    assert list(read_corpus(path)) == [Record("hello")]


def test_csv_empty_label_column_setting_ignores_labels(tmp_path: Path) -> None:
    path = make(tmp_path, "c.csv", "text,label\nhello,x\n")
    assert list(read_corpus(path, label_column="")) == [Record("hello")]


def test_tsv_reader_defaults_to_tabs(tmp_path: Path) -> None:
    path = make(tmp_path, "c.tsv", "text\tlabel\na, b\tx\n")
    assert list(read_corpus(path)) == [Record("a, b", ("x",))]


def test_csv_without_header_takes_column_numbers(tmp_path: Path) -> None:
    path = make(tmp_path, "c.csv", "pos,great film\nneg,dull\n")
    records = list(read_corpus(path, header=False, text_column="1", label_column="0"))
    assert records == [Record("great film", ("pos",)), Record("dull", ("neg",))]


def test_csv_label_separator_setting(tmp_path: Path) -> None:
    path = make(tmp_path, "c.csv", "text,label\nt,a;b\n")
    assert list(read_corpus(path, label_separator=";")) == [Record("t", ("a", "b"))]
    assert list(read_corpus(path, label_separator="")) == [Record("t", ("a;b",))]


def test_csv_missing_named_column_lists_the_columns(tmp_path: Path) -> None:
    path = make(tmp_path, "c.csv", "body,label\nx,y\n")
    with pytest.raises(CorpusFormatError,
                       match=r"c\.csv, line 1: no column 'text'; the columns are 'body', "
                             r"'label'; choose one with -o text_column="):
        list(read_corpus(path))


def test_csv_explicit_label_column_must_exist(tmp_path: Path) -> None:
    path = make(tmp_path, "c.csv", "text,label\nx,y\n")
    with pytest.raises(CorpusFormatError, match="no column 'topic'"):
        list(read_corpus(path, label_column="topic"))


def test_csv_missing_numbered_column_says_how_many_there_are(tmp_path: Path) -> None:
    path = make(tmp_path, "c.csv", "a,b\n")
    with pytest.raises(CorpusFormatError,
                       match=r"line 1: no column 5: the first row has 2 column\(s\) separated "
                             r"by ',', numbered 0 to 1"):
        list(read_corpus(path, header=False, text_column=5, label_column=""))


def test_csv_row_with_wrong_field_count_names_the_line(tmp_path: Path) -> None:
    path = make(tmp_path, "c.csv", "text,label\na,b\nc,d,e\n")
    with pytest.raises(CorpusFormatError,
                       match=r"c\.csv, line 3: expected 2 fields \(text, label\), found 3"):
        list(read_corpus(path))


def test_csv_error_after_a_multiline_field_names_the_right_line(tmp_path: Path) -> None:
    path = make(tmp_path, "c.csv", 'text,label\n"one\ntwo\nthree",x\nbad\n')
    with pytest.raises(CorpusFormatError, match=r"line 5: expected 2 fields"):
        list(read_corpus(path))
    path = make(tmp_path, "d.csv", 'text,label\n"one\ntwo",x\n"never closed,y\nz,w\n')
    with pytest.raises(CorpusFormatError, match=r"d\.csv, line 4: not valid csv"):
        list(read_corpus(path))


def test_csv_undecodable_bytes_name_the_line(tmp_path: Path) -> None:
    path = make(tmp_path, "c.csv", b"text,label\nok,x\ncaf\xe9,y\n")
    with pytest.raises(CorpusFormatError, match=r"line 3: byte 0xe9 .* cannot be decoded"):
        list(read_corpus(path))


def test_csv_skip_bad_lines_keeps_reading_after_a_bad_row(tmp_path: Path) -> None:
    path = make(tmp_path, "c.csv", "text,label\na,x\nb\nc,y\n")
    bad = BadLines(skip=True)
    assert list(read_corpus(path, bad_lines=bad)) == [Record("a", ("x",)), Record("c", ("y",))]
    assert bad.skipped == 1


def test_csv_writer_quotes_delimiters_quotes_and_line_breaks(tmp_path: Path) -> None:
    out = tmp_path / "o.csv"
    records = [Record('say "hi", then\nleave', ("a", "b")), Record("plain")]
    assert write_corpus(records, out) == 2
    assert out.read_bytes().startswith(b"text,label\r\n")
    assert list(read_corpus(out)) == records


def test_csv_writer_rejects_labels_containing_the_separator(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match=r"record 1 has label 'a\|b'"):
        write_corpus([Record("t", ("a|b",))], tmp_path / "o.csv")


def test_csv_without_quoting_reads_quotes_literally(tmp_path: Path) -> None:
    path = make(tmp_path, "c.tsv", 'text\tlabel\n"Great" film\tpos\n')
    assert list(read_corpus(path, quotechar="")) == [Record('"Great" film', ("pos",))]
