"""Built-in ``word2vec`` embedder: CBOW and skip-gram Word2Vec with a compiled training loop.

Importing this package is cheap (no numpy, torch or kernel import); the model loads when the
embedder is created. See ``docs/word2vec.md``.
"""

from __future__ import annotations

from typing import Any

import lexiloom
from lexiloom_word2vec.settings import DEFAULTS


def create_word2vec(**settings: Any) -> Any:
    """Build a :class:`~lexiloom_word2vec.model.Word2Vec` embedder from its settings."""
    from lexiloom_word2vec.model import Word2Vec

    return Word2Vec(**settings)


@lexiloom.hookimpl
def register_embedders(register: Any) -> None:
    """Register ``word2vec``."""
    register(
        "word2vec",
        create_word2vec,
        description="Word2Vec (CBOW, skip-gram; negative sampling, hierarchical softmax), "
                    "gensim's defaults, compiled multi-threaded training",
        defaults=dict(DEFAULTS),
        spacy_name="lexiloom.Word2VecEmbedder",
    )
