"""The training loop: batches, ``nlp.update``, evaluation, early stopping, checkpoints, outputs.

:class:`Trainer` owns one pipeline, its optimizer and the data. Its seams for data-parallel
training (see ``docs/training.md``): :meth:`Trainer.shard` picks this worker's part of an epoch's
order (all of it in one process), and :meth:`Trainer.step` is one optimisation step on a batch.
"""

from __future__ import annotations

import json
import math
import random
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lexiloom import atomic
from lexiloom.scoring import ClassificationScores
from lexiloom.training import checkpoint, seeds
from lexiloom.training.corpus import LabelledCorpus
from lexiloom.training.pipeline import BEST, LAST, save_pipeline
from lexiloom.training.progress import Progress

METRICS = "metrics.jsonl"
CHECKPOINTS = "checkpoints"


@dataclass
class LoopState:
    """Where training is; saved in every checkpoint (``state.json``)."""

    step: int = 0
    epoch: int = 0
    position: int = 0
    best_score: float | None = None
    best_step: int | None = None
    bad_evals: int = 0
    loss_sum: float = 0.0
    loss_batches: int = 0
    finished: bool = False
    stopped_early: bool = False

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable form."""
        return dict(vars(self))


@dataclass
class TrainResult:
    """What :func:`lexiloom.training.train` did."""

    out_dir: Path
    steps: int
    epochs: int
    best_score: float | None
    best_step: int | None
    scores: ClassificationScores | None
    stopped_early: bool
    resumed_from: int | None = None
    seconds: float = 0.0
    metric: str = "accuracy"
    history: list[dict[str, Any]] = field(default_factory=list)

    @property
    def model_best(self) -> Path:
        """The pipeline with the best dev score."""
        return self.out_dir / BEST

    @property
    def model_last(self) -> Path:
        """The pipeline after the last step."""
        return self.out_dir / LAST


class Trainer:
    """Trains the classifier ``component`` of ``nlp`` on ``train`` examples, scoring on ``dev``.

    ``settings``: the resolved ``epochs``, ``batch_size``, ``dropout``, ``patience``, ``seed``,
    ``eval_every``, ``checkpoint_every``, ``keep_checkpoints``, ``max_steps``.
    """

    def __init__(self, nlp: Any, component: str, optimizer: Any, train: list[Any],
                 dev: LabelledCorpus, settings: dict[str, Any], out_dir: Path,
                 progress: bool = True) -> None:
        self.nlp = nlp
        self.component = component
        self.optimizer = optimizer
        self.train = train
        self.dev = dev
        self.settings = settings
        self.out_dir = out_dir
        self.batch_size = int(settings["batch_size"])
        self.batches_per_epoch = math.ceil(len(self.shard(list(range(len(train)))))
                                           / self.batch_size)
        total = int(settings["epochs"]) * self.batches_per_epoch
        if settings.get("max_steps"):
            total = min(total, int(settings["max_steps"]))
        self.total_steps = total
        self.progress = Progress(total, enabled=progress)
        self.history: list[dict[str, Any]] = []

    # -- data ---------------------------------------------------------------------------------
    def shard(self, order: list[int]) -> list[int]:
        """This worker's share of an epoch's example order (data-parallel seam: every example
        with one process; with N workers, e.g. ``order[rank::N]``)."""
        return order

    def epoch_batches(self, epoch: int) -> list[list[int]]:
        """The batches (example indices) of ``epoch``: a shuffle seeded by (seed, epoch), so a
        resumed run sees the same order without saving it."""
        order = list(range(len(self.train)))
        random.Random(int(self.settings["seed"]) * 1_000_003 + epoch).shuffle(order)
        order = self.shard(order)
        return [order[i:i + self.batch_size] for i in range(0, len(order), self.batch_size)]

    # -- one step -----------------------------------------------------------------------------
    def step(self, batch: list[Any]) -> float:
        """One optimisation step on ``batch`` (spaCy ``Example`` objects); returns its loss.

        Data-parallel training would split this into ``nlp.update(..., sgd=None)``, an
        all-reduce of the gradients, then ``finish_update(optimizer)`` per component.
        """
        losses: dict[str, float] = {}
        self.nlp.update(batch, sgd=self.optimizer, drop=float(self.settings["dropout"]),
                        losses=losses)
        self.optimizer.step_schedules()
        return float(losses.get(self.component, 0.0))

    # -- evaluation ---------------------------------------------------------------------------
    def evaluate(self) -> ClassificationScores:
        """Scores of the classifier on the dev corpus."""
        from lexiloom.evaluation import score_classifier

        return score_classifier(self.nlp, self.component, self.dev)

    @staticmethod
    def main_score(scores: ClassificationScores) -> float:
        """The score early stopping and ``model-best`` follow: accuracy for exclusive
        classifiers, macro F1 for multi-label ones."""
        return scores.accuracy if scores.exclusive else scores.macro_f1

    # -- the loop -----------------------------------------------------------------------------
    def run(self, state: LoopState, resumed_from: int | None = None) -> TrainResult:
        """Train from ``state`` to the end (or early stop), writing checkpoints and outputs."""
        start = time.perf_counter()
        settings = self.settings
        epochs, patience = int(settings["epochs"]), int(settings["patience"])
        eval_every, ckpt_every = int(settings["eval_every"]), int(settings["checkpoint_every"])
        best_scores: ClassificationScores | None = None
        while not state.finished:
            if state.epoch >= epochs or state.step >= self.total_steps:
                state.finished = True
                break
            batches = self.epoch_batches(state.epoch)
            while state.position < len(batches) and state.step < self.total_steps:
                batch = [self.train[i] for i in batches[state.position]]
                loss = self.step(batch)
                state.step += 1
                state.position += 1
                state.loss_sum += loss
                state.loss_batches += 1
                self.progress.update(state.step, state.epoch, loss, len(batch))
                end_of_epoch = state.position == len(batches)
                last = state.step >= self.total_steps
                evaluated = False
                if (eval_every and state.step % eval_every == 0) or \
                        (not eval_every and end_of_epoch) or last:
                    evaluated = True
                    scores = self._evaluate_and_record(state, patience)
                    if state.best_step == state.step:
                        best_scores = scores
                    if state.stopped_early or last:
                        state.finished = True
                if end_of_epoch:
                    state.epoch += 1
                    state.position = 0
                if (ckpt_every and state.step % ckpt_every == 0) or \
                        (not ckpt_every and evaluated) or state.finished:
                    self.save_checkpoint(state)
                if state.finished or end_of_epoch:
                    break
        save_pipeline(self.nlp, self.out_dir / LAST)
        if best_scores is None and (self.out_dir / BEST).is_dir():
            best_scores = self._best_scores_from_history(state)
        return TrainResult(
            out_dir=self.out_dir, steps=state.step, epochs=state.epoch,
            best_score=state.best_score, best_step=state.best_step, scores=best_scores,
            stopped_early=state.stopped_early, resumed_from=resumed_from,
            seconds=time.perf_counter() - start,
            metric="accuracy" if best_scores is None or best_scores.exclusive else "macro_f1",
            history=self.history,
        )

    def _evaluate_and_record(self, state: LoopState, patience: int) -> ClassificationScores:
        scores = self.evaluate()
        score = self.main_score(scores)
        improved = state.best_score is None or score > state.best_score
        if improved:
            state.best_score, state.best_step, state.bad_evals = score, state.step, 0
            save_pipeline(self.nlp, self.out_dir / BEST)
        else:
            state.bad_evals += 1
            if patience and state.bad_evals >= patience:
                state.stopped_early = True
        record = {"step": state.step, "epoch": state.epoch + 1,
                  "loss": state.loss_sum / max(state.loss_batches, 1),
                  "score": score, "best_score": state.best_score, "best_step": state.best_step,
                  "accuracy": scores.accuracy, "macro_f1": scores.macro_f1,
                  "macro_precision": scores.macro_precision, "macro_recall": scores.macro_recall}
        state.loss_sum, state.loss_batches = 0.0, 0
        self.history.append(record)
        with open(self.out_dir / METRICS, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(record) + "\n")
        self.progress.message(f"step {state.step} epoch {state.epoch + 1}: loss "
                              f"{record['loss']:.4f} dev {score:.4f} (best {state.best_score:.4f}"
                              f" at step {state.best_step})")
        return scores

    def _best_scores_from_history(self, state: LoopState) -> ClassificationScores | None:
        """Dev scores of ``model-best`` when it was saved before a resume."""
        from lexiloom.evaluation import score_classifier
        from lexiloom.training.pipeline import load_pipeline

        nlp = load_pipeline(self.out_dir / BEST)
        return score_classifier(nlp, self.component, self.dev)

    def save_checkpoint(self, state: LoopState) -> Path:
        """Write the resumable state of ``state.step`` under ``DIR/checkpoints``."""
        data = {**state.to_dict(), "rng": seeds.capture(), "settings": self.settings}
        return checkpoint.save(self.out_dir / CHECKPOINTS, state.step, self.nlp, self.optimizer,
                               data, keep=int(self.settings["keep_checkpoints"]))


def truncate_metrics(out_dir: Path, step: int) -> None:
    """Drop the metrics lines written after ``step`` (they are recomputed on resume)."""
    path = out_dir / METRICS
    if not path.is_file():
        return
    kept = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            if json.loads(line).get("step", 0) <= step:
                kept.append(line)
        except json.JSONDecodeError:
            continue
    atomic.write_text(path, "".join(f"{line}\n" for line in kept))


__all__ = ["LoopState", "TrainResult", "Trainer", "truncate_metrics"]
