"""What to train: :class:`TrainConfig`, and the spaCy pipeline config assembled from it.

The pipeline comes from a spaCy config file: ``spacy_config`` when given (``--config CFG``), else
the task's default under ``configs/`` (the files the benchmark uses, so a user who passes no
model flags trains the benchmark's model). ``embedder``/``encoder``/``head`` override the
classifier's ``lexiloom.TextClassifier.v1`` blocks (or the generator's): settings are merged into
the block, and when a block is renamed (``--encoder gru`` over an ``lstm`` block) the old
settings the new component also declares are kept (and a note says which). The training options
that are set are written into the spaCy config's ``[training]``, ``[corpora]`` and
``[lexiloom]`` sections (:func:`apply_training_options`, :func:`apply_generator_options`) and
spaCy resolves the rest.
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import Any

from lexiloom.errors import LexiloomError, SettingsError
from lexiloom.spacy.names import (
    ADAM_OPTIMIZER,
    ARCHITECTURE,
    ARCHITECTURE_V2,
    ARCHITECTURE_V3,
    ARCHITECTURE_V4,
    BLOCK_PARTS,
    CLASSIFIER_FACTORIES,
    GENERATOR_FACTORY,
    SENTIMENT_FACTORY,
    SGD_OPTIMIZER,
    STREAM_BATCHER,
    TEXT_CLASSIFIERS,
    TEXT_STREAMS_READER,
    WARMUP_COSINE,
)
from lexiloom.threads import resolve_threads

TASKS = ("classify", "sentiment", "generate")
OPTIMIZERS = ("adam", "sgd")
DEVICES = ("cpu", "cuda")
LEVELS = ("char", "word")
LR_SCHEDULES = ("constant", "linear", "cosine")
SENTIMENT_FACTORIES_MODULE = "lexiloom.spacy.components.factories"

DEFAULT_LEARN_RATE = 0.001
"""The learning rate of an optimizer ``--optimizer`` names when nothing else sets one."""

CONFIG_DIR = Path(str(files("lexiloom_configs")))
"""The shipped ``configs/`` folder (installed as the ``lexiloom_configs`` data package)."""

DEFAULT_CONFIGS = {("classify", False): "topics_multiclass.cfg",
                   ("classify", True): "multilabel.cfg",
                   ("sentiment", False): "sentiment_binary.cfg",
                   ("sentiment", True): "multilabel.cfg",
                   ("generate", False): "generator_char.cfg"}


LEXILOOM_SECTION = "lexiloom"
"""The config section of lexiloom's loop settings: ``max_seconds`` (null: none),
``checkpoint_every`` (0: at each evaluation) and ``keep_checkpoints``."""

LOOP_DEFAULTS: dict[str, Any] = {"max_seconds": None, "checkpoint_every": 0,
                                 "keep_checkpoints": 2}


MOVED: dict[str, str] = {
    "bptt": "now the training corpus's setting ([corpora.train] bptt of "
            "lexiloom.TextStreams.v1; lexiloom train --bptt)",
    "documents": "now the generator's setting ([components.NAME] documents)",
    "lr_schedule": "now the optimizer's learn_rate schedule ([training.optimizer.learn_rate]; "
                   "lexiloom train --lr-schedule)",
    "warmup_steps": "now the learn_rate schedule's warmup_steps "
                    "([training.optimizer.learn_rate])",
}
"""Where the settings the old training loop read from ``[lexiloom]`` went (configs written
before lexiloom trained language models on spaCy's loop)."""


@dataclass
class LoopSettings:
    """lexiloom's settings for spaCy's loop (the config's ``[lexiloom]`` section)."""

    max_seconds: float | None = None
    checkpoint_every: int = 0
    keep_checkpoints: int = 2

    @classmethod
    def from_config(cls, config: Any) -> LoopSettings:
        given = dict(config.get(LEXILOOM_SECTION, {}) or {})
        unknown = sorted(set(given) - set(LOOP_DEFAULTS))
        if unknown:
            raise SettingsError("[lexiloom] " + "; ".join(
                f"{key} is {MOVED.get(key, 'not a setting here')}" for key in unknown)
                + f" ([lexiloom] takes {', '.join(LOOP_DEFAULTS)})")
        section = {**LOOP_DEFAULTS, **given}
        settings = cls(**{key: section[key] for key in LOOP_DEFAULTS})
        seconds = settings.max_seconds
        if seconds is not None and (isinstance(seconds, bool)
                                    or not isinstance(seconds, int | float) or seconds <= 0):
            raise SettingsError(f"[lexiloom] max_seconds must be a positive number or null, not "
                                f"{seconds!r}")
        for name in ("checkpoint_every", "keep_checkpoints"):
            value = getattr(settings, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise SettingsError(f"[lexiloom] {name} must be a non-negative integer, not "
                                    f"{value!r}")
        return settings


def checkpoint_interval(every: int, frequency: int) -> int:
    """The steps between checkpoints for ``checkpoint_every`` (0: every evaluation); a
    SettingsError unless it is a multiple of ``eval_frequency``, so that a resumed run
    evaluates at the same steps."""
    interval = every or frequency
    if interval % frequency:
        raise SettingsError(f"checkpoint_every ({every}) must be a multiple of eval_frequency "
                            f"({frequency}), so a resumed run evaluates at the same steps; "
                            f"use {max(every - every % frequency, frequency)} (or 0: at each "
                            "evaluation)")
    return interval


@dataclass
class TrainConfig:
    """Everything ``lexiloom train`` needs; mirrors the command's options.

    ``train``/``dev``: corpus paths (anything :func:`lexiloom.corpora.read_corpus` reads, also a
    bundled ``NAME/SPLIT``), read with ``format``, ``encoding`` and ``reader`` settings;
    ``label_map`` maps raw labels to names (a dict or a JSON file). ``eval_every``: evaluate on
    dev every N steps. ``epochs`` and ``max_steps`` both bound training (whichever ends first;
    steps are counted as spaCy does, from 0). ``checkpoint_every``: checkpoint every N steps
    (0: at each evaluation; a multiple of ``eval_every``). ``patience``: stop after this many
    evaluations without a better dev score (0: never stop early). ``keep_checkpoints``: how many
    checkpoints to keep (default 2). A setting left ``None`` comes from the spaCy config, and
    spaCy fills what the config lacks. For ``task="generate"``: ``batch_size`` is the number of
    parallel streams, ``bptt`` the tokens per chunk, ``format`` ``text`` or ``jsonl``.
    """

    train: str = ""
    dev: str = ""
    task: str = "classify"
    multi_label: bool = False
    format: str | None = None
    encoding: str = "utf-8"
    reader: dict[str, Any] = field(default_factory=dict)
    label_map: dict[str, str] | str | None = None
    spacy_config: str | None = None
    embedder: dict[str, Any] | None = None
    encoder: dict[str, Any] | None = None
    head: dict[str, Any] | None = None
    epochs: int | None = None
    batch_size: int | None = None
    lr: float | None = None
    optimizer: str | None = None
    dropout: float | None = None
    patience: int | None = None
    seed: int | None = None
    device: str = "cpu"
    threads: int | None = None
    eval_every: int | None = None
    checkpoint_every: int | None = None
    keep_checkpoints: int | None = None
    max_steps: int | None = None
    level: str | None = None
    tokenizer: dict[str, Any] | None = None
    bptt: int | None = None
    documents: str | None = None
    lr_schedule: str | None = None
    warmup_steps: int | None = None
    max_seconds: float | None = None
    vectors: str | None = None
    """A spaCy pipeline or vectors package (``lexiloom vectors to-spacy``) whose vectors the
    classifier reads as static input: ``[initialize] vectors`` and ``include_static_vectors``."""
    init_encoder: str | None = None
    """A pretrained bidirectional language model (``lexiloom pretrain``'s ``model-best``) whose
    embedding and encoder start the classifier, fine-tuned the ULMFiT way (see
    :mod:`lexiloom.spacy.init_encoder`)."""

    def validate(self) -> TrainConfig:
        """Raise :class:`~lexiloom.errors.SettingsError` for a value out of range; return self."""
        def bad(what: str) -> SettingsError:
            return SettingsError(f"training setting {what}")

        if not self.train:
            raise bad("train is missing: pass --train PATH (a corpus file or bundled NAME/SPLIT)")
        if not self.dev:
            raise bad("dev is missing: pass --dev PATH (held-out texts for early stopping)")
        if self.task not in TASKS:
            raise bad(f"task must be one of {', '.join(TASKS)}, not {self.task!r}")
        if self.optimizer is not None and self.optimizer not in OPTIMIZERS:
            raise bad(f"optimizer must be one of {', '.join(OPTIMIZERS)}, not {self.optimizer!r}")
        if self.device not in DEVICES:
            raise bad(f"device must be one of {', '.join(DEVICES)}, not {self.device!r}")
        for name in ("epochs", "batch_size", "threads", "keep_checkpoints", "max_steps", "bptt"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, int) or value < 1):
                raise bad(f"{name} must be a positive integer, not {value!r}")
        if self.threads is not None:
            resolve_threads(self.threads, "--threads")
        if self.level is not None and self.level not in LEVELS:
            raise bad(f"level must be one of {', '.join(LEVELS)}, not {self.level!r}")
        if self.level is not None and self.tokenizer is not None:
            raise bad("level and tokenizer both given; --level char|word is a shorthand for "
                      "--tokenizer char|regex: pass one of them")
        if self.tokenizer is not None and not isinstance(self.tokenizer.get("name"), str):
            raise bad(f"tokenizer must be a mapping with a 'name', not {self.tokenizer!r}")
        if self.lr_schedule is not None and self.lr_schedule not in LR_SCHEDULES:
            raise bad(f"lr_schedule must be one of {', '.join(LR_SCHEDULES)}, not "
                      f"{self.lr_schedule!r}")
        if self.max_seconds is not None and not (isinstance(self.max_seconds, int | float)
                                                 and self.max_seconds > 0):
            raise bad(f"max_seconds must be a positive number, not {self.max_seconds!r}")
        if self.task == "generate" and self.multi_label:
            raise bad("multi_label does not apply to --task generate")
        if self.task == "generate" and self.vectors:
            raise bad("vectors (static input) applies to classifiers, not --task generate")
        if self.task == "generate" and self.init_encoder:
            raise bad("init_encoder applies to classifiers, not --task generate")
        if self.init_encoder and self.vectors:
            raise bad("init_encoder and vectors do not combine (the pretrained encoder reads "
                      "its own embeddings only); choose one")
        if self.task != "generate" and (self.level or self.tokenizer or self.bptt
                                        or self.documents):
            raise bad("level, tokenizer, bptt and documents apply to --task generate only")
        for name in ("eval_every", "checkpoint_every", "patience", "warmup_steps"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, int) or value < 0):
                raise bad(f"{name} must be a non-negative integer, not {value!r}")
        if self.lr is not None and not self.lr > 0:
            raise bad(f"lr must be positive, not {self.lr!r}")
        if self.dropout is not None and not 0 <= self.dropout < 1:
            raise bad(f"dropout must be in [0, 1), not {self.dropout!r}")
        for kind in ("embedder", "encoder", "head"):
            block = getattr(self, kind)
            if block is not None and not isinstance(block.get("name", ""), str):
                raise bad(f"{kind} must be a mapping with a 'name', not {block!r}")
        return self

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable form (accepted back by :meth:`from_dict`)."""
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TrainConfig:
        """Build from a mapping; unknown keys raise :class:`~lexiloom.errors.SettingsError`."""
        names = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(data) - names)
        if unknown:
            raise SettingsError(f"unknown training setting(s) {', '.join(unknown)}; settings: "
                                f"{', '.join(sorted(names))}")
        return cls(**data)


def load_label_map(label_map: dict[str, str] | str | os.PathLike[str] | None) -> dict[str, str]:
    """The raw-label → name mapping: given as a dict, or a JSON object in a file."""
    if label_map is None:
        return {}
    if isinstance(label_map, dict):
        data: Any = label_map
    else:
        path = Path(label_map)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise SettingsError(f"label map {path} does not exist; pass a JSON file such as "
                                f'{{"0": "negative", "1": "positive"}}') from None
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
            raise SettingsError(f"label map {path} is not a JSON object ({err}); write it as "
                                f'{{"0": "negative", "1": "positive"}}') from None
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        raise SettingsError(f"label map must be a JSON object of strings, e.g. "
                            f'{{"0": "negative", "1": "positive"}}, not {data!r}')
    return {str(k): v for k, v in data.items()}


def sentiment_factory_available() -> bool:
    """Whether the ``lexiloom_sentiment`` spaCy factory can be registered (imports it)."""
    import importlib

    try:
        importlib.import_module(SENTIMENT_FACTORIES_MODULE)
    except ImportError:
        return False
    return True


def architecture_available() -> bool:
    """Whether ``lexiloom.TextClassifier.v1`` can be built (its module imports)."""
    import importlib

    try:
        importlib.import_module("lexiloom.spacy.architectures")
    except ImportError:
        return False
    return True


def template(task: str, multi_label: bool) -> dict[str, Any]:
    """A spaCy config (as a dict) with one classifier, used when ``configs/`` is not at hand."""
    if architecture_available():
        model: dict[str, Any] = {
            "@architectures": ARCHITECTURE_V4, "exclusive_classes": not multi_label, "nO": None,
            "vocab": {"min_count": 1, "max_size": 50000, "attr": "norm"},
            "ngram_separate_loss": False,
        }
        set_model_blocks(model, {"embedder": {"name": "trainable", "dim": 128},
                                 "encoder": {"name": "gru", "hidden_size": 128,
                                             "bidirectional": True},
                                 "head": {"name": "classification", "pooling": "max",
                                          "dropout": 0.5}})
    else:
        model = {"@architectures": "spacy.TextCatBOW.v3", "exclusive_classes": not multi_label,
                 "ngram_size": 2, "no_output_layer": False, "length": 262144, "nO": None}
    factory = "textcat_multilabel" if multi_label else "textcat"
    return {
        "nlp": {"lang": "en", "pipeline": ["textcat"], "batch_size": 256},
        "components": {"textcat": {"factory": factory, "threshold": 0.5, "model": model}},
        "training": {"seed": 0, "dropout": 0.3, "max_epochs": 10,
                     "optimizer": {"@optimizers": ADAM_OPTIMIZER, "use_averages": True}},
    }


def base_config_path(config: TrainConfig) -> Path | None:
    """The spaCy config file the pipeline starts from, or ``None`` for :func:`template`."""
    if config.spacy_config:
        path = Path(config.spacy_config)
        if not path.is_file():
            raise SettingsError(f"spaCy config {path} does not exist; pass an existing .cfg file "
                                f"(e.g. one of configs/*.cfg) or leave --config out")
        return path
    path = CONFIG_DIR / DEFAULT_CONFIGS[(config.task, config.multi_label)]
    return path if path.is_file() else None


def load_spacy_config(config: TrainConfig) -> Any:
    """The spaCy :class:`thinc.api.Config` for ``config``, not yet interpolated."""
    from thinc.api import Config

    path = base_config_path(config)
    if path is None:
        return Config(template(config.task, config.multi_label))
    try:
        return Config().from_disk(path, interpolate=False)
    except Exception as err:  # thinc raises several kinds for a malformed file
        raise SettingsError(f"cannot read spaCy config {path}: {err}") from None


def generator_name(spacy_config: Any) -> str:
    """The name of the pipeline's ``lexiloom_generator`` component."""
    components = spacy_config.get("components", {})
    for name in spacy_config.get("nlp", {}).get("pipeline", []):
        if components.get(name, {}).get("factory") == GENERATOR_FACTORY:
            return name
    raise SettingsError(f"the spaCy config has no {GENERATOR_FACTORY} component in its [nlp] "
                        "pipeline; add one (see configs/generator_char.cfg)")


