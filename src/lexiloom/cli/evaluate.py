"""``lexiloom evaluate``: score a trained model's text classifiers on a labelled corpus, or its
language models on a plain-text file.

``--json`` prints ``{component name: scores}`` with the fields of
:meth:`lexiloom.scoring.ClassificationScores.to_dict` (classifiers) or
:meth:`lexiloom.models.perplexity.LanguageModelScore.to_dict` (``cross_entropy``,
``perplexity``, ``tokens``) for generators (schema in docs/training.md).
"""

from __future__ import annotations

import json

import click

from lexiloom.cli.settings import route_settings, settings_option
from lexiloom.cli.threads import threads_option
from lexiloom.corpora.bundled import resolve_corpus
from lexiloom.corpora.reading import detect_format, reader_entry
from lexiloom.evaluation import evaluate
from lexiloom.threads import use_threads
from lexiloom.training.config import load_label_map


@click.command("evaluate")
@click.argument("model", metavar="MODEL")
@click.argument("corpus", metavar="CORPUS")
@click.option("--component", metavar="NAME", help="Score only this component.")
@click.option("--format", "fmt", metavar="NAME", help="Corpus format (default: by extension).")
@click.option("--encoding", default="utf-8", show_default=True, help="Corpus text encoding.")
@click.option("--label-map", metavar="FILE",
              help='JSON object mapping raw labels to names, e.g. {"0": "negative"}.')
@settings_option
@threads_option()
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
def command(model: str, corpus: str, component: str | None, fmt: str | None, encoding: str,
            label_map: str | None, options: tuple[str, ...], threads: int | None,
            as_json: bool) -> None:
    """Score MODEL (a training DIR, meaning DIR/model-best, or a pipeline) on CORPUS.

    Every text classifier in the pipeline is scored: accuracy, macro precision/recall/F1, a
    per-label table and a confusion matrix. A language model (lexiloom_generator) is scored on
    a plain-text CORPUS: cross-entropy in nats per token and perplexity. -o settings go to the
    corpus reader.
    """
    use_threads(threads)
    reader = {}
    if options:
        resolved, bundled = resolve_corpus(corpus)
        name = fmt or bundled or detect_format(resolved)
        reader = route_settings(options, {"reader": reader_entry(name)})["reader"]
    report = evaluate(model, corpus, component=component, format=fmt, encoding=encoding,
                      label_map=load_label_map(label_map), reader=reader)
    if as_json:
        click.echo(json.dumps({name: scores.to_dict() for name, scores in report.items()}))
        return
    for i, (name, scores) in enumerate(report.items()):
        if i:
            click.echo()
        click.echo(f"== {name} ==")
        click.echo(scores.format_table())
