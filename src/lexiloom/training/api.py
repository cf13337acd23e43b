"""``train(...)``: write the spaCy config for the task, initialize the pipeline as ``spacy train``
does, and train it on spaCy's loop (:mod:`lexiloom.training.spacy_loop`): text classifiers and
the ``lexiloom_generator`` language model alike.

The output directory ``out_dir`` receives ``model-best/`` and ``model-last/`` (spaCy pipelines),
``checkpoints/`` (resumable state), ``config.cfg`` (the complete spaCy config, which ``spacy
train`` also runs), ``training.json`` (the :class:`TrainConfig`) and ``metrics.jsonl`` (one line
per evaluation).
"""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path
from typing import Any

from lexiloom import atomic
from lexiloom.corpora.labelled import check_labels, read_labelled
from lexiloom.errors import LexiloomError, ModelFileError, SettingsError
from lexiloom.spacy.names import ARCHITECTURE_V4, CORPUS_READER, VOCAB_CALLBACK
from lexiloom.threads import usable_cores, use_threads
from lexiloom.training import checkpoint, spacy_loop
from lexiloom.training.classifier_scores import score_classifier
from lexiloom.training.config import (
    LoopSettings,
    TrainConfig,
    assemble,
    classifier_name,
    generator_name,
    load_label_map,
)
from lexiloom.training.outputs import CHECKPOINTS, TrainResult, start_run
from lexiloom.training.pipeline import BEST, load_pipeline, register_factories
from lexiloom.training.progress import tell

TRAINING_JSON = "training.json"


def as_config(config: TrainConfig | dict[str, Any] | str | os.PathLike[str]) -> TrainConfig:
    """A :class:`TrainConfig` from itself, a dict of its fields, or a spaCy config path."""
    if isinstance(config, TrainConfig):
        return config
    if isinstance(config, dict):
        return TrainConfig.from_dict(config)
    return TrainConfig(spacy_config=os.fspath(config))


def set_corpora(spacy_config: Any, config: TrainConfig, labels: list[str]) -> None:
    """Point ``[corpora]`` at ``config``'s train and dev corpora through ``lexiloom.Corpus.v1``
    (``cats`` over ``labels``; the config's own ``[corpora]`` are replaced), and build the
    classifier's vocabulary from the whole training corpus (``lexiloom.vocab_from_corpus.v1``,
    running a config's own ``before_init`` callback first)."""
    paths = spacy_config.setdefault("paths", {})
    paths.update({"train": config.train, "dev": config.dev})
    reader = {"@readers": CORPUS_READER, "format": config.format, "encoding": config.encoding,
              "reader": dict(config.reader), "label_map": load_label_map(config.label_map),
              "labels": list(labels), "exclusive": not config.multi_label, "limit": 0}
    spacy_config["corpora"] = {"train": {**reader, "path": "${paths.train}"},
                               "dev": {**reader, "path": "${paths.dev}"}}
    training = spacy_config.setdefault("training", {})
    training.update({"train_corpus": "corpora.train", "dev_corpus": "corpora.dev"})
    initialize = spacy_config.setdefault("initialize", {})
    before = initialize.get("before_init")
    if not before or before.get("@callbacks") != VOCAB_CALLBACK:
        initialize["before_init"] = {"@callbacks": VOCAB_CALLBACK,
                                     **({"then": before} if before else {})}


def initialize_pipeline(spacy_config: Any) -> Any:
    """The pipeline of ``spacy_config``, initialized by spaCy's ``init_nlp`` (as ``spacy
    train`` does), with config errors as :class:`~lexiloom.errors.SettingsError`."""
    from spacy.training.initialize import init_nlp
    from thinc.api import Config

    register_factories()
    try:
        return init_nlp(Config(spacy_config))
    except LexiloomError:
        raise
    except Exception as err:  # config validation errors from spaCy/thinc/confection
        first = " ".join(str(err).split())[:400]
        raise SettingsError(f"invalid pipeline config: {first}") from None


def _set_device(config: TrainConfig) -> None:
    use_threads(config.threads)
    if config.device == "cuda":
        import spacy

        try:
            spacy.require_gpu()
        except (ValueError, ImportError) as err:
            raise SettingsError(f"--device cuda: no usable GPU ({err}); use --device cpu") \
                from None


def train(
    config: TrainConfig | dict[str, Any] | str | os.PathLike[str] | None,
    *,
    out_dir: str | os.PathLike[str],
    resume: bool = False,
    progress: bool = True,
) -> TrainResult:
    """Train the text classifier (or, with ``task="generate"``, the language model) ``config``
    describes and write it under ``out_dir``.

    With ``resume=True`` training continues from the newest valid checkpoint in
    ``out_dir/checkpoints`` with the settings saved in ``out_dir`` (``config`` may be ``None``;
    of a given one only ``threads`` applies, and a saved thread count above this machine's
    usable cores is lowered to them); it ends at the same step, with the same weights, as an
    uninterrupted run.
    Errors a user can cause raise :class:`~lexiloom.errors.LexiloomError`.
    """
    out = Path(out_dir)
    _check_writable_dir(out)
    with atomic.exclusive(out, "lexiloom train"):
        return _train(config, out, resume=resume, progress=progress)