def assemble_generator(config: TrainConfig) -> tuple[Any, str, dict[str, Any]]:
    """:func:`assemble` for ``task="generate"``: the generator's tokenizer (``level`` or
    ``tokenizer``) and embedder/encoder/head overrides go into its component block, the training
    options into ``[training]``, ``[corpora]`` and ``[lexiloom]``."""
    spacy_config = load_spacy_config(config)
    name = generator_name(spacy_config)
    component = spacy_config["components"][name]
    if config.level is not None or config.tokenizer is not None:
        component["level"] = None
        component["tokenizer"] = None
        component["tokenizer_settings"] = {}
        if config.level is not None:
            component["level"] = config.level
        else:
            block = dict(config.tokenizer or {})
            component["tokenizer"] = block.pop("name")
            component["tokenizer_settings"] = block
    notes = apply_overrides(component, _overrides(config))
    apply_generator_options(config, spacy_config, name)
    return spacy_config, name, {"notes": notes}


def apply_generator_options(config: TrainConfig, spacy_config: Any, component: str) -> None:
    """Write ``config``'s options for the generator ``component`` into the spaCy config: its
    corpora (``lexiloom.TextStreams.v1`` over ``train``/``dev``; ``batch_size`` streams of
    ``bptt`` tokens; dev read as one stream), ``documents``, ``seed``, ``dropout`` (``[training]
    dropout``; the component's own setting then null), the learning rate and its schedule
    (``lr``, ``lr_schedule``, ``warmup_steps``), ``--optimizer`` (lexiloom's Adam or SGD,
    keeping the global gradient-norm clipping) and the loop options every task shares."""
    settings = spacy_config["components"][component]
    training = spacy_config.setdefault("training", {})
    training["max_epochs"] = -1  # stream order: spaCy shuffles a corpus it reads into a list
    training["batcher"] = {"@batchers": STREAM_BATCHER, "size": 64}
    set_stream_corpora(spacy_config, config, component)
    if config.documents is not None:
        settings["documents"] = config.documents
    if config.seed is not None:
        settings["seed"] = "${system.seed}"
        spacy_config.setdefault("system", {})["seed"] = config.seed
    if config.dropout is not None:
        settings["dropout"] = None
    optimizer = dict(training.get("optimizer") or {})
    if config.optimizer is not None:
        optimizer = optimizer_section(config.optimizer, optimizer, generator=True)
    rate = optimizer.get("learn_rate", DEFAULT_LEARN_RATE)
    schedule = dict(rate) if isinstance(rate, Mapping) else None
    if config.lr_schedule is not None or (schedule is None and (
            config.warmup_steps is not None or config.optimizer)):
        initial = config.lr if config.lr is not None else (
            schedule.get("initial_rate", DEFAULT_LEARN_RATE) if schedule else rate)
        warmup = config.warmup_steps if config.warmup_steps is not None else (
            schedule.get("warmup_steps", 0) if schedule else 0)
        shape = config.lr_schedule or "constant"
        optimizer["learn_rate"] = learning_rate_schedule(shape, float(initial), int(warmup))
    elif schedule is not None:  # the config's schedule, its shape kept
        if config.lr is not None:
            if schedule.get("final_rate") == schedule.get("initial_rate"):
                schedule["final_rate"] = config.lr  # constant after the warm-up stays so
            schedule["initial_rate"] = config.lr
        if config.warmup_steps is not None:
            schedule["warmup_steps"] = config.warmup_steps
        optimizer["learn_rate"] = schedule
    elif config.lr is not None:
        optimizer["learn_rate"] = config.lr
    training["optimizer"] = optimizer
    if config.epochs is not None and not config.max_steps:
        training["max_steps"] = 1  # until the text is read: then epochs x chunks per epoch
    apply_training_options(dataclasses.replace(config, optimizer=None, lr=None, batch_size=None,
                                               epochs=None), spacy_config)


