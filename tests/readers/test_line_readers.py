"""The one-document-per-line readers: text, fasttext and labelled (reading, errors, writing)."""

from __future__ import annotations

from pathlib import Path

import pytest
from corpus_files import make

from lexiloom.corpora import BadLines, Record, read_corpus, write_corpus
from lexiloom.errors import CorpusError, CorpusFormatError


# -- text -----------------------------------------------------------------------------------------
def test_text_reader_yields_stripped_lines_and_skips_blank_ones(tmp_path: Path) -> None:
    path = make(tmp_path, "c.txt", "  first doc \r\n\n   \nsecond\rthird\n")
    assert list(read_corpus(path)) == [Record("first doc"), Record("second"), Record("third")]


def test_text_reader_reports_undecodable_bytes_with_file_and_line(tmp_path: Path) -> None:
    path = make(tmp_path, "c.txt", b"ok\ncaf\xe9\n")
    with pytest.raises(CorpusFormatError, match=r"c\.txt, line 2: byte 0xe9 .* --encoding"):
        list(read_corpus(path))


def test_text_writer_drops_labels_and_rejects_line_breaks(tmp_path: Path) -> None:
    out = tmp_path / "o.txt"
    assert write_corpus([Record("a b", ("x",))], out) == 1
    assert out.read_text() == "a b\n"
    with pytest.raises(CorpusError, match="record 2 contains a line break"):
        write_corpus([Record("fine"), Record("two\nlines")], out)
    assert out.read_text() == "a b\n"  # a failed write leaves the old file


def test_text_writer_rejects_empty_text(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="record 1 has an empty text"):
        write_corpus([Record("   ")], tmp_path / "o.txt")


# -- fasttext -------------------------------------------------------------------------------------
def test_fasttext_reader_splits_leading_labels_from_text(tmp_path: Path) -> None:
    path = make(tmp_path, "c.ft", "__label__a __label__b  some   text \nno labels here\n\n")
    assert list(read_corpus(path)) == [Record("some   text", ("a", "b")),
                                       Record("no labels here")]


def test_fasttext_reader_honours_label_prefix(tmp_path: Path) -> None:
    path = make(tmp_path, "c.fasttext", "#pos great\n")
    assert list(read_corpus(path, label_prefix="#")) == [Record("great", ("pos",))]


def test_fasttext_line_without_text_is_an_error_naming_file_and_line(tmp_path: Path) -> None:
    path = make(tmp_path, "c.ft", "__label__a fine\n__label__b\n")
    with pytest.raises(CorpusFormatError, match=r"c\.ft, line 2: no text after the labels"):
        list(read_corpus(path))


def test_fasttext_bare_prefix_is_an_empty_label_error(tmp_path: Path) -> None:
    path = make(tmp_path, "c.ft", "__label__ text\n")
    with pytest.raises(CorpusFormatError, match="line 1: empty label"):
        list(read_corpus(path))


def test_fasttext_writer_rejects_labels_with_spaces(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="one word without spaces"):
        write_corpus([Record("t", ("two words",))], tmp_path / "o.ft")


def test_fasttext_writer_rejects_text_that_would_read_as_a_label(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="starts with the label prefix"):
        write_corpus([Record("__label__x y", ("a",))], tmp_path / "o.ft")


# -- labelled -------------------------------------------------------------------------------------
def test_labelled_reader_reads_sst_lines(tmp_path: Path) -> None:
    path = make(tmp_path, "sst", "1 a gripping film\n0\tdull ,  slow\n")
    assert list(read_corpus(path, format="labelled")) == [
        Record("a gripping film", ("1",)), Record("dull ,  slow", ("0",))]


@pytest.mark.parametrize(("part", "label"), [("full", "NUM:dist"), ("coarse", "NUM"),
                                             ("fine", "dist")])
def test_labelled_reader_selects_the_part_of_trec_labels(tmp_path: Path, part: str,
                                                         label: str) -> None:
    path = make(tmp_path, "trec", "NUM:dist How far is it ?\nDESC why\n")
    records = list(read_corpus(path, format="labelled", label_part=part))
    assert records == [Record("How far is it ?", (label,)), Record("why", ("DESC",))]


def test_labelled_line_without_text_is_an_error_naming_file_and_line(tmp_path: Path) -> None:
    path = make(tmp_path, "trec", "LOC:city Where ?\n\nHUM:ind\n")
    with pytest.raises(CorpusFormatError, match=r"trec, line 3: label 'HUM:ind' but no text"):
        list(read_corpus(path, format="labelled"))


def test_labelled_has_no_extension_so_the_format_must_be_named(tmp_path: Path) -> None:
    path = make(tmp_path, "trec", "LOC:city Where ?\n")
    with pytest.raises(CorpusError, match=r"--format NAME.*labelled"):
        read_corpus(path)


def test_labelled_writer_needs_exactly_one_label(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="record 1 has 2 labels"):
        write_corpus([Record("t", ("a", "b"))], tmp_path / "o", format="labelled")


def test_skipping_bad_lines_counts_them_and_keeps_the_good_ones(tmp_path: Path) -> None:
    path = make(tmp_path, "c.ft", "__label__a\n__label__b ok\n__label__ x\n__label__c fine\n")
    bad = BadLines(skip=True)
    records = list(read_corpus(path, bad_lines=bad))
    assert records == [Record("ok", ("b",)), Record("fine", ("c",))]
    assert bad.skipped == 2
    assert "line 1" in bad.examples[0] and "line 3" in bad.examples[1]
