"""The ``glove`` embedder: registration, settings, fitting (planted structure, determinism),
the model input layer, and the ``vectors train`` command."""

from __future__ import annotations

import random
import subprocess
import sys

import numpy as np
import pytest
from lexiloom_glove import cooccurrence
from lexiloom_glove.model import GloVe
from lexiloom_glove.settings import DEFAULTS

from lexiloom import registry
from lexiloom.errors import CorpusError, SettingsError
from lexiloom.threads import usable_cores
from lexiloom.vectors import KeyedVectors
from lexiloom.vocab import Vocab

ANIMALS = ["cat", "dog", "horse", "cow", "sheep"]
TOOLS = ["hammer", "saw", "drill", "wrench", "chisel"]
ANIMAL_CONTEXT = ["fur", "barn", "feed", "pet", "tail"]
TOOL_CONTEXT = ["metal", "workshop", "bolt", "steel", "bench"]
FILLER = [f"f{i}" for i in range(30)]
MARGIN = 0.3
"""Related words must be this much more cosine-similar, on average, than unrelated ones."""


def planted_corpus(n: int = 3000, seed: int = 0) -> list[list[str]]:
    """Sentences about animals or about tools (each with its own context words) plus filler:
    animals are related to animals, tools to tools, never across."""
    rng = random.Random(seed)
    sentences = []
    for _ in range(n):
        if rng.random() < 0.5:
            words = [rng.choice(ANIMALS), *rng.choices(ANIMAL_CONTEXT, k=2)]
        else:
            words = [rng.choice(TOOLS), *rng.choices(TOOL_CONTEXT, k=2)]
        words += rng.choices(FILLER, k=3)
        rng.shuffle(words)
        sentences.append(words)
    return sentences


def related_margin(vectors: KeyedVectors) -> float:
    """Mean similarity of same-group pairs minus mean similarity of cross-group pairs."""
    same = [vectors.similarity(a, b) for group in (ANIMALS, TOOLS)
            for i, a in enumerate(group) for b in group[i + 1:]]
    cross = [vectors.similarity(a, b) for a in ANIMALS for b in TOOLS]
    return float(np.mean(same) - np.mean(cross))


SMALL = dict(dim=20, epochs=30, min_count=1, window=5, workers=1)


@pytest.fixture(scope="module")
def planted_vectors() -> KeyedVectors:
    return GloVe(**SMALL).fit(planted_corpus())


# -- registration and settings ----------------------------------------------------------------
def test_glove_is_registered_and_builds_from_its_defaults():
    entry = registry.embedders.get("glove")
    assert dict(entry.defaults) == DEFAULTS
    embedder = entry.create()
    assert embedder.dim == 100
    assert embedder.to_config() == {**DEFAULTS, "workers": usable_cores()}  # resolved
    assert callable(embedder.fit)


def test_to_config_round_trips_through_the_factory():
    embedder = registry.embedders.create("glove", dim=30, window=4, x_max=50.0, seed=9,
                                         max_vocab_size=1000, symmetric=False)
    again = registry.embedders.create("glove", **embedder.to_config())
    assert again.to_config() == embedder.to_config()


@pytest.mark.parametrize("setting, value", [
    ("dim", 0), ("dim", True), ("dim", 2.5), ("window", 0), ("x_max", 0.0), ("alpha", -1.0),
    ("learning_rate", 0), ("learning_rate", float("nan")), ("epochs", -1), ("min_count", 0),
    ("max_vocab_size", 0), ("symmetric", "yes"), ("distance_weighting", 1), ("seed", -1),
    ("workers", 0), ("memory_mb", 0), ("memory_mb", "big"), ("progress", None), ("vectors", 3),
])
def test_bad_settings_raise_settings_error_naming_the_setting(setting, value):
    with pytest.raises(SettingsError, match=setting):
        registry.embedders.create("glove", **{setting: value})


def test_unknown_setting_is_a_settings_error_listing_the_known_ones():
    with pytest.raises(SettingsError, match="x_max"):
        registry.embedders.create("glove", negative=5)