def learning_rate_schedule(shape: str, initial: float, warmup: int) -> dict[str, Any]:
    """The ``learn_rate`` schedule section for ``--lr-schedule shape`` (constant, linear or
    cosine after ``warmup`` steps of linear warm-up; decays end at ``max_steps``)."""
    if shape == "linear":
        return {"@schedules": "warmup_linear.v1", "initial_rate": initial,
                "warmup_steps": warmup, "total_steps": "${training.max_steps}"}
    return {"@schedules": WARMUP_COSINE, "initial_rate": initial, "warmup_steps": warmup,
            "total_steps": "${training.max_steps}",
            "final_rate": initial if shape == "constant" else 0.0}


TEXT_FORMATS = {None: "text", "text": "text", "txt": "text", "jsonl": "jsonl"}
"""``--format`` for a generator's text: plain text (default) or JSON Lines."""


def set_stream_corpora(spacy_config: Any, config: TrainConfig, component: str) -> None:
    """Point ``[corpora]`` at ``config``'s train and dev text through ``lexiloom.TextStreams.v1``
    for ``component``: the training text in ``batch_size`` streams of ``bptt`` tokens (else the
    config's reader's, else 16 of 128), the dev text as one stream. ``format``, ``field`` and
    ``encoding`` not given keep the config's train reader's."""
    if config.format not in TEXT_FORMATS:
        raise SettingsError(f"--format {config.format}: a generator reads plain text (text) or "
                            "JSON Lines with a text field (jsonl)")
    corpora = spacy_config.get("corpora", {}) or {}
    given = dict(corpora.get("train") or {})
    if given.get("@readers") != TEXT_STREAMS_READER:
        given = {}
    reader = {"@readers": TEXT_STREAMS_READER, "component": component,
              "format": TEXT_FORMATS[config.format] if config.format else given.get(
                  "format", "text"),
              "field": str(config.reader.get("field", given.get("field", "text"))),
              "encoding": config.encoding if config.encoding != "utf-8" else given.get(
                  "encoding", "utf-8")}
    streams = config.batch_size or given.get("streams", 16)
    bptt = config.bptt or given.get("bptt", 128)
    spacy_config.setdefault("paths", {}).update({"train": config.train, "dev": config.dev})
    spacy_config["corpora"] = {
        "train": {**reader, "path": "${paths.train}", "streams": streams, "bptt": bptt},
        "dev": {**reader, "path": "${paths.dev}", "streams": 1, "bptt": 256}}
    training = spacy_config.setdefault("training", {})
    training.update({"train_corpus": "corpora.train", "dev_corpus": "corpora.dev"})


