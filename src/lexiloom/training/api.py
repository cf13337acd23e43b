"""``train(...)``: build the pipeline, the vocabulary and the optimizer, then run the loop.

The output directory ``out_dir`` receives ``model-best/`` and ``model-last/`` (spaCy pipelines),
``checkpoints/`` (resumable state), ``config.cfg`` (the resolved spaCy config),
``training.json`` (the :class:`TrainConfig`) and ``metrics.jsonl`` (one line per evaluation).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from lexiloom.errors import LexiloomError, ModelFileError, SettingsError
from lexiloom.threads import use_threads
from lexiloom.training import checkpoint, seeds
from lexiloom.training.config import TrainConfig, assemble, load_label_map, optimizer_block
from lexiloom.training.corpus import check_labels, read_labelled, to_examples
from lexiloom.training.loop import (
    CHECKPOINTS,
    ClassifierTrainer,
    LoopState,
    TrainResult,
    start_run,
    truncate_metrics,
)
from lexiloom.training.pipeline import build_nlp, load_pipeline

TRAINING_JSON = "training.json"


def as_config(config: TrainConfig | dict[str, Any] | str | os.PathLike[str]) -> TrainConfig:
    """A :class:`TrainConfig` from itself, a dict of its fields, or a spaCy config path."""
    if isinstance(config, TrainConfig):
        return config
    if isinstance(config, dict):
        return TrainConfig.from_dict(config)
    return TrainConfig(spacy_config=os.fspath(config))


def make_optimizer(config: TrainConfig, lr: float, spacy_config: Any) -> Any:
    """A thinc optimizer: Adam (default) or SGD, with L2 and gradient clipping taken from the
    spaCy config's ``[training.optimizer]`` when it sets them (spaCy's defaults otherwise)."""
    from thinc.api import SGD, Adam

    block = optimizer_block(spacy_config)
    common = {"L2": float(block.get("L2", 0.01)), "grad_clip": float(block.get("grad_clip", 1.0)),
              "use_averages": bool(block.get("use_averages", False)),
              "L2_is_weight_decay": bool(block.get("L2_is_weight_decay", True))}
    if config.optimizer == "sgd":
        return SGD(lr, **common)
    return Adam(lr, beta1=float(block.get("beta1", 0.9)), beta2=float(block.get("beta2", 0.999)),
                eps=float(block.get("eps", 1e-8)), **common)


def install_vocab(nlp: Any, component: str, examples: list[Any]) -> bool:
    """Build the lexiloom vocabulary from every training text and hand it to the classifier's
    model (``model.attrs["set_vocab"]``) before initialisation. False when the model takes none.
    """
    model = nlp.get_pipe(component).model
    setter = model.attrs.get("set_vocab")
    if setter is None:
        return False
    from lexiloom.spacy.architectures import build_vocab_for

    vocab = build_vocab_for(model, (eg.reference for eg in examples))
    setter(model, vocab)
    return True


def _set_device(config: TrainConfig) -> None:
    use_threads(config.threads)
    if config.device == "cuda":
        import spacy

        try:
            spacy.require_gpu()
        except (ValueError, ImportError) as err:
            raise SettingsError(f"--device cuda: no usable GPU ({err}); use --device cpu") \
                from None


def _settings(config: TrainConfig, resolved: dict[str, Any]) -> dict[str, Any]:
    return {**resolved, "checkpoint_every": config.checkpoint_every,
            "keep_checkpoints": config.keep_checkpoints}


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
    ``out_dir/checkpoints`` with the settings saved in ``out_dir`` (``config`` is ignored and
    may be ``None``); it ends at the same step as an uninterrupted run. Errors a user can
    cause raise :class:`~lexiloom.errors.LexiloomError`.
    """
    out = Path(out_dir)
    _check_writable_dir(out)
    if resume:
        found, skipped = checkpoint.latest(out / CHECKPOINTS)
        if found is not None:
            return _resume(found, out, progress)
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
        from lexiloom.training.language_model import train_language_model

        return train_language_model(cfg, out, progress=progress)
    exclusive = not cfg.multi_label
    train_data, dev_data = _read_corpora(cfg)
    labels = train_data.labels
    if exclusive and len(labels) < 2:
        raise SettingsError(f"{cfg.train}: only one label ({labels[0]}); a classifier needs at "
                            f"least two (check the corpus and --label-map)")
    check_labels(dev_data, labels, f"the training corpus {cfg.train}")
    spacy_config, component, resolved = assemble(cfg)
    _set_device(cfg)
    seeds.seed_everything(int(resolved["seed"]))
    nlp = build_nlp(spacy_config)
    pipe = nlp.get_pipe(component)
    for label in labels:
        pipe.add_label(label)
    examples = to_examples(nlp, train_data, labels)
    install_vocab(nlp, component, examples)
    optimizer = make_optimizer(cfg, float(resolved["lr"]), spacy_config)
    nlp.initialize(lambda: examples, sgd=optimizer)
    start_run(out, cfg.to_dict(), nlp.config.to_str())
    trainer = ClassifierTrainer(nlp, component, optimizer, examples, dev_data,
                                _settings(cfg, resolved), out, progress=progress)
    return trainer.run(LoopState())


def _resume(found: checkpoint.Checkpoint, out: Path, progress: bool) -> TrainResult:
    """Continue the run whose newest valid checkpoint is ``found``."""
    cfg = TrainConfig.from_dict(json.loads((out / TRAINING_JSON).read_text("utf-8")))
    if cfg.task == "generate":
        from lexiloom.training.language_model import resume_language_model

        return resume_language_model(found, cfg, out, progress=progress)
    train_data, dev_data = _read_corpora(cfg)
    spacy_config, component, _ = assemble(cfg)
    _set_device(cfg)
    nlp = load_pipeline(found.model_dir)
    pipe = nlp.get_pipe(component)
    labels = list(pipe.labels)
    check_labels(train_data, labels, "the checkpointed model")
    examples = to_examples(nlp, train_data, labels)
    settings = found.state["settings"]
    optimizer = make_optimizer(cfg, float(settings["lr"]), spacy_config)
    checkpoint.load_optimizer(found, optimizer, nlp)
    for _ in range(found.step):  # learning-rate schedules, if any, continue where they were
        optimizer.step_schedules()
    state_fields = {k: v for k, v in found.state.items() if k in LoopState.__dataclass_fields__}
    state = LoopState(**state_fields)
    seeds.restore(found.state["rng"])
    truncate_metrics(out, found.step)
    trainer = ClassifierTrainer(nlp, component, optimizer, examples, dev_data, settings, out,
                                progress=progress)
    trainer.progress.message(f"resuming from {found.path.name} (step {found.step})")
    return trainer.run(state, resumed_from=found.step)


__all__ = ["as_config", "install_vocab", "make_optimizer", "train"]


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
