"""The ``sentiment`` head: an exclusive classification head whose labels are polarities, plus a
score in [-1, 1] derived from its probabilities."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import torch

from lexiloom.errors import SettingsError
from lexiloom_heads.classification import ClassificationHead
from lexiloom_heads.settings import SENTIMENT_DEFAULTS, check_label_values

POSITIVE_NAMES = frozenset({"positive", "pos", "1"})
NEGATIVE_NAMES = frozenset({"negative", "neg", "0"})
"""Label names (compared case-insensitively) read as the positive and negative polarity."""


def label_scores(labels: Sequence[str],
                 label_values: Mapping[str, float] | None = None) -> list[float]:
    """The value in [-1, 1] that each label contributes to the sentiment score.

    - With ``label_values`` (every label must be in it): the values as given when all of them
      lie in [-1, 1]; otherwise rescaled linearly so the smallest is -1 and the largest +1
      (star ratings ``{"1": 1, ..., "5": 5}`` → -1, -0.5, 0, 0.5, 1).
    - Else, when a positive and a negative label are present (``positive``/``pos``/``1`` and
      ``negative``/``neg``/``0``, any case): +1 and -1, every other label (e.g. neutral) 0,
      so the score is P(positive) − P(negative).
    - Else, when every label is a number: those numbers, rescaled as above.

    >>> label_scores(["NEGATIVE", "neutral", "POSITIVE"])
    [-1.0, 0.0, 1.0]
    >>> label_scores(["1", "2", "3", "4", "5"])
    [-1.0, -0.5, 0.0, 0.5, 1.0]
    """
    labels = [str(label) for label in labels]
    if label_values is not None:
        missing = [label for label in labels if label not in label_values]
        if missing:
            raise SettingsError(f"sentiment label_values has no value for label(s) "
                                f"{', '.join(map(repr, missing))}; add them to label_values")
        return _rescaled([float(label_values[label]) for label in labels])
    folded = [label.casefold() for label in labels]
    positive = [name in POSITIVE_NAMES for name in folded]
    negative = [name in NEGATIVE_NAMES for name in folded]
    if any(positive) and any(negative):
        return [1.0 if p else -1.0 if n else 0.0 for p, n in zip(positive, negative, strict=True)]
    numbers = [_number(label) for label in labels]
    if len(labels) > 1 and all(n is not None for n in numbers):
        return _rescaled([float(n) for n in numbers])  # type: ignore[arg-type]
    raise SettingsError(f"cannot derive a sentiment score from the labels {labels!r}: name them "
                        "positive/negative (or pos/neg, 1/0), use numbers (star ratings), or set "
                        "the head's label_values, e.g. {\"bad\": -1, \"good\": 1}")


def sentiment_score(probabilities: Any, labels: Sequence[str],
                    label_values: Mapping[str, float] | None = None) -> torch.Tensor:
    """The probability-weighted label value (see :func:`label_scores`) of each row, in [-1, 1].

    ``probabilities``: (..., len(labels)), rows summing to 1 (a softmax output).
    """
    probs = torch.as_tensor(probabilities)
    if not probs.is_floating_point():
        probs = probs.float()
    if probs.dim() == 0 or probs.shape[-1] != len(labels):
        raise SettingsError(f"probabilities have {tuple(probs.shape)[-1:] or 'no'} columns but "
                            f"there are {len(labels)} labels; pass one label per column")
    values = torch.tensor(label_scores(labels, label_values), dtype=probs.dtype,
                          device=probs.device)
    return (probs * values).sum(dim=-1).clamp(-1.0, 1.0)


class SentimentHead(ClassificationHead):
    """A classification head (always exclusive) whose labels are polarities.

    :meth:`score` turns its probabilities into a sentiment score in [-1, 1]; the labels
    themselves (``doc.cats``) keep their original names.

    >>> head = SentimentHead(4, 2, seed=0)
    >>> head.score(torch.tensor([[0.2, 0.8]]), ["negative", "positive"]).tolist()
    [0.6000000238418579]
    """

    name = "sentiment"

    def __init__(
        self,
        input_size: int,
        output_size: int,
        *,
        pooling: str = SENTIMENT_DEFAULTS["pooling"],
        exclusive: bool = SENTIMENT_DEFAULTS["exclusive"],
        hidden_size: int = SENTIMENT_DEFAULTS["hidden_size"],
        dropout: float = SENTIMENT_DEFAULTS["dropout"],
        seed: int | None = SENTIMENT_DEFAULTS["seed"],
        label_values: Mapping[str, float] | None = SENTIMENT_DEFAULTS["label_values"],
    ) -> None:
        if exclusive is not True:
            raise SettingsError("head 'sentiment' is exclusive (one polarity per text); use the "
                                "'classification' head with exclusive=false for multi-label")
        checked = check_label_values(label_values)
        super().__init__(input_size, output_size, pooling=pooling, exclusive=True,
                         hidden_size=hidden_size, dropout=dropout, seed=seed)
        self.label_values = checked

    def score(self, probabilities: Any, labels: Sequence[str]) -> torch.Tensor:
        """The sentiment score in [-1, 1] of each row of ``probabilities`` (columns = ``labels``):
        P(positive) − P(negative), or the probability-weighted ``label_values``."""
        return sentiment_score(probabilities, labels, self.label_values)

    def to_config(self) -> dict[str, Any]:
        """The user settings, accepted back by the registry factory."""
        return {**super().to_config(), "label_values": self.label_values}


def _rescaled(values: list[float]) -> list[float]:
    low, high = min(values), max(values)
    if low >= -1.0 and high <= 1.0:
        return values
    if high == low:
        return [0.0] * len(values)
    return [2.0 * (v - low) / (high - low) - 1.0 for v in values]


def _number(label: str) -> float | None:
    try:
        number = float(label)
    except ValueError:
        return None
    return number if math.isfinite(number) else None
