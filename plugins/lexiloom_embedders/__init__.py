"""Built-in embedders: ``trainable`` (random rows, learned with the model) and ``pretrained``
(rows from a word2vec or GloVe file, frozen or fine-tuned).

Importing this package loads neither torch nor any vectors file: the file is read on first use.
"""

from __future__ import annotations

from typing import Any

import lexiloom
from lexiloom_embedders.pretrained import PRETRAINED_DEFAULTS, PretrainedEmbedder
from lexiloom_embedders.trainable import TRAINABLE_DEFAULTS, TrainableEmbedder


@lexiloom.hookimpl
def register_embedders(register: Any) -> None:
    """Register ``trainable`` and ``pretrained``."""
    register("trainable", TrainableEmbedder,
             description="Randomly initialised word embeddings learned with the model",
             defaults=TRAINABLE_DEFAULTS)
    register("pretrained", PretrainedEmbedder,
             description="Word embeddings initialised from a word2vec/GloVe vectors file",
             defaults=PRETRAINED_DEFAULTS)


__all__ = ["PretrainedEmbedder", "TrainableEmbedder", "register_embedders"]
