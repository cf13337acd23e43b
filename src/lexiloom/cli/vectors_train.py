"""``lexiloom vectors train``: learn word vectors from corpora with any embedder that can fit.

While it runs, an embedder whose ``fit`` takes a ``checkpoint`` (word2vec, glove) saves its
state after each epoch in ``OUT.checkpoint/`` (removed once OUT is written); ``--resume``
continues from there after a crash (see :mod:`lexiloom.vectors.checkpoint`).

``--json`` prints ``{"embedder", "settings", "out", "format", "vocabulary", "dim", "words",
"epochs", "seconds", "words_per_second"}`` where ``words`` is the corpus's word count times the
epochs and ``seconds`` covers vocabulary building and training.
"""

from __future__ import annotations

import inspect
import json
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import click

from lexiloom import atomic, registry
from lexiloom.cli.settings import route_settings, settings_option
from lexiloom.cli.threads import threads_option
from lexiloom.errors import LexiloomError, ModelFileError, SettingsError
from lexiloom.registry import Entry
from lexiloom.threads import resolve_threads
from lexiloom.vectors import formats
from lexiloom.vectors.checkpoint import EpochCheckpoint, checkpoint_dir, corpus_fingerprint
from lexiloom.vectors.streaming import TokenStream
from lexiloom.version import __version__

SHORTHANDS = ("sg", "dim", "window", "negative", "epochs", "min_count", "workers", "seed")
"""Options that are shorthands for the embedder setting of the same name."""


