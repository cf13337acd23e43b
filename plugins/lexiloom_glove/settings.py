"""The ``glove`` embedder's registration data: its description and every user setting's default.

Kept apart from :mod:`lexiloom_glove.model` so that registering the plugin imports nothing heavy.
"""

from __future__ import annotations

from typing import Any

DESCRIPTION = "GloVe word vectors: sparse co-occurrence counts, AdaGrad training (compiled kernel)"

DEFAULTS: dict[str, Any] = {
    "dim": 100,
    "window": 10,
    "x_max": 100.0,
    "alpha": 0.75,
    "learning_rate": 0.05,
    "epochs": 25,
    "min_count": 5,
    "max_vocab_size": None,
    "symmetric": True,
    "distance_weighting": True,
    "seed": 1,
    "workers": None,
    "memory_mb": 512,
    "progress": False,
    "vectors": None,
}
"""Every user setting of the ``glove`` embedder and its default (see
:mod:`lexiloom_glove.model`)."""
