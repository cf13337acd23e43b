"""GloVe's weighted least squares, trained with AdaGrad over the co-occurrence records.

The loss is Σ f(X_ij) (w_i·w̃_j + b_i + b̃_j − log X_ij)² with f(x) = min(1, (x / x_max)^alpha).
As in the reference ``glove.c``: parameters start uniform in ±0.5/dim, AdaGrad's squared-gradient
sums start at 1, gradients are clipped to ±``grad_clip``, the records are shuffled once and every
epoch visits them in that order, cut into ``workers`` contiguous parts trained by lock-free
threads (Hogwild). With one worker training is deterministic for a given seed.
"""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any

import numpy as np

from lexiloom_glove import fallback
from lexiloom_glove.cooccurrence import Cooccurrence
from lexiloom_glove.inputs import check_training

GRAD_CLIP = 100.0
"""Gradient clipping bound of the reference implementation (``-grad-clip``)."""


def weighting(x: np.ndarray | float, x_max: float = 100.0, alpha: float = 0.75) -> Any:
    """GloVe's weighting function f(x) = min(1, (x / x_max) ** alpha)."""
    return np.minimum(1.0, (np.asarray(x, dtype=np.float64) / x_max) ** alpha)


def initial_parameters(vocab_size: int, dim: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(W, gradsq): float64 arrays of shape (2 * vocab_size, dim + 1), word rows then context
    rows, each with its bias last; W uniform in ±0.5/dim, gradsq ones."""
    rng = np.random.default_rng(seed)
    weights = (rng.random((2 * vocab_size, dim + 1)) - 0.5) / dim
    return weights, np.ones_like(weights)


def train(
    cooccurrence: Cooccurrence,
    *,
    dim: int,
    epochs: int,
    learning_rate: float,
    x_max: float,
    alpha: float,
    seed: int,
    workers: int = 1,
    kernel: ModuleType | None = None,
    on_epoch: Callable[[int, float], Any] | None = None,
    resume_from: tuple[int, np.ndarray, np.ndarray] | None = None,
    after_epoch: Callable[[int, np.ndarray, np.ndarray], Any] | None = None,
) -> np.ndarray:
    """Fit GloVe to ``cooccurrence`` and return the word vectors W + W̃ (float32, (V, dim)).

    ``kernel`` is the compiled module, or ``None`` for the numpy fallback (sequential, slow).
    The co-occurrence arrays are shuffled in place. ``on_epoch(epoch, cost)`` is called after
    each epoch with the mean weighted squared error / 2 per record, then
    ``after_epoch(epoch, W, gradsq)`` (to checkpoint them). ``resume_from`` = ``(epochs done,
    W, gradsq)`` continues such a run: the same shuffle, then the remaining epochs.
    """
    backend: Any = kernel if kernel is not None else fallback
    vocab_size = cooccurrence.vocab_size
    rows, cols, values = cooccurrence.rows, cooccurrence.cols, cooccurrence.values
    weights, gradsq = initial_parameters(vocab_size, dim, seed)
    done = 0
    if resume_from is not None:
        done, weights[...], gradsq[...] = resume_from
    check_training(rows, cols, values, weights, gradsq, vocab_size, dim, int(workers),
                   {"x_max": x_max, "alpha": alpha, "learning_rate": learning_rate})
    backend.shuffle(rows, cols, values, seed % 2**64)
    for epoch in range(done + 1, epochs + 1):
        cost = backend.train_epoch(rows, cols, values, weights, gradsq, vocab_size, dim,
                                   float(x_max), float(alpha), float(learning_rate), GRAD_CLIP,
                                   int(workers))
        if on_epoch is not None:
            on_epoch(epoch, cost / max(1, len(values)))
        if after_epoch is not None:
            after_epoch(epoch, weights, gradsq)
    vectors = weights[:vocab_size, :dim] + weights[vocab_size:, :dim]
    return vectors.astype(np.float32)
