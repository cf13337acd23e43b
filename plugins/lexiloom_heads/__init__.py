"""Built-in heads: ``classification`` (exclusive softmax or multi-label sigmoid, pooling over
time: last, mean, max, attention, final) and ``sentiment`` (a classification head whose labels are
polarities, with a score in [-1, 1]) and ``generation`` (next-token logits at every position,
for language models).

Heads output logits; ``head.probabilities(logits)`` applies the activation. Importing this package
does not import torch; the factories do, when a head is built.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import lexiloom
from lexiloom_heads.settings import (
    CLASSIFICATION_DEFAULTS,
    GENERATION_DEFAULTS,
    SENTIMENT_DEFAULTS,
)

_C, _S, _G = CLASSIFICATION_DEFAULTS, SENTIMENT_DEFAULTS, GENERATION_DEFAULTS


def make_classification(
    input_size: int,
    output_size: int,
    pooling: str = _C["pooling"],
    exclusive: bool = _C["exclusive"],
    hidden_size: int = _C["hidden_size"],
    dropout: float = _C["dropout"],
    seed: int | None = _C["seed"],
) -> Any:
    """Build a :class:`~lexiloom_heads.classification.ClassificationHead`."""
    from lexiloom_heads.classification import ClassificationHead

    return ClassificationHead(input_size, output_size, pooling=pooling, exclusive=exclusive,
                              hidden_size=hidden_size, dropout=dropout, seed=seed)


def make_sentiment(
    input_size: int,
    output_size: int,
    pooling: str = _S["pooling"],
    exclusive: bool = _S["exclusive"],
    hidden_size: int = _S["hidden_size"],
    dropout: float = _S["dropout"],
    seed: int | None = _S["seed"],
    label_values: Mapping[str, float] | None = _S["label_values"],
) -> Any:
    """Build a :class:`~lexiloom_heads.sentiment.SentimentHead`."""
    from lexiloom_heads.sentiment import SentimentHead

    return SentimentHead(input_size, output_size, pooling=pooling, exclusive=exclusive,
                         hidden_size=hidden_size, dropout=dropout, seed=seed,
                         label_values=label_values)


def make_generation(
    input_size: int,
    output_size: int,
    projection_size: int = _G["projection_size"],
    dropout: float = _G["dropout"],
    seed: int | None = _G["seed"],
) -> Any:
    """Build a :class:`~lexiloom_heads.generation.GenerationHead`."""
    from lexiloom_heads.generation import GenerationHead

    return GenerationHead(input_size, output_size, projection_size=projection_size,
                          dropout=dropout, seed=seed)


@lexiloom.hookimpl
def register_heads(register: Any) -> None:
    """Register ``classification``, ``sentiment`` and ``generation`` with every user setting's
    default."""
    register("classification", make_classification,
             description="Pooled text classification (softmax or multi-label sigmoid logits)",
             defaults=dict(CLASSIFICATION_DEFAULTS))
    register("sentiment", make_sentiment,
             description="Polarity classification with a sentiment score in [-1, 1]",
             defaults=dict(SENTIMENT_DEFAULTS))
    register("generation", make_generation,
             description="Next-token logits at every position (language models, generation)",
             defaults=dict(GENERATION_DEFAULTS))


__all__ = ["make_classification", "make_generation", "make_sentiment", "register_heads"]
