"""Benchmark: does pretraining on raw text help the default classifier? (issue 17, ULMFiT)

    python benchmarks/pretraining.py                       # WikiText-2, 900 s, SST-2 and TREC
    python benchmarks/pretraining.py --pretrained lm/model-best   # reuse a pretrained model

1. ``lexiloom pretrain`` on WikiText-2's train text (dev: its valid text) from the corpora folder
   (``$LEXILOOM_CORPORA``, default ``../shared/corpora``) for ``--seconds`` of wall-clock time on
   ``--threads`` threads; the time it took is printed (it is CPU time on this machine: nothing
   else is used).
2. ``benchmarks/classifiers.py`` on ``--datasets`` with the systems ``lexiloom`` (the defaults
   from scratch), ``lexiloom-pretrained`` (the same defaults started from step 1's model with
   ``--init-encoder``) and the anchors ``spacy-bow`` and ``fasttext-bigrams``, ``--seeds``
   seeds each, all in this run.

``--quick`` is the smoke variant (a slice of the text, 20 pretraining steps, tiny splits).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import classifiers

from lexiloom.threads import usable_cores


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", help="Folder with wikitext-2/, sst2/, trec/.")
    parser.add_argument("--pretrained", metavar="DIR",
                        help="Skip step 1: use this pretrained model-best.")
    parser.add_argument("--seconds", type=float, default=900.0,
                        help="Pretraining wall-clock budget.")
    parser.add_argument("--datasets", default="sst2,trec")
    parser.add_argument("--systems", default="lexiloom,lexiloom-pretrained,spacy-bow,"
                                             "fasttext-bigrams")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=usable_cores())
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--json", help="Also write the classifier results as JSON here.")
    args = parser.parse_args(argv)
    root = classifiers.corpora_root(args.corpora)
    text = root / "wikitext-2"
    if args.pretrained is None and not (text / "wiki.train.tokens").is_file():
        print(f"skipped: {text}/wiki.train.tokens not found (set LEXILOOM_CORPORA)")
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        pretrained = args.pretrained
        if pretrained is None:
            from lexiloom.training.pretrain import pretrain

            train, dev = text / "wiki.train.tokens", text / "wiki.valid.tokens"
            if args.quick:
                train = _head(train, Path(tmp) / "train.txt", 200_000)
                dev = _head(dev, Path(tmp) / "dev.txt", 20_000)
            began = time.perf_counter()
            result = pretrain(str(train), str(dev), Path(tmp) / "lm",
                              max_seconds=None if args.quick else args.seconds,
                              max_steps=20 if args.quick else None, threads=args.threads,
                              dim=16 if args.quick else None,
                              hidden_size=16 if args.quick else None, progress=False)
            print(f"pretraining: {result.steps} updates in {time.perf_counter() - began:.0f} s "
                  f"on {args.threads} thread(s); dev cross-entropy {result.best_score:.3f} "
                  "nats per prediction")
            pretrained = str(result.model_best)
        forwarded = ["--datasets", args.datasets, "--systems", args.systems, "--seeds",
                     str(args.seeds), "--threads", str(args.threads), "--init-encoder",
                     pretrained, "--quiet"]
        if args.corpora:
            forwarded += ["--corpora", args.corpora]
        if args.quick:
            forwarded += ["--quick"]
        if args.json:
            forwarded += ["--json", args.json]
        return classifiers.main(forwarded)


def _head(path: Path, out: Path, size: int) -> Path:
    out.write_bytes(path.read_bytes()[:size])
    return out


if __name__ == "__main__":
    sys.exit(main())
