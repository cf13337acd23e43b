"""What thinc's optimizers and schedules lack for recurrent models, registered for spaCy configs:

- ``lexiloom.Adam.v1``: thinc's ``Adam.v1`` plus ``global_grad_clip``, clipping by the norm of
  all of a lexiloom torch module's gradients together (``torch.nn.utils.clip_grad_norm_``), the
  usual remedy for exploding gradients in recurrent networks. thinc's own ``grad_clip`` clips
  each parameter array by its own norm, which changes the direction of the update.
  ``lexiloom.SGD.v1`` is thinc's ``SGD.v1`` with the same.
- ``lexiloom.warmup_cosine.v1``: a learning rate that rises linearly over ``warmup_steps``, then
  follows a half cosine to ``final_rate`` at ``total_steps``.

::

    [training.optimizer]
    @optimizers = "lexiloom.Adam.v1"
    global_grad_clip = 1.0
    grad_clip = 0.0

    [training.optimizer.learn_rate]
    @schedules = "lexiloom.warmup_cosine.v1"
    initial_rate = 0.002
    warmup_steps = 30
    total_steps = ${training.max_steps}

The global norm is taken per lexiloom component's torch module when its shim applies the
update (:class:`lexiloom.spacy.torch_shim.InPlaceUpdateShim`); thinc layers of other components
receive ``grad_clip`` per array, as with thinc's optimizers.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

from thinc.api import Optimizer

from lexiloom.errors import SettingsError
from lexiloom.spacy.names import ADAM_OPTIMIZER, SGD_OPTIMIZER, WARMUP_COSINE


class GlobalNormOptimizer(Optimizer):
    """A thinc :class:`~thinc.api.Optimizer` that also carries ``global_grad_clip`` (0: off)."""

    __slots__ = ["global_grad_clip"]

    def __init__(self, *args: Any, global_grad_clip: float = 0.0, name: str = ADAM_OPTIMIZER,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if isinstance(global_grad_clip, bool) or not isinstance(global_grad_clip, int | float) \
                or global_grad_clip < 0:
            raise SettingsError(f"{name}: global_grad_clip must be a number >= 0 (0: no "
                                f"clipping), not {global_grad_clip!r}")
        self.global_grad_clip = float(global_grad_clip)


def global_grad_clip(optimizer: Any) -> float:
    """The global gradient-norm bound ``optimizer`` asks for (0.0: none)."""
    return float(getattr(optimizer, "global_grad_clip", 0.0) or 0.0)


def adam_v1(learn_rate: Any = 0.001, *, L2: Any = 0.0, beta1: Any = 0.9, beta2: Any = 0.999,
            eps: Any = 1e-08, grad_clip: Any = 0.0, global_grad_clip: float = 1.0,
            L2_is_weight_decay: bool = True, use_averages: bool = False) -> GlobalNormOptimizer:
    """``lexiloom.Adam.v1``: Adam (thinc's, with its settings) whose updates of lexiloom torch
    modules are clipped to a global gradient norm of ``global_grad_clip`` (0: off)."""
    return GlobalNormOptimizer(learn_rate, L2=L2, beta1=beta1, beta2=beta2, eps=eps,
                               grad_clip=grad_clip, L2_is_weight_decay=L2_is_weight_decay,
                               use_averages=use_averages, use_radam=False,
                               global_grad_clip=global_grad_clip)


def sgd_v1(learn_rate: Any, *, L2: Any = 0.0, grad_clip: Any = 0.0,
           global_grad_clip: float = 1.0, L2_is_weight_decay: bool = True,
           use_averages: bool = False) -> GlobalNormOptimizer:
    """``lexiloom.SGD.v1``: plain SGD (thinc's, with its settings) with the global gradient-norm
    clipping of :func:`adam_v1`."""
    return GlobalNormOptimizer(learn_rate, L2=L2, grad_clip=grad_clip, beta1=0.0, beta2=0.0,
                               L2_is_weight_decay=L2_is_weight_decay, use_averages=use_averages,
                               global_grad_clip=global_grad_clip, name=SGD_OPTIMIZER)


def warmup_cosine_v1(initial_rate: float, total_steps: int, warmup_steps: int = 0,
                     final_rate: float = 0.0) -> Iterator[float]:
    """``lexiloom.warmup_cosine.v1``: ``initial_rate * (step + 1) / warmup_steps`` during the
    warm-up, then a half cosine from ``initial_rate`` down to ``final_rate`` at
    ``total_steps`` (and ``final_rate`` after it)."""
    for name, value in (("total_steps", total_steps), ("warmup_steps", warmup_steps)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise SettingsError(f"{WARMUP_COSINE}: {name} must be a non-negative integer, not "
                                f"{value!r}")
    if total_steps < 1:
        raise SettingsError(f"{WARMUP_COSINE}: total_steps must be positive, not "
                            f"{total_steps!r}; set it (e.g. to ${{training.max_steps}}) and give "
                            "[training] max_steps a value")

    def rates() -> Iterator[float]:
        step = 0
        while True:
            if step < warmup_steps:
                yield initial_rate * (step + 1) / warmup_steps
            else:
                progress = min(1.0, (step - warmup_steps) / max(1, total_steps - warmup_steps))
                yield final_rate + (initial_rate - final_rate) * 0.5 * (
                    1.0 + math.cos(math.pi * progress))
            step += 1

    return rates()


__all__ = ["GlobalNormOptimizer", "adam_v1", "global_grad_clip", "sgd_v1", "warmup_cosine_v1"]
