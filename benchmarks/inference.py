"""Benchmark: ``nlp.pipe`` throughput of a lexiloom classifier against spaCy's BOW textcat.

    python benchmarks/inference.py                        # train both on SST-2, then measure
    python benchmarks/inference.py --lexiloom out/ --spacy bow/model-best
    python benchmarks/inference.py --quick                # smoke run: tiny slices

The protocol (issue 17): the SST-2 test sentences repeated to at least ``--docs`` (5,000) texts;
``nlp.pipe(texts)`` at each pipeline's default batch size (``[nlp] batch_size``), tokenisation
included; torch threads = the usable cores (``--threads``); the pipelines measured alternately,
``--rounds`` (2) times each, in one process after one warm-up pass each; the best docs/s of each
pipeline counts, and the ratio is lexiloom's over spaCy BOW's. With ``--quantize``, the int8
copy (``lexiloom quantize``) of the lexiloom model is measured in the same rounds.

Without ``--lexiloom``/``--spacy`` the models are trained first on SST-2 train/dev (seed 0):
lexiloom with what ``lexiloom train --task sentiment`` does with only ``--train``/``--dev``,
spaCy BOW with ``spacy init config -p textcat -o efficiency`` (see ``classifiers.py``).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import classifiers

from lexiloom.threads import usable_cores


def measure(pipelines: dict[str, Any], texts: list[str], rounds: int) -> dict[str, float]:
    """The best docs/s of ``nlp.pipe(texts)`` for each pipeline, alternating them."""
    for nlp in pipelines.values():
        list(nlp.pipe(texts[:500]))  # warm-up: lazy imports, allocator, caches
    best = dict.fromkeys(pipelines, 0.0)
    for _ in range(rounds):
        for name, nlp in pipelines.items():
            began = time.perf_counter()
            done = sum(1 for _ in nlp.pipe(texts))
            best[name] = max(best[name], done / (time.perf_counter() - began))
    return best


def repeated(texts: list[str], at_least: int) -> list[str]:
    """``texts`` repeated (whole) until there are at least ``at_least``."""
    copies = -(-at_least // max(1, len(texts)))
    return texts * copies


def prepare(args: Any, work: Path) -> tuple[Path, Path]:
    """The lexiloom and spaCy model directories: given, or trained on SST-2."""
    if args.lexiloom and args.spacy:
        return Path(args.lexiloom), Path(args.spacy)
    root = classifiers.corpora_root(args.corpora)
    (ds,) = classifiers.load_datasets(root, ["sst2"], args.quick)
    options = argparse.Namespace(quick=args.quick, max_steps=20 if args.quick else None,
                                 threads=args.threads, quiet=True)
    lexiloom_dir = Path(args.lexiloom) if args.lexiloom else None
    if lexiloom_dir is None:
        classifiers.run_lexiloom_defaults(ds, 0, work, options)
        lexiloom_dir = work / "lexiloom-0"
    spacy_dir = Path(args.spacy) if args.spacy else None
    if spacy_dir is None:
        classifiers.run_spacy(ds, "efficiency", 0, work, options)
        spacy_dir = work / "spacy-efficiency-0" / "model-best"
    return lexiloom_dir, spacy_dir


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lexiloom", help="A lexiloom training directory or pipeline.")
    parser.add_argument("--spacy", help="A spaCy BOW textcat pipeline.")
    parser.add_argument("--corpora", help="Folder with sst2/ (default: $LEXILOOM_CORPORA or "
                        "../shared/corpora).")
    parser.add_argument("--docs", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--threads", type=int, default=usable_cores())
    parser.add_argument("--quantize", action="store_true", help="Also the int8 copy.")
    parser.add_argument("--quick", action="store_true", help="Tiny slices (smoke run).")
    parser.add_argument("--json", help="Also write the results as JSON to this file.")
    args = parser.parse_args(argv)
    if not (args.lexiloom and args.spacy) and not classifiers.have_corpora(
            classifiers.corpora_root(args.corpora), ["sst2"]):
        return 2
    if args.quick:
        args.docs, args.rounds = min(args.docs, 400), 1
    classifiers.use_threads(args.threads)
    from lexiloom.training.pipeline import load_pipeline

    with tempfile.TemporaryDirectory() as tmp:
        lexiloom_dir, spacy_dir = prepare(args, Path(tmp))
        pipelines = {"lexiloom": load_pipeline(lexiloom_dir), "spacy-bow": load_pipeline(spacy_dir)}
        if args.quantize:
            from lexiloom.training.quantize_model import quantize_model

            quantize_model(lexiloom_dir, Path(tmp) / "int8")
            pipelines["lexiloom-int8"] = load_pipeline(Path(tmp) / "int8")
        root = classifiers.corpora_root(args.corpora)
        test = [text for text, _ in classifiers._read(root / "sst2" / "stsa.binary.test")] \
            if (root / "sst2").is_dir() else ["A short review of a film."] * 100
        texts = repeated(test, args.docs)
        rates = measure(pipelines, texts, args.rounds)
    sizes = {name: nlp.batch_size for name, nlp in pipelines.items()}
    print(f"{len(texts):,} texts, {args.rounds} rounds, threads {args.threads}")
    print("| pipeline | batch size | docs/s (best) | ratio to spacy-bow |")
    print("|---|---:|---:|---:|")
    for name, rate in rates.items():
        print(f"| {name} | {sizes[name]} | {rate:,.0f} | {rate / rates['spacy-bow']:.2f} |")
    if args.json:
        Path(args.json).write_text(json.dumps({"docs": len(texts), "rounds": args.rounds,
                                               "threads": args.threads, "rates": rates,
                                               "batch_sizes": sizes}, indent=2),
                                   encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
