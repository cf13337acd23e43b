"""``lexiloom generate``: continue a prompt with a pipeline's ``lexiloom_generator``.

A thin layer over :meth:`lexiloom.spacy.components.generator.TextGenerator.generate` (and
``.stream`` for ``--stream``).
"""

from __future__ import annotations

import json
from typing import Any

import click

from lexiloom.cli.threads import threads_option
from lexiloom.errors import LexiloomError
from lexiloom.threads import use_threads


def load_generator(model: str, component: str | None = None) -> Any:
    """The ``lexiloom_generator`` of MODEL (a training DIR, meaning DIR/model-best, or a
    pipeline directory)."""
    import lexiloom.spacy.components.generator_factory  # noqa: F401  (registers the factory)
    from lexiloom.spacy.components.generator import find_generator
    from lexiloom.training.pipeline import load_pipeline

    return find_generator(load_pipeline(model), component)


@click.command("generate")
@click.argument("model", metavar="MODEL")
@click.option("--prompt", default="", show_default=True,
              help="The text to continue (empty: start from scratch).")
@click.option("--max-tokens", type=int, default=100, show_default=True,
              help="Generate at most this many tokens.")
@click.option("--temperature", type=float, default=1.0, show_default=True,
              help="Sampling temperature; 0 is greedy.")
@click.option("--top-k", type=int, default=None, help="Sample from the k most likely tokens.")
@click.option("--top-p", type=float, default=None,
              help="Sample from the smallest set of tokens whose probability reaches p.")
@click.option("--seed", type=int, default=None, help="Seed for reproducible output.")
@click.option("--stop", multiple=True, metavar="TEXT",
              help="End the text before this string (repeatable).")
@click.option("--stream", is_flag=True, help="Print the text as it is produced.")
@click.option("--component", metavar="NAME",
              help="The generator to use (default: the pipeline's first one).")
@threads_option()
@click.option("--json", "as_json", is_flag=True,
              help='Print one JSON object {"prompt", "text"} instead of the text.')
def command(model: str, prompt: str, max_tokens: int, temperature: float, top_k: int | None,
            top_p: float | None, seed: int | None, stop: tuple[str, ...], stream: bool,
            component: str | None, threads: int | None, as_json: bool) -> None:
    """Continue --prompt with MODEL (a training DIR, meaning DIR/model-best, or a pipeline)
    and print the continuation (the prompt is not repeated)."""
    from lexiloom.cli import UserError

    settings = {"max_tokens": max_tokens, "temperature": temperature, "top_k": top_k,
                "top_p": top_p, "seed": seed, "stop": list(stop) or None}
    try:
        use_threads(threads)
        generator = load_generator(model, component)
        if stream and not as_json:
            for piece in generator.stream(prompt, **settings):
                click.echo(piece, nl=False)
            click.echo()
            return
        text = generator.generate(prompt, **settings)
    except LexiloomError as err:
        raise UserError(err) from None
    if as_json:
        click.echo(json.dumps({"prompt": prompt, "text": text}, ensure_ascii=False))
    else:
        click.echo(text)
