"""``lexiloom quantize MODEL OUT``: store a trained pipeline's lexiloom models as int8."""

from __future__ import annotations

import json

import click

from lexiloom.cli.threads import threads_option
from lexiloom.threads import use_threads
from lexiloom.training.config import load_label_map


@click.command("quantize")
@click.argument("model", metavar="MODEL")
@click.argument("out", metavar="OUT")
@click.option("--check", metavar="CORPUS",
              help="A labelled corpus: report how often the copy gives the original's labels, "
                   "and both accuracies.")
@click.option("--format", "fmt", metavar="NAME", help="--check corpus format.")
@click.option("--label-map", metavar="FILE", help="JSON object mapping raw labels to names.")
@threads_option()
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def command(model: str, out: str, check: str | None, fmt: str | None, label_map: str | None,
            threads: int | None, as_json: bool) -> None:
    """Write a copy of MODEL (a training DIR or a pipeline) to OUT whose lexiloom models store
    their weights as int8 with a float scale per row (spacy.load reads it as any pipeline).

      lexiloom quantize out/ out-int8/ --check sentiment/test
    """
    from lexiloom.training.quantize_model import quantize_model

    use_threads(threads)
    report = quantize_model(model, out, check=check, format=fmt,
                            label_map=load_label_map(label_map))
    if as_json:
        click.echo(json.dumps(report.to_dict()))
        return
    for c in report.components:
        line = (f"{c.name}: model file {c.bytes_before / 1e6:.2f} MB -> "
                f"{c.bytes_after / 1e6:.2f} MB ({c.ratio:.0%})")
        if c.agreement is not None:
            line += (f"; on {report.documents:,} texts: same labels {c.agreement:.2%}, "
                     f"accuracy {c.accuracy_before:.4f} -> {c.accuracy_after:.4f}")
        click.echo(line)
    click.echo(f"saved {report.out}")
