"""``lexiloom train``: train a text classifier or a language model (a spaCy pipeline) with
checkpoints and resume.

``--json`` prints ``{"out", "steps", "epochs", "best_score", "best_step", "metric",
"stopped_early", "resumed_from", "seconds", "train_seconds", "scores"}`` where ``scores`` is the
dev scores of ``model-best`` (schema in docs/training.md).
"""

from __future__ import annotations

import json
from typing import Any

import click

from lexiloom import registry
from lexiloom.cli.settings import route_settings, settings_option
from lexiloom.cli.threads import threads_option
from lexiloom.corpora.bundled import resolve_corpus
from lexiloom.corpora.reading import detect_format, reader_entry
from lexiloom.registry import Entry
from lexiloom.training import TrainConfig, train
from lexiloom.training.config import (
    DEVICES,
    LEVELS,
    LR_SCHEDULES,
    OPTIMIZERS,
    TASKS,
    assemble,
    model_blocks,
)

_KINDS = (("embedder", registry.embedders), ("encoder", registry.encoders),
          ("head", registry.heads))


def _selected(config: TrainConfig, names: dict[str, str | None],
              reader_format: str | None) -> dict[str, Entry[Any]]:
    """The components ``-o`` may target: the model's embedder/encoder/head and the reader."""
    selected: dict[str, Entry[Any]] = {}
    spacy_config, component, _ = assemble(config)
    if config.task == "generate":  # the generator's blocks sit on the component itself
        block = spacy_config["components"][component]
        for kind, reg in _KINDS:
            name = names[kind] or (block.get(kind) or {}).get("name")
            if name:
                selected[kind] = reg.get(name)
        tokenizer = names.get("tokenizer") or block.get("tokenizer") or (
            "regex" if block.get("level") == "word" else "char")
        selected["tokenizer"] = registry.tokenizers.get(tokenizer)
        return selected
    blocks = model_blocks(spacy_config["components"][component].get("model", {}))
    for kind, reg in _KINDS:
        if names[kind]:
            selected[kind] = reg.get(names[kind])
        elif kind in blocks:
            selected[kind] = reg.get_spec(blocks[kind])[0]
    if reader_format:
        selected["reader"] = reader_entry(reader_format)
    return selected


def _reader_format(path: str, fmt: str | None) -> str | None:
    try:
        resolved, bundled = resolve_corpus(path)
        return fmt or bundled or detect_format(resolved)
    except Exception:  # reported properly when the corpus is read
        return fmt


@click.command("train")
@click.option("--task", type=click.Choice(TASKS), default="classify", show_default=True,
              help="classify: textcat (or textcat_multilabel); sentiment: lexiloom_sentiment; "
                   "generate: a lexiloom_generator language model.")
@click.option("--train", "train_path", metavar="PATH",
              help="Training corpus: a file, a folder or a bundled NAME/SPLIT (generate: a "
                   "plain-text file).")
@click.option("--dev", "dev_path", metavar="PATH",
              help="Development corpus (early stopping; generate: a plain-text file).")
@click.option("--out", "out_dir", required=True, metavar="DIR",
              help="Output: model-best/, model-last/, checkpoints/, config.cfg, metrics.jsonl.")
@click.option("--config", "spacy_config", metavar="CFG",
              help="A spaCy config to train (default: the task's file under configs/).")
@click.option("--embedder", metavar="NAME", help="Embedder plugin (settings: -o).")
@click.option("--encoder", metavar="NAME", help="Encoder plugin, e.g. lstm, gru, rnn.")
@click.option("--head", metavar="NAME",
              help="Head plugin, e.g. classification, sentiment, generation.")
@click.option("--vectors", metavar="DIR",
              help="A spaCy pipeline or vectors package (lexiloom vectors to-spacy) whose "
                   "vectors the classifier reads beside its own embeddings.")
@click.option("--init-encoder", metavar="DIR",
              help="Start from a pretrained language model (lexiloom pretrain's "
                   "model-best): its embeddings and encoder, fine-tuned with discriminative "
                   "rates, gradual unfreezing and a slanted-triangular learning rate.")
@click.option("--level", type=click.Choice(LEVELS),
              help="generate: char or word level (shorthand for --tokenizer char|regex).")
@click.option("--tokenizer", metavar="NAME",
              help="generate: any registered tokenizer (settings: -o tokenizer.KEY=VALUE).")
@click.option("--bptt", type=int,
              help="generate: tokens per chunk of truncated back-propagation through time.")
@click.option("--lr-schedule", type=click.Choice(LR_SCHEDULES),
              help="generate: learning-rate schedule after warm-up (decays end at max_steps).")
@click.option("--max-seconds", type=float,
              help="Stop after the step during which this much wall-clock time has passed since "
                   "the first step (config.cfg then pins max_steps).")
@settings_option
@click.option("--multi-label", is_flag=True, help="Several labels per text (sigmoid outputs).")
@click.option("--label-map", metavar="FILE",
              help='JSON object mapping raw labels to names, e.g. {"0": "negative"}.')
@click.option("--format", "fmt", metavar="NAME", help="Corpus format (default: by extension).")
@click.option("--encoding", default="utf-8", show_default=True, help="Corpus text encoding.")
@click.option("--epochs", type=int, help="Passes over the training corpus.")
@click.option("--batch-size", type=int,
              help="Texts per update (generate: parallel streams of the text).")
