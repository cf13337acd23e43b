"""Benchmark: lexiloom's Word2Vec against gensim's, same corpus, same settings, same run.

    python benchmarks/word2vec_vs_gensim.py                 # WikiText-2 train, 5 epochs, 3 seeds
    python benchmarks/word2vec_vs_gensim.py --quick         # a small smoke run

Each training runs in a fresh subprocess (so peak RSS is that run's own, read from the child's
``ru_maxrss``), the two tools alternate (interleaved, so drifting machine load hits both alike),
and both get gensim's defaults (dim 100, window 5, negative 5, sample 1e-3, min_count 5) with the
same epochs and workers. Words/second is the raw corpus word count times the epochs divided by
the wall time of vocabulary building plus training, for both tools. Quality is measured on both
sets of vectors with gensim's own evaluators: ``evaluate_word_analogies`` on gensim's
``questions-words.txt`` (``restrict_vocab=30000``, out-of-vocabulary questions skipped) and
``evaluate_word_pairs`` on gensim's ``wordsim353.tsv`` (Spearman). Figures are mean ± sd over
the seeds; the ratio row is lexiloom / gensim. Words per CPU-second (the same words over the
user+system CPU time of vocabulary building plus training, all threads) is shown too: it is less
sensitive than wall time to other load on the machine.

Input: lexiloom reads the corpus with its ``TokenStream`` (whitespace tokens), gensim with its
``LineSentence``, one sentence per line; gensim streams the files from disk on every pass,
lexiloom on the first (later epochs train from the word ids it kept, ``cache_mb``). The corpus is
``--corpus`` (a file, or a directory whose ``*.txt`` files are read in name order, such as the
Gutenberg ``words/``) or ``$LEXILOOM_CORPORA/wikitext-2/wiki.train.tokens``
(``LEXILOOM_CORPORA`` defaults to ``../shared/corpora`` relative to the repository root). Needs
gensim (``pip install gensim``).

How far from the hardware: ``hardware.py`` measures this machine's peak float32 FLOP/s, copy
bandwidth and random-row gather rate; the work each tool does per epoch (floating-point
operations and weight rows read and written) is counted from the corpus, its subsampling
probabilities and the window distribution (expected values), and divided by the training time.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from common import corpus_path, cpu_model, mean_sd
from hardware import describe, limits

from lexiloom.threads import usable_cores

DEFAULT_CORPUS = Path("wikitext-2") / "wiki.train.tokens"
TOOLS = ("lexiloom", "gensim")
MODES = {"cbow": False, "sg": True}
METRICS = (("words_per_second", "words/s", "{:,.0f}"), ("seconds", "wall s", "{:.1f}"),
           ("words_per_cpu_second", "words/CPU-s", "{:,.0f}"),
           ("peak_rss_mb", "peak RSS MB", "{:.0f}"), ("analogy", "analogy acc", "{:.3f}"),
           ("wordsim353", "WS353 Spearman", "{:.3f}"))


# -- one training run (in a child process) ------------------------------------------------------
def run_one(job: dict[str, Any]) -> dict[str, Any]:
    """Train one tool once, then evaluate; the peak RSS is taken before evaluation imports."""
    settings = {"sg": MODES[job["mode"]], "window": 5, "negative": 5, "sample": 1e-3,
                "min_count": job["min_count"], "epochs": job["epochs"],
                "workers": job["workers"], "seed": job["seed"]}
    files = corpus_files(Path(job["corpus"]))
    if job["tool"] == "lexiloom":
        from lexiloom_word2vec.model import Word2Vec

        from lexiloom.vectors.streaming import TokenStream

        corpus = TokenStream(files)
        cpu, started = cpu_seconds(), time.perf_counter()
        kv = Word2Vec(dim=100, **settings).fit(corpus)
        seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        words, vectors = kv.index_to_key, kv.vectors
    else:
        from gensim.models import Word2Vec as GensimWord2Vec
        from gensim.models.word2vec import LineSentence

        corpus = LineSentences(files, LineSentence)
        settings["sg"] = int(settings["sg"])
        cpu, started = cpu_seconds(), time.perf_counter()
        model = GensimWord2Vec(corpus, vector_size=100, **settings)
        seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        words, vectors = model.wv.index_to_key, model.wv.vectors
    return {"seconds": seconds, "cpu_seconds": cpu, "child_rss_kb": rss, "vocabulary": len(words),
            **evaluate(words, vectors)}


class LineSentences:
    """gensim's ``LineSentence`` over several files in turn (re-iterable)."""

    def __init__(self, files: list[Path], reader: Any) -> None:
        self.files, self.reader = files, reader

    def __iter__(self) -> Any:
        for path in self.files:
            yield from self.reader(str(path))


def corpus_files(path: Path) -> list[Path]:
    """The corpus's files: ``path`` itself, or the ``*.txt`` files of a directory."""
    return sorted(path.glob("*.txt")) if path.is_dir() else [path]


