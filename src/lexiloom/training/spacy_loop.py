"""``lexiloom train`` on spaCy's loop: the steps of ``spacy.training.loop.train`` (the same seed,
corpora, batches, optimizer, ``train_while_improving`` with its dropout, accumulation, frozen and
annotating components, evaluation and ``before_update`` callback), with what spaCy's loop lacks
added around it, each by a named mechanism:

- **Checkpoints and exact resume.** :class:`ResumableBatches` is spaCy's
  ``create_train_batches`` (the same global-``random`` shuffle of the same list, the same
  batcher; a corpus read anew each epoch when ``max_epochs`` is -1) that records where it is
  and can start mid-epoch. A checkpoint is written from the ``before_update`` callback of every
  evaluation step (or every ``checkpoint_every`` steps, a multiple of ``eval_frequency``): the
  pipeline, the optimizer's state, the components' training state (a generator's per-stream
  encoder state), the batch position and the epoch's order, every random state, the best score
  and the losses since the last evaluation. A resumed ``train_while_improving`` counts steps
  from 0 again, evaluates at its step 0 and every ``eval_frequency`` steps, which are then
  exactly the evaluation steps of the uninterrupted run.
- **Best model and patience across a resume.** lexiloom decides ``model-best`` and early
  stopping from global step numbers and the saved best score (spaCy's own history restarts);
  the rules are spaCy's: a score equal to the best saves ``model-best`` again, patience counts
  steps since the earliest best.
- **A last evaluation.** When the last step was not an evaluation step, the final model is
  evaluated too (spaCy's loop does not), so a short run's ``model-best`` is not its first step.
- **Saving.** lexiloom writes ``model-best``, ``model-last`` and checkpoints atomically (spaCy
  replaces ``model-best`` with ``rmtree`` + ``copytree``), with the optimizer's averages applied
  as spaCy does.
- **Time budget.** ``[lexiloom] max_seconds``: the run ends after the step during which that
  much wall-clock time has passed since its first step (resumed runs continue the count), and
  ``OUT/config.cfg`` then pins ``[training] max_steps`` to the last step, so ``spacy train
  OUT/config.cfg`` reproduces it.

Steps are numbered as spaCy numbers them: the first update is step 0, the run ends after step
``max_steps`` (so ``max_steps + 1`` updates), evaluation follows steps 0, ``eval_frequency``,
``2 * eval_frequency``, ... A checkpoint ``step-N`` holds the state after N updates.
"""

from __future__ import annotations

import functools
import io
import json
import random
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lexiloom import atomic
from lexiloom.errors import CorpusError
from lexiloom.spacy.text_streams import chunk_of
from lexiloom.training import checkpoint, seeds
from lexiloom.training.config import LEXILOOM_SECTION, LoopSettings, checkpoint_interval
from lexiloom.training.outputs import CHECKPOINTS, METRICS, TrainResult, truncate_metrics
from lexiloom.training.pipeline import BEST, LAST, save_pipeline
from lexiloom.training.progress import Progress


class CountedSizes:
    """A batch-size schedule (a generator of sizes) that counts the sizes drawn from it."""

    def __init__(self, sizes: Iterable[Any]) -> None:
        self._sizes = iter(sizes)
        self.drawn = 0

    def __iter__(self) -> CountedSizes:
        return self

    def __next__(self) -> Any:
        value = next(self._sizes)
        self.drawn += 1
        return value


