"""Benchmark: memory while streaming documents through a lexiloom pipeline's ``nlp.pipe``.

    python benchmarks/pipe_memory.py                      # 1,000,000 documents
    python benchmarks/pipe_memory.py --docs 20000 --json  # smoke run

A sentiment pipeline is trained for a few steps on the bundled corpus (its weights do not
matter here), then ``--docs`` generated reviews (5 to 60 words from a 5,000-word vocabulary,
1 % of them 500 words long) stream through ``nlp.pipe`` (batch size 256, one torch thread)
from a generator, each doc dropped once its label is read. The resident set size (from
``/proc/self/statm``) is sampled every ``--every`` documents; the report gives it at the start
(after 10 % of the documents, so the first batches' allocations are in), at the end and at its
peak, and the growth from start to end per million documents.

New words grow spaCy's ``StringStore`` (``nlp.vocab.strings``) for the life of the pipeline, as
in any spaCy pipeline; the fixed vocabulary here keeps that out of the figure.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path


def rss_mb() -> float:
    """The current resident set size in MiB."""
    with open("/proc/self/statm") as fh:
        pages = int(fh.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def texts(n: int, seed: int = 0) -> Iterator[str]:
    rng = random.Random(seed)
    vocab = [f"w{i}" for i in range(5000)] + ["good", "bad", "film", "great", "boring"]
    for _ in range(n):
        length = 500 if rng.random() < 0.01 else rng.randint(5, 60)
        yield " ".join(rng.choices(vocab, k=length))


def trained_pipeline(work: Path):
    from lexiloom.training import TrainConfig, train
    from lexiloom.training.pipeline import load_pipeline

    out = work / "model"
    train(TrainConfig(train="sentiment/train", dev="sentiment/dev", task="sentiment",
                      max_steps=5, seed=0, threads=1), out_dir=out, progress=False)
    return load_pipeline(out / "model-best")


def run(docs: int, every: int) -> dict:
    import torch

    torch.set_num_threads(1)
    with tempfile.TemporaryDirectory(prefix="lexiloom-pipe-memory-") as tmp:
        nlp = trained_pipeline(Path(tmp))
        (name,) = [n for n in nlp.pipe_names if "textcat" in n or "sentiment" in n][:1] or \
            [nlp.pipe_names[-1]]
        samples = []
        started = time.perf_counter()
        first = max(every, docs // 10)
        for count, doc in enumerate(nlp.pipe(texts(docs), batch_size=256), 1):
            _ = max(doc.cats, key=doc.cats.get) if doc.cats else None
            if count in (first, docs) or count % every == 0:
                samples.append((count, rss_mb()))
        seconds = time.perf_counter() - started
    start = next(rss for count, rss in samples if count >= first)
    end = samples[-1][1]
    return {"docs": docs, "component": name, "seconds": round(seconds, 1),
            "docs_per_second": round(docs / seconds),
            "rss_start_mb": round(start, 1), "rss_end_mb": round(end, 1),
            "rss_peak_mb": round(max(rss for _, rss in samples), 1),
            "growth_mb_per_million": round((end - start) / max(1, docs - first) * 1e6, 1),
            "samples": [[c, round(r, 1)] for c, r in samples]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=1_000_000)
    parser.add_argument("--every", type=int, default=50_000, help="Sample RSS this often.")
    parser.add_argument("--json", action="store_true", help="Print the result as JSON.")
    args = parser.parse_args(argv)
    if args.docs < 1 or args.every < 1:
        parser.error("--docs and --every must be positive")
    result = run(args.docs, min(args.every, args.docs))
    if args.json:
        print(json.dumps(result))
        return 0
    print(f"{result['docs']:,} documents through nlp.pipe in {result['seconds']} s "
          f"({result['docs_per_second']:,} docs/s)")
    print(f"RSS: {result['rss_start_mb']} MiB after 10 %, {result['rss_end_mb']} MiB at the end, "
          f"peak {result['rss_peak_mb']} MiB; growth {result['growth_mb_per_million']} MiB per "
          "million documents")
    return 0


if __name__ == "__main__":
    sys.exit(main())
