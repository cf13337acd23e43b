"""A small corpus with planted structure, and the check that vectors learnt it."""

from __future__ import annotations

import random

import numpy as np

GROUP_A = [f"apple{i}" for i in range(8)]
GROUP_B = [f"boat{i}" for i in range(8)]


def planted_corpus(sentences: int = 300, length: int = 10, seed: int = 0) -> list[list[str]]:
    """Sentences whose words all come from one group: A words co-occur only with A words, B
    words only with B words."""
    rnd = random.Random(seed)
    corpus = []
    for n in range(sentences):
        group = GROUP_A if n % 2 == 0 else GROUP_B
        corpus.append([rnd.choice(group) for _ in range(length)])
    return corpus


def group_gap(vectors: dict[str, np.ndarray] | object) -> float:
    """Mean cosine of same-group pairs minus mean cosine of cross-group pairs."""

    def cos(a: str, b: str) -> float:
        x, y = vectors[a], vectors[b]  # type: ignore[index]
        return float(np.dot(x, y) / (np.linalg.norm(x) * np.linalg.norm(y)))

    same = [cos(a, b) for g in (GROUP_A, GROUP_B) for a in g for b in g if a < b]
    cross = [cos(a, b) for a in GROUP_A for b in GROUP_B]
    return float(np.mean(same) - np.mean(cross))
