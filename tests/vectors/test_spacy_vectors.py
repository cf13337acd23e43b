"""Vectors inside spaCy: nlp.vocab.vectors from Python, and a loadable pipeline on disk."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import spacy

from lexiloom.errors import SettingsError
from lexiloom.vectors import KeyedVectors
from lexiloom.vectors.spacy_vectors import add_to_vocab, to_spacy_pipeline

from .planted import planted_vectors, random_vectors, related_pairs, unrelated_pairs


def spacy_margin(nlp) -> float:
    """Mean spaCy similarity of related pairs minus that of unrelated pairs."""
    def sim(a: str, b: str) -> float:
        return float(nlp.vocab[a].similarity(nlp.vocab[b]))

    related = np.mean([sim(a, b) for a, b in related_pairs()])
    unrelated = np.mean([sim(a, b) for a, b in unrelated_pairs()])
    return float(related - unrelated)


def test_add_to_vocab_makes_token_vectors_and_doc_similarity_work() -> None:
    kv = planted_vectors()
    nlp = spacy.blank("en")
    vocab = add_to_vocab(nlp, kv)
    assert vocab is nlp.vocab and nlp.vocab.vectors.shape == kv.vectors.shape
    doc = nlp("cat dog car")
    np.testing.assert_array_equal(doc[0].vector, kv["cat"])
    assert doc[0].similarity(doc[1]) == pytest.approx(kv.similarity("cat", "dog"), abs=1e-5)
    assert nlp("cat dog").similarity(nlp("horse cow")) > nlp("cat dog").similarity(nlp("bus car"))
    assert nlp.meta["vectors"]["name"] == "en_lexiloom.vectors"


def test_add_to_vocab_accepts_a_bare_vocab_and_rejects_other_objects() -> None:
    from spacy.vocab import Vocab

    vocab = add_to_vocab(Vocab(), planted_vectors(), name="mine")
    assert vocab.vectors.name == "mine"
    with pytest.raises(SettingsError, match="spaCy Language or Vocab"):
        add_to_vocab(object(), planted_vectors())


def test_saved_pipeline_loads_with_every_row_and_planted_similarities(tmp_path: Path) -> None:
    kv = planted_vectors()
    out = to_spacy_pipeline(kv, tmp_path / "pipeline", lang="en")
    nlp = spacy.load(out)
    for word in kv.index_to_key:
        np.testing.assert_array_equal(nlp.vocab[word].vector, kv[word])
    for (a, b), (c, d) in zip(related_pairs(), unrelated_pairs(), strict=False):
        assert nlp.vocab[a].similarity(nlp.vocab[b]) > nlp.vocab[c].similarity(nlp.vocab[d])
    assert spacy_margin(nlp) > 0.5


def test_the_spacy_margin_check_fails_on_random_vectors(tmp_path: Path) -> None:
    nlp = spacy.load(to_spacy_pipeline(random_vectors(), tmp_path / "random"))
    assert spacy_margin(nlp) < 0.5  # control: the check above is not vacuous


def test_writing_over_an_existing_pipeline_replaces_it(tmp_path: Path) -> None:
    small = KeyedVectors(["a"], np.ones((1, 4), np.float32))
    to_spacy_pipeline(planted_vectors(), tmp_path / "p")
    to_spacy_pipeline(small, tmp_path / "p", lang="de")
    nlp = spacy.load(tmp_path / "p")
    assert nlp.lang == "de" and nlp.vocab.vectors.shape == (1, 4)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p"]


def test_unknown_language_is_a_settings_error(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="no language 'zz-nope'"):
        to_spacy_pipeline(planted_vectors(), tmp_path / "p", lang="zz-nope")
    assert not (tmp_path / "p").exists()


def test_the_exported_pipeline_carries_a_manifest_that_catches_a_flipped_byte(tmp_path):
    from lexiloom import manifest
    from lexiloom.errors import ModelFileError

    out = to_spacy_pipeline(planted_vectors(), tmp_path / "p")
    assert manifest.verify(out)
    vectors = next(p for p in (out / "vocab").iterdir() if p.name == "vectors")
    data = bytearray(vectors.read_bytes())
    data[-1] ^= 1
    vectors.write_bytes(bytes(data))
    with pytest.raises(ModelFileError, match="vectors"):
        manifest.verify(out)
