"""Pooling over time: one vector per sequence from the encoder's per-position states.

Every pooling ignores padded positions (even if they hold non-zero values), so a sequence's
result does not depend on the other sequences in its batch. A zero-length sequence pools to zeros.
"""

from __future__ import annotations

import torch
from torch import nn

from lexiloom.errors import SettingsError
from lexiloom_heads.settings import POOLINGS


class Pooling(nn.Module):
    """``last`` (last real position), ``mean``, ``max`` (element-wise over real positions),
    ``attention`` (a learned query vector scores each position; masked softmax; weighted sum) or
    ``final`` (the encoder's ``final`` state, passed to :meth:`forward`).

    >>> pool = Pooling("mean", 2)
    >>> pool(torch.tensor([[[1., 2.], [3., 4.], [9., 9.]]]), torch.tensor([2])).tolist()
    [[2.0, 3.0]]
    """

    def __init__(self, kind: str, input_size: int) -> None:
        super().__init__()
        if kind not in POOLINGS:
            raise SettingsError(f"unknown pooling {kind!r}; use one of {', '.join(POOLINGS)}")
        self.kind = kind
        self.input_size = input_size
        self.query = None
        if kind == "attention":
            self.query = nn.Parameter(torch.randn(input_size) / input_size**0.5)

    def forward(self, states: torch.Tensor, lengths: torch.Tensor,
                final: torch.Tensor | None = None) -> torch.Tensor:
        """(batch, time, input_size) states with true ``lengths`` → (batch, input_size)."""
        if self.kind == "final":
            if final is None:
                raise SettingsError("pooling 'final' needs the encoder's final state: call the "
                                    "head with final=..., or choose another pooling")
            return final
        batch, time, size = states.shape
        lengths = torch.as_tensor(lengths).to(states.device, torch.int64)
        if time == 0:
            return states.new_zeros(batch, size)
        positions = torch.arange(time, device=states.device)
        mask = positions.unsqueeze(0) < lengths.unsqueeze(1)              # (batch, time)
        present = (lengths > 0).unsqueeze(1)                              # (batch, 1)
        if self.kind == "last":
            rows = torch.arange(batch, device=states.device)
            return states[rows, (lengths - 1).clamp(min=0)].where(present, 0.0)
        if self.kind == "mean":
            total = states.masked_fill(~mask.unsqueeze(2), 0.0).sum(dim=1)
            return total / lengths.clamp(min=1).unsqueeze(1).to(states.dtype)
        # max and attention: a zero-length row is treated as all-real, then zeroed.
        mask = mask | (lengths == 0).unsqueeze(1)
        if self.kind == "max":
            pooled = states.masked_fill(~mask.unsqueeze(2), float("-inf")).amax(dim=1)
            return pooled.where(present, 0.0)
        scores = (states @ self.query).masked_fill(~mask, float("-inf"))  # (batch, time)
        weights = torch.softmax(scores, dim=1).masked_fill(~mask, 0.0)
        pooled = (weights.unsqueeze(2) * states.masked_fill(~mask.unsqueeze(2), 0.0)).sum(dim=1)
        return pooled.where(present, 0.0)

    def extra_repr(self) -> str:
        return f"kind={self.kind!r}"
