"""Shared helpers of the lexiloom spaCy tests: tiny model configs and bundled-corpus examples."""

from __future__ import annotations

from typing import Any

from lexiloom.corpora import bundled_path, read_corpus

ARCH = "lexiloom.TextClassifier.v1"


def tiny_model(encoder: str = "gru", *, exclusive: bool = True, head: str = "classification",
               width: int = 16, **extra: Any) -> dict[str, Any]:
    """A small ``lexiloom.TextClassifier.v1`` config (fast on CPU)."""
    return {
        "@architectures": ARCH,
        "exclusive_classes": exclusive,
        "embedder": {"name": "trainable", "dim": width},
        "encoder": {"name": encoder, "hidden_size": width, "bidirectional": True},
        "head": {"name": head, "pooling": "max", "hidden_size": width},
        **extra,
    }


def corpus_examples(nlp: Any, name: str = "sentiment", split: str = "train",
                    limit: int | None = None) -> list[Any]:
    """spaCy ``Example`` objects of a bundled corpus (every label in ``cats``)."""
    from spacy.training import Example

    records = list(read_corpus(bundled_path(name, split)))[:limit]
    labels = sorted({label for record in records for label in record.labels})
    return [Example.from_dict(nlp.make_doc(r.text),
                              {"cats": {lab: float(lab in r.labels) for lab in labels}})
            for r in records]


def train(nlp: Any, examples: list[Any], *, epochs: int = 2, batch_size: int = 16,
          learn_rate: float = 0.01) -> Any:
    """Initialize ``nlp`` on ``examples`` and train a few epochs with Adam; return the optimizer."""
    from thinc.api import Adam, fix_random_seed

    fix_random_seed(0)
    nlp.initialize(lambda: examples)
    optimizer = Adam(learn_rate)
    for _ in range(epochs):
        for start in range(0, len(examples), batch_size):
            nlp.update(examples[start:start + batch_size], sgd=optimizer)
    return optimizer
