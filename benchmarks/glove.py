"""Benchmark: lexiloom's GloVe embedder on a real corpus: time, memory and quality.

    python benchmarks/glove.py                    # WikiText-2 train, GloVe defaults, 3 seeds
    python benchmarks/glove.py --quick            # a small smoke run (few epochs, small vectors)

Every seed trains in a fresh subprocess, so peak RSS is that run's own (``ru_maxrss`` of the
child, read right after training, before evaluation). The settings are the embedder's defaults
(those of the reference GloVe tool where it has them): dim 100, window 10 (symmetric, 1/distance
weighting), x_max 100, alpha 0.75, learning rate 0.05, 25 epochs, min_count 5, 2 workers. The
table shows the wall time of counting (vocabulary pass + co-occurrence pass over the corpus) and
of training, the peak RSS, and the quality of the vectors: accuracy on gensim's
``questions-words.txt`` (``restrict_vocab=30000``, questions with out-of-vocabulary words skipped,
as gensim does) and Spearman correlation on gensim's ``wordsim353.tsv``, both computed with
:class:`lexiloom.vectors.KeyedVectors`' evaluators. Figures are mean ± sd over the seeds.

The corpus is ``--corpus`` or ``$LEXILOOM_CORPORA/wikitext-2/wiki.train.tokens``
(``LEXILOOM_CORPORA`` defaults to ``../shared/corpora`` relative to the repository root), read
with lexiloom's ``TokenStream`` (whitespace tokens). The evaluation files come from gensim's test
data (``--analogies``/``--pairs`` override them); without gensim and without those options the
quality columns are left out.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from common import REPO, corpus_path, cpu_model, mean_sd

from lexiloom.threads import usable_cores

DEFAULT_CORPUS = Path("wikitext-2") / "wiki.train.tokens"
METRICS = (
    ("vocab_size", "vocabulary", "{:,.0f}"),
    ("cooccurrences", "co-occurrence entries", "{:,.0f}"),
    ("count_seconds", "counting wall s (vocabulary + co-occurrences)", "{:.1f}"),
    ("train_seconds", "training wall s", "{:.1f}"),
    ("records_per_second", "training records/s (records x epochs / s)", "{:,.0f}"),
    ("peak_rss_mb", "peak RSS MB", "{:.0f}"),
    ("analogy", "analogy accuracy (questions-words, restrict_vocab=30000)", "{:.3f}"),
    ("wordsim353", "WordSim353 Spearman", "{:.3f}"),
)


def gensim_data(name: str) -> str | None:
    """The path of one of gensim's test data files, or ``None`` without gensim."""
    try:
        from gensim.test.utils import datapath
    except ImportError:
        return None
    path = datapath(name)
    return path if Path(path).exists() else None


# -- one training run (in a child process) ------------------------------------------------------
def run_one(job: dict[str, Any]) -> dict[str, Any]:
    """Fit GloVe once on the corpus, then evaluate the vectors."""
    from lexiloom_glove.model import GloVe

    from lexiloom.vectors.streaming import TokenStream

    model = GloVe(**job["settings"])
    stream = TokenStream([job["corpus"]])
    started = time.perf_counter()
    vectors = model.fit(stream, seed=job["seed"])
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    report = model.report
    assert report is not None
    result: dict[str, Any] = {
        **report.to_dict(),
        "seed": job["seed"],
        "seconds": seconds,
        "count_seconds": report.vocab_seconds + report.count_seconds,
        "records_per_second": report.cooccurrences * model.epochs / max(report.train_seconds,
                                                                         1e-9),
        "peak_rss_mb": peak_mb,
    }
    if job.get("analogies"):
        result["analogy"] = vectors.evaluate_word_analogies(job["analogies"],
                                                            restrict_vocab=30000).accuracy
    if job.get("pairs"):
        result["wordsim353"] = vectors.evaluate_word_pairs(job["pairs"]).spearman
    return result