def cpu_seconds() -> float:
    """User plus system CPU time of this process, all threads."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def evaluate(words: list[str], vectors: Any) -> dict[str, float]:
    """Analogy accuracy and WordSim353 Spearman with gensim's evaluators."""
    import logging
    import warnings

    from gensim.models import KeyedVectors
    from gensim.test.utils import datapath

    logging.disable(logging.WARNING)
    kv = KeyedVectors(vectors.shape[1])
    kv.add_vectors(list(words), vectors)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            analogy = kv.evaluate_word_analogies(datapath("questions-words.txt"),
                                                 restrict_vocab=30000)[0]
        except ZeroDivisionError:  # no question in the vocabulary (tiny corpora)
            analogy = float("nan")
        pairs = kv.evaluate_word_pairs(datapath("wordsim353.tsv"))
    spearman = float(pairs[1][0]) if pairs[1] is not None else float("nan")
    return {"analogy": float(analogy), "wordsim353": spearman}


def spawn(job: dict[str, Any]) -> dict[str, Any]:
    """Run ``job`` in a fresh interpreter; add its peak RSS (``ru_maxrss`` from ``wait4``)."""
    child = subprocess.Popen([sys.executable, __file__, "--child", json.dumps(job)],
                             stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    output = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"{job['tool']} {job['mode']} seed {job['seed']} failed "
                         f"(exit {child.returncode})")
    result = json.loads(output)
    # the training high-water mark, reported by the child before it imported the evaluators;
    # wait4's ru_maxrss (whole child, evaluation included) is kept for reference
    result["peak_rss_mb"] = result.pop("child_rss_kb") / 1024
    result["peak_rss_with_evaluation_mb"] = usage.ru_maxrss / 1024
    result["words_per_second"] = job["words"] * job["epochs"] / result["seconds"]
    result["words_per_cpu_second"] = job["words"] * job["epochs"] / result["cpu_seconds"]
    return result


# -- the whole benchmark ------------------------------------------------------------------------
def count_corpus_words(path: Path) -> int:
    """Whitespace-separated words in the corpus (what both tools count as raw words)."""
    total = 0
    for file in corpus_files(path):
        with open(file, encoding="utf-8") as fh:
            total += sum(len(line.split()) for line in fh)
    return total


def work_per_epoch(path: Path, *, dim: int, window: int, negative: int, min_count: int,
                   sample: float) -> dict[str, dict[str, float]]:
    """Expected floating-point operations and weight rows touched (read and written) per epoch,
    per mode and tool, from the kept words of every line after subsampling and the uniform
    window reduction. Per window of B context words and O = negative + 1 outputs:
    skip-gram, gensim (per pair): B * (6 d O + 2 d) flops, B * (1 + O) rows; skip-gram,
    lexiloom (shared noise words): 6 d B O + 2 d B + 2 d O flops, B + O rows; CBOW (both):
    2 d B + d + 6 d O flops, 2 B + O rows."""
    import numpy as np
    from lexiloom_word2vec.vocabulary import count_vocabulary, sample_thresholds

    from lexiloom.vectors.streaming import TokenStream

    stream = TokenStream(corpus_files(path))
    vocab = count_vocabulary(stream, min_count=min_count)
    keep = sample_thresholds(vocab.counts, sample).astype(np.float64) / (2**32 - 1)
    lengths: dict[int, int] = {}
    for sentence in stream:
        ids = [vocab.index[w] for w in sentence if w in vocab.index]
        if ids:
            kept = round(float(keep[ids].sum()))
            lengths[kept] = lengths.get(kept, 0) + 1
    centres = windows = contexts = 0.0  # windows: centres with at least one context word
    for length, count in lengths.items():
        i = np.arange(length)
        for reduced in range(window):
            half = window - reduced
            b = np.minimum(i + half, length - 1) - np.maximum(i - half, 0)
            contexts += count * b.sum() / window
            windows += count * (b > 0).sum() / window
        centres += count * length
    o, d = negative + 1, dim
    return {
        "sg/gensim": {"flops": contexts * (6 * d * o + 2 * d), "rows": contexts * (1 + o)},
        "sg/lexiloom": {"flops": 6 * d * contexts * o + 2 * d * contexts + 2 * d * o * windows,
                        "rows": contexts + o * windows},
        "cbow/gensim": {"flops": 2 * d * contexts + (d + 6 * d * o) * windows,
                        "rows": 2 * contexts + o * windows},
        "cbow/lexiloom": {"flops": 2 * d * contexts + (d + 6 * d * o) * windows,
                          "rows": 2 * contexts + o * windows},
        "centres": {"flops": centres, "rows": 0.0}}


