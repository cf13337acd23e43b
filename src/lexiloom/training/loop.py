"""The language model's training loop (batches, steps, evaluation, early stopping, checkpoints,
outputs), and what both loops share: :class:`TrainResult`, ``metrics.jsonl``, the output folder.

Text classifiers train on spaCy's loop (:mod:`lexiloom.training.spacy_loop`); the language-model
task (:mod:`lexiloom.training.language_model`) subclasses :class:`Trainer` with truncated BPTT
over streams until the generator moves to spaCy's loop too.
"""

from __future__ import annotations

import json
import time
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lexiloom import atomic
from lexiloom.training import checkpoint, seeds
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
    train_seconds: float = 0.0
    items: int = 0

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
    scores: Any
    stopped_early: bool
    resumed_from: int | None = None
    seconds: float = 0.0
    train_seconds: float = 0.0
    items: int = 0
    """Documents (classifiers) or tokens (language models) trained on, over all steps."""
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
    """The loop shared by every task: epochs of batches, evaluation, early stopping, ``model-best``
    / ``model-last``, checkpoints, metrics and progress.

    A task subclasses it and provides the data and the maths: :meth:`count_batches`,
    :meth:`epoch_batches`, :meth:`step`, :meth:`evaluate`, :meth:`main_score` (higher is
    better), :meth:`score_record` and :meth:`save_checkpoint` (see
    :class:`~lexiloom.training.language_model.LanguageModelTrainer`).

    ``settings``: the resolved ``epochs``, ``batch_size``, ``dropout``, ``patience``, ``seed``,
    ``eval_every``, ``checkpoint_every``, ``keep_checkpoints``, ``max_steps`` and optionally
    ``max_seconds`` (stop once this much time was spent in training steps, evaluation and
    checkpoints not counted).
    """

    unit = "docs"
    """What :meth:`items` counts, for the progress line."""
    higher_is_better = True
    """Whether a larger :meth:`main_score` is better (accuracy) or worse (a loss)."""

    def __init__(self, nlp: Any, component: str, optimizer: Any, settings: dict[str, Any],
                 out_dir: Path, progress: bool = True) -> None:
        self.nlp = nlp
        self.component = component
        self.optimizer = optimizer
        self.settings = settings
        self.out_dir = out_dir
        self.batches_per_epoch = self.count_batches()
        total = int(settings["epochs"]) * self.batches_per_epoch
        if settings.get("max_steps"):
            total = min(total, int(settings["max_steps"]))
        self.total_steps = total
        self.max_seconds = float(settings.get("max_seconds") or 0)
        self.progress = Progress(total, enabled=progress, unit=self.unit)
        self.history: list[dict[str, Any]] = []

    # -- what a task provides -----------------------------------------------------------------
    def count_batches(self) -> int:
        """Batches in one epoch."""
        raise NotImplementedError

    def epoch_batches(self, epoch: int) -> list[Any]:
        """The batches of ``epoch``, in order; the same on a resumed run."""
        raise NotImplementedError

    def begin_epoch(self, epoch: int, position: int) -> None:
        """Called before the batches of ``epoch`` are run from ``position`` (0: its start)."""

    def step(self, batch: Any) -> float:
        """One optimisation step on ``batch``; returns its loss."""
        raise NotImplementedError

    def items(self, batch: Any) -> int:
        """How many :attr:`unit` ``batch`` holds."""
        return len(batch)

    def evaluate(self) -> Any:
        """Dev scores of the model now."""
        raise NotImplementedError

    def main_score(self, scores: Any) -> float:
        """The score early stopping and ``model-best`` follow (higher is better)."""
        raise NotImplementedError

    def score_record(self, scores: Any) -> dict[str, Any]:
        """The fields of ``scores`` written to ``metrics.jsonl``."""
        raise NotImplementedError

    def evaluate_saved(self, path: Path) -> Any:
        """Dev scores of the pipeline saved at ``path`` (``model-best`` after a resume)."""
        raise NotImplementedError

    def save_checkpoint(self, state: LoopState) -> Path:
        """Write the resumable state of ``state.step`` under ``DIR/checkpoints``."""
        raise NotImplementedError

    def result_metric(self, scores: Any) -> str:
        """The name of :meth:`main_score` for :class:`TrainResult`."""
        return "score"

    def final_params(self) -> AbstractContextManager[None]:
        """Within it the pipeline holds the weights that are evaluated and saved: the
        optimizer's parameter averages when it keeps them (``use_averages = true``), as in
        spaCy's loop; checkpoints keep the trained weights, which resuming continues from."""
        return self.nlp.use_params(getattr(self.optimizer, "averages", None))

    def checkpoint_data(self, state: LoopState) -> dict[str, Any]:
        """The ``state.json`` of a checkpoint: the loop state, random states and settings."""
        return {**state.to_dict(), "rng": seeds.capture(), "settings": self.settings}

    # -- the loop -----------------------------------------------------------------------------
    def run(self, state: LoopState, resumed_from: int | None = None) -> TrainResult:
        """Train from ``state`` to the end (or early stop), writing checkpoints and outputs."""
        start = time.perf_counter()
        self.loop_state = state
        settings = self.settings
        epochs, patience = int(settings["epochs"]), int(settings["patience"])
        eval_every, ckpt_every = int(settings["eval_every"]), int(settings["checkpoint_every"])
        best_scores: Any = None
        while not state.finished:
            if state.epoch >= epochs or state.step >= self.total_steps:
                state.finished = True
                break
            batches = self.epoch_batches(state.epoch)
            self.begin_epoch(state.epoch, state.position)
            while state.position < len(batches) and state.step < self.total_steps:
                batch = batches[state.position]
                began = time.perf_counter()
                loss = self.step(batch)
                state.train_seconds += time.perf_counter() - began
                state.step += 1
                state.position += 1
                state.loss_sum += loss
                state.loss_batches += 1
                count = self.items(batch)
                state.items += count
                self.progress.update(state.step, state.epoch, loss, count)
                end_of_epoch = state.position == len(batches)
                out_of_time = bool(self.max_seconds) and state.train_seconds >= self.max_seconds
                last = state.step >= self.total_steps or out_of_time
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
        with self.final_params():
            save_pipeline(self.nlp, self.out_dir / LAST)
        if best_scores is None and (self.out_dir / BEST).is_dir():
            best_scores = self.evaluate_saved(self.out_dir / BEST)
        return TrainResult(
            out_dir=self.out_dir, steps=state.step, epochs=state.epoch,
            best_score=state.best_score, best_step=state.best_step, scores=best_scores,
            stopped_early=state.stopped_early, resumed_from=resumed_from,
            seconds=time.perf_counter() - start, train_seconds=state.train_seconds,
            items=state.items,
            metric=self.result_metric(best_scores), history=self.history,
        )

    def _evaluate_and_record(self, state: LoopState, patience: int) -> Any:
        with self.final_params():
            scores = self.evaluate()
            score = self.main_score(scores)
            improved = state.best_score is None or (
                score > state.best_score if self.higher_is_better else score < state.best_score)
            if improved:
                save_pipeline(self.nlp, self.out_dir / BEST)
        if improved:
            state.best_score, state.best_step, state.bad_evals = score, state.step, 0
        else:
            state.bad_evals += 1
            if patience and state.bad_evals >= patience:
                state.stopped_early = True
        record = {"step": state.step, "epoch": state.epoch + 1,
                  "loss": state.loss_sum / max(state.loss_batches, 1),
                  "score": score, "best_score": state.best_score, "best_step": state.best_step,
                  "train_seconds": round(state.train_seconds, 3), **self.score_record(scores)}
        state.loss_sum, state.loss_batches = 0.0, 0
        self.history.append(record)
        with open(self.out_dir / METRICS, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(record) + "\n")
        self.progress.message(f"step {state.step} epoch {state.epoch + 1}: loss "
                              f"{record['loss']:.4f} dev {score:.4f} (best {state.best_score:.4f}"
                              f" at step {state.best_step})")
        return scores


def start_run(out_dir: Path, settings: dict[str, Any], config_text: str) -> None:
    """Prepare ``out_dir`` for a fresh run: drop the metrics and checkpoints of an earlier one,
    write ``training.json`` (``settings``) and ``config.cfg`` (``config_text``)."""
    (out_dir / METRICS).unlink(missing_ok=True)
    checkpoint.prune(out_dir / CHECKPOINTS, 0)
    atomic.write_text(out_dir / "training.json", json.dumps(settings, indent=2))
    atomic.write_text(out_dir / "config.cfg", config_text)


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


__all__ = ["LoopState", "TrainResult", "Trainer", "start_run",
           "truncate_metrics"]
