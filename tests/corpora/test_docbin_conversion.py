"""convert_to_docbin: doc.cats, exclusive vs multi-label, deterministic dev split, errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from lexiloom.corpora import Record, convert_to_docbin, read_corpus, write_corpus
from lexiloom.corpora.docbin import SPACY_TOKENIZER, split_records
from lexiloom.errors import CorpusError, SettingsError, UnknownComponentError


def load(path: Path) -> list:
    from spacy.tokens import DocBin
    from spacy.vocab import Vocab

    return list(DocBin().from_disk(path).get_docs(Vocab()))


def corpus(tmp_path: Path, records: list[Record], name: str = "c.jsonl") -> Path:
    path = tmp_path / name
    write_corpus(records, path)
    return path


def test_converted_docbin_loads_with_spacy_and_has_all_labels_in_cats(tmp_path: Path) -> None:
    source = corpus(tmp_path, [Record("A good film.", ("pos",)), Record("Bad.", ("neg",))])
    result = convert_to_docbin(source, tmp_path / "train.spacy")
    docs = load(tmp_path / "train.spacy")
    assert [d.text for d in docs] == ["A good film.", "Bad."]
    assert [d.cats for d in docs] == [{"neg": 0.0, "pos": 1.0}, {"neg": 1.0, "pos": 0.0}]
    assert [t.text for t in docs[0]] == ["A", "good", "film", "."]
    assert result.exclusive and result.labels == ("neg", "pos") and result.dev_path is None


def test_multi_label_data_is_reported_as_not_exclusive(tmp_path: Path) -> None:
    source = corpus(tmp_path, [Record("a", ("x", "y")), Record("b", ())])
    result = convert_to_docbin(source, tmp_path / "t.spacy")
    assert not result.exclusive
    assert [d.cats for d in load(tmp_path / "t.spacy")] == [{"x": 1.0, "y": 1.0},
                                                           {"x": 0.0, "y": 0.0}]


def test_dev_split_has_the_requested_size_and_every_label(tmp_path: Path) -> None:
    records = [Record(f"doc {i}", ("even" if i % 2 == 0 else "odd",)) for i in range(50)]
    source = corpus(tmp_path, records)
    result = convert_to_docbin(source, tmp_path / "t.spacy", dev_path=tmp_path / "d.spacy",
                               dev_fraction=0.2, seed=3)
    assert (result.train, result.dev) == (40, 10)
    train, dev = load(tmp_path / "t.spacy"), load(tmp_path / "d.spacy")
    assert sorted(d.text for d in train + dev) == sorted(r.text for r in records)
    assert all(set(d.cats) == {"even", "odd"} for d in dev)


def test_dev_split_is_deterministic_for_a_seed_and_changes_with_it(tmp_path: Path) -> None:
    records = [Record(f"doc {i}") for i in range(100)]
    first = split_records(records, 0.1, seed=7)
    assert split_records(records, 0.1, seed=7) == first
    assert split_records(records, 0.1, seed=8) != first
    train, dev = first
    assert len(dev) == 10 and len(train) == 90
    assert train == [r for r in records if r in train]  # each split keeps the corpus order


def test_tiny_corpora_still_get_one_dev_and_one_train_document() -> None:
    records = [Record("a"), Record("b")]
    assert [len(part) for part in split_records(records, 0.01)] == [1, 1]
    assert [len(part) for part in split_records(records, 0.99)] == [1, 1]
    with pytest.raises(CorpusError, match="cannot split 1 document"):
        split_records([Record("a")], 0.5)


@pytest.mark.parametrize("fraction", [0.0, 1.0, -0.5, 2])
def test_dev_fraction_outside_zero_one_is_a_settings_error(tmp_path: Path,
                                                           fraction: float) -> None:
    source = corpus(tmp_path, [Record("a"), Record("b")])
    with pytest.raises(SettingsError, match="dev_fraction must be between 0 and 1"):
        convert_to_docbin(source, tmp_path / "t.spacy", dev_path=tmp_path / "d.spacy",
                          dev_fraction=fraction)


def test_empty_corpus_is_a_corpus_error_and_writes_nothing(tmp_path: Path) -> None:
    source = tmp_path / "empty.jsonl"
    source.write_text("\n")
    with pytest.raises(CorpusError, match="contains no documents"):
        convert_to_docbin(source, tmp_path / "t.spacy")
    assert not (tmp_path / "t.spacy").exists()


def test_unknown_language_is_a_settings_error(tmp_path: Path) -> None:
    source = corpus(tmp_path, [Record("a")])
    with pytest.raises(SettingsError, match="unknown spaCy language 'zz'"):
        convert_to_docbin(source, tmp_path / "t.spacy", lang="zz")


def test_lexiloom_tokenizer_tokenises_the_docs(tmp_path: Path) -> None:
    source = corpus(tmp_path, [Record("Don't stop", ("x",))])
    convert_to_docbin(source, tmp_path / "t.spacy", tokenizer="whitespace")
    convert_to_docbin(source, tmp_path / "c.spacy", tokenizer="char")
    assert [t.text for t in load(tmp_path / "t.spacy")[0]] == ["Don't", "stop"]
    assert len(load(tmp_path / "c.spacy")[0]) > 2


def test_spacy_finds_the_tokenizer_by_the_name_conversion_uses() -> None:
    from spacy.util import registry

    from lexiloom.spacy.tokenizer import create_tokenizer

    assert registry.tokenizers.get(SPACY_TOKENIZER) is create_tokenizer


def test_bad_tokenizer_names_and_settings_raise_the_tokenizers_own_errors(tmp_path: Path) -> None:
    source = corpus(tmp_path, [Record("a", ("x",))])
    with pytest.raises(UnknownComponentError, match="unknown tokenizer 'nope'"):
        convert_to_docbin(source, tmp_path / "t.spacy", tokenizer="nope")
    with pytest.raises(SettingsError, match="not a valid regular expression"):
        convert_to_docbin(source, tmp_path / "t.spacy", tokenizer="regex",
                          tokenizer_settings={"pattern": "("})
    with pytest.raises(SettingsError, match="unknown spaCy language 'zz'"):
        convert_to_docbin(source, tmp_path / "t.spacy", tokenizer="char", lang="zz")
    assert not (tmp_path / "t.spacy").exists()


def test_conversion_reads_bundled_corpora_and_round_trips(tmp_path: Path) -> None:
    out = tmp_path / "s.spacy"
    result = convert_to_docbin("sentiment/dev", out)
    assert result.train == sum(1 for _ in read_corpus("sentiment/dev"))
    assert list(read_corpus(out)) == list(read_corpus("sentiment/dev"))
