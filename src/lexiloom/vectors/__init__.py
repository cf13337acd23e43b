"""Word vectors as a product: query, evaluate, read/write word2vec, GloVe and fastText files, use in
spaCy.

>>> from lexiloom.vectors import KeyedVectors
>>> kv = KeyedVectors.load("vectors.txt")               # doctest: +SKIP
>>> kv.most_similar("king", topn=3)                     # doctest: +SKIP

Importing this package loads numpy only (neither torch nor spaCy): the torch embedding layer is in
:mod:`lexiloom.vectors.layer`, the spaCy bridge in :mod:`lexiloom.vectors.spacy_vectors`.
"""

from lexiloom.vectors.evaluation import AnalogyResult, AnalogySection, WordPairsResult
from lexiloom.vectors.formats import VectorsFormatError
from lexiloom.vectors.keyed import KeyedVectors, UnknownWordError
from lexiloom.vectors.subwords import SubwordVectors

__all__ = [
    "AnalogyResult",
    "AnalogySection",
    "KeyedVectors",
    "SubwordVectors",
    "UnknownWordError",
    "VectorsFormatError",
    "WordPairsResult",
]