class ResumableBatches:
    """spaCy's ``create_train_batches``, able to start at a recorded position.

    As spaCy's: the corpus is read into a list once (``max_epochs >= 0``) and shuffled in place
    with Python's global ``random`` at the start of every epoch (or re-read each epoch when
    ``max_epochs < 0``); ``batcher`` groups each epoch's examples. :attr:`position` is where the
    batch yielded last came from: ``{"epoch", "batch", "order", "sizes"}``, the epoch's example
    order as indices into the corpus list and how many sizes a batch-size schedule had given
    before the epoch. Started from such a position, it yields that batch first, without
    shuffling that epoch again, its size schedule advanced to where it was. (A spaCy batcher's
    size schedule is one generator for the whole run; a batcher that is not a
    ``functools.partial`` with a ``size`` keyword, as spaCy's are, resumes exactly only within
    the first epoch if it keeps state of its own.)
    """

    def __init__(self, nlp: Any, corpus: Callable[[Any], Iterable[Any]],
                 batcher: Callable[[Iterable[Any]], Iterable[list[Any]]], max_epochs: int,
                 start: dict[str, Any] | None = None) -> None:
        self.sizes: CountedSizes | None = None
        size = getattr(batcher, "keywords", {}).get("size")
        if isinstance(batcher, functools.partial) and size is not None \
                and not isinstance(size, int | float):
            self.sizes = CountedSizes(size)
            batcher = functools.partial(batcher.func, *batcher.args,
                                        **{**batcher.keywords, "size": self.sizes})
            for _ in range(int((start or {}).get("sizes") or 0)):
                next(self.sizes)
        self.nlp, self.corpus, self.batcher, self.max_epochs = nlp, corpus, batcher, max_epochs
        self.start = start
        self.position: dict[str, Any] = {}

    def __iter__(self) -> Iterator[tuple[int, list[Any]]]:
        examples: list[Any] = []
        if self.max_epochs >= 0:
            examples = list(self.corpus(self.nlp))
            if not examples:
                raise CorpusError("the training corpus has no examples; check [corpora.train] "
                                  "(--train)")
        order = list(range(len(examples)))
        start = self.start
        epoch = int(start["epoch"]) if start else 0
        if start and self.max_epochs >= 0:
            order[:] = start["order"]
        while self.max_epochs < 1 or epoch != self.max_epochs:
            resuming = start is not None and epoch == int(start["epoch"])
            if self.max_epochs >= 0:
                if not resuming:
                    random.shuffle(order)  # the permutation spaCy's shuffle of the list makes
                epoch_examples: Iterable[Any] = [examples[i] for i in order]
            else:
                epoch_examples = self.corpus(self.nlp)
            skip = int(start["batch"]) if resuming else 0
            sizes = self.sizes.drawn if self.sizes else None  # before this epoch's batches
            number = -1
            for number, batch in enumerate(self.batcher(epoch_examples)):
                if number < skip:
                    continue
                self.position = {"epoch": epoch, "batch": number, "sizes": sizes,
                                 "order": order if self.max_epochs >= 0 else None}
                yield epoch, batch
            if number < 0:
                raise CorpusError("the training corpus has no examples; check [corpora.train] "
                                  "(--train)")
            start = None
            epoch += 1


@dataclass
class RunState:
    """What a checkpoint records besides the model and the optimizer."""

    best_score: float | None = None
    best_step: int | None = None
    losses: dict[str, float] | None = None
    loss_steps: int = 0
    seconds: float = 0.0
    eval_seconds: float = 0.0
    docs: int = 0
    stopped_early: bool = False
    finished: bool = False
    last_step: int = -1
    epoch: int = 0


def main_metric(score_weights: dict[str, Any]) -> str:
    """The name of the weighted score: the one metric with a weight, else ``score``."""
    weighted = [key for key, value in score_weights.items() if value]
    return weighted[0] if len(weighted) == 1 else "score"


