"""read_corpus / detect_format / write_corpus: choosing the reader, .gz, encodings, bad lines,
and the errors for paths, formats and settings."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest

from lexiloom.corpora import BadLines, Record, detect_format, read_corpus, write_corpus
from lexiloom.errors import CorpusError, CorpusFormatError, SettingsError

ALL_FORMATS = re.escape(
    "csv (.csv), docbin (.spacy), fasttext (.ft, .fasttext), folder (directories), "
    "jsonl (.jsonl, .ndjson), labelled (--format only), text (.txt), tsv (.tsv)")


@pytest.mark.parametrize(("name", "fmt"), [
    ("a.txt", "text"), ("a.jsonl", "jsonl"), ("a.ndjson", "jsonl"), ("a.csv", "csv"),
    ("a.tsv", "tsv"), ("a.ft", "fasttext"), ("a.fasttext", "fasttext"), ("a.spacy", "docbin"),
    ("a.JSONL", "jsonl"), ("a.jsonl.gz", "jsonl"), ("dir.v2/a.csv.gz", "csv"),
])
def test_detect_format_uses_the_extension_without_gz(name: str, fmt: str) -> None:
    assert detect_format(name) == fmt


def test_detect_format_chooses_folder_for_a_directory(tmp_path: Path) -> None:
    assert detect_format(tmp_path) == "folder"


@pytest.mark.parametrize("name", ["a.dat", "README", "a.gz"])
def test_detect_format_unknown_extension_lists_the_formats(name: str) -> None:
    with pytest.raises(CorpusError, match=r"pass --format NAME \(formats: " + ALL_FORMATS):
        detect_format(name)


def test_read_corpus_missing_path_is_a_corpus_error(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="no such file or directory, and no bundled corpus"):
        read_corpus(tmp_path / "missing.jsonl")


def test_read_corpus_unknown_format_lists_the_formats(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("x")
    with pytest.raises(CorpusError, match="unknown corpus format 'xml'; formats: " + ALL_FORMATS):
        read_corpus(path, format="xml")


def test_read_corpus_directory_given_to_a_file_format_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="is a directory, which the jsonl format does not read"):
        read_corpus(tmp_path, format="jsonl")


def test_read_corpus_unknown_setting_is_a_settings_error(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text('{"text": "x"}\n')
    with pytest.raises(SettingsError, match="has no setting 'column'"):
        read_corpus(path, column="x")


def test_read_corpus_streams_lazily(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text('{"text": "ok"}\nnot json\n')
    records = read_corpus(path)
    assert next(records) == Record("ok")  # the bad second line is not read yet
    with pytest.raises(CorpusFormatError, match="line 2"):
        next(records)


@pytest.mark.parametrize(("name", "content"), [
    ("c.txt.gz", "one\ntwo\n"), ("c.jsonl.gz", '{"text": "one"}\n{"text": "two"}\n'),
    ("c.csv.gz", "text\none\ntwo\n"), ("c.ft.gz", "one\ntwo\n"),
])
def test_gzip_input_is_read_by_the_format_of_the_inner_extension(
        tmp_path: Path, name: str, content: str) -> None:
    path = tmp_path / name
    path.write_bytes(gzip.compress(content.encode()))
    assert [r.text for r in read_corpus(path)] == ["one", "two"]


def test_corrupt_gzip_is_a_corpus_error(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl.gz"
    path.write_bytes(gzip.compress(b'{"text": "one"}\n' * 50)[:30])
    with pytest.raises(CorpusError, match="cannot read"):
        list(read_corpus(path))


def test_latin1_encoding_reads_what_utf8_rejects(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    path.write_bytes('{"text": "café", "label": "übel"}\n'.encode("latin-1"))
    with pytest.raises(CorpusFormatError, match=r"c\.jsonl, line 1: byte 0xe9 .* utf-8"):
        list(read_corpus(path))
    assert list(read_corpus(path, encoding="latin-1")) == [Record("café", ("übel",))]


def test_unknown_encoding_is_a_corpus_error(tmp_path: Path) -> None:
    path = tmp_path / "c.txt"
    path.write_text("x")
    with pytest.raises(CorpusError, match="unknown encoding 'klingon'"):
        list(read_corpus(path, encoding="klingon"))


def test_utf8_sig_encoding_drops_a_byte_order_mark(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    path.write_bytes(b'\xef\xbb\xbf{"text": "x"}\n')
    assert list(read_corpus(path, encoding="utf-8-sig")) == [Record("x")]


def test_skip_bad_lines_flag_skips_and_bad_lines_object_counts(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    path.write_bytes(b'{"text": "a"}\nnope\n{"text": 1}\n\xff\n{"text": "b"}\n')
    assert list(read_corpus(path, skip_bad_lines=True)) == [Record("a"), Record("b")]
    bad = BadLines()
    assert list(read_corpus(path, skip_bad_lines=True, bad_lines=bad)) == [Record("a"),
                                                                           Record("b")]
    assert bad.skipped == 3
    assert [e.split(":")[0] for e in bad.examples] == [f"{path}, line {n}" for n in (2, 3, 4)]


def test_write_corpus_chooses_the_format_from_the_extension_and_gzips(tmp_path: Path) -> None:
    out = tmp_path / "o.jsonl.gz"
    assert write_corpus([Record("a", ("x",))], out) == 1
    assert gzip.decompress(out.read_bytes()) == b'{"text": "a", "label": "x"}\n'


def test_write_corpus_unencodable_text_is_a_corpus_error_and_writes_nothing(
        tmp_path: Path) -> None:
    out = tmp_path / "o.txt"
    with pytest.raises(CorpusError, match="record 2 contains '☕', which latin-1 cannot encode"):
        write_corpus([Record("ok"), Record("coffee ☕")], out, encoding="latin-1")
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


def test_write_corpus_streams_records_from_a_generator(tmp_path: Path) -> None:
    out = tmp_path / "o.csv"
    records = (Record(f"doc {i}", ("even" if i % 2 == 0 else "odd",)) for i in range(1000))
    assert write_corpus(records, out) == 1000
    assert sum(1 for _ in read_corpus(out)) == 1000
