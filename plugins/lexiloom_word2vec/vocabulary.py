"""The Word2Vec vocabulary and its tables, computed as gensim computes them.

- counting with ``max_vocab_size`` pruning (gensim's ``prune_vocab``: when the dictionary grows
  past the limit, drop words seen fewer than ``min_reduce`` times, then raise ``min_reduce``);
- ``min_count``; words ordered by descending count (ties: first seen first);
- subsampling keep-probabilities as 32-bit thresholds (gensim's ``sample_int``);
- the unigram^``ns_exponent`` cumulative noise table (gensim's ``cum_table``);
- the Huffman tree for hierarchical softmax (gensim's ``code``/``point``), flattened.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from lexiloom.errors import CorpusError

NOISE_DOMAIN = 2**31 - 1


@dataclass
class Vocabulary:
    """Retained words (most frequent first), their counts and the training tables."""

    words: list[str]
    counts: np.ndarray
    raw_words: int
    sentences: int
    index: dict[str, int] = field(init=False)

    def __post_init__(self) -> None:
        self.index = {w: i for i, w in enumerate(self.words)}

    def __len__(self) -> int:
        return len(self.words)


def count_vocabulary(
    sentences: Iterable[Sequence[str]], *, min_count: int = 5, max_vocab_size: int | None = None
) -> Vocabulary:
    """One pass over ``sentences``: count words, prune like gensim, keep ``min_count``."""
    counter: Counter[str] = Counter()
    min_reduce = 1
    raw_words = 0
    n_sentences = 0
    for sentence in sentences:
        if isinstance(sentence, str):
            raise CorpusError("Word2Vec sentences must be lists of tokens, not strings; "
                              "split the text (e.g. line.split()) or use a TokenStream")
        n_sentences += 1
        raw_words += len(sentence)
        counter.update(sentence)
        if max_vocab_size is not None and len(counter) > max_vocab_size:
            for word in [w for w, c in counter.items() if c < min_reduce]:
                del counter[word]
            min_reduce += 1
    kept = [(w, c) for w, c in counter.items() if c >= min_count]
    kept.sort(key=lambda wc: -wc[1])  # stable: ties keep first-seen order
    if not kept:
        raise CorpusError(f"no word occurs at least min_count={min_count} times in "
                          f"{raw_words} words; lower min_count or give a larger corpus")
    return Vocabulary([w for w, _ in kept], np.array([c for _, c in kept], dtype=np.int64),
                      raw_words, n_sentences)


def sample_thresholds(counts: np.ndarray, sample: float) -> np.ndarray | None:
    """Keep-probabilities of frequent-word subsampling as uint32 thresholds (gensim's formula).

    A word occurrence is kept when its threshold is at least a uniform 32-bit draw. ``None`` when
    ``sample`` is 0 (no subsampling).
    """
    if not sample:
        return None
    total = float(counts.sum())
    threshold = sample * total if sample < 1.0 else float(int(sample * (3 + math.sqrt(5)) / 2))
    c = counts.astype(np.float64)
    probability = np.minimum((np.sqrt(c / threshold) + 1) * (threshold / c), 1.0)
    return (probability * (2**32 - 1)).astype(np.uint32)


def noise_table(counts: np.ndarray, exponent: float = 0.75) -> np.ndarray:
    """The cumulative unigram^``exponent`` table for drawing negative samples (uint32)."""
    weights = counts.astype(np.float64) ** exponent
    cumulative = np.cumsum(weights)
    table = np.round(cumulative / cumulative[-1] * NOISE_DOMAIN).astype(np.uint32)
    table[-1] = NOISE_DOMAIN
    return table


@dataclass
class HuffmanTree:
    """Flattened Huffman codes: word ``i``'s path is ``points/codes[offsets[i]:offsets[i+1]]``."""

    offsets: np.ndarray  # int64, len(vocab) + 1
    points: np.ndarray  # uint32, inner-node rows of syn1
    codes: np.ndarray  # uint8, 0 = left, 1 = right

    def path(self, word: int) -> tuple[list[int], list[int]]:
        """The (points, codes) of ``word``."""
        lo, hi = int(self.offsets[word]), int(self.offsets[word + 1])
        return self.points[lo:hi].tolist(), self.codes[lo:hi].tolist()


class _Node(NamedTuple):
    count: int
    index: int

    def __lt__(self, other: object) -> bool:  # by count only, as gensim's Heapitem
        return self.count < other.count  # type: ignore[attr-defined]


def huffman_tree(counts: np.ndarray) -> HuffmanTree:
    """Build the Huffman tree over ``counts`` exactly as gensim's ``_assign_binary_codes``
    (nodes compare by count only, so ties break as in gensim)."""
    size = len(counts)
    heap = [_Node(int(c), i) for i, c in enumerate(counts)]
    heapq.heapify(heap)
    children: dict[int, tuple[int, int]] = {}
    for i in range(size - 1):
        first, second = heapq.heappop(heap), heapq.heappop(heap)
        node = i + size
        children[node] = (first.index, second.index)
        heapq.heappush(heap, _Node(first.count + second.count, node))
    paths: list[tuple[list[int], list[int]]] = [([], [])] * size
    stack: list[tuple[int, list[int], list[int]]] = [(heap[0].index, [], [])]
    while stack:
        node, codes, points = stack.pop()
        if node < size:
            paths[node] = (points, codes)
            continue
        points = [*points, node - size]
        left, right = children[node]
        stack.append((left, [*codes, 0], points))
        stack.append((right, [*codes, 1], points))
    lengths = [len(p) for p, _ in paths]
    offsets = np.zeros(size + 1, dtype=np.int64)
    offsets[1:] = np.cumsum(lengths)
    flat_points = np.array([x for p, _ in paths for x in p], dtype=np.uint32)
    flat_codes = np.array([x for _, c in paths for x in c], dtype=np.uint8)
    return HuffmanTree(offsets, flat_points, flat_codes)
