"""The ``generation`` head: next-token logits at every position (language models)."""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

from lexiloom.models.seeding import seeded
from lexiloom_heads.settings import GENERATION_DEFAULTS, validate_generation


class GenerationHead(nn.Module):
    """Logits ``(batch, time, output_size)`` over the vocabulary from encoder states
    ``(batch, time, input_size)``: the state at position ``t`` predicts token ``t + 1``.

    dropout → [linear projection to ``projection_size``, when > 0] → linear output layer
    (``self.output``, whose weight a language model may tie to its input embeddings).
    Logits at padded positions are computed but meaningless (a loss ignores them).
    ``seed`` fixes the initial weights without touching torch's global random stream.

    >>> head = GenerationHead(4, 10, seed=0)
    >>> head(torch.ones(2, 5, 4), torch.tensor([5, 2])).shape
    torch.Size([2, 5, 10])
    """

    per_position = True
    name = "generation"

    def __init__(
        self,
        input_size: int,
        output_size: int,
        *,
        projection_size: int = GENERATION_DEFAULTS["projection_size"],
        dropout: float = GENERATION_DEFAULTS["dropout"],
        seed: int | None = GENERATION_DEFAULTS["seed"],
    ) -> None:
        super().__init__()
        settings = validate_generation(input_size, output_size, {
            "projection_size": projection_size, "dropout": dropout, "seed": seed,
        })
        self.input_size = input_size
        self.projection_size = settings["projection_size"]
        self.dropout_rate = settings["dropout"]
        self.seed = settings["seed"]
        with seeded(self.seed):
            self.projection = (nn.Linear(input_size, self.projection_size)
                               if self.projection_size else None)
            self.output = nn.Linear(self.projection_size or input_size, output_size)
        self.dropout = nn.Dropout(self.dropout_rate)

    @property
    def output_size(self) -> int:
        """The vocabulary size (logits per position)."""
        return self.output.out_features

    @property
    def features_size(self) -> int:
        """The size of the output layer's input (the embedding dim needed for weight tying)."""
        return self.output.in_features

    def forward(self, states: torch.Tensor, lengths: torch.Tensor | None = None,
                final: torch.Tensor | None = None) -> torch.Tensor:
        """Next-token logits at every position of ``states`` (any leading shape works:
        (batch, time, input_size) or (batch, input_size) for one step); ``lengths`` and
        ``final`` are accepted for the :class:`~lexiloom.protocols.Head` contract and unused."""
        features = self.dropout(states) if self.training else states   # no call when generating
        if self.projection is not None:
            features = self.projection(features)
        return self.output(features)

    def probabilities(self, logits: torch.Tensor) -> torch.Tensor:
        """Softmax over the vocabulary (the last dimension)."""
        return torch.softmax(logits, dim=-1)

    def to_config(self) -> dict[str, Any]:
        """The user settings, accepted back by the registry factory."""
        return {"projection_size": self.projection_size, "dropout": self.dropout_rate,
                "seed": self.seed}
