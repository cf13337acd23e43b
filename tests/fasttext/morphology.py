"""A small corpus where words come in two groups with distinct contexts, each word seen with a
few inflections: what subword vectors should learn about unseen and misspelled words."""

from __future__ import annotations

import random

import numpy as np

STEMS_A = ["kelpor", "vantis", "brimol", "quorad", "sephil", "mandur"]
STEMS_B = ["tocrev", "glimba", "hustev", "ondrak", "pyxlet", "farnoc"]
SEEN = ["", "s", "ed"]
"""Inflections in the corpus; "ing" is never seen."""


def morphology_corpus(sentences: int = 600, length: int = 8, seed: int = 0) -> list[list[str]]:
    """Sentences of one group's words (stem + a seen inflection): A words co-occur only with A
    words, B words only with B words."""
    rnd = random.Random(seed)
    corpus = []
    for n in range(sentences):
        stems = STEMS_A if n % 2 == 0 else STEMS_B
        corpus.append([rnd.choice(stems) + rnd.choice(SEEN) for _ in range(length)])
    return corpus


def cosine(x: np.ndarray, y: np.ndarray) -> float:
    return float(np.dot(x, y) / (np.linalg.norm(x) * np.linalg.norm(y) + 1e-12))


def misspell(word: str) -> str:
    """``word`` with its second and third letters swapped."""
    return word[0] + word[2] + word[1] + word[3:]


def group_pull(vectors, stems_and_words: list[tuple[str, str]]) -> float:
    """Mean, over (stem, word) pairs (unseen forms of A stems), of the cosine of the word to
    the centroid of the *other* A stems' words minus its cosine to the B words' centroid: what
    training put there, not what the word shares with its own stem's forms."""
    b = np.mean([vectors[s + e] for s in STEMS_B for e in SEEN], axis=0)
    pulls = []
    for stem, word in stems_and_words:
        a = np.mean([vectors[s + e] for s in STEMS_A if s != stem for e in SEEN], axis=0)
        pulls.append(cosine(vectors[word], a) - cosine(vectors[word], b))
    return float(np.mean(pulls))
