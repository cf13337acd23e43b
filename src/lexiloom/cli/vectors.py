"""``lexiloom vectors``: query, evaluate and convert word vectors, and hand them to spaCy.

Each command is a thin layer over :class:`lexiloom.vectors.KeyedVectors` and its modules;
``--json`` output (for scripts)::

    similar / analogy: {"query": {...}, "results": [{"word": str, "similarity": float}, ...]}
    evaluate: {"vectors": str, "analogies": AnalogyResult.to_dict() | null,
               "pairs": WordPairsResult.to_dict() | null}
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from lexiloom.cli import UserError
from lexiloom.errors import LexiloomError, SettingsError

if TYPE_CHECKING:
    from lexiloom.vectors import KeyedVectors

_FORMAT_CHOICES = ["word2vec", "word2vec-binary", "glove", "text", "binary"]
_vectors_argument = click.argument("vectors", type=click.Path(dir_okay=False, path_type=Path))
_format_option = click.option(
    "--format", "fmt", type=click.Choice(_FORMAT_CHOICES), default=None,
    help="Format of VECTORS (default: detected: .bin → binary, 'N D' header → word2vec text, "
         "else GloVe).")
_limit_option = click.option("--limit", type=click.IntRange(min=1), default=None,
                             help="Load only the first N vectors (the most frequent).")
_json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON.")


def _load(path: Path, fmt: str | None, limit: int | None) -> KeyedVectors:
    from lexiloom.vectors import KeyedVectors

    return KeyedVectors.load(path, format=fmt, limit=limit)


def _print_neighbours(results: list[tuple[str, float]], query: dict[str, Any],
                      as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps({"query": query, "results": [
            {"word": word, "similarity": score} for word, score in results]},
            ensure_ascii=False))
        return
    width = max((len(word) for word, _ in results), default=0)
    for word, score in results:
        click.echo(f"{word:<{width}}  {score:.4f}")


class _VectorsGroup(click.Group):
    """Turns lexiloom errors into one-line messages when the group is run on its own too."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except LexiloomError as err:
            raise UserError(err) from None


@click.group("vectors", cls=_VectorsGroup)
def command() -> None:
    """Word vectors: query, evaluate, convert, export to spaCy (and train, when installed)."""


@command.command("similar")
@_vectors_argument
@click.argument("word")
@click.option("--topn", type=click.IntRange(min=1), default=10, show_default=True,
              help="How many neighbours to print.")
@_format_option
@_limit_option
@_json_option
def similar(vectors: Path, word: str, topn: int, fmt: str | None, limit: int | None,
            as_json: bool) -> None:
    """Print the words nearest to WORD (cosine similarity) in the VECTORS file."""
    kv = _load(vectors, fmt, limit)
    _print_neighbours(kv.most_similar(word, topn=topn), {"word": word, "topn": topn}, as_json)


@command.command("analogy", short_help="Solve A is to B as C is to ? (nearest to B - A + C).")
@_vectors_argument
@click.argument("a")
@click.argument("b")
@click.argument("c")
@click.option("--topn", type=click.IntRange(min=1), default=1, show_default=True,
              help="How many answers to print.")
@_format_option
@_limit_option
@_json_option
def analogy(vectors: Path, a: str, b: str, c: str, topn: int, fmt: str | None,
            limit: int | None, as_json: bool) -> None:
    """A is to B as C is to ...? (e.g. man king woman → queen; nearest to B - A + C)."""
    kv = _load(vectors, fmt, limit)
    _print_neighbours(kv.analogy(a, b, c, topn=topn),
                      {"a": a, "b": b, "c": c, "topn": topn}, as_json)


