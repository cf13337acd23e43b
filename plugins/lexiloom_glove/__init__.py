"""Built-in ``glove`` embedder: GloVe vectors from sparse, bounded-memory co-occurrence counts.

Importing this package is cheap (no numpy, torch or spaCy): the model and its compiled kernel
(:mod:`lexiloom_glove._kernel`, with a numpy fallback) load when an embedder is created.
"""

from __future__ import annotations

from typing import Any

import lexiloom
from lexiloom_glove.settings import DEFAULTS, DESCRIPTION


def create_glove(**settings: Any) -> Any:
    """Factory of the ``glove`` embedder: :class:`lexiloom_glove.model.GloVe` (``**settings``)."""
    from lexiloom_glove.model import GloVe

    return GloVe(**settings)


@lexiloom.hookimpl
def register_embedders(register: Any) -> None:
    """Register ``glove`` with every user setting's default."""
    register("glove", create_glove, description=DESCRIPTION, defaults=dict(DEFAULTS),
             spacy_name="lexiloom.GloVeEmbedder")
