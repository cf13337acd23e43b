"""The docbin reader: labels from doc.cats, threshold, .gz, corrupt files, writing."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from lexiloom.corpora import Record, read_corpus, write_corpus
from lexiloom.errors import CorpusFormatError


def docbin_file(path: Path, cats: list[dict[str, float]]) -> Path:
    import spacy
    from spacy.tokens import DocBin

    nlp = spacy.blank("en")
    doc_bin = DocBin()
    for i, doc_cats in enumerate(cats):
        doc = nlp.make_doc(f"doc number {i}")
        doc.cats = doc_cats
        doc_bin.add(doc)
    doc_bin.to_disk(path)
    return path


def test_docbin_labels_are_the_cats_at_or_above_the_threshold(tmp_path: Path) -> None:
    path = docbin_file(tmp_path / "c.spacy", [{"a": 1.0, "b": 0.0}, {"a": 0.5, "b": 0.7}, {}])
    assert list(read_corpus(path)) == [Record("doc number 0", ("a",)),
                                       Record("doc number 1", ("a", "b")),
                                       Record("doc number 2")]
    assert [r.labels for r in read_corpus(path, threshold=0.6)] == [("a",), ("b",), ()]


def test_docbin_reader_accepts_gzip(tmp_path: Path) -> None:
    path = docbin_file(tmp_path / "c.spacy", [{"x": 1.0}])
    gz = tmp_path / "c.spacy.gz"
    gz.write_bytes(gzip.compress(path.read_bytes()))
    assert list(read_corpus(gz)) == [Record("doc number 0", ("x",))]


def test_docbin_corrupt_file_is_a_format_error_with_the_fix(tmp_path: Path) -> None:
    path = tmp_path / "c.spacy"
    path.write_bytes(b"not a docbin")
    with pytest.raises(CorpusFormatError, match=r"c\.spacy: not a spaCy DocBin .* convert"):
        list(read_corpus(path))


def test_docbin_writer_stores_every_corpus_label_in_cats(tmp_path: Path) -> None:
    from spacy.tokens import DocBin
    from spacy.vocab import Vocab

    path = tmp_path / "c.spacy"
    write_corpus([Record("a b", ("x",)), Record("c", ("y", "z"))], path)
    docs = list(DocBin().from_disk(path).get_docs(Vocab()))
    assert [d.cats for d in docs] == [{"x": 1.0, "y": 0.0, "z": 0.0},
                                      {"x": 0.0, "y": 1.0, "z": 1.0}]
