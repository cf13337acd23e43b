"""The Word2Vec training loop in Python: the same algorithm as ``_kernel.c``, step for step.

Used when the compiled kernel is not available (no C compiler at install time) or when asked for
with ``backend="python"``. Same arguments, same random draws in the same order, same order of
updates, so both give the same vectors up to float rounding; it is about a thousand times slower.
See ``_kernel.c`` for the description of one job.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Callable
from typing import Any

import numpy as np

RNG_MASK = (1 << 48) - 1
_MULT, _ADD = 25214903917, 11


def _sigmoid(x: float) -> np.float32:
    # exp of a float32 argument in double precision, then rounded: what expf() computes
    if x < -80.0:
        return np.float32(0.0)
    return np.float32(1.0) / (np.float32(1.0) + np.float32(math.exp(-float(x))))


class _Trainer:
    def __init__(self, syn0: Any, syn1neg: Any, syn1: Any, cum_table: Any, hs_offsets: Any,
                 hs_points: Any, hs_codes: Any, negative: int, cbow_mean: bool,
                 alpha: float, rng: int) -> None:
        self.syn0, self.syn1neg, self.syn1 = syn0, syn1neg, syn1
        self.cum = None if cum_table is None else np.asarray(cum_table).tolist()
        self.offsets = hs_offsets
        self.points = hs_points
        self.codes = hs_codes
        self.negative = negative
        self.cbow_mean = cbow_mean
        self.alpha = np.float32(alpha)
        self.rng = rng

    def draw32(self) -> int:
        value = self.rng >> 16
        self.rng = (self.rng * _MULT + _ADD) & RNG_MASK
        return value

    def noise_outputs(self, word: int) -> list[tuple[int, np.float32]]:
        """``word`` (label 1) and ``negative`` noise words (label 0; a draw of ``word`` is
        dropped)."""
        assert self.cum is not None
        domain = self.cum[-1]
        outputs = [(word, np.float32(1.0))]
        for _ in range(self.negative):
            target = bisect_left(self.cum, (self.rng >> 16) % domain)
            self.rng = (self.rng * _MULT + _ADD) & RNG_MASK
            if target != word:
                outputs.append((target, np.float32(0.0)))
        return outputs

    def path_outputs(self, word: int) -> list[tuple[int, np.float32]]:
        """``word``'s Huffman path: inner nodes with label 1 - code."""
        return [(int(self.points[p]), np.float32(1.0) - np.float32(self.codes[p]))
                for p in range(int(self.offsets[word]), int(self.offsets[word + 1]))]

    def update(self, table: np.ndarray, outputs: list[tuple[int, np.float32]], h: np.ndarray,
               work: np.ndarray) -> None:
        for target, label in outputs:
            l2 = table[target]
            g = (label - _sigmoid(np.dot(h, l2))) * self.alpha
            work += g * l2
            l2 += g * h

    def hs_update(self, word: int, h: np.ndarray, work: np.ndarray) -> None:
        self.update(self.syn1, self.path_outputs(word), h, work)

    def neg_update(self, word: int, h: np.ndarray, work: np.ndarray) -> None:
        self.update(self.syn1neg, self.noise_outputs(word), h, work)

    def sg_shared(self, table: np.ndarray, outputs: list[tuple[int, np.float32]],
                  contexts: list[int]) -> None:
        """Every context word predicts the same ``outputs``; their rows learn at the end."""
        delta = np.zeros((len(outputs), table.shape[1]), dtype=np.float32)
        for context in contexts:
            l1 = self.syn0[context]
            work = np.zeros_like(l1)
            for o, (target, label) in enumerate(outputs):
                l2 = table[target]
                g = (label - _sigmoid(np.dot(l1, l2))) * self.alpha
                work += g * l2
                delta[o] += g * l1
            l1 += work
        for o, (target, _) in enumerate(outputs):
            table[target] += delta[o]

    def sg_pair(self, word: int, context: int, use_hs: bool) -> None:
        l1 = self.syn0[context]
        work = np.zeros_like(l1)
        if use_hs:
            self.hs_update(word, l1, work)
        else:
            self.neg_update(word, l1, work)
        l1 += work

    def cbow_window(self, idx: list[int], i: int, j: int, k: int, use_hs: bool) -> None:
        context = [idx[m] for m in range(j, k) if m != i]
        if not context:
            return
        neu1 = np.zeros(self.syn0.shape[1], dtype=np.float32)
        for w in context:
            neu1 += self.syn0[w]
        inv = np.float32(1.0) / np.float32(len(context))
        if self.cbow_mean:
            neu1 *= inv
        work = np.zeros_like(neu1)
        if use_hs:
            self.hs_update(idx[i], neu1, work)
        else:
            self.neg_update(idx[i], neu1, work)
        if not self.cbow_mean:
            work *= inv
        for w in context:
            self.syn0[w] += work


def keep_words(draw32: Callable[[], int], ids: Any, ends: Any, sample_ints: Any, window: int,
               shrink: bool) -> tuple[list[int], list[int], list[int]]:
    """A job's first two steps (``keep_words`` of ``kernel_common.h``): the words subsampling
    keeps, each sentence's end among them, and one reduced window per kept word."""
    samples = None if sample_ints is None else np.asarray(sample_ints).tolist()
    idx: list[int] = []
    bounds: list[int] = []
    start = 0
    for end in ends:
        for w in ids[start:end]:
            if w < 0:
                continue
            if samples is not None and samples[w] < draw32():
                continue
            idx.append(int(w))
        bounds.append(len(idx))
        start = end
    reduced = [draw32() % window if shrink else 0 for _ in idx]
    return idx, bounds, reduced


def train_job(syn0: Any, syn1neg: Any, syn1: Any, ids: Any, ends: Any, sample_ints: Any,
              cum_table: Any, hs_offsets: Any, hs_points: Any, hs_codes: Any, sg: int,
              negative: int, hs: int, window: int, shrink_windows: bool, cbow_mean: bool,
              shared_negatives: bool, alpha: float, seed: int) -> tuple[int, int]:
    """Train one job in place; the same contract as ``_kernel.train_job``."""
    syn0 = np.asarray(syn0)
    t = _Trainer(syn0, None if syn1neg is None else np.asarray(syn1neg),
                 None if syn1 is None else np.asarray(syn1), cum_table, hs_offsets, hs_points,
                 hs_codes, negative, cbow_mean, alpha, seed & RNG_MASK)
    idx, bounds, reduced = keep_words(t.draw32, ids, ends, sample_ints, window, shrink_windows)
    first = 0
    for last in bounds:
        for i in range(first, last):
            j = max(i - window + reduced[i], first)
            k = min(i + window + 1 - reduced[i], last)
            if sg and shared_negatives:
                contexts = [idx[c] for c in range(j, k) if c != i]
                if hs:
                    t.sg_shared(t.syn1, t.path_outputs(idx[i]), contexts)
                if negative > 0:
                    t.sg_shared(t.syn1neg, t.noise_outputs(idx[i]), contexts)
            elif sg:
                for c in range(j, k):
                    if c == i:
                        continue
                    if hs:
                        t.sg_pair(idx[i], idx[c], True)
                    if negative > 0:
                        t.sg_pair(idx[i], idx[c], False)
            else:
                if hs:
                    t.cbow_window(idx, i, j, k, True)
                if negative > 0:
                    t.cbow_window(idx, i, j, k, False)
        first = last
    return len(idx), t.rng
