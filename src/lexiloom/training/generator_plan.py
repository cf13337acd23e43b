"""Defaults that fit the data and the machine for ``lexiloom train --task generate``.

With no ``--config`` the generator's size follows the amount of training text
(:func:`model_for`), and with no ``--max-steps``/``--epochs`` its step budget follows this
machine: a few updates are timed on the real model and batches (then undone: weights, stream
states and random states are put back, so the run is what it would have been), and the run gets
the steps that fit ``max_seconds`` (evaluation time reserved), at most :data:`MAX_EPOCHS` passes
over the text, evaluated about :data:`EVALUATIONS` times. The learning-rate decay ends at that
step budget, so a run is not cut by the clock with its learning rate still high. What was chosen,
and why, is printed and written at the top of ``OUT/config.cfg``; ``max_steps`` in that file
makes ``spacy train OUT/config.cfg`` repeat the run on any machine.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from typing import Any

from lexiloom.training import seeds

MAX_EPOCHS = 20
"""Passes over the training text a default budget stops at (``model-best`` keeps the best dev
score, so more would only overfit)."""

DEFAULT_SECONDS = 600.0
"""The time budget when the config sets none."""

EVALUATIONS = 20
"""About how many dev evaluations a default budget makes."""

SIZES = ((100_000, 128, 32, 0.1), (None, 256, 64, 0.1))
"""``(up to this many training tokens, LSTM hidden size, embedding dim, encoder dropout)``: two
layers each; the last row is ``configs/generator_char.cfg`` (the Tiny Shakespeare benchmark's
shape). Measured on the first 200 kB of Tiny Shakespeare (180 k training characters, 20
epochs, one thread each): 2x256 reached 1.586 nats/char on the last 10% (295 s), 2x128 1.805
(125 s); a character bigram count model 2.48. Larger models are not offered: on a CPU the time
budget binds first, and a 2x512 LSTM reads a quarter of the text a 2x256 one reads in the same
minutes."""


@dataclass
class Budget:
    """A step budget: ``max_steps`` (spaCy's count), ``eval_frequency``, and why."""

    max_steps: int
    eval_frequency: int
    reason: str


def model_for(tokens: int) -> tuple[dict[str, Any], dict[str, Any], str]:
    """The encoder and embedder blocks for about ``tokens`` training tokens, and why."""
    for limit, hidden, dim, dropout in SIZES:
        if limit is None or tokens <= limit:
            reason = (f"about {tokens:,} training tokens: a 2x{hidden} LSTM, {dim}-dimensional "
                      f"embeddings, dropout {dropout} between layers")
            return ({"name": "lstm", "hidden_size": hidden, "num_layers": 2,
                     "bidirectional": False, "dropout": dropout},
                    {"name": "trainable", "dim": dim}, reason)
    raise AssertionError("SIZES ends with an open row")


def step_seconds(nlp: Any, component: str, corpus: Any, *, dropout: float,
                 steps: int = 4) -> float:
    """Seconds one update of ``component`` takes on batches of ``corpus`` (the median of
    ``steps - 1`` timed updates after a warm-up one); the model, its stream states and every
    random state are restored afterwards."""
    import itertools

    from thinc.api import Adam

    from lexiloom.spacy.text_streams import stream_batcher_v1

    generator = nlp.get_pipe(component)
    weights = {k: v.detach().clone() for k, v in generator.module.state_dict().items()}
    random_state = seeds.capture()
    optimizer = Adam(0.0, use_averages=False)  # a rate of 0: the timing, not the learning
    batches = itertools.islice(stream_batcher_v1()(corpus(nlp)), steps)
    times = []
    try:
        for batch in batches:
            began = time.perf_counter()
            generator.update(batch, drop=dropout, sgd=optimizer)
            times.append(time.perf_counter() - began)
    finally:
        generator.module.load_state_dict(weights)
        generator.streams.clear()
        seeds.restore(random_state)
    return statistics.median(times[1:] or times)


def evaluation_seconds(generator: Any, dev_ids: Any, *, sample: int = 4096) -> float:
    """Seconds one dev evaluation of ``dev_ids`` takes (a timed pass over up to ``sample`` of
    them, scaled to all)."""
    import torch

    from lexiloom.models.perplexity import evaluate_language_model

    ids = torch.as_tensor(dev_ids[:sample]).long()
    began = time.perf_counter()
    evaluate_language_model(generator.module, [ids])
    return (time.perf_counter() - began) * len(dev_ids) / max(1, len(ids))


def plan(step_time: float, eval_time: float, chunks_per_epoch: int,
         max_seconds: float, *, evaluations: int = EVALUATIONS) -> Budget:
    """The step budget for updates of ``step_time`` seconds and evaluations of ``eval_time``
    within ``max_seconds`` (``evaluations`` of them, and 10% more per update for the loop
    around it), at most :data:`MAX_EPOCHS` epochs of ``chunks_per_epoch`` updates."""
    by_time = (max_seconds - evaluations * eval_time) / (1.1 * step_time)
    by_epochs = MAX_EPOCHS * chunks_per_epoch
    steps = max(evaluations, int(min(by_time, by_epochs)))
    frequency = max(1, steps // evaluations)
    if by_time < by_epochs:
        reason = (f"{step_time * 1000:.0f} ms per update and {eval_time:.1f} s per evaluation "
                  f"here: {steps:,} updates ({steps / chunks_per_epoch:.1f} epochs) fit "
                  f"max_seconds = {max_seconds:g}")
    else:
        reason = (f"{MAX_EPOCHS} epochs of {chunks_per_epoch:,} updates fit max_seconds = "
                  f"{max_seconds:g} ({step_time * 1000:.0f} ms per update here)")
    return Budget(max_steps=steps - 1, eval_frequency=frequency,
                  reason=f"{reason}; evaluated every {frequency:,} updates")


__all__ = ["EVALUATIONS", "MAX_EPOCHS", "SIZES", "Budget", "evaluation_seconds", "model_for",
           "plan", "step_seconds"]
