"""``pretrain(...)``: a bidirectional language model of raw text, the ULMFiT-style start of a
text classifier's embedding and BiGRU (``lexiloom pretrain``).

It is ``lexiloom train --task generate`` with ``configs/pretrain_bilm.cfg``: a
``lexiloom_generator`` with ``objective = "bidirectional"`` trained on spaCy's loop (checkpoints,
``--resume``, ``model-best`` by dev cross-entropy), its step budget fitted to ``max_seconds`` on
this machine unless ``epochs`` or ``max_steps`` bound it. ``OUT/model-best`` is what
``lexiloom train --init-encoder`` and the ``lexiloom.init_encoder.v1`` callback read.
"""

from __future__ import annotations

import os
from pathlib import Path

from lexiloom import atomic
from lexiloom.training.api import _check_writable_dir, _train, _train_generator
from lexiloom.training.config import CONFIG_DIR, TrainConfig
from lexiloom.training.outputs import TrainResult

PRETRAIN_CONFIG = CONFIG_DIR / "pretrain_bilm.cfg"
"""The spaCy config of the bidirectional language model."""

DEFAULT_SECONDS = 600.0
"""The wall-clock budget of a pretraining run when none is given."""

EVALUATIONS = 6
"""Dev evaluations in a budgeted run (a generator's 20 would spend a third of the budget on a
dev text the size of WikiText-2's: 17 s each at 128 units on one thread)."""


def pretrain(train: str, dev: str, out_dir: str | os.PathLike[str], *,
             max_seconds: float | None = DEFAULT_SECONDS, seed: int = 0,
             threads: int | None = None, epochs: int | None = None,
             max_steps: int | None = None, eval_every: int | None = None,
             dim: int | None = None,
             hidden_size: int | None = None, resume: bool = False,
             progress: bool = True) -> TrainResult:
    """Pretrain a bidirectional language model on the text files ``train`` (``dev`` for
    ``model-best``) into ``out_dir``; ``dim`` and ``hidden_size`` set the embedding and BiGRU
    sizes (default 128 each: what ``lexiloom train`` chooses above 2,000 texts). With
    ``resume`` the newest checkpoint in ``out_dir`` continues with its saved settings."""
    out = Path(out_dir)
    _check_writable_dir(out)
    with atomic.exclusive(out, "lexiloom pretrain"):
        if resume:
            return _train(None if threads is None else TrainConfig(threads=threads), out,
                          resume=True, progress=progress)
        config = TrainConfig(
            train=train, dev=dev, task="generate", spacy_config=str(PRETRAIN_CONFIG),
            seed=seed, threads=threads, epochs=epochs, max_steps=max_steps,
            eval_every=eval_every,
            max_seconds=max_seconds,
            embedder=None if dim is None else {"name": "trainable", "dim": dim},
            encoder=None if hidden_size is None else {"name": "gru", "hidden_size": hidden_size},
        ).validate()
        return _train_generator(config, out, progress, plan_steps=True,
                                evaluations=EVALUATIONS)


__all__ = ["DEFAULT_SECONDS", "EVALUATIONS", "PRETRAIN_CONFIG", "pretrain"]