def _train(config: TrainConfig | dict[str, Any] | str | os.PathLike[str] | None, out: Path, *,
           resume: bool, progress: bool) -> TrainResult:
    if resume:
        found, skipped = checkpoint.latest(out / CHECKPOINTS)
        if found is not None:
            threads = config.threads if isinstance(config, TrainConfig) else None
            return _resume(found, out, progress, threads)
        if not (out / TRAINING_JSON).is_file():
            why = f" ({skipped[0]})" if skipped else ""
            raise ModelFileError(f"{out}: nothing to resume (no valid checkpoint{why}); run "
                                 f"without --resume to start training")
        config = TrainConfig.from_dict(json.loads((out / TRAINING_JSON).read_text("utf-8")))
    if config is None:
        raise SettingsError("no training config given; pass a TrainConfig (config=None only "
                            "works with resume=True)")
    cfg = as_config(config).validate()
    if cfg.task == "generate":
        return _train_generator(cfg, out, progress)
    train_data, dev_data = _read_corpora(cfg)
    labels = train_data.labels
    if not cfg.multi_label and len(labels) < 2:
        raise SettingsError(f"{cfg.train}: only one label ({labels[0]}); a classifier needs at "
                            f"least two (check the corpus and --label-map)")
    check_labels(dev_data, labels, f"the training corpus {cfg.train}")
    choices: list[str] = []
    length_given = cfg.max_steps is not None or cfg.epochs is not None
    if cfg.init_encoder:
        from lexiloom.training import fine_tuning

        cfg, choices = fine_tuning.with_pretrained_blocks(cfg)
    if cfg.spacy_config is None:
        cfg, planned = _classifier_plan(cfg, train_data.texts)
        choices += planned
    spacy_config, component, assembled = assemble(cfg)
    if cfg.spacy_config is None:
        choices += _plan_losses(spacy_config["components"][component]["model"], cfg)
    if cfg.init_encoder:
        choices += fine_tuning.configure(spacy_config, cfg, len(train_data.texts),
                                         length_given=length_given)
    tell(assembled["notes"] + choices, enabled=progress)
    set_corpora(spacy_config, cfg, labels)
    _set_device(cfg)
    nlp = initialize_pipeline(spacy_config)
    header = "".join(f"# lexiloom train chose: {line}\n" for line in choices)
    start_run(out, cfg.to_dict(), header + nlp.config.to_str())
    result = spacy_loop.run(nlp, out, progress=progress)
    return _with_scores(result, component, dev_data)