def run(nlp: Any, out_dir: Path, *, resume_from: checkpoint.Checkpoint | None = None,
        progress: bool = True) -> TrainResult:
    """Train the initialized ``nlp`` on its config's ``[training]`` and ``[corpora]`` with
    spaCy's ``train_while_improving``, writing ``model-best``, ``model-last``, checkpoints and
    ``metrics.jsonl`` under ``out_dir``; continue ``resume_from`` when given (``nlp`` is then
    the pipeline loaded from it)."""
    from spacy import registry
    from spacy.schemas import ConfigSchemaTraining
    from spacy.training.loop import (
        create_before_to_disk_callback,
        create_evaluation_callback,
        train_while_improving,
        update_meta,
    )
    from spacy.util import resolve_dot_names
    from thinc.api import NumpyOps, fix_random_seed, get_current_ops, set_gpu_allocator

    began = time.perf_counter()
    config = nlp.config.interpolate()
    settings = LoopSettings.from_config(config)
    allocator = config["training"]["gpu_allocator"]
    if allocator and not isinstance(get_current_ops(), NumpyOps):
        set_gpu_allocator(allocator)
    T = registry.resolve(config["training"], schema=ConfigSchemaTraining)
    frequency = int(T["eval_frequency"])
    every = checkpoint_interval(settings.checkpoint_every, frequency)
    before_to_disk = create_before_to_disk_callback(T["before_to_disk"])
    saved = dict(resume_from.state) if resume_from else {}
    state = RunState(**{k: v for k, v in saved.get("loop", {}).items()
                         if k in RunState.__dataclass_fields__})
    if state.finished:
        return _result(out_dir, state, T, resumed_from=resume_from.step if resume_from else None,
                       seconds=time.perf_counter() - began)
    if resume_from is None and T["seed"] is not None:
        fix_random_seed(T["seed"])
    train_corpus, dev_corpus = resolve_dot_names(config, [T["train_corpus"], T["dev_corpus"]])
    optimizer = T["optimizer"]
    offset = resume_from.step if resume_from else 0
    if resume_from is not None:
        checkpoint.load_optimizer(resume_from, optimizer, nlp)
        checkpoint.load_component_states(resume_from, nlp)
        for _ in range(offset):  # schedules are generators: replay them to where they were
            optimizer.step_schedules()
        truncate_metrics(out_dir, offset - 1)
    batches = ResumableBatches(nlp, train_corpus, T["batcher"], int(T["max_epochs"]),
                               saved.get("batches"))
    user_before_update = T["before_update"]
    frozen = list(T["frozen_components"])
    report = Progress(int(T["max_steps"]) + 1 if T["max_steps"] else 0, enabled=progress)
    if resume_from is not None:
        report.message(f"resuming from {resume_from.path.name} (step {offset})")
    losses = dict(state.losses or {})
    started, seconds_before = time.perf_counter(), state.seconds  # a resumed run's time so far

    def elapsed() -> float:
        return seconds_before + time.perf_counter() - started

    def before_update(nlp: Any, args: dict[str, Any]) -> None:
        step = offset + int(args["step"])
        if step and step % every == 0 and step != offset:
            state.seconds, state.epoch, state.losses = elapsed(), int(args["epoch"]), dict(losses)
            _save_checkpoint(out_dir, step, nlp, optimizer, state, batches.position,
                             settings.keep_checkpoints)
        if user_before_update is not None:
            user_before_update(nlp, {"step": step, "epoch": args["epoch"]})

    def evaluated(step: int, info: dict[str, Any]) -> None:
        """Follow the best score (spaCy's rules), save ``model-best``, write the metrics."""
        score = float(info["score"])
        if state.best_score is None or score >= state.best_score:
            if state.best_score is None or score > state.best_score:
                state.best_step = step
            state.best_score = score
            with nlp.select_pipes(disable=frozen):
                update_meta(T, nlp, info)
            with nlp.use_params(optimizer.averages):
                save_pipeline(before_to_disk(nlp), out_dir / BEST)
        _record(out_dir, step, state, losses, info)
        log_step({**info, "step": step, "losses": dict(losses)})
        state.loss_steps = 0

    spacy_evaluate = create_evaluation_callback(nlp, dev_corpus, T["score_weights"])

    def evaluate() -> tuple[float, dict[str, Any]]:
        began_evaluation = time.perf_counter()
        try:
            return spacy_evaluate()
        finally:
            state.eval_seconds += time.perf_counter() - began_evaluation

    logged = sys.stderr if progress else io.StringIO()  # stdout stays free for --json
    with nlp.select_pipes(disable=frozen):
        log_step, finalize_logger = T["logger"](nlp, logged, logged)
    if resume_from is not None:
        seeds.restore(saved["rng"])
    steps = train_while_improving(
        nlp, optimizer, iter(batches), evaluate, dropout=T["dropout"], eval_frequency=frequency,
        accumulate_gradient=T["accumulate_gradient"], patience=0, max_steps=0,
        exclude=frozen, annotating_components=T["annotating_components"],
        before_update=before_update)
    seen: dict[str, float] = {}
    stopped_by_time = False
    try:
        for batch, info, _ in steps:
            step = offset + int(info["step"])
            state.last_step, state.epoch = step, int(info["epoch"])
            for name, value in info["losses"].items():
                losses[name] = losses.get(name, 0.0) + value - seen.get(name, 0.0)
            seen = dict(info["losses"])
            state.loss_steps += 1
            items = batch_items(batch)
            state.docs += items
            if items != len(batch):
                report.unit = "tokens"
            report.update(step + 1, state.epoch, sum(losses.values()) / state.loss_steps,
                          items)
            if info["score"] is not None:
                evaluated(step, info)
                losses, seen = {}, {}
            else:
                log_step(None)
            if T["patience"] and state.best_step is not None \
                    and step - state.best_step >= int(T["patience"]):
                state.stopped_early = True
                break
            if T["max_steps"] and step >= int(T["max_steps"]):
                break
            if settings.max_seconds and elapsed() >= settings.max_seconds:
                stopped_by_time = True
                break
        if state.loss_steps:  # the last steps were not evaluated: evaluate the final model too
            with nlp.use_params(optimizer.averages):
                score, other_scores = evaluate()
            evaluated(state.last_step, {
                "epoch": state.epoch, "step": state.last_step, "score": score,
                "other_scores": other_scores, "losses": losses, "checkpoints": [],
                "seconds": int(elapsed()), "words": 0})
            losses = {}
    finally:
        finalize_logger()
    state.seconds, state.losses, state.finished = elapsed(), losses, True
    with nlp.use_params(optimizer.averages):
        save_pipeline(before_to_disk(nlp), out_dir / LAST)
    if stopped_by_time:
        pinned = pin_max_steps(out_dir / "config.cfg", state.last_step)
        report.message(f"stopped after step {state.last_step}: the time budget "
                       f"(max_seconds = {settings.max_seconds}) is spent; " +
                       ("config.cfg now ends the run there (max_steps)" if pinned else
                        "config.cfg cannot pin a run that ended at step 0"))
    _save_checkpoint(out_dir, state.last_step + 1, nlp, optimizer, state, batches.position,
                     settings.keep_checkpoints)
    return _result(out_dir, state, T, resumed_from=offset or None,
                   seconds=time.perf_counter() - began)


