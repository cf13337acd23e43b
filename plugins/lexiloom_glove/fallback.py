"""Pure numpy versions of the compiled kernel (:mod:`lexiloom_glove._kernel`).

Used when the extension could not be built (no C compiler). They give the kernel's results:
counting yields the same co-occurrence values (summed in another order, so equal to rounding),
``shuffle`` the same permutation, and ``train_epoch`` the same parameters as the kernel with one
worker (to about 1e-12; the dot products are summed in another order). They are slow: training
loops over the records in Python.
"""

from __future__ import annotations

import math

import numpy as np

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)


def pair_keys(
    ids: np.ndarray,
    sentence_start: np.ndarray,
    begin: int,
    end: int,
    vocab_size: int,
    window: int,
    symmetric: bool,
    distance_weighting: bool,
) -> tuple[np.ndarray, np.ndarray]:
    """The (key, weight) increments of the tokens ``ids[begin:end]`` with their left context.

    ``sentence_start[j]`` is the index where token ``j``'s sentence starts; a token pairs with the
    ``window`` tokens before it in its sentence, weighted by 1/distance (or 1), keyed
    ``row * vocab_size + col`` with the earlier word as the row; ``symmetric`` adds the mirrored
    pair too.
    """
    positions = np.arange(begin, end, dtype=np.int64)
    keys: list[np.ndarray] = []
    weights: list[np.ndarray] = []
    for distance in range(1, window + 1):
        later = positions[positions - distance >= sentence_start[begin:end]]
        if later.size == 0:
            continue
        left = ids[later - distance].astype(np.int64)
        right = ids[later].astype(np.int64)
        weight = 1.0 / distance if distance_weighting else 1.0
        keys.append(left * vocab_size + right)
        weights.append(np.full(later.size, weight))
        if symmetric:
            keys.append(right * vocab_size + left)
            weights.append(np.full(later.size, weight))
    if not keys:
        return np.empty(0, np.int64), np.empty(0, np.float64)
    return np.concatenate(keys), np.concatenate(weights)


def reduce_keys(keys: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sum ``weights`` per distinct key: (sorted unique keys, sums)."""
    if keys.size == 0:
        return keys.astype(np.int64), weights.astype(np.float64)
    unique, inverse = np.unique(keys, return_inverse=True)
    return unique, np.bincount(inverse.ravel(), weights=weights, minlength=unique.size)


def splitmix64(seed: int, count: int) -> np.ndarray:
    """The first ``count`` outputs of splitmix64 started at ``seed`` (as the kernel draws them)."""
    state = np.uint64(seed % 2**64) + _GOLDEN * np.arange(1, count + 1, dtype=np.uint64)
    z = (state ^ (state >> np.uint64(30))) * _MIX1
    z = (z ^ (z >> np.uint64(27))) * _MIX2
    return z ^ (z >> np.uint64(31))


def shuffle(rows: np.ndarray, cols: np.ndarray, values: np.ndarray, seed: int) -> None:
    """Shuffle the three parallel arrays in place: Fisher-Yates driven by splitmix64(seed)."""
    n = len(rows)
    if n < 2:
        return
    bounds = np.arange(n, 1, -1, dtype=np.uint64)  # i + 1 for i = n-1 .. 1
    with np.errstate(over="ignore"):
        draws = (splitmix64(seed, n - 1) % bounds).tolist()
    r, c, v = rows.tolist(), cols.tolist(), values.tolist()
    for i, j in zip(range(n - 1, 0, -1), draws, strict=True):
        r[i], r[j] = r[j], r[i]
        c[i], c[j] = c[j], c[i]
        v[i], v[j] = v[j], v[i]
    rows[:] = r
    cols[:] = c
    values[:] = v


def train_epoch(
    rows: np.ndarray,
    cols: np.ndarray,
    values: np.ndarray,
    W: np.ndarray,
    gradsq: np.ndarray,
    vocab_size: int,
    dim: int,
    x_max: float,
    alpha: float,
    eta: float,
    grad_clip: float,
    workers: int = 1,
) -> float:
    """One AdaGrad pass over the records in order (sequential: ``workers`` is ignored).

    ``W`` and ``gradsq`` have shape (2 * vocab_size, dim + 1): word rows, then context rows, each
    with its bias last. Returns the summed weighted squared error / 2.
    """
    del workers
    cost = 0.0
    for row, col, x in zip(rows.tolist(), cols.tolist(), values.tolist(), strict=True):
        w1, w2 = W[row], W[col + vocab_size]
        g1, g2 = gradsq[row], gradsq[col + vocab_size]
        diff = float(w1[:dim] @ w2[:dim]) + float(w1[dim]) + float(w2[dim]) - math.log(x)
        fdiff = diff if x > x_max else (x / x_max) ** alpha * diff
        if not (math.isfinite(diff) and math.isfinite(fdiff)):
            continue
        cost += 0.5 * fdiff * diff
        t1 = np.clip(fdiff * w2[:dim], -grad_clip, grad_clip) * eta
        t2 = np.clip(fdiff * w1[:dim], -grad_clip, grad_clip) * eta
        update1 = t1 / np.sqrt(g1[:dim])
        update2 = t2 / np.sqrt(g2[:dim])
        g1[:dim] += t1 * t1
        g2[:dim] += t2 * t2
        if math.isfinite(float(update1.sum())) and math.isfinite(float(update2.sum())):
            w1[:dim] -= update1
            w2[:dim] -= update2
        step = fdiff * eta
        u1 = step / math.sqrt(float(g1[dim]))
        u2 = step / math.sqrt(float(g2[dim]))
        if math.isfinite(u1):
            w1[dim] -= u1
        if math.isfinite(u2):
            w2[dim] -= u2
        g1[dim] += step * step
        g2[dim] += step * step
    return cost
