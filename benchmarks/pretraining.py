"""Benchmark: does pretraining on raw text help the default classifier? (issue 17)

    python benchmarks/pretraining.py                       # both kinds, SST-2 and TREC, 3 seeds
    python benchmarks/pretraining.py --pretrained lm/model-best --word-vectors w2v.bin

Two kinds of pretraining on the text of the corpora folder (``$LEXILOOM_CORPORA``, default
``../shared/corpora``), each timed (wall clock and the process's CPU time on this machine):

1. a language model (ULMFiT): ``lexiloom pretrain`` on WikiText-2's train text (dev: its
   valid text) for ``--seconds``, which the system ``lexiloom-pretrained`` fine-tunes
   (``--init-encoder``);
2. word vectors: Word2Vec (skip-gram, dim 100, 5 epochs, min count 3) on the Gutenberg
   ``words/`` books, WikiText-2's train text and the SST-2/TREC training text, in spaCy's
   ``norm_`` form (``classifiers.py --make-vectors``), exported with ``lexiloom vectors
   to-spacy``, which the system ``lexiloom-vectors`` reads as static input (``lexiloom train
   --vectors``).

Then ``benchmarks/classifiers.py`` on ``--datasets`` with ``lexiloom`` (the defaults from
scratch), the pretrained systems and the anchors ``spacy-bow`` and ``fasttext-bigrams``,
``--seeds`` seeds each, all in this run. A kind whose system is not in ``--systems`` is not
made.

``--quick`` is the smoke variant (a slice of the text, 20 pretraining steps, tiny vectors and
splits).
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import classifiers
import static_vectors

from lexiloom.threads import usable_cores


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", help="Folder with wikitext-2/, words/, sst2/, trec/.")
    parser.add_argument("--pretrained", metavar="DIR",
                        help="Skip the language model: use this pretrained model-best.")
    parser.add_argument("--word-vectors", metavar="FILE",
                        help="Skip making word vectors: use this word2vec file.")
    parser.add_argument("--seconds", type=float, default=900.0,
                        help="The language model's wall-clock budget.")
    parser.add_argument("--datasets", default="sst2,trec")
    parser.add_argument("--systems", default="lexiloom,lexiloom-pretrained,lexiloom-vectors,"
                                             "spacy-bow,fasttext-bigrams")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=usable_cores())
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--json", help="Also write the classifier results as JSON here.")
    args = parser.parse_args(argv)
    root = classifiers.corpora_root(args.corpora)
    systems = args.systems.split(",")
    text = root / "wikitext-2"
    if (args.pretrained is None or args.word_vectors is None) \
            and not (text / "wiki.train.tokens").is_file():
        print(f"skipped: {text}/wiki.train.tokens not found (set LEXILOOM_CORPORA)")
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        forwarded = ["--datasets", args.datasets, "--systems", args.systems, "--seeds",
                     str(args.seeds), "--threads", str(args.threads), "--quiet"]
        if "lexiloom-pretrained" in systems:
            forwarded += ["--init-encoder", args.pretrained or _language_model(args, text,
                                                                                 Path(tmp))]
        if "lexiloom-vectors" in systems:
            with _timed("word vectors", args.threads):
                package = static_vectors.export_vectors(root, Path(tmp), args.word_vectors,
                                                        args.threads, args.quick)
            forwarded += ["--spacy-vectors", str(package)]
        if args.corpora:
            forwarded += ["--corpora", args.corpora]
        if args.quick:
            forwarded += ["--quick"]
        if args.json:
            forwarded += ["--json", args.json]
        return classifiers.main(forwarded)


def _language_model(args: argparse.Namespace, text: Path, tmp: Path) -> str:
    """Pretrain the language model; the path of its ``model-best``."""
    from lexiloom.training.pretrain import pretrain

    train, dev = text / "wiki.train.tokens", text / "wiki.valid.tokens"
    if args.quick:
        train = _head(train, tmp / "train.txt", 200_000)
        dev = _head(dev, tmp / "dev.txt", 20_000)
    with _timed("language model", args.threads) as note:
        result = pretrain(str(train), str(dev), tmp / "lm",
                          max_seconds=None if args.quick else args.seconds,
                          max_steps=20 if args.quick else None, threads=args.threads,
                          dim=16 if args.quick else None,
                          hidden_size=16 if args.quick else None, progress=False)
        note.append(f"{result.steps} updates; dev cross-entropy {result.best_score:.3f} nats "
                    "per prediction")
    return str(result.model_best)


@contextlib.contextmanager
def _timed(what: str, threads: int) -> Iterator[list[str]]:
    """Print how long the block took (wall clock and this process's CPU time)."""
    notes: list[str] = []
    wall, cpu = time.perf_counter(), time.process_time()
    yield notes
    print(f"pretraining ({what}): {time.perf_counter() - wall:.0f} s wall, "
          f"{time.process_time() - cpu:.0f} s CPU on {threads} thread(s)"
          + "".join(f"; {note}" for note in notes))


def _head(path: Path, out: Path, size: int) -> Path:
    out.write_bytes(path.read_bytes()[:size])
    return out


if __name__ == "__main__":
    sys.exit(main())
