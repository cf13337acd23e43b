"""``lexiloom classify`` and ``lexiloom sentiment``: label texts with a trained model, printing
one JSON object per text (schema in :mod:`lexiloom.prediction` and docs/training.md)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import click

from lexiloom.cli.stdin import stdin_lines
from lexiloom.cli.threads import threads_option
from lexiloom.prediction import classify
from lexiloom.threads import use_threads
from lexiloom.training.pipeline import load_pipeline


def _texts(texts: tuple[str, ...]) -> Iterator[str]:
    """The TEXT arguments, or stdin's non-blank lines for ``-`` or no arguments."""
    if texts and texts != ("-",):
        yield from texts
        return
    for line in stdin_lines():
        if line.strip():
            yield line


def _run(model: str, texts: tuple[str, ...], component: str | None, sentiment: bool,
         batch_size: int, threads: int | None) -> None:
    use_threads(threads)
    nlp = load_pipeline(model)
    for record in classify(nlp, _texts(texts), component=component, sentiment=sentiment,
                           batch_size=batch_size):
        click.echo(json.dumps(record, ensure_ascii=False))


_model = click.argument("model", metavar="MODEL")
_texts_arg = click.argument("texts", metavar="[TEXT ...|-]", nargs=-1)
_component = click.option("--component", metavar="NAME",
                          help="The classifier to use (default: the first one).")
_batch = click.option("--batch-size", type=click.IntRange(min=1), default=64, show_default=True,
                      help="Texts per batch.")


@click.command("classify")
@_model
@_texts_arg
@_component
@_batch
@threads_option()
def classify_command(model: str, texts: tuple[str, ...], component: str | None,
                     batch_size: int, threads: int | None) -> None:
    """Label texts with MODEL (a training DIR, meaning DIR/model-best, or a pipeline).

    Texts are the arguments, or lines on stdin with '-' or none. Prints JSON lines:
    {"text", "cats": {label: score}, "label"} (+ "labels" for multi-label models).
    """
    _run(model, texts, component, False, batch_size, threads)


@click.command("sentiment")
@_model
@_texts_arg
@_component
@_batch
@threads_option()
def sentiment_command(model: str, texts: tuple[str, ...], component: str | None,
                      batch_size: int, threads: int | None) -> None:
    """Score the sentiment of texts with MODEL (a training DIR or a pipeline).

    Texts are the arguments, or lines on stdin with '-' or none. Prints JSON lines:
    {"text", "cats", "label", "sentiment": score in [-1, 1], "polarity": label}.
    """
    _run(model, texts, component, True, batch_size, threads)