class CountingStream:
    """Wraps a re-iterable of token lists and counts the words of its first full pass."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream
        self.words: int | None = None

    def __iter__(self) -> Iterator[Sequence[str]]:
        words = 0
        for tokens in self.stream:
            words += len(tokens)
            yield tokens
        if self.words is None:
            self.words = words


def fitting_embedders() -> list[str]:
    """Names of the registered embedders whose components can learn vectors (have ``fit``)."""
    names = []
    for entry in registry.embedders.entries():
        try:
            component = entry.create()
        except Exception:  # a plugin's factory failing here must not hide the others
            continue
        if callable(getattr(component, "fit", None)):
            names.append(entry.name)
    return names


def build_trainer(name: str, settings: dict[str, Any]) -> Any:
    """The embedder ``name`` built with ``settings``; SettingsError if it cannot ``fit``."""
    component = registry.embedders.create(name, **settings)
    if not callable(getattr(component, "fit", None)):
        able = ", ".join(fitting_embedders()) or "none"
        raise SettingsError(f"embedder {name!r} cannot learn vectors (it has no fit); use "
                            f"--embedder with one that can: {able}")
    return component


def _shorthand_settings(entry: Entry[Any], given: dict[str, Any]) -> dict[str, Any]:
    settings = {}
    for key, value in given.items():
        if value is None:
            continue
        if key not in entry.defaults:
            option = {"sg": "--sg", "workers": "--threads"}.get(key, "--" + key.replace("_", "-"))
            raise SettingsError(f"{option} does not apply: embedder {entry.name!r} has no "
                                f"setting {key!r}; its settings are: "
                                f"{', '.join(sorted(entry.defaults))}")
        settings[key] = value
    return settings


def _output_format(out: Path, to: str | None, embedder: str) -> str:
    """``--to``, else from OUT's suffix: ``.bin`` is fastText's own file for the fasttext
    embedder and word2vec binary for the others; anything else word2vec text."""
    if to:
        if to == "fasttext" and embedder != "fasttext":
            raise SettingsError(f"--to fasttext: a fastText .bin holds subword vectors, which "
                                f"{embedder!r} does not learn; use --embedder fasttext or "
                                "--to binary")
        return to
    if formats.format_for_path(out) != formats.WORD2VEC_BINARY:
        return "text"
    return "fasttext" if embedder == "fasttext" else "binary"


@click.command("train")
@click.argument("corpus", nargs=-1, required=True)
@click.option("--embedder", "--method", "embedder", default="word2vec", show_default=True,
              metavar="NAME", help="An embedder that can learn vectors (word2vec, glove, or a "
                                   "plugin's). --method is an alias.")
@click.option("--sg/--cbow", default=None,
              help="Skip-gram or CBOW (word2vec: default CBOW; fasttext: skip-gram).")
@click.option("--dim", type=int, help="Vector size.")
@click.option("--window", type=int, help="Context window (words on each side).")
@click.option("--negative", type=int, help="Negative samples per example (word2vec, fasttext).")
@click.option("--epochs", type=int, help="Passes over the corpus.")
@click.option("--min-count", "min_count", type=int,
              help="Ignore words seen fewer times than this.")
@threads_option("--workers", help="Training threads (--workers is an alias; default: the cores "
                                   "this process may use).")
@click.option("--seed", type=int, help="Random seed.")
@settings_option
@click.option("--tokenizer", default="whitespace", show_default=True, metavar="NAME",
              help="Tokenizer for the corpus text; tokens are used in their norm form.")
@click.option("--format", "fmt", metavar="NAME",
              help="Corpus format (default: from the extension; unknown extensions are read as "
                   "plain text, one document per line).")
@click.option("--encoding", default="utf-8", show_default=True, help="Corpus text encoding.")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the vectors (written atomically).")
@click.option("--to", "to", type=click.Choice(["text", "binary", "glove", "fasttext"]),
              help="Vectors file format (default for .bin: fastText's .bin with --embedder "
                   "fasttext, else word2vec binary; otherwise word2vec text).")
@click.option("--resume", is_flag=True,
              help="Continue an interrupted run from its last epoch (OUT.checkpoint/); give "
                   "the same corpus and settings.")
@click.option("--progress/--no-progress", default=True, show_default=True,
              help="Show a progress bar with words/second on stderr.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
def command(corpus: tuple[str, ...], embedder: str, sg: bool | None, dim: int | None,
            window: int | None, negative: int | None, epochs: int | None,
            min_count: int | None, threads: int | None, seed: int | None,
            options: tuple[str, ...], tokenizer: str, fmt: str | None, encoding: str, out: Path,
            to: str | None, resume: bool, progress: bool, as_json: bool) -> None:
    """Train word vectors on CORPUS (files, folders or bundled corpora such as passage/train).

    Example: lexiloom vectors train wiki.txt --sg --dim 100 --epochs 5 --out wiki.vec
    """
    try:
        summary = train_vectors(
            corpus, embedder=embedder, shorthands={
                "sg": sg, "dim": dim, "window": window, "negative": negative, "epochs": epochs,
                "min_count": min_count, "workers": threads, "seed": seed},
            options=options, tokenizer=tokenizer, fmt=fmt, encoding=encoding, out=out, to=to,
            progress=progress and not as_json, resume=resume)
    except LexiloomError as err:  # one line, also when this command is invoked on its own
        from lexiloom.cli import UserError

        raise UserError(err) from None
    if as_json:
        click.echo(json.dumps(summary))
        return
    words, passes = summary["words"], summary["epochs"]
    click.echo(f"{embedder}: {summary['vocabulary']:,} words x {summary['dim']} dimensions "
               f"from {words:,} words ({passes} epoch{'s' if passes != 1 else ''}) in "
               f"{summary['seconds']:.1f} s, {summary['words_per_second']:,.0f} words/s -> "
               f"{out} ({summary['format']})")


def train_vectors(corpus: Sequence[str], *, embedder: str, shorthands: dict[str, Any],
                  options: Sequence[str], tokenizer: str, fmt: str | None, encoding: str,
                  out: Path, to: str | None, progress: bool, resume: bool = False
                  ) -> dict[str, Any]:
    """What ``vectors train`` does: build the embedder, fit it on the corpus (saving a
    checkpoint after each epoch when the embedder can), save the vectors; returns the summary
    (see the module docstring)."""
    entry = registry.embedders.get(embedder)
    tokenizer_entry = registry.tokenizers.get(tokenizer)
    routed = route_settings(options, {"embedder": entry, "tokenizer": tokenizer_entry})
    if shorthands.get("workers") is not None:  # unset: the embedder's default, all usable cores
        resolve_threads(shorthands["workers"], "--threads", limit=False)
    settings = _shorthand_settings(entry, shorthands)
    settings.update(routed["embedder"])
    if "progress" in entry.defaults and "progress" not in settings:
        settings["progress"] = progress
    trainer = build_trainer(embedder, settings)
    out_format = _output_format(out, to, embedder)
    stream = CountingStream(TokenStream(list(corpus), tokenizer=tokenizer,
                                        tokenizer_settings=routed["tokenizer"], format=fmt,
                                        encoding=encoding))
    used = trainer.to_config() if hasattr(trainer, "to_config") else settings
    resumable = "checkpoint" in inspect.signature(trainer.fit).parameters
    folder = checkpoint_dir(out)
    if resume and not resumable:
        raise SettingsError(f"--resume: embedder {embedder!r} cannot resume (its fit takes no "
                            "checkpoint); run without --resume")
    if resume and not folder.is_dir():
        raise ModelFileError(f"{folder}: nothing to resume (no checkpoint of a run writing "
                             f"{out}); run without --resume to start training")
    started = time.perf_counter()
    if resumable:
        fingerprint = {
            "lexiloom": __version__, "backend": getattr(trainer, "backend", None),
            "embedder": embedder, "corpus": corpus_fingerprint(list(corpus)),
            # what does not change the vectors: threads, the progress bar, the id cache
            "settings": {k: v for k, v in used.items()
                         if k not in ("workers", "progress", "cache_mb")},
            "tokenizer": [tokenizer, routed["tokenizer"]], "format": fmt, "encoding": encoding}
        with atomic.exclusive(folder, "lexiloom vectors train"):
            for name in (out.name, out.name + ".sha256", folder.name):
                atomic.remove_stale_temporaries(out.parent, name)
            checkpoint = EpochCheckpoint(folder, fingerprint, resume=resume)
            vectors = trainer.fit(stream, checkpoint=checkpoint)
            seconds = time.perf_counter() - started
            vectors.save(out, format=out_format)
            checkpoint.discard()
    else:
        vectors = trainer.fit(stream)
        seconds = time.perf_counter() - started
        vectors.save(out, format=out_format)
    passes = int(used.get("epochs", 1) or 1)
    words = (stream.words or 0) * passes
    return {
        "embedder": embedder, "settings": used, "out": str(out), "format": out_format,
        "vocabulary": len(vectors.index_to_key), "dim": int(vectors.dim), "words": words,
        "epochs": passes, "seconds": round(seconds, 3),
        "words_per_second": round(words / max(seconds, 1e-9), 1),
    }