def classifier_name(spacy_config: Any) -> str:
    """The name of the pipeline's text classifier component."""
    components = spacy_config.get("components", {})
    for name in spacy_config.get("nlp", {}).get("pipeline", []):
        if components.get(name, {}).get("factory") in CLASSIFIER_FACTORIES:
            return name
    raise SettingsError(f"the spaCy config has no text classifier component (factory one of "
                        f"{', '.join(CLASSIFIER_FACTORIES)}) in its [nlp] pipeline; add one")


def assemble(config: TrainConfig) -> tuple[Any, str, dict[str, Any]]:
    """The spaCy config to train, the classifier component's name, and notes: ``{"notes":
    [lines saying which settings a renamed block carried over]}`` (for ``task="generate"``,
    :func:`assemble_generator`, also the resolved training settings).

    Sets the classifier's factory for the task (``lexiloom_sentiment`` for ``sentiment`` when
    that factory is installed, else ``textcat``; ``textcat_multilabel`` with ``multi_label``),
    applies the embedder/encoder/head overrides, and writes the training options ``config``
    sets into the spaCy config (:func:`apply_training_options`).
    """
    if config.task == "generate":
        return assemble_generator(config)
    spacy_config = load_spacy_config(config)
    name = classifier_name(spacy_config)
    component = spacy_config["components"][name]
    if config.multi_label:
        component["factory"] = "textcat_multilabel"
    elif config.task == "sentiment" and sentiment_factory_available():
        component["factory"] = SENTIMENT_FACTORY
    elif component["factory"] == SENTIMENT_FACTORY and not sentiment_factory_available():
        component["factory"] = "textcat"
    model = component.setdefault("model", {})
    if "exclusive_classes" in model:
        model["exclusive_classes"] = not config.multi_label
    overrides = _overrides(config)
    if overrides and model.get("@architectures") not in TEXT_CLASSIFIERS:
        raise SettingsError(f"--embedder/--encoder/--head need a {ARCHITECTURE_V4} classifier, "
                            f"but component {name!r} uses {model.get('@architectures')!r}")
    if config.vectors is not None:
        if model.get("@architectures") not in (ARCHITECTURE_V2, ARCHITECTURE_V3,
                                                ARCHITECTURE_V4):
            raise SettingsError(f"--vectors needs a {ARCHITECTURE_V4} classifier, but component "
                                f"{name!r} uses {model.get('@architectures')!r}")
        from spacy.util import is_package

        vectors = Path(config.vectors)
        if not vectors.is_dir() and not is_package(str(config.vectors)):
            raise SettingsError(f"--vectors {config.vectors}: no such directory or installed "
                                "package; pass a spaCy pipeline or vectors package, e.g. one "
                                "made by 'lexiloom vectors to-spacy VECTORS DIR'")
        model["include_static_vectors"] = True
        spacy_config.setdefault("initialize", {})["vectors"] = \
            str(vectors.resolve()) if vectors.is_dir() else str(config.vectors)
    notes: list[str] = []
    if overrides:
        blocks = model_blocks(model)
        notes = apply_overrides(blocks, overrides)
        set_model_blocks(model, blocks)
    apply_training_options(config, spacy_config)
    return spacy_config, name, {"notes": notes}


