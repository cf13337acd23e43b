"""Word2Vec training: planted structure is learnt, results are reproducible, the compiled kernel
and the Python fallback agree, and every mode trains."""

from __future__ import annotations

from array import array

import numpy as np
import pytest
from lexiloom_word2vec import fallback
from lexiloom_word2vec.model import KERNEL, Word2Vec
from oracles import reference
from planted_structure import GROUP_A, GROUP_B, group_gap, planted_corpus

from lexiloom.errors import CorpusError

MARGIN = 0.4
"""Same-group pairs must be this much more cosine-similar, on average, than cross-group pairs."""

needs_kernel = pytest.mark.skipif(not KERNEL.built(),
                                  reason="the compiled word2vec kernel is not built")


def small(**settings):
    base = {"dim": 20, "min_count": 1, "epochs": 5, "sample": 0, "workers": 1}
    return Word2Vec(**{**base, **settings})


@pytest.mark.parametrize("mode", [
    {"sg": True}, {"sg": False}, {"sg": True, "hs": True, "negative": 0},
    {"sg": False, "hs": True, "negative": 0}, {"sg": True, "hs": True, "negative": 3},
    {"sg": False, "cbow_mean": False, "alpha": 0.005}, {"sg": False, "workers": 2},
    {"sg": True, "workers": 3}, {"sg": True, "shared_negatives": False},
    {"sg": True, "hs": True, "negative": 0, "shared_negatives": False},
])
def test_related_words_are_nearer_than_unrelated_by_a_margin(planted, mode):
    vectors = small(**mode).fit(planted)
    assert group_gap(vectors) > MARGIN


def test_random_vectors_fail_the_planted_structure_check():
    rng = np.random.default_rng(0)
    random_vectors = {w: rng.normal(size=20) for w in GROUP_A + GROUP_B}
    assert group_gap(random_vectors) < MARGIN


def test_untrained_vectors_fail_the_planted_structure_check(planted):
    vectors = small(epochs=1, alpha=1e-9, min_alpha=1e-9).fit(planted)
    assert group_gap(vectors) < MARGIN


def test_same_seed_and_one_worker_give_identical_vectors(planted):
    first = small(seed=7).fit(planted)
    second = small(seed=7).fit(planted)
    assert first.index_to_key == second.index_to_key
    assert np.array_equal(first.vectors, second.vectors)


def test_fit_seed_argument_overrides_the_setting(planted):
    model = small(seed=7)
    assert np.array_equal(model.fit(planted, seed=3).vectors, small(seed=3).fit(planted).vectors)


def test_different_seeds_give_different_vectors(planted):
    assert not np.allclose(small(seed=1).fit(planted).vectors, small(seed=2).fit(planted).vectors)


@needs_kernel
@pytest.mark.parametrize("mode", [
    {"sg": True}, {"sg": False}, {"sg": True, "hs": True, "negative": 0},
    {"sg": False, "hs": True, "negative": 2}, {"sg": False, "cbow_mean": False},
    {"sg": True, "sample": 0.01, "shrink_windows": False},
    {"sg": True, "shared_negatives": False}, {"sg": True, "hs": True, "negative": 2},
    {"sg": True, "hs": True, "negative": 2, "shared_negatives": False},
])
def test_kernel_and_python_fallback_give_the_same_vectors(mode):
    corpus = planted_corpus(sentences=24, length=8)
    settings = {"dim": 8, "epochs": 2, "batch_words": 50, **mode}
    kernel = small(backend="kernel", **settings).fit(corpus)
    python = small(backend="python", **settings).fit(corpus)
    assert kernel.index_to_key == python.index_to_key
    np.testing.assert_allclose(kernel.vectors, python.vectors, atol=1e-5, rtol=0)


