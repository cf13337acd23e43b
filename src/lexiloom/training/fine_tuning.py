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
    pretrained_blocks,
)
from lexiloom.training.config import TrainConfig

SLANTED_TRIANGULAR = "slanted_triangular.v1"
FINE_TUNING_EPOCHS = 8
"""The longest default fine-tuning run: two epochs of gradual unfreezing, then six of the whole
model (ULMFiT fine-tunes for a few epochs; early stopping usually ends it sooner)."""
MIN_SLANTED_STEPS = 20
"""The shortest run (in updates) given a slanted-triangular schedule: thinc's divides by its
warm-up steps, a tenth of the run, which must not round to 0."""


def with_pretrained_blocks(cfg: TrainConfig) -> tuple[TrainConfig, list[str]]:
    """``cfg`` with the embedder and encoder sizes of the model at ``cfg.init_encoder`` (other
    settings, such as dropout, stay the user's or the plan's); a SettingsError when the user
    gave a size that differs."""
    embedder, encoder = pretrained_blocks(cfg.init_encoder)
    wanted = {"embedder": embedder, "encoder": encoder}
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
    batch, note = _batch_size(cfg, training)
    epoch = max(1, -(-texts // batch))
    lines = [note] if note else []
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
    limits = ([cfg.epochs * epoch] if cfg.epochs else []) + (
        [int(training["max_steps"]) + 1] if training.get("max_steps") else [])
    updates = min(limits, default=0)  # spaCy's loop makes max_steps + 1 updates
    if updates < MIN_SLANTED_STEPS:
        lines.append("slanted-triangular learning rate left out: it needs a run of at least "
                     f"{MIN_SLANTED_STEPS} updates (max_steps or epochs)")
        return lines
    optimizer["learn_rate"] = {"@schedules": SLANTED_TRIANGULAR, "max_rate": rate,
                               "num_steps": slanted_steps(updates)}
    lines.append(f"slanted-triangular learning rate up to {rate:g} over {updates:,} updates")
    return lines


def slanted_steps(updates: int) -> int:
    """The ``num_steps`` of thinc's ``slanted_triangular.v1`` that lasts ``updates`` updates
    without going negative: it rises for ``int(num_steps / 10)`` steps and falls for nine times
    that, after which it is below zero, so ``num_steps`` is ``updates`` rounded up to tens."""
    return 10 * -(-updates // 10)


def _batch_size(cfg: TrainConfig, training: dict[str, Any]) -> tuple[int, str]:
    """Texts per update (for the length of an unfreezing stage), and a note when it is a
    guess."""
    if cfg.batch_size:
        return int(cfg.batch_size), ""
    batcher = training.get("batcher") or {}
    size = batcher.get("size")
    if batcher.get("@batchers") == "spacy.batch_by_sequence.v1" and isinstance(size, int):
        return size, ""
    return 32, ("unfreezing stages assume 32 texts per update (the config's batcher does not "
                "say; pass --batch-size)")


def _peak(rate: Any) -> float:
    if isinstance(rate, dict):
        for key in ("max_rate", "initial_rate", "rate"):
            if key in rate:
                return float(rate[key])
        raise SettingsError("--init-encoder: cannot read a peak learning rate from the "
                            "config's schedule; pass --lr")
    return float(rate)


__all__ = ["configure", "slanted_steps", "with_pretrained_blocks"]
