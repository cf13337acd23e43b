"""Pooling over time in the heads: each kind computes what it says over the real positions only;
zero-length sequences pool to zeros without NaNs."""

from __future__ import annotations

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from lexiloom_heads.pooling import Pooling

from lexiloom.errors import SettingsError

STATES = torch.tensor([[[1.0, -2.0], [3.0, -4.0], [5.0, 9.0]],
                       [[-1.0, -7.0], [8.0, 8.0], [8.0, 8.0]]])
LENGTHS = torch.tensor([3, 1])


@pytest.mark.parametrize(("kind", "expected"), [
    ("last", [[5.0, 9.0], [-1.0, -7.0]]),
    ("mean", [[3.0, 1.0], [-1.0, -7.0]]),
    ("max", [[5.0, 9.0], [-1.0, -7.0]]),
])
def test_pooling_computes_its_summary_over_real_positions(kind: str, expected: list) -> None:
    assert Pooling(kind, 2)(STATES, LENGTHS).tolist() == expected


def test_attention_pooling_is_a_masked_softmax_weighted_sum() -> None:
    pool = Pooling("attention", 2)
    with torch.no_grad():
        pool.query.copy_(torch.tensor([0.5, -0.25]))
    pooled = pool(STATES, LENGTHS)
    weights = torch.softmax(STATES[0] @ pool.query, dim=0)
    torch.testing.assert_close(pooled[0], weights @ STATES[0])
    torch.testing.assert_close(pooled[1], STATES[1, 0])


@settings(max_examples=60, deadline=None)
@given(length=st.integers(1, 6), value=st.floats(-5, 5), kind=st.sampled_from(
    ["last", "mean", "max", "attention"]))
def test_property_a_constant_sequence_pools_to_its_constant(length: int, value: float,
                                                            kind: str) -> None:
    """Property: every pooling of a sequence whose real positions all hold vector v is v
    (attention weights sum to one over the real positions), whatever the padding holds."""
    states = torch.full((1, 7, 3), 123.0)
    states[0, :length] = value
    pooled = Pooling(kind, 3)(states, torch.tensor([length]))
    torch.testing.assert_close(pooled, torch.full((1, 3), value), atol=1e-5, rtol=1e-5)


@pytest.mark.parametrize("kind", ["last", "mean", "max", "attention"])
def test_zero_length_sequences_pool_to_zeros_and_keep_gradients_finite(kind: str) -> None:
    pool = Pooling(kind, 2)
    states = torch.randn(2, 3, 2, requires_grad=True)
    pooled = pool(states, torch.tensor([0, 2]))
    assert not pooled[0].any()
    pooled.sum().backward()
    assert torch.isfinite(states.grad).all()
    if pool.query is not None:
        assert torch.isfinite(pool.query.grad).all()


def test_pooling_an_empty_time_dimension_gives_zeros() -> None:
    assert not Pooling("max", 2)(torch.zeros(2, 0, 2), torch.tensor([0, 0])).any()


def test_unknown_pooling_is_a_settings_error() -> None:
    with pytest.raises(SettingsError, match="median"):
        Pooling("median", 2)
