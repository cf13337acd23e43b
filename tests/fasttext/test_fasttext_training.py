"""fastText training: unseen and misspelled words land where their seen forms are, the kernel
and the Python fallback agree, every setting has its effect, bad settings are errors."""

from __future__ import annotations

import numpy as np
import pytest
from lexiloom_fasttext.model import KERNEL, FastText
from morphology import SEEN, STEMS_A, cosine, group_pull, misspell

from lexiloom import registry
from lexiloom.errors import CorpusError, SettingsError
from lexiloom.vocab import Vocab

needs_kernel = pytest.mark.skipif(not KERNEL.built(),
                                  reason="the compiled fasttext kernel is not built")


def small(**settings):
    base = {"dim": 24, "min_count": 1, "epochs": 5, "bucket": 5000, "sample": 0, "workers": 1}
    return FastText(**{**base, **settings})


@pytest.mark.parametrize("sg", [True, False])
def test_unseen_inflections_and_misspellings_are_pulled_to_their_words_group(corpus, sg):
    vectors = small(sg=sg).fit(corpus)
    unseen = [(s, s + "ing") for s in STEMS_A] + [(s, misspell(s + "ed")) for s in STEMS_A]
    assert not any(word in vectors for _, word in unseen)
    assert group_pull(vectors, unseen) > 0.5


def test_untrained_vectors_fail_the_group_check(corpus):
    vectors = small(epochs=1, alpha=1e-6, min_alpha=0.0).fit(corpus)
    unseen = [(s, s + "ing") for s in STEMS_A] + [(s, misspell(s + "ed")) for s in STEMS_A]
    assert abs(group_pull(vectors, unseen)) < 0.1


def test_an_unseen_inflection_is_nearer_its_seen_word_than_random_strings_are(corpus):
    vectors = small().fit(corpus)
    rng = np.random.default_rng(0)
    letters = list("abcdefghijklmnopqrstuvwxyz")
    for stem in STEMS_A:
        seen, unseen = vectors[stem + "ed"], vectors[stem + "ing"]
        randoms = ["".join(rng.choice(letters, len(stem) + 3)) for _ in range(20)]
        assert cosine(unseen, seen) > max(cosine(vectors[r], seen) for r in randoms)


def test_known_words_keep_their_full_vectors_and_unknown_ones_average_ngram_rows(corpus):
    vectors = small(epochs=1).fit(corpus)
    word = STEMS_A[0] + SEEN[1]
    assert np.array_equal(vectors[word], vectors.vectors[vectors.get_index(word)])
    from lexiloom.vectors.subwords import ngram_rows

    rows = ngram_rows("zzqx", 3, 6, 5000)
    np.testing.assert_allclose(vectors["zzqx"], vectors.ngram_vectors[rows].mean(axis=0),
                               rtol=1e-6)


@needs_kernel
@pytest.mark.parametrize("mode", [
    {"sg": True}, {"sg": False}, {"sg": True, "sample": 0.01, "shrink_windows": False},
    {"sg": False, "maxn": 0}, {"sg": True, "minn": 2, "maxn": 3, "negative": 2},
])
def test_kernel_and_python_fallback_give_the_same_vectors(corpus, mode):
    settings = {"dim": 8, "epochs": 2, "batch_words": 64, "bucket": 300, **mode}
    kernel = small(backend="kernel", **settings).fit(corpus[:40])
    python = small(backend="python", **settings).fit(corpus[:40])
    np.testing.assert_allclose(kernel.vectors, python.vectors, atol=1e-5, rtol=0)
    np.testing.assert_allclose(kernel.ngram_vectors, python.ngram_vectors, atol=1e-5, rtol=0)


def test_same_seed_and_one_worker_give_identical_vectors_and_seeds_differ(corpus):
    one = small(seed=3, epochs=1).fit(corpus).vectors
    assert np.array_equal(one, small(seed=3, epochs=1).fit(corpus).vectors)
    assert not np.allclose(one, small(seed=4, epochs=1).fit(corpus).vectors)


