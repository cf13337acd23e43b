"""The ``cnn`` encoder: shapes, max-over-time pooling that padding never reaches, settings."""

from __future__ import annotations

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from lexiloom import registry
from lexiloom.errors import SettingsError
from lexiloom.protocols import Encoder

SMALL = {"windows": [2, 3], "filters": 4, "dropout": 0.0, "seed": 0}


def _cnn(**changes):
    return registry.encoders.create("cnn", input_size=5, **{**SMALL, **changes}).eval()


def test_cnn_is_a_non_causal_encoder_with_one_block_of_filters_per_window():
    encoder = registry.encoders.create("cnn", input_size=7)
    assert isinstance(encoder, Encoder)
    assert (encoder.causal, encoder.output_size) == (False, 3 * 100)
    out = encoder(torch.randn(2, 6, 7), torch.tensor([6, 2]))
    assert out.states.shape == (2, 6, 300)
    assert out.final.shape == (2, 300)
    assert out.state is None


def test_cnn_final_is_the_max_over_real_positions_of_the_states():
    encoder = _cnn()
    out = encoder(torch.randn(3, 7, 5), torch.tensor([7, 4, 1]))
    for row, n in enumerate([7, 4, 1]):
        assert torch.equal(out.final[row], out.states[row, :n].amax(dim=0))


def test_cnn_final_ignores_padding_even_when_every_real_feature_is_negative():
    """With ``tanh`` features can be negative: padded positions (zero states) must not win the
    max."""
    encoder = _cnn(activation="tanh")
    with torch.no_grad():
        for conv in encoder.convs:
            conv.weight.zero_()
            conv.bias.fill_(-1.0)
    out = encoder(torch.randn(2, 6, 5), torch.tensor([6, 2]))
    assert torch.allclose(out.final, torch.full((2, 8), torch.tanh(torch.tensor(-1.0)).item()))
    assert not out.states[1, 2:].any()


def test_cnn_empty_sequences_and_batches_give_zeros():
    encoder = _cnn()
    out = encoder(torch.randn(2, 3, 5), torch.tensor([3, 0]))
    assert not out.final[1].any() and not out.states[1].any()
    empty = encoder(torch.zeros(2, 0, 5), torch.tensor([0, 0]))
    assert empty.states.shape == (2, 0, 8) and not empty.final.any()


@settings(max_examples=60, deadline=None)
@given(lengths=st.lists(st.integers(0, 8), min_size=1, max_size=4), extra=st.integers(0, 3),
       junk=st.floats(-100, 100), activation=st.sampled_from(["relu", "tanh", "gelu"]))
def test_cnn_padding_invariance(lengths, extra, junk, activation):
    """Property: each sequence's outputs equal its outputs alone, whatever the padding holds."""
    encoder = _cnn(activation=activation)
    time = max(lengths) + extra
    batch = torch.full((len(lengths), time, 5), junk)
    for row, n in enumerate(lengths):
        batch[row, :n] = torch.randn(n, 5)
    out = encoder(batch, torch.tensor(lengths))
    for row, n in enumerate(lengths):
        alone = encoder(batch[row:row + 1, :n], torch.tensor([n]))
        assert torch.allclose(out.states[row, :n], alone.states[0], atol=1e-5)
        assert torch.allclose(out.final[row], alone.final[0], atol=1e-5)


def test_cnn_seed_fixes_weights_without_touching_the_global_stream():
    torch.manual_seed(123)
    expected = torch.rand(1)
    torch.manual_seed(123)
    first, second = _cnn(seed=7), _cnn(seed=7)
    assert torch.equal(torch.rand(1), expected)
    for a, b in zip(first.parameters(), second.parameters(), strict=True):
        assert torch.equal(a, b)


def test_cnn_dropout_applies_in_training_mode_only():
    encoder = _cnn(dropout=0.5).train()
    inputs, lengths = torch.randn(4, 6, 5), torch.tensor([6, 6, 6, 6])
    assert not torch.equal(encoder(inputs, lengths).final, encoder(inputs, lengths).final)
    encoder.eval()
    assert torch.equal(encoder(inputs, lengths).final, encoder(inputs, lengths).final)


def test_cnn_to_config_builds_an_equal_encoder():
    encoder = _cnn(windows=[1, 4], activation="gelu")
    again = registry.encoders.create("cnn", input_size=5, **encoder.to_config())
    assert again.to_config() == encoder.to_config()
    for a, b in zip(encoder.parameters(), again.parameters(), strict=True):
        assert torch.equal(a, b)


def test_cnn_trains_end_to_end_by_gradient():
    encoder = _cnn().train()
    out = encoder(torch.randn(2, 5, 5), torch.tensor([5, 3]))
    out.final.sum().backward()
    assert all(p.grad is not None for p in encoder.parameters())


@pytest.mark.parametrize(("changes", "message"), [
    ({"windows": []}, "non-empty list"),
    ({"windows": [3, 0]}, "'windows' must be a positive integer"),
    ({"windows": "3,4"}, "'windows'"),
    ({"filters": 0}, "'filters' must be a positive integer"),
    ({"filters": True}, "'filters'"),
    ({"activation": "sigmoid"}, "one of relu, tanh, gelu"),
    ({"dropout": 1.0}, "[0, 1)"),
    ({"seed": -1}, "'seed'"),
])
def test_bad_cnn_settings_raise_settings_errors_naming_the_setting(changes, message):
    with pytest.raises(SettingsError, match=message.replace("[", r"\[").replace(")", r"\)")):
        _cnn(**changes)


def test_cnn_misuse_is_reported_clearly():
    encoder = _cnn()
    with pytest.raises(SettingsError, match="not causal"):
        encoder.step(torch.zeros(1, 5), None)
    with pytest.raises(SettingsError, match="not causal"):
        encoder.initial_state(1)
    with pytest.raises(SettingsError, match="carries no state"):
        encoder(torch.zeros(1, 2, 5), torch.tensor([2]), state=torch.zeros(1))
    with pytest.raises(SettingsError, match=r"\(batch, time, 5\)"):
        encoder(torch.zeros(1, 2, 4), torch.tensor([2]))
    with pytest.raises(SettingsError, match=r"lengths must lie in \[0, 2\]"):
        encoder(torch.zeros(1, 2, 5), torch.tensor([3]))
