"""KeyedVectors: lookups, similarity, most_similar and analogies with gensim's semantics."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from oracles import reference

from lexiloom.errors import LexiloomError, SettingsError
from lexiloom.vectors import KeyedVectors, UnknownWordError

from .planted import TOPICS, similarity_margin

MARGIN = 0.5  # planted topics: same-topic cosine exceeds cross-topic cosine by at least this


def test_container_protocol_follows_the_rows() -> None:
    vectors = np.arange(6, dtype=np.float32).reshape(3, 2)
    kv = KeyedVectors(["a", "b", "c"], vectors, counts=[5, 3, 1])
    assert len(kv) == 3 and kv.dim == 2 and kv.vector_size == 2
    assert "b" in kv and "z" not in kv
    assert kv["b"].tolist() == [2.0, 3.0]
    assert kv[["c", "a"]].tolist() == [[4.0, 5.0], [0.0, 1.0]]
    assert kv.key_to_index == {"a": 0, "b": 1, "c": 2} and list(kv) == ["a", "b", "c"]
    assert kv.counts == [5, 3, 1]
    assert np.linalg.norm(kv.get_vector("c", norm=True)) == pytest.approx(1.0)


def test_unknown_word_is_a_key_error_and_a_lexiloom_error_with_a_readable_message() -> None:
    kv = KeyedVectors(["a"], np.ones((1, 2), np.float32))
    with pytest.raises(UnknownWordError) as info:
        kv["zebra"]
    assert isinstance(info.value, KeyError) and isinstance(info.value, LexiloomError)
    assert str(info.value).startswith("word 'zebra' is not in the vectors")
    with pytest.raises(KeyError):
        kv.most_similar("zebra")


@pytest.mark.parametrize(("words", "shape", "match"), [
    (["a", "a"], (2, 2), "duplicate"),
    (["a", "b"], (3, 2), "shape"),
    (["a"], (2,), "shape"),
])
def test_inconsistent_construction_is_a_settings_error(
    words: list[str], shape: tuple[int, ...], match: str
) -> None:
    with pytest.raises(SettingsError, match=match):
        KeyedVectors(words, np.zeros(shape, np.float32))


def test_related_words_are_nearer_than_unrelated_ones_by_a_margin(
    planted: KeyedVectors, control: KeyedVectors
) -> None:
    assert similarity_margin(planted) > MARGIN
    # the control: the same check fails on random vectors, so the test can fail
    assert similarity_margin(control) < MARGIN


def test_most_similar_returns_the_planted_topic_first_without_the_query(
    planted: KeyedVectors
) -> None:
    for topic in TOPICS.values():
        neighbours = [w for w, _ in planted.most_similar(topic[0], topn=4)]
        assert sorted(neighbours) == sorted(topic[1:])
    result = planted.most_similar("cat", topn=3)
    scores = [s for _, s in result]
    assert scores == sorted(scores, reverse=True)
    assert scores[0] == pytest.approx(planted.similarity("cat", result[0][0]), abs=1e-6)


ANALOGIES = [("man", "king", "woman", "queen"), ("man", "woman", "boy", "girl"),
             ("queen", "king", "girl", "boy"), ("boy", "girl", "king", "queen")]


def test_analogy_recovers_the_planted_offsets(planted: KeyedVectors,
                                              control: KeyedVectors) -> None:
    def solved(kv: KeyedVectors) -> int:
        return sum(kv.analogy(a, b, c)[0][0] == d for a, b, c, d in ANALOGIES)

    assert solved(planted) == len(ANALOGIES)
    assert solved(control) < len(ANALOGIES)  # control: random vectors do not solve them all
    assert len(planted.analogy("man", "king", "woman", topn=3)) == 3


@pytest.mark.oracle
def test_most_similar_equals_gensim_on_the_same_vectors(planted: KeyedVectors) -> None:
    gensim = reference("gensim.models")
    theirs = gensim.KeyedVectors(planted.dim)
    theirs.add_vectors(planted.index_to_key, planted.vectors)
    queries = [(["cat"], []), (["king", "woman"], ["man"]), (["car", "apple"], ["dog", "pear"])]
    for positive, negative in queries:
        for restrict in (None, 12):
            ours = planted.most_similar(positive, negative, topn=6, restrict_vocab=restrict)
            expected = theirs.most_similar(positive=positive, negative=negative, topn=6,
                                           restrict_vocab=restrict)
            assert [w for w, _ in ours] == [w for w, _ in expected]
            np.testing.assert_allclose([s for _, s in ours], [s for _, s in expected], atol=1e-6)
    assert planted.similarity("cat", "dog") == pytest.approx(theirs.similarity("cat", "dog"),
                                                              abs=1e-6)


def test_most_similar_accepts_vectors_and_restricts_the_vocabulary(
    planted: KeyedVectors
) -> None:
    by_vector = planted.similar_by_vector(planted["cat"], topn=1)
    assert by_vector[0][0] == "cat"  # a vector query excludes no word
    restricted = planted.most_similar("king", topn=50, restrict_vocab=5)
    assert {w for w, _ in restricted} <= set(planted.index_to_key[:5])
    assert len(planted.most_similar("cat", topn=None)) == len(planted)
    assert len(planted.most_similar("cat", topn=1000)) == len(planted) - 1
    with pytest.raises(SettingsError):
        planted.most_similar()


def test_zero_vectors_have_similarity_zero_not_nan() -> None:
    kv = KeyedVectors(["zero", "one"], np.array([[0, 0], [1, 0]], np.float32))
    assert kv.similarity("zero", "one") == 0.0
    assert all(np.isfinite(s) for _, s in kv.most_similar("one"))


def test_save_and_load_round_trip_through_keyed_vectors(tmp_path, planted) -> None:
    for fmt in ("word2vec", "word2vec-binary", "glove"):
        planted.save(tmp_path / f"v.{fmt}", format=fmt)
        loaded = KeyedVectors.load(tmp_path / f"v.{fmt}", format=fmt)
        assert loaded.index_to_key == planted.index_to_key
        assert np.array_equal(loaded.vectors, planted.vectors)
    assert len(KeyedVectors.load(tmp_path / "v.glove", limit=3)) == 3


def test_importing_lexiloom_vectors_imports_neither_torch_nor_spacy() -> None:
    code = ("import sys, lexiloom.vectors, lexiloom.vectors.evaluation, lexiloom.cli.vectors; "
            "print(sorted(m for m in ('torch', 'spacy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"
