"""Small vectors with planted structure, and a random control with the same words."""

from __future__ import annotations

import numpy as np

from lexiloom.vectors import KeyedVectors

TOPICS = {
    "animal": ["cat", "dog", "horse", "cow", "sheep"],
    "vehicle": ["car", "truck", "bus", "train", "bike"],
    "fruit": ["apple", "pear", "plum", "grape", "lemon"],
}
# man:woman = king:queen = boy:girl, a gender offset on top of a base per role
ROLES = {"man": ("person", 0), "woman": ("person", 1), "king": ("royal", 0),
         "queen": ("royal", 1), "boy": ("child", 0), "girl": ("child", 1)}
DIM = 32


def related_pairs() -> list[tuple[str, str]]:
    return [(a, b) for words in TOPICS.values() for i, a in enumerate(words) for b in words[i + 1:]]


def unrelated_pairs() -> list[tuple[str, str]]:
    groups = list(TOPICS.values())
    return [(a, b) for i, g in enumerate(groups) for h in groups[i + 1:] for a in g for b in h]


def similarity_margin(kv: KeyedVectors) -> float:
    """Mean cosine of same-topic pairs minus mean cosine of cross-topic pairs."""
    related = np.mean([kv.similarity(a, b) for a, b in related_pairs()])
    unrelated = np.mean([kv.similarity(a, b) for a, b in unrelated_pairs()])
    return float(related - unrelated)


def planted_vectors(seed: int = 0) -> KeyedVectors:
    """Topic words = topic centre + small noise; role words = role base + gender offset."""
    rng = np.random.default_rng(seed)
    words, rows = [], []
    for words_of_topic in TOPICS.values():
        centre = rng.standard_normal(DIM)
        for word in words_of_topic:
            words.append(word)
            rows.append(centre + 0.3 * rng.standard_normal(DIM))
    bases = {role: rng.standard_normal(DIM) for role in ("person", "royal", "child")}
    gender = 1.5 * rng.standard_normal(DIM)
    for word, (role, female) in ROLES.items():
        words.append(word)
        rows.append(bases[role] + female * gender + 0.05 * rng.standard_normal(DIM))
    return KeyedVectors(words, np.asarray(rows, dtype=np.float32))


def random_vectors(seed: int = 1) -> KeyedVectors:
    """The same words as :func:`planted_vectors` with unstructured random vectors (control)."""
    words = planted_vectors().index_to_key
    rng = np.random.default_rng(seed)
    return KeyedVectors(words, rng.standard_normal((len(words), DIM)).astype(np.float32))
