"""SST-2 at a fixed step budget: lexiloom's sentiment classifier with and without static vectors
(``--vectors``: lexiloom-trained Word2Vec vectors as spaCy's ``[initialize] vectors``, read by
``include_static_vectors``), the same seeds, config and steps, in the same run.

    python benchmarks/static_vectors.py                  # 3 seeds, 1,000 steps each
    python benchmarks/static_vectors.py --quick          # a smoke run: tiny slices

Vectors: skip-gram Word2Vec (dim 100, 5 epochs, min count 3) trained by lexiloom on the
Gutenberg ``words/`` texts, WikiText-2 train and the SST-2/TREC training texts (no dev or test
text), in the classifier's token form (spaCy's English tokenizer, ``norm_``), exported with
``lexiloom vectors to-spacy``; ``--vectors-file`` reuses a word2vec file instead. Both systems
train ``configs/sentiment_binary.cfg`` through ``lexiloom train`` for ``--steps`` steps
(patience off, evaluation every 200 steps); the table shows dev accuracy after the budget
(``model-last``) and test accuracy of ``model-best``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import classifiers
from common import corpora_root, cpu_model, mean_sd

from lexiloom.threads import usable_cores

SYSTEMS = ("from scratch", "static vectors")


def export_vectors(root: Path, work: Path, vectors_file: str | None, workers: int,
                   quick: bool) -> Path:
    """A spaCy vectors package of lexiloom Word2Vec vectors, made in ``work``."""
    from lexiloom.vectors import KeyedVectors
    from lexiloom.vectors.spacy_vectors import to_spacy_pipeline

    source = Path(vectors_file) if vectors_file else work / "w2v.bin"
    if not vectors_file:
        if quick:
            _tiny_vectors(root, source)
        else:
            classifiers.make_vectors(root, source, workers=workers)
    return to_spacy_pipeline(KeyedVectors.load(source), work / "vectors")


def _tiny_vectors(root: Path, out: Path) -> None:
    """A few-second Word2Vec on SST-2's training text (smoke runs)."""
    import spacy

    from lexiloom import registry

    nlp = spacy.blank("en")
    (ds,) = classifiers.load_datasets(root, ["sst2"], True)
    sentences = [classifiers._norms(nlp.make_doc(text)) for text, _ in ds.splits["train"]]
    embedder = registry.embedders.create("word2vec", dim=16, epochs=2, min_count=1, seed=1,
                                         workers=1)
    embedder.fit(sentences, seed=1).save(out)


def train_one(ds: classifiers.Dataset, seed: int, out: Path, args: argparse.Namespace,
              vectors: Path | None) -> dict[str, float]:
    from lexiloom.training import TrainConfig, train
    from lexiloom.training.pipeline import load_pipeline

    work = out.parent
    train_path = classifiers.write_jsonl(ds.splits["train"], work / "train.jsonl")
    dev_path = classifiers.write_jsonl(ds.splits["dev"], work / "dev.jsonl")
    start = time.perf_counter()
    train(TrainConfig(train=str(train_path), dev=str(dev_path), task=ds.task, seed=seed,
                      spacy_config=str(ds.config), max_steps=args.steps, patience=0,
                      eval_every=args.eval_every, threads=args.threads,
                      vectors=None if vectors is None else str(vectors)),
          out_dir=out, progress=not args.quiet)
    seconds = time.perf_counter() - start
    dev, _ = classifiers._pipeline_accuracy(load_pipeline(out / "model-last"),
                                            ds.splits["dev"])
    test, _ = classifiers._pipeline_accuracy(load_pipeline(out / "model-best"),
                                             ds.splits["test"])
    return {"seed": seed, "dev_last": dev, "test_best": test, "train_s": seconds}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", help="Folder with sst2/ (and words/, wikitext-2/, trec/ "
                                          "for the vectors); default $LEXILOOM_CORPORA")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--steps", type=int, default=1000)
    parser.add_argument("--eval-every", type=int, default=200)
    parser.add_argument("--threads", type=int, default=usable_cores())
    parser.add_argument("--vectors-file", help="A word2vec file to use instead of training one.")
    parser.add_argument("--quick", action="store_true",
                        help="Tiny slices, tiny vectors, 20 steps, one seed (a smoke run).")
    parser.add_argument("--quiet", action="store_true")
    parser.add_argument("--json", help="Also write the results as JSON to this file.")
    args = parser.parse_args(argv)
    if args.seeds < 1 or args.steps < 1 or args.threads < 1 or args.eval_every < 1:
        parser.error("--seeds, --steps, --eval-every and --threads must be positive")
    root = Path(args.corpora) if args.corpora else corpora_root()
    if not (root / "sst2").is_dir():
        print(f"SST-2 not found under {root} (pass --corpora or set LEXILOOM_CORPORA)",
              file=sys.stderr)
        return 2
    if args.quick:
        args.steps, args.eval_every, args.seeds = 20, 10, 1
    (ds,) = classifiers.load_datasets(root, ["sst2"], args.quick)
    results: dict[str, list[dict[str, float]]] = {system: [] for system in SYSTEMS}
    with tempfile.TemporaryDirectory(prefix="static-vectors-") as folder:
        work = Path(folder)
        start = time.perf_counter()
        vectors = export_vectors(root, work, args.vectors_file, args.threads, args.quick)
        vector_seconds = time.perf_counter() - start
        for seed in range(args.seeds):
            for system in SYSTEMS:
                run = work / f"{system.replace(' ', '-')}-{seed}"
                run.mkdir()
                result = train_one(ds, seed, run / "out", args,
                                   vectors if system == "static vectors" else None)
                results[system].append(result)
                print(f"{system} seed {seed}: dev {result['dev_last']:.4f}, test "
                      f"{result['test_best']:.4f}, {result['train_s']:.0f} s", file=sys.stderr)
    print(f"SST-2: train {len(ds.splits['train'])}, dev {len(ds.splits['dev'])}, test "
          f"{len(ds.splits['test'])}; {args.steps} steps; vectors made in "
          f"{vector_seconds:.0f} s")
    print()
    print("| system | dev accuracy % after the budget | test accuracy % (model-best) | seeds "
          "| train s (mean) |")
    print("| --- | --- | --- | --- | --- |")
    for system in SYSTEMS:
        runs = results[system]
        print(f"| {system} | {mean_sd([100 * r['dev_last'] for r in runs], '{:.1f}')} | "
              f"{mean_sd([100 * r['test_best'] for r in runs], '{:.1f}')} | {len(runs)} | "
              f"{statistics.fmean(r['train_s'] for r in runs):,.0f} |")
    gain = [100 * (w["dev_last"] - wo["dev_last"])
            for w, wo in zip(results["static vectors"], results["from scratch"], strict=True)]
    print(f"| **gain (points, dev)** | {mean_sd(gain, '{:+.1f}')} | | | |")
    print()
    print(f"{cpu_model()}, {args.threads} thread(s)")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
