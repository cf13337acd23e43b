"""The ``word2vec`` embedder as a plugin: registration, settings, configuration, input layer."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from lexiloom_word2vec.model import Word2Vec
from lexiloom_word2vec.settings import DEFAULTS

from lexiloom import registry
from lexiloom.errors import SettingsError
from lexiloom.protocols import Embedder, VectorTrainer


def test_word2vec_is_registered_with_gensims_defaults():
    entry = registry.embedders.get("word2vec")
    assert dict(entry.defaults) == DEFAULTS
    model = entry.factory(**entry.defaults)
    assert isinstance(model, Embedder)
    assert isinstance(model, VectorTrainer)
    assert model.dim == 100
    config = model.to_config()
    for key, value in {"window": 5, "negative": 5, "sample": 1e-3, "alpha": 0.025,
                       "min_alpha": 0.0001, "min_count": 5, "epochs": 5, "sg": False,
                       "hs": False, "ns_exponent": 0.75, "cbow_mean": True}.items():
        assert config[key] == value


def test_to_config_builds_an_equal_embedder():
    model = registry.embedders.create("word2vec", sg=True, dim=32, window=3)
    again = registry.embedders.create("word2vec", **model.to_config())
    assert again.to_config() == model.to_config()


def test_vector_size_is_accepted_as_gensims_name_for_dim():
    assert Word2Vec(vector_size=42).dim == 42
    with pytest.raises(SettingsError, match="vector_size"):
        Word2Vec(vector_size=42, dim=10)


@pytest.mark.parametrize(("settings", "message"), [
    ({"dim": 0}, "dim"), ({"window": 0}, "window"), ({"negative": -1}, "negative"),
    ({"negative": 1001}, "at most 1000"),
    ({"negative": 0, "hs": False}, "hs=true"), ({"alpha": 0}, "alpha"),
    ({"min_alpha": 0.5}, "min_alpha"), ({"sample": -1}, "sample"),
    ({"min_count": 0}, "min_count"), ({"workers": 0}, "workers"), ({"epochs": "5"}, "epochs"),
    ({"sg": "yes"}, "sg"), ({"backend": "gpu"}, "backend"), ({"max_vocab_size": 0}, "max_vocab"),
    ({"vectors": 3}, "vectors"), ({"shared_negatives": True}, "skip-gram only"),
    ({"sg": True, "shared_negatives": "yes"}, "shared_negatives"),
])
def test_bad_settings_raise_settings_error_naming_the_setting(settings, message):
    with pytest.raises(SettingsError, match=message):
        registry.embedders.create("word2vec", **settings)


def test_unknown_setting_is_rejected():
    with pytest.raises(SettingsError, match="no setting"):
        registry.embedders.create("word2vec", size=100)


def test_python_backend_can_be_chosen():
    assert Word2Vec(backend="python").backend == "python"


def test_importing_the_plugin_does_not_import_torch_numpy_or_the_kernel():
    code = ("import sys, lexiloom_word2vec; "
            "bad = [m for m in ('torch', 'numpy', 'lexiloom_word2vec._kernel') "
            "if m in sys.modules]; print(bad)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"


def test_build_initialises_the_layer_from_the_fitted_vectors():
    import torch

    from lexiloom.vocab import Vocab

    corpus = [["red", "green", "blue", "red"], ["green", "blue"]] * 5
    model = Word2Vec(dim=8, min_count=1, epochs=1, workers=1)
    vectors = model.fit(corpus)
    vocab = Vocab(["red", "blue", "unseen"])
    layer = model.build(vocab)
    assert isinstance(layer, torch.nn.Module)
    weight = layer.weight.detach().numpy()
    np.testing.assert_array_equal(weight[vocab["red"]], vectors["red"])
    np.testing.assert_array_equal(weight[vocab["blue"]], vectors["blue"])
    assert not weight[0].any()


def test_build_loads_vectors_from_the_vectors_setting(tmp_path):
    from lexiloom.vectors import KeyedVectors
    from lexiloom.vocab import Vocab

    path = tmp_path / "v.txt"
    KeyedVectors(["cat", "dog"], np.arange(8, dtype=np.float32).reshape(2, 4)).save(path)
    layer = Word2Vec(dim=4, vectors=str(path)).build(Vocab(["dog"]))
    np.testing.assert_array_equal(layer.weight.detach().numpy()[4], [4, 5, 6, 7])
    with pytest.raises(SettingsError, match="dim"):
        Word2Vec(dim=5, vectors=str(path)).build(Vocab(["dog"]))


def test_python_signature_defaults_match_the_registered_defaults():
    import inspect

    parameters = inspect.signature(Word2Vec).parameters
    assert {k: parameters[k].default for k in DEFAULTS} == DEFAULTS
