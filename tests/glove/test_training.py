"""GloVe training: the weighting function, kernel == numpy fallback, shuffling, determinism."""

from __future__ import annotations

import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lexiloom_glove import fallback, training
from lexiloom_glove.cooccurrence import count_cooccurrences, load_kernel

KERNEL = load_kernel()
needs_kernel = pytest.mark.skipif(KERNEL is None, reason="compiled kernel not built")


def test_weighting_function_is_power_law_below_x_max_and_one_above():
    assert training.weighting(100.0) == pytest.approx(1.0)
    assert training.weighting(250.0) == pytest.approx(1.0)
    assert training.weighting(50.0) == pytest.approx(0.5 ** 0.75)
    assert training.weighting(1.0, x_max=10.0, alpha=1.0) == pytest.approx(0.1)
    assert training.weighting(0.0) == 0.0


@settings(max_examples=100, deadline=None)
@given(a=st.floats(0, 1e4), b=st.floats(0, 1e4), x_max=st.floats(1, 500),
       alpha=st.floats(0.1, 1.0))
def test_property_weighting_is_monotone_and_bounded_by_one(a, b, x_max, alpha):
    """Property: f is non-decreasing, within [0, 1], and exactly 1 from x_max on."""
    fa = float(training.weighting(a, x_max, alpha))
    fb = float(training.weighting(b, x_max, alpha))
    assert 0.0 <= fa <= 1.0
    if a <= b:
        assert fa <= fb + 1e-12
    if a >= x_max:
        assert fa == 1.0


def _small_cooccurrence():
    rng = random.Random(1)
    words = [f"w{i}" for i in range(40)]
    corpus = [rng.choices(words, [1 / (i + 1) for i in range(40)], k=12) for _ in range(200)]
    index = {w: i for i, w in enumerate(words)}
    return count_cooccurrences(corpus, index, window=4, kernel=False)


def _copy(cooc):
    return type(cooc)(cooc.rows.copy(), cooc.cols.copy(), cooc.values.copy(), cooc.vocab_size)


@needs_kernel
def test_kernel_training_equals_the_numpy_fallback_with_one_worker():
    cooc = _small_cooccurrence()
    options = dict(dim=8, epochs=4, learning_rate=0.05, x_max=10.0, alpha=0.75, seed=3,
                   workers=1)
    compiled = training.train(_copy(cooc), kernel=KERNEL, **options)
    numpy_only = training.train(_copy(cooc), kernel=None, **options)
    np.testing.assert_allclose(compiled, numpy_only, atol=1e-5, rtol=0)
    assert np.abs(compiled).max() > 0.01  # it trained: not the tiny initial values


@needs_kernel
def test_kernel_epoch_equals_fallback_epoch_parameter_for_parameter():
    cooc = _small_cooccurrence()
    weights, gradsq = training.initial_parameters(cooc.vocab_size, 7, seed=2)
    w2, g2 = weights.copy(), gradsq.copy()
    args = (cooc.vocab_size, 7, 5.0, 0.75, 0.05, training.GRAD_CLIP)
    cost1 = KERNEL.train_epoch(cooc.rows, cooc.cols, cooc.values, weights, gradsq, *args, 1)
    cost2 = fallback.train_epoch(cooc.rows, cooc.cols, cooc.values, w2, g2, *args, 1)
    assert cost1 == pytest.approx(cost2, rel=1e-9)
    np.testing.assert_allclose(weights, w2, atol=1e-10)
    np.testing.assert_allclose(gradsq, g2, atol=1e-10)


@needs_kernel
def test_kernel_and_fallback_shuffle_records_into_the_same_order():
    cooc = _small_cooccurrence()
    a, b = _copy(cooc), _copy(cooc)
    KERNEL.shuffle(a.rows, a.cols, a.values, 12345)
    fallback.shuffle(b.rows, b.cols, b.values, 12345)
    assert np.array_equal(a.rows, b.rows) and np.array_equal(a.cols, b.cols)
    assert np.array_equal(a.values, b.values)


def test_shuffle_is_a_permutation_of_the_records():
    cooc = _small_cooccurrence()
    shuffled = _copy(cooc)
    fallback.shuffle(shuffled.rows, shuffled.cols, shuffled.values, 7)
    assert not np.array_equal(shuffled.rows, cooc.rows)
    before = sorted(zip(cooc.rows.tolist(), cooc.cols.tolist(), cooc.values.tolist(),
                        strict=True))
    after = sorted(zip(shuffled.rows.tolist(), shuffled.cols.tolist(),
                       shuffled.values.tolist(), strict=True))
    assert before == after


def test_training_lowers_the_weighted_cost():
    cooc = _small_cooccurrence()
    costs: list[float] = []
    training.train(cooc, dim=8, epochs=6, learning_rate=0.05, x_max=10.0, alpha=0.75, seed=1,
                   kernel=KERNEL, workers=1, on_epoch=lambda epoch, cost: costs.append(cost))
    assert len(costs) == 6
    assert costs[-1] < 0.5 * costs[0]


def test_initial_parameters_are_small_uniform_and_seeded():
    w1, g1 = training.initial_parameters(10, 4, seed=5)
    w2, _ = training.initial_parameters(10, 4, seed=5)
    assert w1.shape == (20, 5) and np.all(g1 == 1.0)
    assert np.array_equal(w1, w2)
    assert np.abs(w1).max() <= 0.5 / 4
