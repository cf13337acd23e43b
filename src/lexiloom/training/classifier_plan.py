"""Defaults that fit the data for ``lexiloom train --task classify|sentiment``.

With no ``--config`` and no model flags, the classifier's size follows the amount of labelled
data (:func:`model_for`), and its schedule follows the data too (:func:`schedule_for`): texts
per update, how often the dev set is scored, how long training goes on without a better dev
score, a cap on epochs, and a wall-clock budget (``[lexiloom] max_seconds``) that grows with the
training tokens. ``model-best`` keeps the best dev score. Options given on the command line win
over every choice here. What was chosen, and why, is printed and written at the top of
``OUT/config.cfg``; ``max_steps`` in that file makes ``spacy train OUT/config.cfg`` repeat the
run (the clock's cut included) on any machine.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

MAX_EPOCHS = 30
"""Passes over the training texts a default run stops at (the dev score has long peaked)."""

PATIENCE_EPOCHS = 2
"""Epochs without a better dev score before a default run stops. On SST-2 (two seeds), 2 and 3
found the same best dev score (at steps 216 and 756) and 2 ended 5 to 19 s sooner."""

SECONDS_BASE = 60.0
SECONDS_PER_TOKEN = 0.0015
SECONDS_CAP = 900.0
"""The default wall-clock budget: ``SECONDS_BASE`` plus ``SECONDS_PER_TOKEN`` per training
token, at most ``SECONDS_CAP`` (SST-2's 130 k training tokens: about 4 minutes)."""

SIZES = ((2_000, 64, 64), (None, 128, 128))
"""``(up to this many training texts, embedding dim, BiGRU hidden size)``. Few texts: a small
recurrent part (the n-gram part carries most of the signal and the recurrent part must not
memorise); more texts: a larger one."""


@dataclass
class Schedule:
    """Training settings in spaCy's units (steps), and why."""

    batch_size: int
    eval_frequency: int
    patience: int
    max_steps: int
    max_seconds: float
    reason: str


def model_for(texts: int) -> tuple[dict[str, Any], dict[str, Any], str]:
    """The embedder and encoder blocks for ``texts`` training texts, and why."""
    for limit, dim, hidden in SIZES:
        if limit is None or texts <= limit:
            reason = (f"{texts:,} training texts: a BiGRU of {hidden} per direction over "
                      f"{dim}-dimensional embeddings, beside the n-gram part")
            return ({"name": "trainable", "dim": dim},
                    {"name": "gru", "hidden_size": hidden, "num_layers": 1,
                     "bidirectional": True, "dropout": 0.0}, reason)
    raise AssertionError("SIZES ends with an open row")


def schedule_for(texts: int, tokens: int, batch: int | None = None) -> Schedule:
    """The schedule for ``texts`` training texts of ``tokens`` tokens in all: batches of
    ``batch`` texts (default 32; 16 below 1,000 texts, so that small data gets enough
    updates), the dev set scored
    about twice per epoch (every 10 to 200 updates), patience of :data:`PATIENCE_EPOCHS`
    epochs (at least 5 evaluations), at most :data:`MAX_EPOCHS` epochs and the data-sized clock
    budget."""
    if texts < 1:
        raise ValueError("no training texts")
    batch = batch or (32 if texts >= 1_000 else 16)
    per_epoch = math.ceil(texts / batch)
    frequency = min(200, max(10, per_epoch // 2))
    patience = max(5 * frequency, PATIENCE_EPOCHS * per_epoch)
    max_steps = MAX_EPOCHS * per_epoch
    seconds = min(SECONDS_CAP, SECONDS_BASE + SECONDS_PER_TOKEN * tokens)
    reason = (f"{texts:,} texts, about {tokens:,} tokens: batches of {batch} "
              f"({per_epoch:,} updates per epoch), dev scored every {frequency:,} updates, "
              f"stop after {patience:,} updates without a better score, at most {MAX_EPOCHS} "
              f"epochs ({max_steps:,} updates) or {seconds:.0f} s (max_seconds)")
    return Schedule(batch, frequency, patience, max_steps - 1, round(seconds), reason)


def separate_losses_for(static_vectors: bool) -> tuple[bool, str]:
    """Whether the n-gram and recurrent parts learn from separate losses
    (``lexiloom.TextClassifier.v4``'s ``ngram_separate_loss``), and why: only when the recurrent
    part reads pretrained word vectors. From scratch both parts learn from the same texts and
    separate losses gave the same accuracy in about 1.4x the time (3 seeds: SST-2 81.3 and
    81.4, TREC 88.6 and 88.3); with vectors the recurrent part brings what the n-gram part
    cannot, and under one loss it stopped learning once the n-gram part fitted the training
    texts (TREC 91.9 against 88.5, SST-2 82.6 against 81.9; benchmarks/README.md)."""
    if static_vectors:
        return True, ("separate losses for the n-gram and recurrent parts: the recurrent part "
                      "reads pretrained vectors, and on a shared loss it would stop learning "
                      "once the n-gram part fits the training texts")
    return False, ("one shared loss for the n-gram and recurrent parts (from scratch, separate "
                   "losses reached the same accuracy in more time)")


def approximate_tokens(texts: list[str]) -> int:
    """About how many tokens ``texts`` have (whitespace-separated pieces, plus a tenth for
    punctuation split off by the tokenizer)."""
    return int(sum(len(text.split()) for text in texts) * 1.1)


__all__ = ["MAX_EPOCHS", "PATIENCE_EPOCHS", "SIZES", "Schedule", "approximate_tokens", "model_for",
           "schedule_for", "separate_losses_for"]
