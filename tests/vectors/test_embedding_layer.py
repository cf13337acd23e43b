"""embedding_layer: pad row zero, rows copied from vectors, seeded random rest, frozen or not."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from lexiloom.errors import SettingsError
from lexiloom.vectors import KeyedVectors
from lexiloom.vectors.layer import embedding_layer
from lexiloom.vocab import Vocab


def make() -> tuple[Vocab, KeyedVectors]:
    vocab = Vocab(["cat", "dog", "zebra"])
    kv = KeyedVectors(["dog", "cat", "Zebra", "<pad>"],
                      np.arange(16, dtype=np.float32).reshape(4, 4))
    return vocab, kv


def test_pad_row_is_zero_and_found_words_copy_their_vectors() -> None:
    vocab, kv = make()
    layer = embedding_layer(vocab, 4, kv, seed=0)
    weight = layer.weight.detach().numpy()
    assert layer.padding_idx == 0 and not weight[0].any()  # even though "<pad>" has a vector
    np.testing.assert_array_equal(weight[vocab["cat"]], kv["cat"])
    np.testing.assert_array_equal(weight[vocab["dog"]], kv["dog"])
    assert layer.pretrained_rows == 2  # "zebra" is not "Zebra": lookups are exact
    assert np.abs(weight[vocab["zebra"]]).max() <= 0.5 / 4


def test_random_rows_are_seeded() -> None:
    vocab, _ = make()
    a = embedding_layer(vocab, 8, seed=3).weight
    b = embedding_layer(vocab, 8, seed=3).weight
    c = embedding_layer(vocab, 8, seed=4).weight
    assert torch.equal(a, b) and not torch.equal(a, c)


def test_trainable_flag_controls_gradients_and_pad_gets_none() -> None:
    vocab, kv = make()
    frozen = embedding_layer(vocab, 4, kv, trainable=False)
    assert not frozen.weight.requires_grad
    trainable = embedding_layer(vocab, 4, kv, trainable=True, seed=0)
    assert trainable.weight.requires_grad
    trainable(torch.tensor([[0, 4, 5]])).sum().backward()
    grad = trainable.weight.grad
    assert not grad[0].any() and grad[4].any()


def test_dimension_mismatch_is_a_settings_error() -> None:
    vocab, kv = make()
    with pytest.raises(SettingsError, match="4 dimensions"):
        embedding_layer(vocab, 5, kv)
    with pytest.raises(SettingsError, match="positive integer"):
        embedding_layer(vocab, 0)


def test_unseeded_layer_follows_torchs_global_seed() -> None:
    """Regression: ``seed=None`` once drew a fresh random seed, so ``torch.manual_seed`` did not
    make the layer reproducible."""
    import torch

    from lexiloom.vectors.layer import embedding_layer
    from lexiloom.vocab import Vocab

    vocab = Vocab.build([["a", "b", "c"]])
    torch.manual_seed(7)
    first = embedding_layer(vocab, 5).weight.detach().clone()
    torch.manual_seed(7)
    second = embedding_layer(vocab, 5).weight.detach().clone()
    assert torch.equal(first, second)
