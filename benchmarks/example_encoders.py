"""Benchmark: the example plugin's ``cnn`` encoder (Kim 2014) beside the built-in ``lstm`` and
``gru`` text classifiers.

    pip install -e plugins/examples/lexiloom-example     # the plugin that registers ``cnn``
    python benchmarks/example_encoders.py                 # SST-2 and TREC, 3 seeds
    python benchmarks/example_encoders.py --quick         # tiny slices, 1 seed, tiny models

Data, splits, the recurrent runs and the table are those of ``benchmarks/classifiers.py``
(imported, not copied): SST-2 (``sst2/stsa.binary.*``) and TREC (``trec/TREC.*``, 10% of train
held out as dev) under ``--corpora`` or ``$LEXILOOM_CORPORA`` (default ``../shared/corpora``).
Each system trains with ``lexiloom.training.train`` on the shipped config of the dataset
(``configs/sentiment_binary.cfg`` / ``configs/topics_multiclass.cfg``), selects ``model-best`` on
dev and is scored once on test:

- ``lexiloom-lstm`` / ``lexiloom-gru``: ``classifiers.run_lexiloom`` (the config's encoder
  block, renamed);
- ``lexiloom-cnn``: the same config with the encoder block replaced by Kim's CNN (windows 3, 4,
  5; 100 filters each; ReLU; dropout 0.5).

``--quick`` shrinks every model (embeddings 16; hidden size 16; 16 filters per window), uses
``classifiers.QUICK_SIZES`` slices and one seed, and caps training at 20 steps; ``--limit N``
cuts every split further (smoke tests). Per system and dataset: test accuracy mean ± sd over the
seeds, training wall time (mean, s) and inference docs/s (``nlp.pipe``, batch 256).
Exit status 2, with a message, when the corpora or the ``cnn`` plugin are missing.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from types import SimpleNamespace
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import classifiers
import common

from lexiloom.threads import usable_cores

ENCODERS = ("cnn", "lstm", "gru")
KIM_CNN: dict[str, Any] = {"name": "cnn", "windows": [3, 4, 5], "filters": 100,
                           "activation": "relu", "dropout": 0.5}
"""The ``cnn`` block of a full run (Kim 2014, CNN-rand)."""
QUICK_CNN: dict[str, Any] = {**KIM_CNN, "filters": 16}
QUICK_EMBEDDER: dict[str, Any] = {"name": "trainable", "dim": 16}
INSTALL_HINT = ("the 'cnn' encoder is not registered: install the example plugin with "
                "'pip install -e plugins/examples/lexiloom-example' (and leave it selected in "
                "LEXILOOM_PLUGINS if that is set)")


def run_cnn(ds: classifiers.Dataset, seed: int, work: Path, args: Any) -> classifiers.Run:
    """Train and score the ``cnn`` classifier on ``ds`` (the dataset's config, encoder
    replaced)."""
    overrides: dict[str, Any] = {"encoder": dict(QUICK_CNN if args.quick else KIM_CNN)}
    if args.quick:
        overrides["embedder"] = dict(QUICK_EMBEDDER)
    return classifiers.train_and_score(ds, seed, work / f"lexiloom-cnn-{seed}", args,
                                       config=ds.config, task=ds.task, overrides=overrides)


def run_encoder(encoder: str, ds: classifiers.Dataset, seed: int, work: Path,
                args: Any) -> classifiers.Run:
    """One training and scoring run of ``encoder`` on ``ds``."""
    if encoder == "cnn":
        return run_cnn(ds, seed, work, args)
    recurrent_args = SimpleNamespace(quick=args.quick, set=None, vectors=None,
                                     max_steps=args.max_steps, threads=args.threads,
                                     quiet=args.quiet)
    return classifiers.run_lexiloom(ds, encoder, seed, work, recurrent_args)


def _limit(datasets: list[classifiers.Dataset], limit: int | None) -> None:
    if limit:
        for ds in datasets:
            ds.splits = {s: classifiers._slice(rows, limit, 1) for s, rows in ds.splits.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=" ".join(__doc__.split("\n\n")[0].split()))
    parser.add_argument("--corpora", help="Folder with sst2/ and trec/ (default: "
                        "$LEXILOOM_CORPORA or ../shared/corpora).")
    parser.add_argument("--datasets", default=",".join(classifiers.DATASETS))
    parser.add_argument("--encoders", default=",".join(ENCODERS),
                        help=f"Comma-separated, from {', '.join(ENCODERS)}.")
    parser.add_argument("--seeds", type=int, default=3, help="Seeds per system (0, 1, ...).")
    parser.add_argument("--threads", type=int, default=usable_cores())
    parser.add_argument("--max-steps", type=int, help="Cap the training steps of every run.")
    parser.add_argument("--quick", action="store_true", help="Tiny slices, 1 seed, tiny models.")
    parser.add_argument("--limit", type=int, help="At most this many texts per split.")
    parser.add_argument("--quiet", action="store_true", help="No training progress on stderr.")
    parser.add_argument("--json", help="Also write the results as JSON to this file.")
    args = parser.parse_args(argv)
    if args.quick:
        args.seeds = 1
        args.max_steps = args.max_steps or 20
    encoders = [e for e in args.encoders.split(",") if e]
    unknown = sorted(set(encoders) - set(ENCODERS))
    if unknown:
        parser.error(f"unknown encoders {unknown}; choose from {', '.join(ENCODERS)}")
    root = classifiers.corpora_root(args.corpora)
    if not classifiers.have_corpora(root):
        return 2
    from lexiloom import registry

    if "cnn" in encoders and "cnn" not in registry.encoders:
        print(INSTALL_HINT, file=sys.stderr)
        return 2
    classifiers.use_threads(args.threads)
    names = [d for d in args.datasets.split(",") if d]
    datasets = classifiers.load_datasets(root, names, args.quick)
    _limit(datasets, args.limit)
    with tempfile.TemporaryDirectory() as tmp:
        results = classifiers.run_systems(
            datasets, encoders, args.seeds, Path(tmp),
            lambda encoder, ds, seed, work: run_encoder(encoder, ds, seed, work, args),
            label=lambda encoder: f"lexiloom-{encoder}")
    classifiers.report(datasets, results, args, footer=(f"CPU: {common.cpu_model()}",))
    return 0


if __name__ == "__main__":
    sys.exit(main())
