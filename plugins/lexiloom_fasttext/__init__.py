"""Built-in ``fasttext`` embedder: subword (character n-gram) vectors, fastText's model, trained
by a compiled loop; vectors for unseen and misspelled words, fastText ``.bin`` files.

Importing this package is cheap (no numpy, torch or kernel import); the model loads when the
embedder is created. See ``docs/fasttext.md``.
"""

from __future__ import annotations

from typing import Any

import lexiloom
from lexiloom_fasttext.settings import DEFAULTS


def create_fasttext(**settings: Any) -> Any:
    """Build a :class:`~lexiloom_fasttext.model.FastText` embedder from its settings."""
    from lexiloom_fasttext.model import FastText

    return FastText(**settings)


@lexiloom.hookimpl
def register_embedders(register: Any) -> None:
    """Register ``fasttext``."""
    register(
        "fasttext",
        create_fasttext,
        description="fastText subword vectors (skip-gram, CBOW; character n-grams), "
                    "fastText's defaults, .bin files fastText and gensim read, compiled "
                    "multi-threaded training",
        defaults=dict(DEFAULTS),
        spacy_name="lexiloom.FastTextEmbedder",
    )
