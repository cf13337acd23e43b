"""The built-in ``trainable`` and ``pretrained`` embedders, through the registry."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from lexiloom import registry
from lexiloom.errors import ModelFileError, SettingsError
from lexiloom.protocols import Embedder
from lexiloom.vectors import KeyedVectors
from lexiloom.vocab import Vocab

VOCAB = Vocab(["cat", "dog", "unseen"])


@pytest.fixture
def vectors_file(tmp_path: Path) -> Path:
    kv = KeyedVectors(["dog", "cat", "car"], np.arange(18, dtype=np.float32).reshape(3, 6))
    kv.save(tmp_path / "vectors.txt")
    return tmp_path / "vectors.txt"


def test_both_embedders_are_registered_with_described_defaults() -> None:
    assert {"trainable", "pretrained"} <= set(registry.embedders.names())
    assert dict(registry.embedders.get("trainable").defaults) == {"dim": 100, "seed": None,
                                                                  "init_std": 1.0}
    assert set(registry.embedders.get("pretrained").defaults) == {
        "path", "format", "limit", "trainable", "seed", "extend_vocab"}
    assert registry.embedders.get("pretrained").description


def test_trainable_embedder_builds_a_seeded_layer_and_round_trips_its_config() -> None:
    emb = registry.embedders.create("trainable", dim=12, seed=5)
    assert isinstance(emb, Embedder) and emb.dim == 12
    layer = emb.build(VOCAB)
    assert layer(torch.tensor([[0, 4]])).shape == (1, 2, 12)
    assert not layer.weight[0].any() and layer.weight.requires_grad
    again = registry.embedders.create("trainable", **emb.to_config())
    assert torch.equal(again.build(VOCAB).weight, layer.weight)
    default = registry.embedders.get("trainable")
    assert default.create().to_config() == dict(default.defaults)


@pytest.mark.parametrize("settings", [{"dim": 0}, {"dim": "big"}, {"seed": "x"},
                                      {"init_std": 0}, {"init_std": -1.0}, {"init_std": True}])
def test_trainable_embedder_rejects_bad_settings(settings: dict) -> None:
    with pytest.raises(SettingsError):
        registry.embedders.create("trainable", **settings)


def test_pretrained_embedder_copies_rows_and_is_frozen_by_default(vectors_file: Path) -> None:
    emb = registry.embedders.create("pretrained", path=str(vectors_file))
    assert isinstance(emb, Embedder) and emb.dim == 6
    assert emb._vectors is None  # dim came from the header; the file is not loaded yet
    layer = emb.build(VOCAB)
    np.testing.assert_array_equal(layer.weight[VOCAB["cat"]].numpy(), emb.vectors["cat"])
    assert not layer.weight.requires_grad and not layer.weight[0].any()
    assert len(emb.vectors) == 3
    tuned = registry.embedders.create("pretrained", path=str(vectors_file), trainable=True,
                                      limit=1, seed=1)
    assert tuned.build(VOCAB).weight.requires_grad and len(tuned.vectors) == 1
    config = tuned.to_config()
    assert config == {"path": str(vectors_file), "format": None, "limit": 1,
                      "trainable": True, "seed": 1, "extend_vocab": True}
    assert registry.embedders.create("pretrained", **config).to_config() == config


@pytest.mark.parametrize("fmt", ["glove", "word2vec-binary"])
def test_pretrained_embedder_reads_every_format(tmp_path: Path, fmt: str) -> None:
    kv = KeyedVectors(["cat", "dog"], np.ones((2, 3), np.float32))
    path = tmp_path / ("v.bin" if fmt == "word2vec-binary" else "v.glove")
    kv.save(path, format=fmt)
    emb = registry.embedders.create("pretrained", path=str(path))
    assert emb.dim == 3 and emb.build(VOCAB).pretrained_rows == 2


def test_pretrained_embedder_without_a_readable_path_is_a_settings_error(
    tmp_path: Path
) -> None:
    with pytest.raises(SettingsError, match="needs a vectors file"):
        registry.embedders.create("pretrained")
    with pytest.raises(SettingsError, match="does not exist"):
        registry.embedders.create("pretrained", path=str(tmp_path / "missing.txt"))
    with pytest.raises(SettingsError, match="not a readable file"):
        registry.embedders.create("pretrained", path=str(tmp_path))
    (tmp_path / "v.txt").write_text("1 2\na 1 2\n")
    with pytest.raises(SettingsError, match="unknown vectors format"):
        registry.embedders.create("pretrained", path=str(tmp_path / "v.txt"), format="xml")
    with pytest.raises(SettingsError, match="limit"):
        registry.embedders.create("pretrained", path=str(tmp_path / "v.txt"), limit=0)


def test_malformed_pretrained_file_fails_on_first_use_naming_the_line(tmp_path: Path) -> None:
    path = tmp_path / "v.txt"
    path.write_text("2 2\na 1 2\nb 1 oops\n")
    emb = registry.embedders.create("pretrained", path=str(path))
    with pytest.raises(ModelFileError, match="line 3"):
        emb.build(VOCAB)


def test_importing_the_plugin_imports_no_torch() -> None:
    code = "import sys, lexiloom_embedders; print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "False"


def test_trainable_rows_have_the_requested_scale_and_pad_stays_zero() -> None:
    """Rows are normal with standard deviation ``init_std`` (unit scale by default, as torch's
    own ``nn.Embedding``), so a recurrent encoder trained from scratch sees inputs of that scale."""
    vocab = Vocab([f"w{i}" for i in range(2000)])
    for std in (1.0, 0.1):
        weight = registry.embedders.create("trainable", dim=64, seed=0,
                                           init_std=std).build(vocab).weight.detach()
        assert not weight[vocab.pad_id].any()
        assert float(weight[1:].std()) == pytest.approx(std, rel=0.05)