def test_importing_the_plugin_imports_neither_numpy_nor_torch():
    code = ("import sys, lexiloom_glove; "
            "print(sorted(m for m in ('numpy', 'torch', 'spacy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "[]"


# -- fitting ----------------------------------------------------------------------------------
def test_planted_related_words_are_nearer_than_unrelated_ones_by_the_margin(planted_vectors):
    assert related_margin(planted_vectors) >= MARGIN


def test_control_random_vectors_fail_the_planted_structure_check(planted_vectors):
    rng = np.random.default_rng(0)
    random_vectors = KeyedVectors(planted_vectors.index_to_key,
                                  rng.normal(size=planted_vectors.vectors.shape)
                                  .astype(np.float32))
    assert related_margin(random_vectors) < MARGIN


def test_fit_returns_w_plus_context_vectors_for_every_kept_word(planted_vectors):
    vocabulary = set(ANIMALS + TOOLS + ANIMAL_CONTEXT + TOOL_CONTEXT + FILLER)
    assert set(planted_vectors.index_to_key) == vocabulary
    assert planted_vectors.vectors.shape == (len(vocabulary), 20)
    assert planted_vectors.vectors.dtype == np.float32


def test_same_seed_and_one_worker_give_identical_vectors():
    corpus = planted_corpus(600)
    settings = dict(SMALL, epochs=5)
    first = GloVe(**settings).fit(corpus, seed=4)
    second = GloVe(**settings).fit(corpus, seed=4)
    other = GloVe(**settings).fit(corpus, seed=5)
    assert first.index_to_key == second.index_to_key
    assert np.array_equal(first.vectors, second.vectors)
    assert not np.allclose(first.vectors, other.vectors)


def test_numpy_fallback_fit_matches_the_kernel_fit(monkeypatch):
    if not cooccurrence.KERNEL.built():
        pytest.skip("the compiled glove kernel is not built")
    corpus = planted_corpus(300)
    settings = dict(SMALL, epochs=3)
    compiled = GloVe(**settings).fit(corpus)
    monkeypatch.setattr(cooccurrence, "load_kernel", lambda: None)
    model = GloVe(**settings)
    numpy_only = model.fit(corpus)
    assert model.report is not None and model.report.kernel is False
    np.testing.assert_allclose(numpy_only.vectors, compiled.vectors, atol=1e-5, rtol=0)


def test_vocabulary_is_pruned_by_min_count_and_max_vocab_size():
    corpus = [["a"] * 5 + ["b"] * 3 + ["c"] * 2 + ["d"]] * 2
    vectors = GloVe(dim=4, epochs=1, min_count=4, workers=1).fit(corpus)
    assert vectors.index_to_key == ["a", "b", "c"]  # counts 10, 6, 4; d (2) dropped
    vectors = GloVe(dim=4, epochs=1, min_count=1, max_vocab_size=2, workers=1).fit(corpus)
    assert vectors.index_to_key == ["a", "b"]


def test_fit_reads_token_objects_by_their_norm():
    from lexiloom.tokens import Token

    corpus = [[Token("Cat", 0, 3, "cat"), Token("Sat", 4, 7, "sat")]] * 3
    vectors = GloVe(dim=4, epochs=1, min_count=1, workers=1).fit(corpus)
    assert sorted(vectors.index_to_key) == ["cat", "sat"]


def test_a_one_shot_generator_is_a_corpus_error():
    with pytest.raises(CorpusError, match="re-iterable"):
        GloVe(min_count=1).fit(s for s in planted_corpus(10))


def test_a_corpus_without_frequent_words_is_a_corpus_error():
    with pytest.raises(CorpusError, match="min_count"):
        GloVe(min_count=50).fit([["rare", "words"]])
    with pytest.raises(CorpusError, match="min_count"):
        GloVe(min_count=1).fit([])


def test_progress_shows_words_and_records_per_second(capsys):
    GloVe(dim=4, epochs=2, min_count=1, workers=1, progress=True).fit(planted_corpus(50))
    err = capsys.readouterr().err
    assert "words/s" in err and "records/s" in err and "epoch 2/2" in err


def test_report_describes_the_fit():
    model = GloVe(dim=4, epochs=1, min_count=1, workers=1)
    model.fit(planted_corpus(100))
    report = model.report
    assert report is not None
    assert report.words == 600 and report.vocab_size == 50 and report.cooccurrences > 0
    assert report.shards == 0 and report.count_seconds >= 0 and report.train_seconds >= 0


# -- the model input layer --------------------------------------------------------------------
def test_build_initialises_rows_from_the_fitted_vectors(planted_vectors):
    import torch

    model = GloVe(**SMALL)
    model.fitted = planted_vectors
    vocab = Vocab(["cat", "hammer", "unseen"])
    layer = model.build(vocab)
    assert isinstance(layer, torch.nn.Embedding)
    weight = layer.weight.detach().numpy()
    assert weight.shape == (len(vocab), 20)
    assert np.all(weight[vocab.pad_id] == 0)
    np.testing.assert_allclose(weight[vocab["cat"]], planted_vectors["cat"], rtol=1e-6)
    np.testing.assert_allclose(weight[vocab["hammer"]], planted_vectors["hammer"], rtol=1e-6)


def test_build_uses_the_vectors_file_setting(tmp_path, planted_vectors):
    path = tmp_path / "planted.txt"
    planted_vectors.save(path, format="glove")
    layer = GloVe(dim=20, vectors=str(path)).build(Vocab(["dog"]))
    np.testing.assert_allclose(layer.weight.detach().numpy()[4], planted_vectors["dog"],
                               atol=1e-5)
    with pytest.raises(SettingsError, match="dim"):
        GloVe(dim=7, vectors=str(path)).build(Vocab(["dog"]))


def test_build_without_vectors_gives_random_rows_and_a_zero_pad_row():
    layer = GloVe(dim=6).build(Vocab(["a", "b"]))
    weight = layer.weight.detach().numpy()
    assert np.all(weight[0] == 0) and np.abs(weight[4:]).max() > 0


# -- the command line -------------------------------------------------------------------------
def test_vectors_train_command_trains_glove(tmp_path):
    from click.testing import CliRunner

    from lexiloom.cli import cli

    corpus = tmp_path / "corpus.txt"
    corpus.write_text("\n".join(" ".join(s) for s in planted_corpus(400)) + "\n")
    out = tmp_path / "vectors.txt"
    result = CliRunner().invoke(cli, [
        "vectors", "train", str(corpus), "--embedder", "glove", "--dim", "12", "--window", "4",
        "--epochs", "3", "--min-count", "2", "--workers", "1", "--seed", "3", "-o", "x_max=20",
        "--no-progress", "--out", str(out)])
    assert result.exit_code == 0, result.output
    vectors = KeyedVectors.load(out)
    assert vectors.dim == 12 and "cat" in vectors


def test_vectors_train_rejects_a_bad_glove_setting_in_one_line(tmp_path):
    from click.testing import CliRunner

    from lexiloom.cli import cli

    corpus = tmp_path / "corpus.txt"
    corpus.write_text("a b c\n")
    result = CliRunner().invoke(cli, ["vectors", "train", str(corpus), "--embedder", "glove", "-o",
                                          "x_max=-1", "--out", str(tmp_path / "v.txt")])
    assert result.exit_code != 0
    assert "x_max" in result.output and "Traceback" not in result.output


def test_fit_streams_a_token_stream_of_a_text_file(tmp_path):
    from lexiloom.vectors.streaming import TokenStream

    corpus = tmp_path / "corpus.txt"
    corpus.write_text("\n".join(" ".join(s) for s in planted_corpus(300)) + "\n")
    vectors = GloVe(dim=8, epochs=2, min_count=1, workers=1).fit(TokenStream([corpus]))
    in_memory = GloVe(dim=8, epochs=2, min_count=1, workers=1).fit(planted_corpus(300))
    assert vectors.index_to_key == in_memory.index_to_key
    np.testing.assert_array_equal(vectors.vectors, in_memory.vectors)
