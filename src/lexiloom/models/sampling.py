"""Choosing the next token from logits: greedy, temperature, top-k and top-p (nucleus).

>>> sampler = Sampler(temperature=0.8, top_k=40, top_p=0.95, seed=7)
>>> token = sampler.choose(logits)          # doctest: +SKIP

The same seed and the same logits give the same choices; ``temperature=0`` is greedy (always the
most likely token), and so, in effect, is ``top_k=1`` (only the most likely token can be drawn).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import torch

from lexiloom.errors import SettingsError
from lexiloom.models.seeding import check_seed


def check_sampling(temperature: Any, top_k: Any, top_p: Any) -> tuple[float, int | None,
                                                                      float | None]:
    """Checked ``(temperature, top_k, top_p)``; a SettingsError names a bad one and the fix."""
    if isinstance(temperature, bool) or not isinstance(temperature, (int, float)) \
            or not math.isfinite(temperature) or temperature < 0:
        raise SettingsError(f"temperature must be a number ≥ 0 (0: greedy, 1: the model's "
                            f"distribution), not {temperature!r}")
    if top_k is not None and (isinstance(top_k, bool) or not isinstance(top_k, int) or top_k < 1):
        raise SettingsError(f"top_k must be a positive integer (1: greedy) or null for no "
                            f"limit, not {top_k!r}")
    if top_p is not None and (isinstance(top_p, bool) or not isinstance(top_p, (int, float))
                              or not 0 < top_p <= 1):
        raise SettingsError(f"top_p must be a number in (0, 1] (1: no nucleus cut) or null, "
                            f"not {top_p!r}")
    return float(temperature), top_k, None if top_p is None else float(top_p)


class Sampler:
    """Picks one token id from a vector of logits.

    In order: ``banned`` ids get probability 0; ``temperature`` 0 returns the most likely id
    (greedy); otherwise only the ``top_k`` most likely ids are kept, the logits are divided by
    ``temperature`` (< 1 sharper, > 1 flatter), then only the smallest set of most likely ids
    whose probability reaches ``top_p`` (nucleus), and one id is drawn from what remains with a
    private ``torch.Generator`` seeded by ``seed`` (``None``: a fresh random seed). The global
    torch random stream is never used or changed.
    """

    def __init__(self, *, temperature: float = 1.0, top_k: int | None = None,
                 top_p: float | None = None, seed: int | None = None,
                 banned: Iterable[int] = ()) -> None:
        self.temperature, self.top_k, self.top_p = check_sampling(temperature, top_k, top_p)
        self.seed = check_seed(seed, "generation")
        self.banned = sorted(set(banned))
        self._mask: torch.Tensor | None = None
        self.generator = torch.Generator()
        if self.seed is None:
            self.generator.seed()
        else:
            self.generator.manual_seed(self.seed)

    def _ban_mask(self, logits: torch.Tensor) -> torch.Tensor:
        """0 for allowed ids and -inf for banned ones (float64, cached per vocabulary size)."""
        size = logits.shape[0]
        if self._mask is None or self._mask.shape[0] != size:
            self._mask = torch.zeros(size, dtype=torch.float64)
            self._mask[[i for i in self.banned if 0 <= i < size]] = float("-inf")
        return self._mask

    @property
    def greedy(self) -> bool:
        """Whether choices are argmaxes (temperature 0) rather than draws."""
        return self.temperature == 0

    def filtered_logits(self, logits: torch.Tensor) -> torch.Tensor:
        """``logits`` (vocab,) after banning, temperature, top-k and top-p, shifted so the best
        is 0, in float64: the ids that cannot be drawn are ``-inf``. Top-k keeps exactly k ids
        (ties broken by ``torch.topk``)."""
        logits = self._ban_mask(logits) + logits.detach()  # a float64 copy, in one operation
        top = float(logits.max())
        if not math.isfinite(top):
            raise SettingsError("no token can be chosen: every id is banned or has -inf/nan "
                                "logits; check the model's outputs and the banned ids")
        if self.top_k is not None and self.top_k < logits.numel():
            # Before the temperature (which keeps the order) so its rounding makes no ties.
            keep = torch.topk(logits, self.top_k).indices
            logits = torch.full_like(logits, float("-inf")).index_copy(0, keep, logits[keep])
        if self.temperature > 0:
            # Shifted first so a tiny temperature cannot overflow: the best logit becomes 0.
            logits = logits.sub_(top).div_(self.temperature)   # our own copy: in place
        if self.top_p is not None and self.top_p < 1:
            ordered, order = torch.sort(logits, descending=True)
            mass = torch.softmax(ordered, dim=0)
            drop = (mass.cumsum(0) - mass) >= self.top_p      # the mass before it reaches p
            logits[order[drop]] = float("-inf")
        return logits

    def choose(self, logits: torch.Tensor) -> int:
        """The next token id for ``logits`` (vocab,)."""
        if logits.dim() != 1:
            raise SettingsError(f"choose expects one vector of logits, not shape "
                                f"{tuple(logits.shape)}")
        if self.greedy and self.top_k is None and self.top_p is None:
            # The argmax of the unbanned logits, without the copies filtering makes.
            best, index = torch.max(self._ban_mask(logits) + logits.detach(), 0)
            if not math.isfinite(float(best)):
                self.filtered_logits(logits)   # raises the error that names the problem
            return int(index)
        filtered = self.filtered_logits(logits)
        if self.greedy:
            return int(torch.argmax(filtered))
        probabilities = torch.softmax(filtered, dim=0)
        # What torch.multinomial(probabilities, 1, generator=...) does for one draw (the
        # exponential race: argmax of p / q with q ~ Exp(1)), the same draws from the same
        # seed, without its validity checks: filtering makes the probabilities valid.
        race = torch.empty_like(probabilities).exponential_(generator=self.generator)
        return int(torch.argmax(torch.div(probabilities, race, out=race)))


__all__ = ["Sampler", "check_sampling"]