@command.command("evaluate")
@_vectors_argument
@click.option("--analogies", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Google-format analogy file (': section' lines, then 'a b c d').")
@click.option("--pairs", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Word-pair similarity file: 'word1<TAB>word2<TAB>score' (e.g. WordSim353).")
@click.option("--restrict-vocab", type=click.IntRange(min=1), default=30000, show_default=True,
              help="Analogies: search only the first N words and skip questions outside them.")
@click.option("--case-sensitive", is_flag=True,
              help="Compare words as they are (default: upper-case both sides, as gensim).")
@_format_option
@_limit_option
@_json_option
def evaluate(vectors: Path, analogies: Path | None, pairs: Path | None, restrict_vocab: int,
             case_sensitive: bool, fmt: str | None, limit: int | None, as_json: bool) -> None:
    """Score VECTORS on word analogies (accuracy) and word-pair similarity (Spearman, Pearson).

    Without --analogies/--pairs, the standard files gensim ships (questions-words.txt,
    wordsim353.tsv) are used when gensim is installed. Questions and pairs with unknown words
    are skipped and counted, as gensim does.
    """
    from lexiloom.vectors.evaluation import ANALOGIES_FILE, WORD_PAIRS_FILE, gensim_test_data

    if analogies is None and pairs is None:
        analogies = gensim_test_data(ANALOGIES_FILE)
        pairs = gensim_test_data(WORD_PAIRS_FILE)
        if analogies is None and pairs is None:
            raise SettingsError("no evaluation files: pass --analogies questions-words.txt "
                                "and/or --pairs wordsim353.tsv (or install gensim, which "
                                "ships both: pip install 'lexiloom[bench]')")
    kv = _load(vectors, fmt, limit)
    case_insensitive = not case_sensitive
    analogy_result = pair_result = None
    if analogies is not None:
        analogy_result = kv.evaluate_word_analogies(analogies, restrict_vocab=restrict_vocab,
                                                    case_insensitive=case_insensitive)
    if pairs is not None:
        pair_result = kv.evaluate_word_pairs(pairs, case_insensitive=case_insensitive)
    if as_json:
        click.echo(json.dumps({
            "vectors": str(vectors),
            "analogies": None if analogy_result is None else {
                "file": str(analogies), **analogy_result.to_dict()},
            "pairs": None if pair_result is None else {"file": str(pairs),
                                                       **pair_result.to_dict()},
        }, ensure_ascii=False))
        return
    if analogy_result is not None:
        click.echo(f"Analogies ({analogies}, restrict_vocab={restrict_vocab})")
        width = max((len(s.name) for s in analogy_result.sections), default=0)
        for section in analogy_result.sections:
            score = f"{100 * section.accuracy:5.1f}%" if section.total else "    - "
            click.echo(f"  {section.name:<{width}}  {score}  ({section.correct}/{section.total})")
        click.echo(f"  overall accuracy: {100 * analogy_result.accuracy:.2f}% "
                   f"({analogy_result.correct}/{analogy_result.total}); skipped (unknown words): "
                   f"{analogy_result.skipped} ({100 * analogy_result.oov_ratio:.1f}%)")
    if pair_result is not None:
        click.echo(f"Word pairs ({pairs})")
        click.echo(f"  Spearman {pair_result.spearman:.4f}  Pearson {pair_result.pearson:.4f}  "
                   f"pairs {pair_result.pairs}  skipped (unknown words) {pair_result.skipped} "
                   f"({100 * pair_result.oov_ratio:.1f}%)")


@command.command("convert")
@click.argument("source", metavar="IN", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("target", metavar="OUT", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--to", "to_format", type=click.Choice(_FORMAT_CHOICES), required=True,
              help="Output format: text (word2vec text), binary (word2vec binary) or glove.")
@click.option("--from", "fmt", type=click.Choice(_FORMAT_CHOICES), default=None,
              help="Input format (default: detected).")
@_limit_option
def convert(source: Path, target: Path, to_format: str, fmt: str | None,
            limit: int | None) -> None:
    """Convert the vectors file IN to OUT in another format (OUT ending .gz is compressed)."""
    kv = _load(source, fmt, limit)
    kv.save(target, format=to_format)
    click.echo(f"wrote {len(kv)} vectors of dimension {kv.dim} to {target} ({to_format})",
               err=True)


@command.command("to-spacy")
@_vectors_argument
@click.argument("out_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option("--lang", default="en", show_default=True,
              help="spaCy language code of the blank pipeline.")
@click.option("--name", default=None, help="Name of the vectors table (default: "
              "<lang>_lexiloom.vectors).")
@_format_option
@_limit_option
def to_spacy(vectors: Path, out_dir: Path, lang: str, name: str | None, fmt: str | None,
             limit: int | None) -> None:
    """Write a spaCy pipeline with VECTORS as its word vectors to OUT_DIR (spacy.load works)."""
    from lexiloom.vectors.spacy_vectors import to_spacy_pipeline

    kv = _load(vectors, fmt, limit)
    to_spacy_pipeline(kv, out_dir, lang, name=name)
    click.echo(f"wrote a spaCy '{lang}' pipeline with {len(kv)} vectors to {out_dir}", err=True)


try:
    from lexiloom.cli.vectors_train import command as _train
except ImportError:
    pass
else:
    command.add_command(_train, "train")