def test_subsampling_drops_frequent_words_and_sample_zero_keeps_all():
    corpus = [["the"] * 50 + ["cat", "dog"]] * 20
    model = small(sample=0)
    model.fit(corpus)
    vocab = model.vocabulary
    ids = array("i", [vocab.index[w] for w in corpus[0]])
    kwargs = _job_tables(model)
    kept_all, _ = fallback.train_job(ids=ids, ends=array("i", [len(ids)]), sample_ints=None,
                                     alpha=0.0, seed=1, **kwargs)
    assert kept_all == len(ids)
    from lexiloom_word2vec.vocabulary import sample_thresholds

    thresholds = sample_thresholds(vocab.counts, 1e-3)
    kept, _ = fallback.train_job(ids=ids, ends=array("i", [len(ids)]), sample_ints=thresholds,
                                 alpha=0.0, seed=1, **kwargs)
    assert kept < len(ids) // 2


def test_sample_zero_and_default_sample_train_differently(planted):
    assert not np.allclose(small(sample=0).fit(planted).vectors,
                           small(sample=1e-3).fit(planted).vectors)


def _job_tables(model):
    vocab = model.vocabulary
    from lexiloom_word2vec.vocabulary import noise_table

    syn0 = np.zeros((len(vocab), model.dim), dtype=np.float32)
    return {"syn0": syn0, "syn1neg": np.zeros_like(syn0), "syn1": None,
            "cum_table": noise_table(vocab.counts), "hs_offsets": None, "hs_points": None,
            "hs_codes": None, "sg": 1, "negative": 2, "hs": 0, "window": 2,
            "shrink_windows": True, "cbow_mean": True, "shared_negatives": True}


def test_min_count_drops_rare_words(planted):
    corpus = [*planted, ["rare", "apple0"]]
    vectors = small(min_count=2).fit(corpus)
    assert "rare" not in vectors
    assert "apple0" in vectors


def test_vectors_are_ordered_by_descending_count():
    corpus = [["b", "a", "a", "c", "c", "c"]] * 3
    vectors = small().fit(corpus)
    assert vectors.index_to_key == ["c", "a", "b"]


def test_out_of_vocabulary_words_are_skipped(planted):
    corpus = [*planted, ["unseen"]]
    vectors = small(min_count=2).fit(corpus)
    assert group_gap(vectors) > MARGIN


def test_a_generator_is_rejected_because_training_needs_several_passes(planted):
    with pytest.raises(CorpusError, match="re-iterable"):
        small().fit(s for s in planted)


def test_strings_instead_of_token_lists_are_rejected():
    with pytest.raises(CorpusError, match="lists of tokens"):
        small().fit(["a b c", "d e f"])


def test_a_corpus_with_no_frequent_enough_word_is_rejected():
    with pytest.raises(CorpusError, match="min_count"):
        small(min_count=5).fit([["a", "b"], ["c"]])


def test_fit_reports_words_per_second(planted):
    model = small()
    model.fit(planted)
    assert model.stats["words"] == 5 * sum(map(len, planted))
    assert model.stats["words_per_second"] > 0


def test_progress_bar_shows_words_per_second(planted, capsys):
    small(progress=True).fit(planted)
    assert "words/s" in capsys.readouterr().err


@needs_kernel
def test_kernel_rejects_mismatched_buffers():
    kernel = KERNEL.load().train_job
    syn0 = np.zeros((3, 4), dtype=np.float32)
    tables = {"syn0": syn0, "syn1neg": syn0.copy(), "syn1": None,
              "cum_table": np.array([1, 2, 3], dtype=np.uint32), "hs_offsets": None,
              "hs_points": None, "hs_codes": None, "sample_ints": None, "sg": 1, "negative": 1,
              "hs": 0, "window": 2, "shrink_windows": True, "cbow_mean": True,
              "shared_negatives": True, "alpha": 0.1, "seed": 1}
    with pytest.raises(ValueError, match="below the vocabulary size"):
        kernel(ids=array("i", [0, 5]), ends=array("i", [2]), **tables)
    with pytest.raises(ValueError, match="ends"):
        kernel(ids=array("i", [0, 1]), ends=array("i", [3]), **tables)
    with pytest.raises(ValueError, match="syn0"):
        kernel(ids=array("i", [0, 1]), ends=array("i", [2]),
               **{**tables, "syn0": np.zeros((3, 4))})


