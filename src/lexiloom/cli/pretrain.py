"""``lexiloom pretrain``: a bidirectional language model of raw text, to initialise a
classifier (``lexiloom train --init-encoder DIR/model-best``)."""

from __future__ import annotations

import json

import click

from lexiloom.cli.threads import threads_option
from lexiloom.training.pretrain import DEFAULT_SECONDS, pretrain


@click.command("pretrain")
@click.option("--train", "train_path", metavar="PATH",
              help="Unlabelled training text: a plain-text file (e.g. WikiText-2's "
                   "wiki.train.tokens).")
@click.option("--dev", "dev_path", metavar="PATH", help="Held-out text (model-best).")
@click.option("--out", "out_dir", required=True, metavar="DIR",
              help="Output: model-best/, model-last/, checkpoints/, config.cfg.")
@click.option("--max-seconds", type=float, default=DEFAULT_SECONDS, show_default=True,
              help="Wall-clock budget; the step count is fitted to it on this machine.")
@click.option("--epochs", type=int, help="Passes over the text instead of the time budget.")
@click.option("--max-steps", type=int, help="Stop after step N instead of the time budget.")
@click.option("--eval-every", type=int,
              help="Score the dev text and checkpoint every N steps (default: 6 times).")
@click.option("--dim", type=int, help="Embedding size (default 128).")
@click.option("--hidden-size", type=int, help="BiGRU units per direction (default 128).")
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed.")
@threads_option()
@click.option("--resume", is_flag=True, help="Continue from the newest checkpoint in DIR.")
@click.option("--quiet", is_flag=True, help="No progress output on stderr.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON summary.")
def command(train_path: str | None, dev_path: str | None, out_dir: str,
            max_seconds: float, epochs: int | None, max_steps: int | None,
            eval_every: int | None, dim: int | None,
            hidden_size: int | None, seed: int, threads: int | None, resume: bool,
            quiet: bool, as_json: bool) -> None:
    """Pretrain an embedding and BiGRU as a bidirectional language model on raw text.

    The forward half predicts each next word, the backward half each previous one. The
    result initialises a classifier: lexiloom train --init-encoder DIR/model-best (or the
    lexiloom.init_encoder.v1 callback in a spaCy config).

    \b
    lexiloom pretrain --train wiki.train.tokens --dev wiki.valid.tokens --out lm/
    lexiloom train --task sentiment --train train.csv --dev dev.csv \\
        --init-encoder lm/model-best --out clf/
    """
    result = pretrain(train_path or "", dev_path or "", out_dir, max_seconds=max_seconds,
                      seed=seed, threads=threads, epochs=epochs, max_steps=max_steps,
                      eval_every=eval_every, dim=dim,
                      hidden_size=hidden_size, resume=resume, progress=not quiet)
    if as_json:
        click.echo(json.dumps({
            "out": str(result.out_dir), "steps": result.steps, "best_step": result.best_step,
            "best_cross_entropy": result.best_score, "seconds": round(result.seconds, 3),
            "train_seconds": round(result.train_seconds, 3),
            "scores": result.scores.to_dict() if result.scores else None}))
        return
    click.echo(f"pretrained {result.steps} steps in {result.seconds:.1f}s; best dev "
               f"cross-entropy {result.best_score:.4f} at step {result.best_step}")
    click.echo(f"saved {result.model_best} (lexiloom train --init-encoder {result.model_best})")
