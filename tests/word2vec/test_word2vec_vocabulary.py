"""The vocabulary tables are computed exactly as gensim computes them."""

from __future__ import annotations

import random

import numpy as np
import pytest
from lexiloom_word2vec.vocabulary import (
    count_vocabulary,
    huffman_tree,
    noise_table,
    sample_thresholds,
)
from oracles import reference


def zipf_corpus(seed: int = 0) -> list[list[str]]:
    rnd = random.Random(seed)
    words = [f"w{i}" for i in range(300)]
    weights = [1 / (i + 1) for i in range(300)]
    return [rnd.choices(words, weights, k=rnd.randint(1, 15)) for _ in range(800)]


@pytest.fixture(scope="module")
def gensim_model():
    gensim = reference("gensim.models")
    model = gensim.Word2Vec(vector_size=4, min_count=3, sample=1e-3, hs=1, negative=5)
    model.build_vocab(zipf_corpus())
    return model


@pytest.mark.oracle
def test_min_count_keeps_the_words_gensim_keeps_with_their_counts(gensim_model):
    ours = count_vocabulary(zipf_corpus(), min_count=3)
    theirs = {w: gensim_model.wv.get_vecattr(w, "count") for w in gensim_model.wv.index_to_key}
    assert dict(zip(ours.words, ours.counts.tolist(), strict=True)) == theirs
    assert ours.raw_words == gensim_model.corpus_total_words
    assert list(ours.counts) == sorted(ours.counts, reverse=True)


@pytest.mark.oracle
def test_subsampling_thresholds_equal_gensims(gensim_model):
    wv = gensim_model.wv
    counts = np.array([wv.get_vecattr(w, "count") for w in wv.index_to_key])
    ours = sample_thresholds(counts, 1e-3)
    np.testing.assert_array_equal(ours, wv.expandos["sample_int"])


def test_sample_zero_means_no_subsampling():
    assert sample_thresholds(np.array([10, 5]), 0.0) is None


@pytest.mark.oracle
def test_noise_table_equals_gensims_cumulative_table(gensim_model):
    wv = gensim_model.wv
    counts = np.array([wv.get_vecattr(w, "count") for w in wv.index_to_key])
    np.testing.assert_array_equal(noise_table(counts, 0.75), gensim_model.cum_table)


@pytest.mark.oracle
def test_huffman_codes_and_points_equal_gensims(gensim_model):
    wv = gensim_model.wv
    counts = np.array([wv.get_vecattr(w, "count") for w in wv.index_to_key])
    tree = huffman_tree(counts)
    for i in range(len(counts)):
        points, codes = tree.path(i)
        assert codes == wv.get_vecattr(i, "code").tolist()
        assert points == wv.get_vecattr(i, "point").tolist()


@pytest.mark.oracle
def test_max_vocab_size_prunes_rare_words_like_gensim():
    gensim = reference("gensim.models")
    corpus = zipf_corpus(seed=1)
    model = gensim.Word2Vec(vector_size=4, min_count=1, max_vocab_size=60)
    model.build_vocab(corpus)
    ours = count_vocabulary(corpus, min_count=1, max_vocab_size=60)
    theirs = {w: model.wv.get_vecattr(w, "count") for w in model.wv.index_to_key}
    assert dict(zip(ours.words, ours.counts.tolist(), strict=True)) == theirs
    assert len(ours) < len({w for s in corpus for w in s})


def test_huffman_tree_of_one_word_is_empty():
    tree = huffman_tree(np.array([7]))
    assert tree.path(0) == ([], [])