def test_shared_negatives_change_skip_gram_training(planted):
    shared = small(sg=True).fit(planted).vectors
    assert np.array_equal(shared, small(sg=True, shared_negatives=True).fit(planted).vectors)
    assert not np.allclose(shared, small(sg=True, shared_negatives=False).fit(planted).vectors)


def test_unset_shared_negatives_stays_unset_in_the_config_so_it_follows_sg():
    config = small(sg=True).to_config()
    assert config["shared_negatives"] is None
    assert Word2Vec(**{**config, "sg": False}).to_config()["sg"] is False


@needs_kernel
def test_shared_negatives_draw_once_per_window_not_once_per_pair():
    """A job's final random state tells how many noise words it drew: with sharing, one draw of
    ``negative`` per kept word; without, one per (word, context) pair."""
    kernel = KERNEL.load().train_job
    syn0 = np.zeros((4, 3), dtype=np.float32)
    tables = {"syn0": syn0, "syn1neg": syn0.copy(), "syn1": None, "sample_ints": None,
              "cum_table": np.array([1, 2, 3, 4], dtype=np.uint32), "hs_offsets": None,
              "hs_points": None, "hs_codes": None, "sg": 1, "negative": 3, "hs": 0,
              "window": 2, "shrink_windows": False, "cbow_mean": True, "alpha": 0.1}
    ids, ends = array("i", [0, 1, 2, 3, 0, 1]), array("i", [6])
    seed = 12345

    def draws(final: int) -> int:
        state, n = seed, 0
        while state != final:
            state = (state * 25214903917 + 11) & ((1 << 48) - 1)
            n += 1
        return n

    pairs = sum(min(i + 2, 5) - max(i - 2, 0) for i in range(6))  # contexts within +-2
    _, shared = kernel(ids=ids, ends=ends, shared_negatives=True, seed=seed, **tables)
    _, per_pair = kernel(ids=ids, ends=ends, shared_negatives=False, seed=seed, **tables)
    assert draws(shared) == 3 * len(ids)
    assert draws(per_pair) == 3 * pairs


@pytest.mark.oracle
@pytest.mark.parametrize(("sg", "shared"), [(True, True), (True, False), (False, False)])
def test_planted_structure_is_learnt_as_strongly_as_by_gensim(planted, sg, shared):
    gensim = reference("gensim.models")
    ours = group_gap(small(sg=sg, shared_negatives=shared).fit(planted))
    theirs = group_gap(gensim.Word2Vec(planted, sg=int(sg), vector_size=20, min_count=1,
                                       epochs=5, sample=0, workers=1, seed=1).wv)
    assert ours == pytest.approx(theirs, abs=0.1)


class CountingCorpus:
    """A re-iterable corpus that counts how often it is read."""

    def __init__(self, sentences):
        self.sentences, self.reads = sentences, 0

    def __iter__(self):
        self.reads += 1  # on the first next(), not on iter()
        yield from self.sentences


@pytest.mark.parametrize(("cache_mb", "reads"), [(1024, 2), (0, 4)])
def test_cache_mb_decides_whether_later_epochs_read_the_corpus_again(planted, cache_mb, reads):
    corpus = CountingCorpus(planted)
    model = small(epochs=3, cache_mb=cache_mb)
    vectors = model.fit(corpus).vectors
    assert corpus.reads == reads == model.stats["corpus_passes"]
    assert np.array_equal(vectors, small(epochs=3, cache_mb=1 - min(cache_mb, 1)).fit(planted)
                          .vectors)


def test_batch_cache_past_its_limit_frees_what_it_held_and_reads_again():
    from lexiloom_word2vec.training import BATCH_OVERHEAD, BatchCache

    data = [(array("i", [1, 2, 3]), array("i", [3]), 3)] * 3  # 4 items a batch, plus overhead
    full = 3 * (4 + BATCH_OVERHEAD)
    for limit, passes in [(full, 1), (full - 1, 3)]:
        cache = BatchCache(limit)
        for _ in range(3):
            assert list(cache.one_pass(lambda: iter(data))) == data
        assert cache.passes == passes
        assert len(cache.kept) == (3 if passes == 1 else 0)
        assert cache.limit == (limit if passes == 1 else 0)  # too large once: no more tries
