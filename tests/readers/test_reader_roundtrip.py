"""Property: for every built-in reader, ``write`` then ``read`` gives back the records written,
for every record the format can represent.

What each format can represent (the strategies below encode it):

- all formats: texts without lone surrogates (no encoding can write them).
- ``jsonl``: any text, any tuple of labels.
- ``csv``/``tsv``: any text; labels non-empty, without the ``|`` label separator and without
  whitespace at their ends (cells are split on ``|`` and stripped).
- ``text``: no labels; a non-empty, one-line text (no ``\\r``/``\\n``) without whitespace at its
  ends (lines are stripped and blank lines skipped).
- ``fasttext``: one-line stripped non-empty text not starting with ``__label__``; any number of
  labels, each one word without whitespace.
- ``labelled``: exactly one such label; one-line stripped non-empty text.
- ``folder``: exactly one label that is a plain folder name; a stripped non-empty text (line
  breaks allowed). Read order is by label (sorted), then written order: the property compares
  with the records stably sorted by label.
- ``docbin`` (also through ``convert_to_docbin``): any text; labels sorted and unique (they are
  read back in ``doc.cats`` order, which is the sorted label set of the corpus).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lexiloom.corpora import Record, convert_to_docbin, read_corpus, write_corpus

TEXT_CHARS = st.characters(exclude_categories=("Cs",))
ANY_TEXT = st.text(TEXT_CHARS, max_size=40)
LINE_TEXT = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\r\n"),
                    min_size=1, max_size=40).map(str.strip).filter(bool)
WORD = st.text(st.characters(exclude_categories=("Cs", "Zs", "Zl", "Zp", "Cc")),
               min_size=1, max_size=12).filter(lambda s: not any(c.isspace() for c in s))
CELL_LABEL = st.text(TEXT_CHARS, min_size=1, max_size=12).map(str.strip).filter(
    lambda s: s and "|" not in s)
FOLDER_LABEL = st.text(st.sampled_from("abcXYZ019_-"), min_size=1, max_size=10).filter(
    lambda s: not s.startswith("."))
SORTED_LABELS = st.frozensets(st.text(TEXT_CHARS, min_size=1, max_size=10), max_size=4).map(
    lambda labels: tuple(sorted(labels)))

PROFILE = settings(max_examples=60, deadline=None,
                   suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


def roundtrip(records: list[Record], fmt: str, name: str, **settings_: object) -> list[Record]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        assert write_corpus(records, path, format=fmt, **settings_) == len(records)
        return list(read_corpus(path, format=fmt, **settings_))


def records_of(text: st.SearchStrategy[str], labels: st.SearchStrategy[tuple[str, ...]]
               ) -> st.SearchStrategy[list[Record]]:
    return st.lists(st.builds(Record, text, labels), max_size=8)


@PROFILE
@given(records_of(ANY_TEXT, st.lists(ANY_TEXT, max_size=3).map(tuple)))
def test_jsonl_write_then_read_is_identity(records: list[Record]) -> None:
    assert roundtrip(records, "jsonl", "c.jsonl") == records


@PROFILE
@given(records_of(ANY_TEXT, st.lists(ANY_TEXT, max_size=3).map(tuple)))
def test_jsonl_gzip_write_then_read_is_identity(records: list[Record]) -> None:
    assert roundtrip(records, "jsonl", "c.jsonl.gz") == records


@PROFILE
@given(records_of(ANY_TEXT, st.lists(CELL_LABEL, max_size=3).map(tuple)),
       st.sampled_from(["csv", "tsv"]))
def test_csv_and_tsv_write_then_read_is_identity(records: list[Record], fmt: str) -> None:
    assert roundtrip(records, fmt, f"c.{fmt}") == records


@PROFILE
@given(records_of(ANY_TEXT, st.lists(CELL_LABEL, max_size=1).map(tuple)))
def test_csv_without_header_by_column_number_write_then_read_is_identity(
        records: list[Record]) -> None:
    assert roundtrip(records, "csv", "c.csv", header=False, text_column=1,
                     label_column=0) == records


@PROFILE
@given(records_of(LINE_TEXT, st.just(())))
def test_text_write_then_read_is_identity(records: list[Record]) -> None:
    assert roundtrip(records, "text", "c.txt") == records


@PROFILE
@given(records_of(LINE_TEXT.filter(lambda t: not t.startswith("__label__")),
                  st.lists(WORD, max_size=3).map(tuple)))
def test_fasttext_write_then_read_is_identity(records: list[Record]) -> None:
    assert roundtrip(records, "fasttext", "c.ft") == records


@PROFILE
@given(records_of(LINE_TEXT, WORD.map(lambda label: (label,))))
def test_labelled_write_then_read_is_identity(records: list[Record]) -> None:
    assert roundtrip(records, "labelled", "c") == records


@PROFILE
@given(records_of(st.text(TEXT_CHARS, min_size=1, max_size=40).map(str.strip).filter(bool),
                  FOLDER_LABEL.map(lambda label: (label,))))
def test_folder_write_then_read_is_identity_up_to_label_order(records: list[Record]) -> None:
    expected = sorted(records, key=lambda r: r.labels[0])  # stable: keeps order within a label
    assert roundtrip(records, "folder", "corpus") == expected


@settings(PROFILE, max_examples=20)
@given(records_of(ANY_TEXT, SORTED_LABELS))
def test_docbin_write_then_read_is_identity(records: list[Record]) -> None:
    assert roundtrip(records, "docbin", "c.spacy") == records


@settings(PROFILE, max_examples=20)
@given(records_of(ANY_TEXT, SORTED_LABELS).filter(bool))
def test_docbin_convert_then_read_is_identity(records: list[Record]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        source, target = Path(tmp) / "c.jsonl", Path(tmp) / "c.spacy"
        write_corpus(records, source)
        result = convert_to_docbin(source, target)
        assert result.train == len(records)
        assert list(read_corpus(target)) == records