def apply_training_options(config: TrainConfig, spacy_config: Any) -> None:
    """Write the training options ``config`` sets into the spaCy config (what it leaves unset
    stays as the config says; spaCy fills the rest). ``patience`` counts evaluations
    (spaCy's counts steps: ``patience x eval_frequency``); ``epochs`` alone trains exactly that
    many epochs (no ``max_steps``); ``batch_size`` means texts per update
    (``spacy.batch_by_sequence.v1``); lexiloom's own loop settings go into ``[lexiloom]``."""
    training = spacy_config.setdefault("training", {})
    for key, value in (("seed", config.seed), ("dropout", config.dropout),
                       ("max_steps", config.max_steps)):
        if value is not None:
            training[key] = value
    if config.epochs is not None:
        training["max_epochs"] = config.epochs
        if config.max_steps is None:
            training["max_steps"] = 0
    if config.eval_every is not None:
        if config.eval_every == 0:
            raise SettingsError("--eval-every 0 (at each epoch's end) is not available: "
                                "spaCy's loop evaluates every N steps; pass a positive N")
        training["eval_frequency"] = config.eval_every
    if config.patience is not None:
        frequency = training.get("eval_frequency", 200)
        training["patience"] = config.patience * (frequency if isinstance(frequency, int)
                                                  else 200)
    if config.batch_size is not None:
        training["batcher"] = {"@batchers": "spacy.batch_by_sequence.v1",
                               "size": config.batch_size, "get_length": None}
    optimizer = dict(training.get("optimizer") or {})
    if config.optimizer is not None:
        optimizer = optimizer_section(config.optimizer, optimizer)
        optimizer.setdefault("learn_rate", DEFAULT_LEARN_RATE)
    if config.lr is not None:
        optimizer["learn_rate"] = config.lr
    if optimizer:
        training["optimizer"] = optimizer
    section = {**LOOP_DEFAULTS, **dict(spacy_config.get(LEXILOOM_SECTION, {}) or {})}
    if config.max_seconds is not None:
        section["max_seconds"] = config.max_seconds
    for key in ("checkpoint_every", "keep_checkpoints"):
        if getattr(config, key) is not None:
            section[key] = getattr(config, key)
    frequency = training.get("eval_frequency", 200)
    if isinstance(section["checkpoint_every"], int) and isinstance(frequency, int):
        checkpoint_interval(section["checkpoint_every"], frequency)
    spacy_config[LEXILOOM_SECTION] = {key: section[key] for key in LOOP_DEFAULTS}


