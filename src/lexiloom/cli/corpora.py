"""``lexiloom corpora``: list the bundled corpora, inspect a corpus, convert one to spaCy DocBin.

Every command that takes a corpus PATH also accepts a bundled corpus as ``NAME`` or
``NAME/SPLIT`` (``sentiment/train``) when no such file exists. ``--json`` output schemas:

- ``list --json``: ``{"corpora": [{name, description, task, format, labels, splits, license,
  directory, documents: {split: count}}]}``
- ``info --json``: ``{"corpus", "path", "format", "skipped", "documents", "tokens",
  "characters", "tokenizer", "labels": [{label, documents, percent}], "unlabelled",
  "multi_labelled", "exclusive", "length": {p50, p90, p99, max, mean}}``
- ``convert --json``: ``{"train_path", "train", "dev_path", "dev", "labels", "exclusive",
  "skipped"}``
"""

from __future__ import annotations

import json
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from lexiloom import registry
from lexiloom.cli.settings import route_settings, settings_option
from lexiloom.corpora import (
    BadLines,
    bundled_corpora,
    convert_to_docbin,
    corpus_stats,
    detect_format,
    read_corpus,
)
from lexiloom.corpora.bundled import resolve_corpus
from lexiloom.corpora.docbin import CHUNK_SIZE
from lexiloom.corpora.reading import reader_entry
from lexiloom.corpora.stats import CorpusStats
from lexiloom.registry import Entry

_PROGRESS_MIN_BYTES = 50 * 2**20
_BAR_WIDTH = 24


@click.group("corpora")
def command() -> None:
    """List, inspect and convert corpora (files, folders or bundled corpora)."""


# -- shared options -------------------------------------------------------------------------------
def _reading_options(func: Any) -> Any:
    func = click.option("--skip-bad-lines", is_flag=True,
                        help="Skip malformed lines (and count them) instead of stopping.")(func)
    func = click.option("--encoding", default="utf-8", show_default=True,
                        help="Text encoding of the corpus (e.g. latin-1).")(func)
    func = click.option("--format", "fmt", metavar="NAME",
                        help="Corpus format: text, jsonl, csv, tsv, fasttext, labelled, folder, "
                             "docbin or a plugin's (default: from the extension; directories: "
                             "folder).")(func)
    return func


def _components(
    path: str, fmt: str | None, tokenizer: str | None
) -> tuple[Path, str, dict[str, Entry[Any]]]:
    """The resolved corpus path, its format, and the components ``-o`` settings may target
    (the tokenizer only when one is named: pass the default's name to make it targetable)."""
    resolved, bundled_format = resolve_corpus(path)
    fmt = fmt or bundled_format or detect_format(resolved)
    selected: dict[str, Entry[Any]] = {"reader": reader_entry(fmt)}
    if tokenizer is not None:
        selected["tokenizer"] = registry.tokenizers.get(tokenizer)
    return resolved, fmt, selected


def _report_skipped(bad_lines: BadLines) -> None:
    if bad_lines.skipped:
        click.echo(f"skipped {bad_lines.skipped:,} bad line(s); first: "
                   f"{bad_lines.examples[0]}", err=True)


# -- list -----------------------------------------------------------------------------------------
@command.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (schema in docs/corpora.md).")
def list_command(as_json: bool) -> None:
    """List the bundled corpora with their splits and document counts."""
    rows = []
    for corpus in bundled_corpora():
        counts = {split: sum(1 for _ in read_corpus(corpus.path(split), format=corpus.format))
                  for split in corpus.splits}
        rows.append((corpus, counts))
    if as_json:
        payload = {"corpora": [{**c.to_dict(), "documents": counts} for c, counts in rows]}
        click.echo(json.dumps(payload, indent=2, ensure_ascii=False))
        return
    if not rows:
        click.echo("no bundled corpora are installed (reinstall lexiloom)")
        return
    for corpus, counts in rows:
        click.echo(f"{click.style(corpus.name, bold=True)}  {corpus.task} · {corpus.format} · "
                   f"{corpus.license or 'license unknown'}")
        if corpus.description:
            click.echo(textwrap.fill(corpus.description, width=88, initial_indent="  ",
                                     subsequent_indent="  "))
        click.echo("  splits: " + " · ".join(f"{s} {n:,}" for s, n in counts.items()))
        if corpus.labels:
            click.echo(f"  labels: {', '.join(corpus.labels)}")
        click.echo(f"  try:    lexiloom corpora info {corpus.name}/{corpus.default_split}")


