"""``lexiloom train --init-encoder``: a classifier that starts from a pretrained bidirectional
language model and is fine-tuned the ULMFiT way, all in the spaCy config it writes: the
language model's block sizes, ``lexiloom.init_encoder.v1`` after ``initialize`` (discriminative
learning rates), ``lexiloom.gradual_unfreezing.v1`` before each update (one epoch per stage) and
thinc's ``slanted_triangular.v1`` learning rate up to the run's step cap."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from lexiloom.errors import SettingsError
from lexiloom.spacy.init_encoder import (
    GRADUAL_UNFREEZING,
    INIT_ENCODER,
    SHAPE_SETTINGS,
    pretrained_blocks,
)
from lexiloom.training.config import TrainConfig

SLANTED_TRIANGULAR = "slanted_triangular.v1"
FINE_TUNING_EPOCHS = 8
"""The longest default fine-tuning run: two epochs of gradual unfreezing, then six of the whole
model (ULMFiT fine-tunes for a few epochs; early stopping usually ends it sooner)."""
MIN_SLANTED_STEPS = 20
"""The shortest run given a slanted-triangular schedule (thinc's divides by its warm-up steps,
a tenth of the run, which must not round to 0)."""


def with_pretrained_blocks(cfg: TrainConfig) -> tuple[TrainConfig, list[str]]:
    """``cfg`` with the embedder and encoder sizes of the model at ``cfg.init_encoder`` (other
    settings, such as dropout, stay the user's or the plan's); a SettingsError when the user
    gave a size that differs."""
    embedder, encoder = pretrained_blocks(cfg.init_encoder)
    wanted = {"embedder": {"name": embedder["name"], "dim": embedder["dim"]},
              "encoder": {k: encoder[k] for k in SHAPE_SETTINGS if k in encoder}}
    blocks = {}
    for kind, sizes in wanted.items():
        given = dict(getattr(cfg, kind) or {})
        clash = [f"{key}={given[key]!r}" for key, value in sizes.items()
                 if key in given and given[key] != value]
        if clash:
            raise SettingsError(f"--init-encoder {cfg.init_encoder}: the pretrained {kind} has "
                                f"{', '.join(f'{k}={v!r}' for k, v in sizes.items())}, not "
                                f"{', '.join(clash)}; drop those settings")
        blocks[kind] = {**given, **sizes}
    line = (f"pretrained encoder {cfg.init_encoder}: {encoder['name']} {encoder['hidden_size']} "
            f"units, {embedder['dim']}-dimensional embeddings")
    return dataclasses.replace(cfg, **blocks), [line]


def configure(spacy_config: Any, cfg: TrainConfig, texts: int, *,
              length_given: bool = False) -> list[str]:
    """Write the fine-tuning callbacks and schedule into ``spacy_config`` for ``texts``
    training texts; unless ``length_given`` (``--max-steps``/``--epochs``), the run ends after
    at most :data:`FINE_TUNING_EPOCHS` epochs, the span of the learning-rate schedule. Returns
    what to tell the user."""
    initialize = spacy_config.setdefault("initialize", {})
    then = initialize.get("after_init")
    initialize["after_init"] = {"@callbacks": INIT_ENCODER,
                                "path": str(Path(cfg.init_encoder).resolve()),
                                **({"then": then} if then else {})}
    training = spacy_config.setdefault("training", {})
    batch = int(cfg.batch_size or (training.get("batcher") or {}).get("size") or 32)
    epoch = max(1, -(-texts // batch))
    lines = []
    if training.get("before_update"):
        lines.append("gradual unfreezing left out: the config has its own before_update")
    else:
        training["before_update"] = {"@callbacks": GRADUAL_UNFREEZING, "steps": epoch}
        lines.append(f"fine-tuning: head alone for {epoch} updates (an epoch), then the encoder, "
                     "then the embeddings; encoder and embeddings at 1/2.6 and 1/2.6^2 of the "
                     "head's learning rate")
    if not length_given and int(training.get("max_steps") or 0) > FINE_TUNING_EPOCHS * epoch:
        training["max_steps"] = FINE_TUNING_EPOCHS * epoch
        lines.append(f"fine-tuning for at most {FINE_TUNING_EPOCHS} epochs: max_steps = "
                     f"{training['max_steps']}")
    optimizer = training.setdefault("optimizer", {})
    rate = cfg.lr if cfg.lr is not None else _peak(optimizer.get("learn_rate", 0.001))
    if int(training.get("max_steps") or 0) < MIN_SLANTED_STEPS:
        lines.append("slanted-triangular learning rate left out: it needs a run of at least "
                     f"{MIN_SLANTED_STEPS} steps (max_steps)")
        return lines
    optimizer["learn_rate"] = {"@schedules": SLANTED_TRIANGULAR, "max_rate": rate,
                               "num_steps": "${training.max_steps}"}
    lines.append(f"slanted-triangular learning rate up to {rate:g} over max_steps")
    return lines


def _peak(rate: Any) -> float:
    if isinstance(rate, dict):
        for key in ("max_rate", "initial_rate", "rate"):
            if key in rate:
                return float(rate[key])
        raise SettingsError("--init-encoder: cannot read a peak learning rate from the "
                            "config's schedule; pass --lr")
    return float(rate)


__all__ = ["configure", "with_pretrained_blocks"]