OPTIMIZER_FUNCTIONS = {"adam": "Adam.v1", "sgd": "SGD.v1"}
"""The thinc optimizer each ``--optimizer`` choice names."""

GENERATOR_OPTIMIZERS = {"adam": ADAM_OPTIMIZER, "sgd": SGD_OPTIMIZER}
"""The optimizer each ``--optimizer`` choice names for a generator (global-norm clipping)."""

_SHARED_OPTIMIZER_SETTINGS = ("learn_rate", "L2", "grad_clip", "use_averages",
                              "L2_is_weight_decay")


def optimizer_section(name: str, current: Mapping[str, Any], *,
                      generator: bool = False) -> dict[str, Any]:
    """The ``[training.optimizer]`` section for ``--optimizer name``, keeping the settings of
    ``current`` that the new optimizer also takes (Adam's betas and eps only for Adam). A
    generator's optimizer is lexiloom's (``lexiloom.Adam.v1``/``lexiloom.SGD.v1``), which keep
    its clipping by the global gradient norm."""
    function = (GENERATOR_OPTIMIZERS if generator else OPTIMIZER_FUNCTIONS)[name]
    if current.get("@optimizers") == function:
        return dict(current)
    keep = _SHARED_OPTIMIZER_SETTINGS + (("beta1", "beta2", "eps") if name == "adam" else ()) \
        + (("global_grad_clip",) if generator else ())
    return {"@optimizers": function, **{k: v for k, v in current.items() if k in keep}}


