"""Torch models assembled from plugins: the text classifier (embedding → encoder → head).

Importing this package does not import torch; the names below load their module on first use::

    from lexiloom.models import build_text_classifier, resize_output

    model = build_text_classifier(vocab, 3, embedder={"name": "trainable", "dim": 64},
                                  encoder={"name": "lstm", "hidden_size": 64},
                                  head={"name": "classification", "pooling": "max"},
                                  exclusive=True)
    logits = model(ids, lengths)                      # (batch, 3)

See ``docs/models.md`` for the encoders' and heads' settings and guarantees.
"""

from __future__ import annotations

from typing import Any

_LAZY = {
    "TextClassifierModule": "lexiloom.models.classifier",
    "build_text_classifier": "lexiloom.models.classifier",
    "resize_output": "lexiloom.models.classifier",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'lexiloom.models' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)


__all__ = ["TextClassifierModule", "build_text_classifier", "resize_output"]