def benchmark(args: argparse.Namespace) -> dict[str, Any]:
    corpus = corpus_path(args.corpus, DEFAULT_CORPUS)
    if not corpus.is_file() and not (corpus.is_dir() and corpus_files(corpus)):
        raise SystemExit(f"corpus {corpus} not found; pass --corpus PATH or set LEXILOOM_CORPORA")
    words = count_corpus_words(corpus)
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    unknown = sorted(set(modes) - set(MODES))
    if unknown:
        raise SystemExit(f"unknown mode(s) {unknown}; use cbow, sg")
    runs: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for n, seed in enumerate(range(1, args.seeds + 1)):
        for mode in modes:
            order = TOOLS if n % 2 == 0 else TOOLS[::-1]  # alternate who goes first
            for tool in order:
                job = {"tool": tool, "mode": mode, "seed": seed, "epochs": args.epochs,
                       "workers": args.workers, "min_count": args.min_count,
                       "corpus": str(corpus), "words": words}
                result = spawn(job)
                runs.setdefault((mode, tool), []).append(result)
                print(f"{mode:4} {tool:8} seed {seed}: {result['words_per_second']:,.0f} "
                      f"words/s, {result['seconds']:.1f} s, analogy {result['analogy']:.3f}, "
                      f"ws353 {result['wordsim353']:.3f}", file=sys.stderr, flush=True)
    report = {"corpus": str(corpus), "words": words, "epochs": args.epochs, "seeds": args.seeds,
              "workers": args.workers, "runs": {f"{m}/{t}": r for (m, t), r in runs.items()},
              "machine": machine()}
    if args.limits:
        report["limits"] = limits(args.workers)
        report["work"] = work_per_epoch(corpus, dim=100, window=5, negative=5,
                                        min_count=args.min_count, sample=1e-3)
    return report


def machine() -> str:
    """CPU model, cores, load and versions, for the table's caption."""
    cpu = cpu_model()
    import gensim
    import numpy

    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (f"{cpu}, {os.cpu_count()} cores, load average {load}; Python "
            f"{platform.python_version()}, numpy {numpy.__version__}, gensim {gensim.__version__}")


def table(report: dict[str, Any]) -> str:
    """The markdown table: one row per mode and tool, then the lexiloom/gensim ratio."""
    header = ["mode", "tool", *(label for _, label, _ in METRICS)]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    modes = sorted({key.split("/")[0] for key in report["runs"]}, key=list(MODES).index)
    for mode in modes:
        means = {}
        for tool in TOOLS:
            runs = report["runs"][f"{mode}/{tool}"]
            cells = [mode, tool]
            for key, _, fmt in METRICS:
                values = [r[key] for r in runs]
                means[(tool, key)] = statistics.mean(values)
                cells.append(mean_sd(values, fmt))
            lines.append("| " + " | ".join(cells) + " |")
        ratio = [mode, "**ratio lexiloom/gensim**"]
        for key, _, _ in METRICS:
            theirs = means[("gensim", key)]
            ratio.append(f"{means[('lexiloom', key)] / theirs:.2f}" if theirs else "n/a")
        lines.append("| " + " | ".join(ratio) + " |")
    caption = (f"{report['words']:,} words ({Path(report['corpus']).name}), {report['epochs']} "
               f"epochs, {report['workers']} workers, {report['seeds']} seed(s), mean ± sd. "
               f"Machine: {report['machine']}.")
    text = "\n".join(lines) + "\n\n" + caption
    if "limits" in report:
        text += "\n\n" + hardware_table(report, modes)
    return text


def hardware_table(report: dict[str, Any], modes: list[str]) -> str:
    """Each tool's arithmetic and row traffic per second of training (fastest seed) beside the
    machine's limits."""
    limit = report["limits"]
    lines = ["| mode | tool | GFLOP/s | % of peak | rows/s (M) | GB/s of rows (read + write) "
             "| % of copy bandwidth |", "|---|---|---|---|---|---|---|"]
    for mode in modes:
        for tool in TOOLS:
            work = report["work"][f"{mode}/{tool}"]
            seconds = min(r["seconds"] for r in report["runs"][f"{mode}/{tool}"])
            flops = work["flops"] * report["epochs"] / seconds / 1e9
            rows = work["rows"] * report["epochs"] / seconds
            traffic = rows * 100 * 4 * 2 / 1e9
            lines.append(f"| {mode} | {tool} | {flops:.1f} | {100 * flops / limit['gflops']:.0f} "
                         f"| {rows / 1e6:.1f} | {traffic:.1f} "
                         f"| {100 * traffic / limit['bandwidth_gbs']:.0f} |")
    return ("\n".join(lines) + f"\n\nLimits, {describe(limit)}. Work per epoch is counted "
            "from the corpus (expected values; see work_per_epoch); times are whole runs "
            "(vocabulary included), so the rates are lower bounds.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", help="plain-text corpus (default: WikiText-2 train under "
                                         "$LEXILOOM_CORPORA)")
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--modes", default="cbow,sg", help="comma-separated: cbow, sg")
    parser.add_argument("--workers", "--threads", type=int, default=usable_cores(),
                        help="training threads of both tools (default: the usable cores)")
    parser.add_argument("--min-count", type=int, default=5)
    parser.add_argument("--quick", action="store_true",
                        help="smoke run: 1 seed, 1 epoch")
    parser.add_argument("--json", help="also write the raw results to this file")
    parser.add_argument("--no-limits", dest="limits", action="store_false",
                        help="skip the hardware micro-benchmarks and the work count")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_one(json.loads(args.child))))
        return
    if args.quick:
        args.seeds, args.epochs, args.limits = 1, 1, False
    report = benchmark(args)
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=1), encoding="utf-8")
    print(table(report))


if __name__ == "__main__":
    main()
