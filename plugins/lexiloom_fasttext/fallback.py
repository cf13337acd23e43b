"""The fastText training loop in Python: the same algorithm as ``_kernel.c``, step for step.

Used when the compiled kernel is not available (no C compiler at install time) or when asked for
with ``backend="python"``. Same arguments, same random draws in the same order, same order of
updates, so both give the same vectors up to float rounding. See ``_kernel.c`` for one job.
"""

from __future__ import annotations

from bisect import bisect_left
from typing import Any

import numpy as np
from lexiloom_word2vec.fallback import RNG_MASK, _sigmoid, keep_words

_MULT, _ADD = 25214903917, 11


class _Trainer:
    def __init__(self, syn0: np.ndarray, syn1neg: np.ndarray, cum_table: Any, offsets: Any,
                 rows: Any, negative: int, alpha: float, rng: int) -> None:
        self.syn0, self.syn1neg = syn0, syn1neg
        self.cum = np.asarray(cum_table).tolist()
        self.offsets = np.asarray(offsets).tolist()
        self.rows = np.asarray(rows).tolist()
        self.negative = negative
        self.alpha = np.float32(alpha)
        self.rng = rng

    def draw32(self) -> int:
        value = self.rng >> 16
        self.rng = (self.rng * _MULT + _ADD) & RNG_MASK
        return value

    def inputs(self, word: int) -> list[int]:
        return self.rows[self.offsets[word]:self.offsets[word + 1]]

    def outputs(self, word: int) -> list[tuple[int, np.float32]]:
        """``word`` (label 1), then its noise words (label 0; a draw of ``word`` dropped)."""
        domain = self.cum[-1]
        out = [(word, np.float32(1.0))]
        for _ in range(self.negative):
            target = bisect_left(self.cum, (self.rng >> 16) % domain)
            self.rng = (self.rng * _MULT + _ADD) & RNG_MASK
            if target != word:
                out.append((target, np.float32(0.0)))
        return out

    def predict(self, inputs: list[int], outputs: list[tuple[int, np.float32]]) -> None:
        if not inputs or not outputs:
            return
        h = np.zeros(self.syn0.shape[1], dtype=np.float32)
        for row in inputs:
            h += self.syn0[row]
        h *= np.float32(1.0) / np.float32(len(inputs))
        work = np.zeros_like(h)
        for target, label in outputs:
            l2 = self.syn1neg[target]
            g = (label - _sigmoid(np.dot(h, l2))) * self.alpha
            work += g * l2
            l2 += g * h
        for row in inputs:
            self.syn0[row] += work


def train_job(syn0: Any, syn1neg: Any, ids: Any, ends: Any, sample_ints: Any, cum_table: Any,
              sub_offsets: Any, sub_rows: Any, sg: int, negative: int, window: int,
              shrink_windows: bool, alpha: float, seed: int) -> tuple[int, int]:
    """Train one job in place; the same contract as ``_kernel.train_job``."""
    t = _Trainer(np.asarray(syn0), np.asarray(syn1neg), cum_table, sub_offsets, sub_rows,
                 negative, alpha, seed & RNG_MASK)
    idx, bounds, reduced = keep_words(t.draw32, ids, ends, sample_ints, window, shrink_windows)
    first = 0
    for last in bounds:
        for i in range(first, last):
            j = max(i - window + reduced[i], first)
            k = min(i + window + 1 - reduced[i], last)
            contexts = [idx[c] for c in range(j, k) if c != i]
            if sg:
                inputs = t.inputs(idx[i])
                outputs = [out for c in contexts for out in t.outputs(c)]
            else:
                inputs = [row for c in contexts for row in t.inputs(c)]
                outputs = t.outputs(idx[i]) if inputs else []
            t.predict(inputs, outputs)
        first = last
    return len(idx), t.rng