@pytest.mark.parametrize(("change", "value"), [
    ("sg", False), ("minn", 2), ("maxn", 4), ("bucket", 2000), ("window", 2), ("negative", 2),
    ("sample", 1e-3), ("alpha", 0.01), ("min_alpha", 0.01), ("ns_exponent", 0.75),
    ("shrink_windows", False), ("dim", 12), ("epochs", 2),
])
def test_every_setting_changes_the_vectors(corpus, change, value):
    base = small(epochs=1, batch_words=500)  # several jobs, so that the rate decays
    other = small(**{"epochs": 1, "batch_words": 500, change: value})
    a, b = base.fit(corpus), other.fit(corpus)
    if a.vectors.shape != b.vectors.shape:
        return  # dim: a different table is a different result
    assert not np.allclose(a.vectors, b.vectors)


def test_min_count_drops_rare_words(corpus):
    vectors = small(min_count=2, epochs=1).fit([*corpus, ["zorblat", STEMS_A[0]]])
    assert "zorblat" not in vectors
    assert STEMS_A[0] in vectors


def test_maxn_zero_trains_word_rows_only_and_unseen_words_get_zeros(corpus):
    vectors = small(maxn=0, epochs=1).fit(corpus)
    assert vectors.bucket == 0
    assert not vectors["zzqx"].any()


@pytest.mark.parametrize(("cache_mb", "passes"), [(1024, 2), (0, 3)])
def test_cache_mb_decides_whether_later_epochs_read_the_corpus_again(corpus, cache_mb, passes):
    model = small(epochs=2, cache_mb=cache_mb)
    model.fit(corpus)
    assert model.stats["corpus_passes"] == passes


def test_registered_with_fasttexts_defaults():
    entry = registry.embedders.get("fasttext")
    assert entry.defaults["bucket"] == 2_000_000
    assert (entry.defaults["minn"], entry.defaults["maxn"]) == (3, 6)
    assert entry.defaults["alpha"] == 0.05 and entry.defaults["sample"] == 1e-4
    model = registry.embedders.create("fasttext", dim=10, bucket=100)
    assert isinstance(model, FastText)
    assert FastText(**model.to_config()).to_config() == model.to_config()


@pytest.mark.parametrize(("settings", "message"), [
    ({"dim": 0}, "dim"), ({"negative": 0}, "negative"), ({"minn": 4, "maxn": 3}, "minn"),
    ({"bucket": 0}, "bucket"), ({"alpha": 0}, "alpha"), ({"min_alpha": 1.0}, "min_alpha"),
    ({"sg": "yes"}, "sg"), ({"backend": "gpu"}, "backend"), ({"window": 1.5}, "window"),
    ({"size": 100}, "no setting"),
])
def test_bad_settings_raise_settings_error_naming_the_setting(settings, message):
    with pytest.raises(SettingsError, match=message):
        registry.embedders.create("fasttext", **settings)


def test_a_generator_is_rejected(corpus):
    with pytest.raises(CorpusError, match="re-iterable"):
        small().fit(iter(corpus))


def test_build_gives_every_vocabulary_token_its_subword_vector(corpus):
    model = small(epochs=1)
    vectors = model.fit(corpus)
    vocab = Vocab([STEMS_A[0] + "ed", STEMS_A[0] + "ing"])
    layer = model.build(vocab)
    for token in (STEMS_A[0] + "ed", STEMS_A[0] + "ing"):
        np.testing.assert_allclose(layer.weight[vocab[token]].detach().numpy(), vectors[token],
                                   rtol=1e-6)
    assert not layer.weight[vocab.pad_id].any()


def test_build_reads_the_vectors_setting_else_starts_random(corpus, tmp_path):
    path = tmp_path / "model.bin"
    small(epochs=1).fit(corpus).save(path)
    vocab = Vocab([STEMS_A[0] + "ing"])
    layer = FastText(dim=24, vectors=str(path)).build(vocab)
    from lexiloom.vectors import KeyedVectors

    np.testing.assert_allclose(layer.weight[vocab[STEMS_A[0] + "ing"]].detach().numpy(),
                               KeyedVectors.load(path)[STEMS_A[0] + "ing"], rtol=1e-6)
    with pytest.raises(SettingsError, match="dim=24"):
        FastText(dim=10, vectors=str(path)).build(vocab)
    random = FastText(dim=24).build(vocab)
    assert random.pretrained_rows == 0 and random.weight[vocab[STEMS_A[0] + "ing"]].any()