def batch_items(batch: list[Any]) -> int:
    """What a batch trains on: the tokens predicted from stream chunks, else the documents."""
    chunks = [chunk_of(example) for example in batch]
    if chunks and all(chunk is not None for chunk in chunks):
        return sum(len(chunk.ids) - 1 for chunk in chunks)
    return len(batch)


def _save_checkpoint(out_dir: Path, step: int, nlp: Any, optimizer: Any, state: RunState,
                     position: dict[str, Any], keep: int) -> None:
    write_optimizer = checkpoint.thinc_optimizer_writer(optimizer, nlp)
    write_states = checkpoint.component_states_writer(nlp)

    def write(folder: Path) -> None:
        write_optimizer(folder)
        write_states(folder)

    checkpoint.save(out_dir / CHECKPOINTS, step, nlp, write,
                    {"loop": dict(vars(state)), "batches": position, "rng": seeds.capture()},
                    keep=keep)


def _record(out_dir: Path, step: int, state: RunState, losses: dict[str, float],
            info: dict[str, Any]) -> None:
    """Append the evaluation after ``step`` to ``metrics.jsonl``."""
    scores = {k: v for k, v in (info["other_scores"] or {}).items()
              if isinstance(v, int | float) and not isinstance(v, bool) and k != "speed"}
    record = {"step": step, "epoch": state.epoch + 1,
              "loss": sum(losses.values()) / max(state.loss_steps, 1),
              "losses": losses, "score": info["score"], "best_score": state.best_score,
              "best_step": state.best_step, **scores}
    with open(out_dir / METRICS, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(record) + "\n")


def _result(out_dir: Path, state: RunState, T: dict[str, Any], *, resumed_from: int | None,
            seconds: float) -> TrainResult:
    history = []
    if (out_dir / METRICS).is_file():
        history = [json.loads(line) for line in
                   (out_dir / METRICS).read_text(encoding="utf-8").splitlines() if line]
    return TrainResult(out_dir=out_dir, steps=state.last_step + 1, epochs=state.epoch + 1,
                       best_score=state.best_score, best_step=state.best_step, scores=None,
                       stopped_early=state.stopped_early, resumed_from=resumed_from,
                       seconds=seconds, train_seconds=state.seconds - state.eval_seconds,
                       items=state.docs,
                       metric=main_metric(dict(T["score_weights"])), history=history)


def pin_max_steps(path: Path, last_step: int) -> bool:
    """Rewrite the config at ``path`` to end after ``last_step`` without a time budget; False
    (nothing written) for step 0, which spaCy's ``max_steps = 0`` ("no limit") cannot say.
    Settings that referred to ``max_steps`` (a learning-rate schedule's ``total_steps``) keep
    the value they had, so the rerun follows the same schedule."""
    from thinc.api import Config

    if last_step < 1:
        return False
    text = path.read_text(encoding="utf-8")
    header = "".join(line for line in text.splitlines(keepends=True)
                     if line.startswith("#"))  # what lexiloom train chose, and why
    config = Config().from_str(text, interpolate=False)
    _freeze_references(config, "${training.max_steps}", config["training"]["max_steps"])
    config["training"]["max_steps"] = last_step
    config.setdefault(LEXILOOM_SECTION, {})["max_seconds"] = None
    atomic.write_text(path, header + config.to_str())
    return True


def _freeze_references(section: Any, reference: str, value: Any) -> None:
    """Replace every setting under ``section`` that is exactly ``reference`` by ``value``."""
    for key, item in section.items():
        if isinstance(item, dict):
            _freeze_references(item, reference, value)
        elif item == reference:
            section[key] = value


__all__ = ["ResumableBatches", "main_metric", "pin_max_steps", "run"]