@click.option("--lr", type=float, help="Learning rate.")
@click.option("--optimizer", type=click.Choice(OPTIMIZERS),
              help="thinc's Adam or SGD (default: the config's [training.optimizer]).")
@click.option("--dropout", type=float, help="Dropout rate during training.")
@click.option("--patience", type=int,
              help="Stop after this many evaluations without a better dev score (0: never).")
@click.option("--seed", type=int, help="Random seed.")
@click.option("--device", type=click.Choice(DEVICES), default="cpu", show_default=True)
@threads_option()
@click.option("--eval-every", type=int,
              help="Evaluate every N steps (default: the config's eval_frequency).")
@click.option("--checkpoint-every", type=int,
              help="Checkpoint every N steps (0: at each evaluation; a multiple of "
                   "--eval-every).")
@click.option("--keep-checkpoints", type=int,
              help="How many checkpoints to keep (default: the config's, else 2).")
@click.option("--max-steps", type=int,
              help="Stop after step N (counted as spaCy does, from 0: N + 1 updates).")
@click.option("--resume", is_flag=True,
              help="Continue from the newest valid checkpoint in DIR with its saved settings.")
@click.option("--quiet", is_flag=True, help="No progress output on stderr.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON summary.")
def command(task: str, train_path: str | None, dev_path: str | None, out_dir: str,
            spacy_config: str | None, embedder: str | None, encoder: str | None,
            head: str | None, vectors: str | None, init_encoder: str | None,
            level: str | None,
            tokenizer: str | None, bptt: int | None,
            lr_schedule: str | None, max_seconds: float | None,
            options: tuple[str, ...], multi_label: bool,
            label_map: str | None, fmt: str | None, encoding: str, epochs: int | None,
            batch_size: int | None, lr: float | None, optimizer: str | None,
            dropout: float | None,
            patience: int | None, seed: int | None, device: str, threads: int | None,
            eval_every: int | None, checkpoint_every: int | None,
            keep_checkpoints: int | None,
            max_steps: int | None, resume: bool, quiet: bool, as_json: bool) -> None:
    """Train a text classifier, sentiment model or language model as a spaCy pipeline.

    DIR/model-best and DIR/model-last load with spacy.load. Checkpoints are written atomically
    to DIR/checkpoints; after an interruption, run the same command with --resume. -o settings
    go to the embedder, encoder, head, tokenizer (generate) or corpus reader (prefix the kind
    when ambiguous: -o encoder.hidden_size=256, -o reader.label_part=coarse). Without
    --config, the model size, batch size, evaluation frequency, patience, step cap and time
    budget follow the training data (options given win); what was chosen is printed and
    written at the top of DIR/config.cfg.

    \b
    lexiloom train --task sentiment --train sentiment/train --dev sentiment/dev --out out/
    lexiloom train --task generate --train input.txt --dev valid.txt --level char --out lm/
    """
    config = TrainConfig(
        train=train_path or "", dev=dev_path or "", task=task, multi_label=multi_label,
        format=fmt, encoding=encoding, label_map=label_map, spacy_config=spacy_config,
        epochs=epochs, batch_size=batch_size, lr=lr, optimizer=optimizer, dropout=dropout,
        patience=patience, seed=seed, device=device, threads=threads, eval_every=eval_every,
        checkpoint_every=checkpoint_every, keep_checkpoints=keep_checkpoints,
        max_steps=max_steps, level=level, bptt=bptt, lr_schedule=lr_schedule,
        max_seconds=max_seconds, vectors=vectors, init_encoder=init_encoder,
        tokenizer={"name": tokenizer} if tokenizer else None,
    )
    names = {"embedder": embedder, "encoder": encoder, "head": head, "tokenizer": tokenizer}
    if not resume and (options or any(names.values())):
        reader_format = None if task == "generate" else (
            _reader_format(train_path, fmt) if train_path else fmt)
        selected = _selected(config, names, reader_format)
        routed = route_settings(options, selected)
        for kind, _ in _KINDS:
            if names[kind] or routed.get(kind):
                name = names[kind] or selected[kind].name
                setattr(config, kind, {"name": name, **routed.get(kind, {})})
        if routed.get("tokenizer"):  # --level word -o tokenizer.X: the level's tokenizer, set
            config.level = None
            config.tokenizer = {"name": selected["tokenizer"].name, **routed["tokenizer"]}
        config.reader = routed.get("reader", {})
    result = train(config, out_dir=out_dir, resume=resume, progress=not quiet)
    if as_json:
        click.echo(json.dumps({
            "out": str(result.out_dir), "steps": result.steps, "epochs": result.epochs,
            "best_score": result.best_score, "best_step": result.best_step,
            "metric": result.metric, "stopped_early": result.stopped_early,
            "resumed_from": result.resumed_from, "seconds": round(result.seconds, 3),
            "train_seconds": round(result.train_seconds, 3),
            "scores": result.scores.to_dict() if result.scores else None,
        }))
        return
    click.echo(f"trained {result.steps} steps in {result.seconds:.1f}s"
               + (" (stopped early)" if result.stopped_early else "")
               + f"; best dev {result.metric} {result.best_score:.4f} at step {result.best_step}")
    if result.scores is not None:
        click.echo(result.scores.format_table())
    click.echo(f"saved {result.model_best} and {result.model_last}")