# -- info -----------------------------------------------------------------------------------------
@command.command("info")
@click.argument("path")
@_reading_options
@click.option("--tokenizer", metavar="NAME",
              help="Tokenizer that counts tokens (default: whitespace).")
@settings_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON (schema in docs/corpora.md).")
def info_command(path: str, fmt: str | None, encoding: str, skip_bad_lines: bool,
                 tokenizer: str | None, options: tuple[str, ...], as_json: bool) -> None:
    """Documents, tokens, label distribution and lengths of the corpus at PATH.

    PATH is a file, a directory (one sub-folder per label) or a bundled corpus such as
    sentiment/train. -o settings go to the reader (e.g. -o text_field=body) or to the
    tokenizer; prefix the kind when needed (-o reader.header=false, -o tokenizer.lowercase=true).
    """
    resolved, fmt, selected = _components(path, fmt, tokenizer or "whitespace")
    routed = route_settings(options, selected)
    tok = registry.tokenizers.create(tokenizer or "whitespace", **routed.get("tokenizer", {}))
    bad_lines = BadLines(skip=skip_bad_lines)
    records = read_corpus(resolved, format=fmt, encoding=encoding, bad_lines=bad_lines,
                          **routed["reader"])
    with _Progress(resolved) as progress:
        stats = corpus_stats(records, tok, progress=progress)
    _report_skipped(bad_lines)
    if as_json:
        payload = {"corpus": path, "path": str(resolved), "format": fmt,
                   "skipped": bad_lines.skipped, **stats.to_dict()}
        payload["tokenizer"] = tokenizer or "whitespace"
        click.echo(json.dumps(payload, indent=2, ensure_ascii=False))
        return
    _print_stats(path, resolved, fmt, tokenizer or "whitespace", stats)


class _Progress:
    """A one-line document counter on stderr for large corpora on a terminal."""

    def __init__(self, path: Path) -> None:
        try:
            size = path.stat().st_size if path.is_file() else 0
        except OSError:
            size = 0
        self.active = size >= _PROGRESS_MIN_BYTES and sys.stderr.isatty()
        self.shown = False

    def __enter__(self) -> Callable[[int], None] | None:
        return self._show if self.active else None

    def _show(self, documents: int) -> None:
        self.shown = True
        click.echo(f"\rreading… {documents:,} documents", nl=False, err=True)

    def __exit__(self, *exc: object) -> None:
        if self.shown:
            click.echo("\r\033[K", nl=False, err=True)


def _print_stats(spec: str, path: Path, fmt: str, tokenizer: str, stats: CorpusStats) -> None:
    where = "" if str(path) == spec else f"  {click.style(str(path), dim=True)}"
    click.echo(f"{click.style(spec, bold=True)}  ({fmt}){where}")
    rows = [("documents", f"{stats.documents:,}", ""),
            ("tokens", f"{stats.tokens:,}", f"{tokenizer} tokenizer")]
    if stats.labels:
        kind = ("one label per document" if stats.exclusive else
                f"multi-label: {stats.multi_labelled:,} with several, "
                f"{stats.unlabelled:,} with none")
        rows.append(("labels", f"{len(stats.labels):,}", kind))
    else:
        rows.append(("labels", "none", "unlabelled text"))
    for name, value, note in rows:
        click.echo(f"  {name:<10}{value:>10}  {click.style(note, dim=True) if note else ''}"
                   .rstrip())
    width = max((len(label) for label in stats.labels), default=0)
    count_width = max(8, 16 - width)  # right-align counts with the values above when possible
    for label, count in stats.labels.items():
        share = stats.label_share(label)
        bar = "█" * max(1, round(share * _BAR_WIDTH))
        click.echo(f"    {label:<{width}}  {count:>{count_width},}  {100 * share:5.1f}%  "
                   f"{click.style(bar, fg='cyan')}")
    lengths = stats.lengths
    click.echo(f"  {'length':<10}p50 {lengths.p50:,} · p90 {lengths.p90:,} · "
               f"p99 {lengths.p99:,} · max {lengths.max:,} · mean {lengths.mean:,.1f} "
               f"{click.style('tokens per document', dim=True)}")