def _classifier_plan(cfg: TrainConfig, texts: list[str]) -> tuple[TrainConfig, list[str]]:
    """``cfg`` with the model and schedule :mod:`lexiloom.training.classifier_plan` chooses
    for ``texts`` wherever the user set nothing, and the lines saying what was chosen."""
    from lexiloom.training import classifier_plan

    choices = []
    embedder, encoder, why = classifier_plan.model_for(len(texts))
    blocks = {}
    for kind, planned in (("embedder", embedder), ("encoder", encoder)):
        given = getattr(cfg, kind)
        if given is None or given.get("name") in (None, planned["name"]):
            blocks[kind] = {**planned, **(given or {})}
    if blocks:
        line = why if len(blocks) == 2 else (f"{why} (the {', '.join(blocks)} part; the rest "
                                             "as given)")
        choices.append(f"{line}; the pretrained encoder's sizes replace these"
                       if cfg.init_encoder else line)
    schedule = classifier_plan.schedule_for(len(texts),
                                            classifier_plan.approximate_tokens(texts),
                                            batch=cfg.batch_size)
    planned = {"batch_size": schedule.batch_size, "max_seconds": schedule.max_seconds,
               "max_steps": schedule.max_steps, "eval_every": schedule.eval_frequency}
    given = [key for key in ("batch_size", "max_seconds", "max_steps", "epochs", "eval_every",
                             "checkpoint_every", "patience") if getattr(cfg, key) is not None]
    unset = {key: value for key, value in planned.items() if key not in given}
    if {"max_steps", "epochs"} & set(given):  # the user's length, not the clock's
        unset.pop("max_steps", None)
        unset.pop("max_seconds", None)
    if cfg.checkpoint_every and cfg.checkpoint_every % schedule.eval_frequency:
        unset.pop("eval_every", None)  # checkpoints must fall on evaluations: keep the config's
    frequency = unset.get("eval_every", cfg.eval_every)
    if "patience" not in given and frequency:
        unset["patience"] = -(-schedule.patience // frequency)
    if unset:
        choices.append(schedule.reason + (f" (given: {', '.join(given)})" if given else ""))
    return dataclasses.replace(cfg, **blocks, **unset), choices


def _plan_losses(model: dict[str, Any], cfg: TrainConfig) -> list[str]:
    """Set a ``lexiloom.TextClassifier.v4`` model's ``ngram_separate_loss`` as
    :func:`~lexiloom.training.classifier_plan.separate_losses_for` chooses (unless the model has
    no n-gram part), and say why."""
    from lexiloom.training import classifier_plan

    if model.get("@architectures") != ARCHITECTURE_V4 or model.get("ngram_size") == 0:
        return []
    model["ngram_separate_loss"], why = classifier_plan.separate_losses_for(
        cfg.vectors is not None)
    return [why]


def _resume(found: checkpoint.Checkpoint, out: Path, progress: bool,
            threads: int | None) -> TrainResult:
    """Continue the run whose newest valid checkpoint is ``found`` (on ``threads`` torch threads
    when given, else the saved count, at most this machine's usable cores)."""
    cfg = TrainConfig.from_dict(json.loads((out / TRAINING_JSON).read_text("utf-8")))
    cfg.threads = threads if threads is not None else (
        None if cfg.threads is None else min(cfg.threads, usable_cores()))
    if "loop" not in found.state:
        raise ModelFileError(f"{found.path}: a checkpoint of an older lexiloom's training loop, "
                             "which this version cannot continue; start again without --resume")
    _set_device(cfg)
    nlp = load_pipeline(found.model_dir)
    if cfg.task == "generate":
        result = spacy_loop.run(nlp, out, resume_from=found, progress=progress)
        return _with_lm_scores(result, generator_name(nlp.config), cfg)
    component = classifier_name(nlp.config)
    result = spacy_loop.run(nlp, out, resume_from=found, progress=progress)
    return _with_scores(result, component, _read_corpora(cfg)[1])


def _train_generator(cfg: TrainConfig, out: Path, progress: bool, *,
                     plan_steps: bool | None = None, evaluations: int | None = None
                     ) -> TrainResult:
    """Train a fresh ``lexiloom_generator`` as ``cfg`` says, on spaCy's loop. Without a
    ``--config`` its size follows the training text, and without ``--max-steps``/``--epochs``
    its step budget follows this machine (:mod:`lexiloom.training.generator_plan`);
    ``plan_steps`` (default: when there is no ``--config``) says whether to plan that budget,
    with ``evaluations`` dev evaluations (default ``generator_plan.EVALUATIONS``)."""
    from lexiloom.training import generator_plan

    choices: list[str] = []
    if cfg.spacy_config is None and cfg.encoder is None and cfg.embedder is None:
        encoder, embedder, why = generator_plan.model_for(_approximate_tokens(cfg))
        cfg = dataclasses.replace(cfg, encoder=encoder, embedder=embedder)
        choices.append(why)
    spacy_config, component, assembled = assemble(cfg)
    tell(assembled["notes"], enabled=progress)
    _set_device(cfg)
    nlp = initialize_pipeline(spacy_config)
    train_corpus, dev_corpus = _stream_corpora(nlp)
    choices += stream_budget(nlp, component, cfg.epochs, train_corpus, dev_corpus)
    if plan_steps is None:
        plan_steps = cfg.spacy_config is None
    if plan_steps and cfg.max_steps is None and cfg.epochs is None:
        choices.append(_machine_budget(nlp, component, cfg, train_corpus, dev_corpus,
                                       evaluations))
    tell(choices, enabled=progress)
    header = "".join(f"# lexiloom train chose: {line}\n" for line in choices)
    start_run(out, cfg.to_dict(), header + nlp.config.to_str())
    result = spacy_loop.run(nlp, out, progress=progress)
    return _with_lm_scores(result, component, cfg)


def _approximate_tokens(cfg: TrainConfig) -> int:
    """About how many tokens the training text has (characters for the character tokenizer,
    a fifth of them otherwise), from its size."""
    from lexiloom.corpora.bundled import resolve_corpus

    path, _ = resolve_corpus(cfg.train)
    size = path.stat().st_size if path.is_file() else 0
    char_level = cfg.tokenizer is None and cfg.level in (None, "char")
    return size if char_level else size // 5


def _stream_corpora(nlp: Any) -> tuple[Any, Any]:
    """The training and dev corpora of ``nlp``'s config (their readers keep the encoded text,
    so the checks and the timing below read each file once)."""
    from spacy.util import resolve_dot_names

    config = nlp.config.interpolate()
    train, dev = resolve_dot_names(config, [config["training"]["train_corpus"],
                                            config["training"]["dev_corpus"]])
    return train, dev


def _machine_budget(nlp: Any, component: str, cfg: TrainConfig, train: Any, dev: Any,
                    evaluations: int | None = None) -> str:
    """Set ``max_steps`` and ``eval_frequency`` to what fits the time budget on this machine
    (timed on the real model and batches of ``train``, evaluation on ``dev``); returns why."""
    from lexiloom.training import generator_plan

    config = nlp.config.interpolate()
    generator = nlp.get_pipe(component)
    step = generator_plan.step_seconds(nlp, component, train,
                                       dropout=float(config["training"]["dropout"] or 0.0))
    evaluation = generator_plan.evaluation_seconds(generator, dev.ids(generator))
    seconds = LoopSettings.from_config(config).max_seconds or generator_plan.DEFAULT_SECONDS
    budget = generator_plan.plan(step, evaluation, train.chunks_per_stream(generator), seconds,
                                 evaluations=evaluations or generator_plan.EVALUATIONS)
    training = nlp.config["training"]
    training["max_steps"] = budget.max_steps
    reason = budget.reason
    if cfg.eval_every is None and cfg.checkpoint_every is None:
        training["eval_frequency"] = budget.eval_frequency
        if cfg.patience is not None:  # patience counts evaluations of the new frequency
            training["patience"] = cfg.patience * budget.eval_frequency
    rate = training["optimizer"].get("learn_rate")
    if isinstance(rate, dict) and int(rate.get("warmup_steps") or 0) > budget.max_steps // 4:
        rate["warmup_steps"] = budget.max_steps // 4
        reason += f"; learning-rate warm-up shortened to {rate['warmup_steps']} updates"
    return reason


def stream_budget(nlp: Any, component: str, epochs: int | None, train: Any,
                  dev: Any) -> list[str]:
    """Check the generator's corpora ``train`` and ``dev`` before training (a text too short
    for its streams, an empty or missing dev text) and, for ``epochs``, end the run after that
    many passes over the training streams (``[training] max_steps``, counted from 0;
    ``max_seconds`` may still end it first). Returns what to tell the user."""
    generator = nlp.get_pipe(component)
    dev.ids(generator)
    chunks = train.chunks_per_stream(generator)
    lines = [f"{len(train.ids(generator)):,} training tokens in {train.streams} streams, "
             f"{chunks:,} chunks of {train.bptt} per epoch; vocabulary "
             f"{len(generator.token_vocab):,}"]
    if epochs is not None:
        training = nlp.config["training"]
        training["max_steps"] = max(epochs * chunks - 1, 1)
        lines.append(f"{epochs} epoch(s): max_steps = {training['max_steps']}")
    return lines


def _with_lm_scores(result: TrainResult, component: str, cfg: TrainConfig) -> TrainResult:
    """``result`` with the dev cross-entropy and perplexity of ``model-best`` (one pass over
    the dev text, state carried) and its best score as cross-entropy (lower is better)."""
    if (result.out_dir / BEST).is_dir():
        reader = cfg.reader or {}
        generator = load_pipeline(result.out_dir / BEST).get_pipe(component)
        result.scores = generator.evaluate_file(
            cfg.dev, encoding=cfg.encoding, format="jsonl" if cfg.format == "jsonl" else "text",
            field=str(reader.get("field", "text")))
    result.metric = "cross_entropy"
    best = [r for r in result.history if r.get("step") == result.best_step
            and "lm_cross_entropy" in r]
    result.best_score = float(best[-1]["lm_cross_entropy"]) if best else None
    return result


def _with_scores(result: TrainResult, component: str, dev: Any) -> TrainResult:
    """``result`` with the dev scores of ``model-best`` (lexiloom's classification scores)."""
    if (result.out_dir / BEST).is_dir():
        result.scores = score_classifier(load_pipeline(result.out_dir / BEST), component, dev)
    return result


__all__ = ["as_config", "initialize_pipeline", "set_corpora", "train"]


def _check_writable_dir(out: Path) -> None:
    """Fail early (before reading corpora or training) when ``out`` cannot be a directory."""
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise LexiloomError(f"cannot use {out} as the output directory: "
                            f"{err.strerror or err}; choose another --out") from None


def _read_corpora(cfg: TrainConfig) -> tuple[Any, Any]:
    """The training and development corpora of ``cfg``, labels mapped by its ``--label-map``."""
    label_map = load_label_map(cfg.label_map)
    return tuple(read_labelled(path, format=cfg.format, encoding=cfg.encoding,
                               label_map=label_map, exclusive=not cfg.multi_label,
                               reader=cfg.reader)
                 for path in (cfg.train, cfg.dev))  # type: ignore[return-value]
