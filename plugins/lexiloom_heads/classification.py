"""The ``classification`` head: pool over time, optional hidden layer, one logit per label."""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

from lexiloom.errors import SettingsError
from lexiloom.models.seeding import seeded
from lexiloom_heads.pooling import Pooling
from lexiloom_heads.settings import CLASSIFICATION_DEFAULTS, validate

NEW_EXCLUSIVE_BIAS = -5000.0
"""The bias of a label added by :meth:`ClassificationHead.resize_output` to an exclusive head:
its probability is 0, so the old labels' probabilities stay exactly as they were (spaCy's textcat
does the same)."""


class ClassificationHead(nn.Module):
    """Logits ``(batch, output_size)`` from encoder states ``(batch, time, input_size)``.

    pooling (see :class:`~lexiloom_heads.pooling.Pooling`) → dropout → [linear →
    ReLU → dropout, when ``hidden_size`` > 0] → linear output layer. ``exclusive`` chooses the
    activation of :meth:`probabilities`: softmax (one label per text) or sigmoid (multi-label).
    ``seed`` fixes the initial weights without touching torch's global random stream.

    >>> head = ClassificationHead(4, 3, pooling="mean", seed=0)
    >>> head(torch.ones(2, 5, 4), torch.tensor([5, 2])).shape
    torch.Size([2, 3])
    """

    per_position = False
    name = "classification"

    def __init__(
        self,
        input_size: int,
        output_size: int,
        *,
        pooling: str = CLASSIFICATION_DEFAULTS["pooling"],
        exclusive: bool = CLASSIFICATION_DEFAULTS["exclusive"],
        hidden_size: int = CLASSIFICATION_DEFAULTS["hidden_size"],
        dropout: float = CLASSIFICATION_DEFAULTS["dropout"],
        seed: int | None = CLASSIFICATION_DEFAULTS["seed"],
    ) -> None:
        super().__init__()
        settings = validate(self.name, input_size, output_size, {
            "pooling": pooling, "exclusive": exclusive, "hidden_size": hidden_size,
            "dropout": dropout, "seed": seed,
        })
        self.input_size = input_size
        self.pooling_kind = settings["pooling"]
        self.exclusive = settings["exclusive"]
        self.hidden_size = settings["hidden_size"]
        self.dropout_rate = settings["dropout"]
        self.seed = settings["seed"]
        with seeded(self.seed):
            self.pooling = Pooling(self.pooling_kind, input_size)
            self.hidden = (nn.Linear(input_size, self.hidden_size)
                           if self.hidden_size else None)
            self.output = nn.Linear(self.hidden_size or input_size, output_size)
        self.dropout = nn.Dropout(self.dropout_rate)

    @property
    def output_size(self) -> int:
        """The number of labels (logits per text)."""
        return self.output.out_features

    def forward(self, states: torch.Tensor, lengths: torch.Tensor,
                final: torch.Tensor | None = None) -> torch.Tensor:
        """Logits for each sequence; ``final`` (the encoder's) is needed by pooling ``final``."""
        features = self.dropout(self.pooling(states, lengths, final))
        if self.hidden is not None:
            features = self.dropout(torch.relu(self.hidden(features)))
        return self.output(features)

    def probabilities(self, logits: torch.Tensor) -> torch.Tensor:
        """Softmax over labels (exclusive) or an independent sigmoid per label (multi-label)."""
        return torch.softmax(logits, dim=-1) if self.exclusive else torch.sigmoid(logits)

    def resize_output(self, new_size: int, *, new_bias: float | None = None) -> None:
        """Grow the output layer to ``new_size`` labels, in place, keeping every old label's
        weights and bias (so old labels' logits are unchanged).

        New rows get zero weights and bias ``new_bias``; by default
        :data:`NEW_EXCLUSIVE_BIAS` for exclusive heads (old probabilities unchanged, as in
        spaCy) and 0 for multi-label heads. The same size is a no-op; shrinking is refused.
        """
        old = self.output
        if isinstance(new_size, bool) or not isinstance(new_size, int) or new_size < 1:
            raise SettingsError(f"the new number of labels must be a positive integer, "
                                f"not {new_size!r}")
        if new_size == old.out_features:
            return
        if new_size < old.out_features:
            raise SettingsError(f"cannot shrink the output layer from {old.out_features} to "
                                f"{new_size} labels; build a new model instead")
        if new_bias is None:
            new_bias = NEW_EXCLUSIVE_BIAS if self.exclusive else 0.0
        grown = nn.Linear(old.in_features, new_size, device=old.weight.device,
                          dtype=old.weight.dtype)
        with torch.no_grad():
            grown.weight.zero_()
            grown.weight[: old.out_features] = old.weight
            grown.bias.fill_(new_bias)
            grown.bias[: old.out_features] = old.bias
        self.output = grown

    def to_config(self) -> dict[str, Any]:
        """The user settings, accepted back by the registry factory."""
        return {"pooling": self.pooling_kind, "exclusive": self.exclusive,
                "hidden_size": self.hidden_size, "dropout": self.dropout_rate,
                "seed": self.seed}