# -- convert --------------------------------------------------------------------------------------
@command.command("convert")
@click.argument("in_path", metavar="IN")
@click.argument("out_path", metavar="OUT.spacy", type=click.Path(dir_okay=False))
@click.option("--dev", "dev_path", metavar="OUT_DEV.spacy", type=click.Path(dir_okay=False),
              help="Also write a dev split here (shuffled, see --dev-fraction and --seed).")
@click.option("--dev-fraction", default=0.1, show_default=True, type=float,
              help="Share of the documents that go to --dev.")
@click.option("--seed", default=0, show_default=True, type=int,
              help="Seed of the train/dev shuffle (same seed, same split).")
@click.option("--lang", default="en", show_default=True,
              help="spaCy language of the blank pipeline that tokenises.")
@click.option("--tokenizer", metavar="NAME",
              help="Tokenise with this lexiloom tokenizer instead of spaCy's (settings: -o).")
@settings_option
@_reading_options
@click.option("--resume", is_flag=True,
              help="Continue a conversion that was interrupted (reuses the chunks saved in "
                   "OUT.spacy.checkpoint/); give the same corpus and options.")
@click.option("--chunk-size", default=CHUNK_SIZE, show_default=True, type=int,
              help="Documents tokenised and saved per checkpoint chunk.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (schema in docs/corpora.md).")
def convert_command(in_path: str, out_path: str, dev_path: str | None, dev_fraction: float,
                    seed: int, lang: str, tokenizer: str | None, options: tuple[str, ...],
                    fmt: str | None, encoding: str, skip_bad_lines: bool, resume: bool,
                    chunk_size: int, as_json: bool) -> None:
    """Convert the corpus IN to spaCy DocBin file(s) ready for 'spacy train'.

    Every doc.cats holds all labels of the corpus (1.0 / 0.0). The whole corpus is held in
    memory while converting (DocBin is one blob). Tokenised chunks are saved as they are done,
    so an interrupted conversion continues with --resume.

    \b
    Example:
      lexiloom corpora convert sentiment/train train.spacy --dev dev.spacy
    """
    resolved, fmt, selected = _components(in_path, fmt, tokenizer)
    routed = route_settings(options, selected)
    bad_lines = BadLines(skip=skip_bad_lines)
    result = convert_to_docbin(
        resolved, out_path, dev_path=dev_path, dev_fraction=dev_fraction, seed=seed, lang=lang,
        tokenizer=tokenizer, tokenizer_settings=routed.get("tokenizer") or None, format=fmt,
        encoding=encoding, bad_lines=bad_lines, resume=resume, chunk_size=chunk_size,
        **routed["reader"],
    )
    _report_skipped(bad_lines)
    if as_json:
        click.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
        return
    click.echo(f"wrote {result.train:,} documents to {result.train_path}")
    if result.dev_path is not None:
        click.echo(f"wrote {result.dev:,} documents to {result.dev_path}")
    if result.labels:
        component = "textcat" if result.exclusive else "textcat_multilabel"
        kind = "one per document" if result.exclusive else "multi-label"
        click.echo(f"labels ({kind}, use spaCy's {component}): {', '.join(result.labels)}")
    else:
        click.echo("no labels: the docs have empty doc.cats")