def run_child(job: dict[str, Any]) -> dict[str, Any]:
    """Run :func:`run_one` in a fresh interpreter and return its JSON result."""
    done = subprocess.run([sys.executable, __file__, "--child", json.dumps(job)],
                          check=True, capture_output=True, text=True, cwd=REPO)
    return json.loads(done.stdout.strip().splitlines()[-1])


# -- the table ----------------------------------------------------------------------------------
def machine() -> str:
    """One line naming the machine and the software."""
    import numpy

    cpu = cpu_model()
    try:
        from lexiloom_glove import _kernel  # noqa: F401

        kernel = "compiled kernel"
    except ImportError:
        kernel = "numpy fallback"
    return (f"{cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}; "
            f"Python {platform.python_version()}, numpy {numpy.__version__}; {kernel}")


def table(results: list[dict[str, Any]], settings: dict[str, Any], corpus: Path,
          words: int) -> str:
    """The markdown table of the runs (mean ± sd per metric)."""
    lines = [
        f"GloVe on `{corpus.name}` ({words:,} words), settings: "
        + ", ".join(f"{k}={v}" for k, v in settings.items() if k not in ("progress", "vectors"))
        + f"; {len(results)} seed(s): {', '.join(str(r['seed']) for r in results)}",
        "",
        "| metric | lexiloom GloVe |",
        "| --- | --- |",
    ]
    for key, label, fmt in METRICS:
        values = [r[key] for r in results if key in r]
        if values:
            lines.append(f"| {label} | {mean_sd(values, fmt)} |")
    lines += ["", f"Machine: {machine()}."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Parse options, run the seeds one after another, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", help="plain-text corpus (default: WikiText-2 train)")
    parser.add_argument("--seeds", type=int, default=3, help="runs with seeds 1..N (default 3)")
    parser.add_argument("--epochs", type=int, help="training epochs (default 25; --quick 2)")
    parser.add_argument("--dim", type=int, help="vector size (default 100; --quick 20)")
    parser.add_argument("--window", type=int, default=10, help="context window (default 10)")
    parser.add_argument("--min-count", type=int, default=5, help="minimum count (default 5)")
    parser.add_argument("--x-max", type=float, default=100.0,
                        help="weighting cutoff x_max (default 100, the paper's; the reference "
                             "tool's demo uses 10 on its small corpus)")
    parser.add_argument("--workers", "--threads", type=int, default=usable_cores(),
                        help="training threads (default: the cores this process may use)")
    parser.add_argument("--analogies", help="analogy file (default: gensim's questions-words)")
    parser.add_argument("--pairs", help="word-pairs file (default: gensim's wordsim353.tsv)")
    parser.add_argument("--quick", action="store_true",
                        help="smoke run: 1 seed, 2 epochs, dim 20 (unless given)")
    parser.add_argument("--json", help="also write the raw results to this file")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(run_one(json.loads(args.child))))
        return 0

    corpus = corpus_path(args.corpus, DEFAULT_CORPUS)
    if not corpus.is_file():
        print(f"error: corpus {corpus} not found; pass --corpus or set LEXILOOM_CORPORA",
              file=sys.stderr)
        return 2
    seeds = 1 if args.quick and args.seeds == 3 else args.seeds
    settings = {
        "dim": args.dim or (20 if args.quick else 100),
        "window": args.window,
        "epochs": args.epochs or (2 if args.quick else 25),
        "min_count": args.min_count,
        "x_max": args.x_max,
        "workers": args.workers,
    }
    analogies = args.analogies or gensim_data("questions-words.txt")
    pairs = args.pairs or gensim_data("wordsim353.tsv")
    results = []
    for seed in range(1, seeds + 1):
        job = {"settings": settings, "corpus": str(corpus), "seed": seed,
               "analogies": analogies, "pairs": pairs}
        results.append(run_child(job))
        print(f"seed {seed}: {json.dumps(results[-1])}", file=sys.stderr)
    text = table(results, settings, corpus, results[0]["words"])
    print(text)
    if args.json:
        Path(args.json).write_text(json.dumps({"settings": settings, "results": results,
                                               "table": text}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
