"""Co-occurrence counting: exact weighted counts, spilling, bounded memory, kernel vs numpy."""

from __future__ import annotations

import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lexiloom_glove.cooccurrence import count_cooccurrences, load_kernel, table_capacity

from lexiloom.errors import CorpusError

KERNEL = load_kernel()
needs_kernel = pytest.mark.skipif(KERNEL is None, reason="compiled kernel not built")
BACKENDS = [pytest.param(True, id="kernel", marks=needs_kernel),
            pytest.param(False, id="numpy")]


def _counts(sentences, words, **settings):
    index = {w: i for i, w in enumerate(words)}
    result = count_cooccurrences(sentences, index, **settings)
    return {(words[r], words[c]): v for (r, c), v in result.to_dict().items()}


def _brute_force(sentences, words, window, symmetric=True, distance_weighting=True):
    """The definition, written out: pairs within the window among in-vocabulary tokens."""
    counts: dict[tuple[str, str], float] = {}
    for sentence in sentences:
        kept = [w for w in sentence if w in words]
        for j, right in enumerate(kept):
            for k in range(max(0, j - window), j):
                weight = 1.0 / (j - k) if distance_weighting else 1.0
                pairs = [(kept[k], right)] + ([(right, kept[k])] if symmetric else [])
                for pair in pairs:
                    counts[pair] = counts.get(pair, 0.0) + weight
    return counts


@pytest.mark.parametrize("kernel", BACKENDS)
def test_counts_match_hand_computed_symmetric_inverse_distance_example(kernel):
    # "a b c a" with window 2: a-b at distance 1, a-c at 2, b-c at 1, b-a at 2, c-a at 1
    counts = _counts([["a", "b", "c", "a"]], ["a", "b", "c"], window=2, kernel=kernel)
    assert counts == pytest.approx({
        ("a", "b"): 1.5, ("b", "a"): 1.5,  # (a,b) d=1 and (b,a) d=2, both directions
        ("a", "c"): 1.5, ("c", "a"): 1.5,  # (a,c) d=2 and (c,a) d=1
        ("b", "c"): 1.0, ("c", "b"): 1.0,
    })


@pytest.mark.parametrize("kernel", BACKENDS)
def test_window_does_not_cross_sentences_and_skips_unknown_words(kernel):
    # "x" is out of vocabulary: it is dropped before windowing, so a and c become neighbours
    counts = _counts([["a", "x", "c"], ["b"]], ["a", "b", "c"], window=1, kernel=kernel)
    assert counts == {("a", "c"): 1.0, ("c", "a"): 1.0}


@pytest.mark.parametrize("kernel", BACKENDS)
def test_asymmetric_unweighted_counts_only_left_context(kernel):
    counts = _counts([["a", "b", "c"]], ["a", "b", "c"], window=2, symmetric=False,
                     distance_weighting=False, kernel=kernel)
    assert counts == {("a", "b"): 1.0, ("b", "c"): 1.0, ("a", "c"): 1.0}


@pytest.mark.parametrize("kernel", BACKENDS)
def test_repeated_word_counts_itself_in_both_directions(kernel):
    counts = _counts([["a", "b", "a"]], ["a", "b"], window=2, kernel=kernel)
    assert counts == {("a", "b"): 2.0, ("b", "a"): 2.0, ("a", "a"): 1.0}


@settings(max_examples=60, deadline=None)
@given(
    sentences=st.lists(st.lists(st.sampled_from("abcdefg"), max_size=12), max_size=12),
    window=st.integers(1, 5),
    symmetric=st.booleans(),
    distance_weighting=st.booleans(),
)
def test_property_counts_equal_the_brute_force_definition(sentences, window, symmetric,
                                                          distance_weighting):
    """Property: for any corpus and settings, counts equal the pairwise definition (vocabulary
    a..e; f and g are unknown words), for the kernel and the numpy fallback alike."""
    words = list("abcde")
    expected = _brute_force(sentences, set(words), window, symmetric, distance_weighting)
    for kernel in ([True, False] if KERNEL is not None else [False]):
        got = _counts(sentences, words, window=window, symmetric=symmetric,
                      distance_weighting=distance_weighting, kernel=kernel)
        assert got.keys() == expected.keys()
        for pair, value in expected.items():
            assert got[pair] == pytest.approx(value)