def model_blocks(model: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """The ``{"name": ...}`` embedder/encoder/head blocks of a lexiloom text classifier's
    unresolved model section (either version; empty for another architecture)."""
    architecture = model.get("@architectures")
    if architecture not in TEXT_CLASSIFIERS:
        return {}
    parts = [(part, kind) for part, kind in BLOCK_PARTS if isinstance(model.get(part), Mapping)]
    if architecture == ARCHITECTURE:
        return {part: dict(model[part]) for part, _ in parts}
    from lexiloom.spacy.blocks import spec_of_section

    return {part: spec_of_section(kind, model[part]) for part, kind in parts}


def set_model_blocks(model: dict[str, Any], blocks: Mapping[str, Mapping[str, Any]]) -> None:
    """Write ``{"name": ...}`` blocks into a text classifier's model section, in its form:
    registered sections for v2 (``@architectures = "lexiloom.LSTMEncoder.v1"``), dicts for v1."""
    if model.get("@architectures") == ARCHITECTURE:
        model.update({part: dict(block) for part, block in blocks.items()})
        return
    from lexiloom.spacy.blocks import block_section

    kinds = dict(BLOCK_PARTS)
    model.update({part: block_section(kinds[part], block) for part, block in blocks.items()})


def _overrides(config: TrainConfig) -> dict[str, dict[str, Any]]:
    """The embedder/encoder/head blocks ``config`` sets."""
    return {k: getattr(config, k) for k in ("embedder", "encoder", "head")
            if getattr(config, k) is not None}


def apply_overrides(target: Any, overrides: dict[str, dict[str, Any]]) -> list[str]:
    """Merge each override block into ``target[kind]`` (a model or generator block); a renamed
    component keeps the old settings it also declares. Returns one line per renamed block
    saying which settings carried over (what ``lexiloom train`` prints)."""
    notes = []
    for kind, block in overrides.items():
        current = dict(target.get(kind) or {})
        old_name = current.get("name")
        if block.get("name") and block["name"] != old_name:
            current = _carried_settings(kind, block["name"], current)
            carried = ", ".join(f"{k}={json.dumps(v)}" for k, v in current.items()
                                if k not in block) or "none"
            if old_name:
                notes.append(f"{kind} {old_name} -> {block['name']}: settings carried over: "
                             f"{carried}")
            block = _newest(kind, block)
        current.update(block)
        target[kind] = current
    return notes


def _carried_settings(kind: str, name: str, current: dict[str, Any]) -> dict[str, Any]:
    """The settings of the config's ``kind`` block that the newly named component also declares
    and that differ from the old component's defaults (``--encoder gru`` over an ``lstm`` block
    keeps a chosen ``hidden_size``; a filled-in default is not carried, so the new component's
    own default applies)."""
    from lexiloom import registry

    new = registry.REGISTRIES[kind + "s"].get(name).defaults
    old: Mapping[str, Any] = {}
    if isinstance(current.get("name"), str):
        try:
            old = registry.REGISTRIES[kind + "s"].get_spec(current)[0].defaults
        except LexiloomError:  # the old block is not installed: carry what the new one declares
            old = {}
    return {k: v for k, v in current.items()
            if k in new and not (k in old and old[k] == v)}


def _newest(kind: str, block: dict[str, Any]) -> dict[str, Any]:
    """``block`` naming its component's newest version (``--encoder NAME`` means the newest;
    a config names a version exactly)."""
    from lexiloom import registry
    from lexiloom.registry import VERSION_KEY

    if VERSION_KEY in block:
        return block
    entry = registry.REGISTRIES[kind + "s"].get(block["name"])
    return {**block, VERSION_KEY: entry.version} if entry.version != 1 else block


__all__ = ["TrainConfig", "apply_generator_options", "assemble", "classifier_name",
           "learning_rate_schedule", "load_label_map", "set_stream_corpora"]