def _random_corpus(n_sentences=1500, vocab=300, seed=0):
    rng = random.Random(seed)
    words = [f"w{i}" for i in range(vocab)]
    # Zipf-ish: low indices are frequent, so there are both dense and sparse rows
    weights = [1.0 / (i + 1) for i in range(vocab)]
    return words, [rng.choices(words, weights, k=rng.randint(0, 30))
                   for _ in range(n_sentences)]


@pytest.mark.parametrize("kernel", BACKENDS)
def test_spilling_to_shards_gives_the_in_memory_counts(kernel, tmp_path):
    words, corpus = _random_corpus()
    index = {w: i for i, w in enumerate(words)}
    in_memory = count_cooccurrences(corpus, index, window=5, kernel=kernel)
    spilled = count_cooccurrences(corpus, index, window=5, kernel=kernel, memory_mb=0.25,
                                  tmp_dir=tmp_path)
    assert in_memory.shards == 0
    assert spilled.shards >= 2
    assert np.array_equal(spilled.rows, in_memory.rows)
    assert np.array_equal(spilled.cols, in_memory.cols)
    np.testing.assert_allclose(spilled.values, in_memory.values, rtol=1e-12)
    assert list(tmp_path.iterdir()) == []  # shard files are removed


@needs_kernel
def test_kernel_and_numpy_counts_agree_on_a_larger_corpus():
    words, corpus = _random_corpus(seed=3)
    index = {w: i for i, w in enumerate(words)}
    compiled = count_cooccurrences(corpus, index, window=7, kernel=True)
    numpy_only = count_cooccurrences(corpus, index, window=7, kernel=False)
    assert np.array_equal(compiled.rows, numpy_only.rows)
    assert np.array_equal(compiled.cols, numpy_only.cols)
    np.testing.assert_allclose(compiled.values, numpy_only.values, rtol=1e-12)


@pytest.mark.parametrize("kernel", BACKENDS)
def test_counting_structure_stays_within_the_memory_budget(kernel):
    words, corpus = _random_corpus(n_sentences=4000, vocab=2000, seed=5)
    index = {w: i for i, w in enumerate(words)}
    budget_mb = 1
    result = count_cooccurrences(corpus, index, window=10, memory_mb=budget_mb, kernel=kernel)
    unbounded = count_cooccurrences(corpus, index, window=10, kernel=kernel)
    # the corpus has far more distinct pairs than the budget holds, so it had to spill ...
    assert len(result) * 16 > budget_mb * 2**20 / 2
    assert result.shards >= 2
    # ... and the counting structure never outgrew half the budget
    assert result.table_bytes <= budget_mb * 2**20 / 2
    assert result.peak_entries * 16 <= result.table_bytes
    assert len(result) == len(unbounded)
    np.testing.assert_allclose(result.values, unbounded.values, rtol=1e-12)


def test_result_is_sorted_by_row_then_column():
    words, corpus = _random_corpus(seed=9)
    index = {w: i for i, w in enumerate(words)}
    result = count_cooccurrences(corpus, index, window=4, memory_mb=0.25)
    keys = result.rows.astype(np.int64) * len(words) + result.cols
    assert np.all(np.diff(keys) > 0)
    assert result.rows.dtype == np.int32 and result.values.dtype == np.float64


def test_table_capacity_is_a_power_of_two_within_half_the_budget():
    for memory_mb in (0.01, 0.25, 1, 3, 512):
        capacity = table_capacity(memory_mb, window=10)
        assert capacity & (capacity - 1) == 0
        assert capacity * 16 <= max(memory_mb * 2**20 / 2, 256 * 16)


def test_a_string_instead_of_a_token_list_is_a_corpus_error():
    with pytest.raises(CorpusError, match="list of tokens"):
        count_cooccurrences(["a b c"], {"a": 0})
