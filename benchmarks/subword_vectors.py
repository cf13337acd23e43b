"""Benchmark: lexiloom's fastText (subword vectors) against the ``fasttext`` package and against
lexiloom's plain Word2Vec, same corpus, same run; quality on WordSim353, all pairs and the pairs
with a rare word.

    python benchmarks/subword_vectors.py                 # WikiText-2 train, 5 epochs, 3 seeds
    python benchmarks/subword_vectors.py --quick         # a small smoke run

Each training runs in a fresh subprocess and the systems alternate (who goes first rotates with
the seed), so load on the machine hits all alike. Settings are fastText's defaults for all three
where they apply: skip-gram, dim 100, window 5, 5 noise words, min count 5, epochs as given;
subwords 3-6 characters in 2,000,000 buckets, learning rate 0.05, subsampling 1e-4 for the two
fastText systems; Word2Vec keeps gensim's defaults (learning rate 0.025, subsampling 1e-3).
words/s = corpus words x epochs / wall time of the whole training (vocabulary included).

Quality: Spearman correlation with WordSim353's human scores (gensim's ``wordsim353.tsv``),
words as written there (lowercase), every pair scored: a word the vectors lack gets its subword
vector from the fastText systems, and similarity 0 from Word2Vec (not skipped, so that a
vocabulary's gaps count). "Rare" pairs are those where a word occurs fewer than ``--rare`` (20)
times in the corpus, unseen words included.

The corpus is ``--corpus`` or ``$LEXILOOM_CORPORA/wikitext-2/wiki.train.tokens``. Needs gensim
(for the word pairs file), fasttext and scipy.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from common import corpus_path, cpu_model, mean_sd

from lexiloom.threads import usable_cores

DEFAULT_CORPUS = Path("wikitext-2") / "wiki.train.tokens"
SYSTEMS = ("lexiloom-fasttext", "fasttext", "lexiloom-word2vec")


def run_one(job: dict[str, Any]) -> dict[str, Any]:
    """Train one system once (in a child process); return its time and pair similarities."""
    system, corpus, pairs = job["system"], job["corpus"], job["pairs"]
    if system == "fasttext":
        import fasttext

        started = time.perf_counter()
        model = fasttext.train_unsupervised(
            corpus, model="skipgram", dim=100, ws=5, epoch=job["epochs"], minCount=5, neg=5,
            minn=3, maxn=6, bucket=2_000_000, t=1e-4, lr=0.05, thread=job["threads"],
            verbose=0)  # the package's train_unsupervised takes no seed
        seconds = time.perf_counter() - started

        def vector(word: str) -> Any:
            return model.get_word_vector(word)
    else:
        from lexiloom.vectors.streaming import TokenStream

        stream = TokenStream([corpus])
        started = time.perf_counter()
        if system == "lexiloom-fasttext":
            from lexiloom_fasttext.model import FastText

            kv = FastText(epochs=job["epochs"], workers=job["threads"], seed=job["seed"]
                          ).fit(stream)
        else:
            from lexiloom_word2vec.model import Word2Vec

            kv = Word2Vec(sg=True, epochs=job["epochs"], workers=job["threads"],
                          seed=job["seed"]).fit(stream)
        seconds = time.perf_counter() - started
        subwords = system == "lexiloom-fasttext"

        def vector(word: str) -> Any:
            return kv[word] if subwords or word in kv else None
    sims = []
    for a, b, _ in pairs:
        va, vb = vector(a), vector(b)
        sims.append(0.0 if va is None or vb is None else cosine(va, vb))
    return {"seconds": seconds, "similarities": sims}


def cosine(a: Any, b: Any) -> float:
    import numpy as np

    na, nb = float(np.linalg.norm(a)), float(np.linalg.norm(b))
    return float(np.dot(a, b) / (na * nb)) if na and nb else 0.0


def word_pairs() -> list[tuple[str, str, float]]:
    """WordSim353 (gensim's copy): (word, word, human score)."""
    from gensim.test.utils import datapath

    pairs = []
    with open(datapath("wordsim353.tsv"), encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#"):
                continue
            a, b, score = line.rstrip("\n").split("\t")
            pairs.append((a, b, float(score)))
    return pairs


def spawn(job: dict[str, Any]) -> dict[str, Any]:
    out = subprocess.run([sys.executable, __file__, "--child", json.dumps(job)],
                         capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise SystemExit(f"{job['system']} seed {job['seed']} failed:\n{out.stderr[-2000:]}")
    return json.loads(out.stdout)


def spearman(x: list[float], y: list[float]) -> float:
    from scipy.stats import spearmanr

    return float(spearmanr(x, y).statistic) if len(x) > 2 else float("nan")


def benchmark(args: argparse.Namespace) -> dict[str, Any]:
    corpus = corpus_path(args.corpus, DEFAULT_CORPUS)
    if not corpus.is_file():
        raise SystemExit(f"corpus {corpus} not found; pass --corpus PATH or set LEXILOOM_CORPORA")
    counts: Counter[str] = Counter()
    with open(corpus, encoding="utf-8") as fh:
        for line in fh:
            counts.update(line.split())
    words = sum(counts.values())
    pairs = word_pairs()
    rare = [i for i, (a, b, _) in enumerate(pairs) if min(counts[a], counts[b]) < args.rare]
    runs: dict[str, list[dict[str, Any]]] = {s: [] for s in SYSTEMS}
    for n, seed in enumerate(range(1, args.seeds + 1)):
        order = SYSTEMS[n % 3:] + SYSTEMS[:n % 3]
        for system in order:
            job = {"system": system, "corpus": str(corpus), "pairs": pairs, "seed": seed,
                   "epochs": args.epochs, "threads": args.threads}
            result = spawn(job)
            sims = result.pop("similarities")
            human = [p[2] for p in pairs]
            result["ws353"] = spearman(sims, human)
            result["ws353_rare"] = spearman([sims[i] for i in rare], [human[i] for i in rare])
            result["words_per_second"] = words * args.epochs / result["seconds"]
            runs[system].append(result)
            print(f"{system:18} seed {seed}: {result['words_per_second']:,.0f} words/s, "
                  f"{result['seconds']:.1f} s, ws353 {result['ws353']:.3f}, rare "
                  f"{result['ws353_rare']:.3f}", file=sys.stderr, flush=True)
    return {"corpus": str(corpus), "words": words, "epochs": args.epochs, "seeds": args.seeds,
            "threads": args.threads, "rare_below": args.rare, "pairs": len(pairs),
            "rare_pairs": len(rare), "unseen_pair_words": sum(
                1 for a, b, _ in pairs for w in (a, b) if not counts[w]), "runs": runs,
            "machine": f"{cpu_model()}, {os.cpu_count()} cores"}


def table(report: dict[str, Any]) -> str:
    rows = ["| system | words/s | wall s | WS353 Spearman (all pairs) | WS353 Spearman (rare "
            "pairs) |", "|---|---|---|---|---|"]
    for system in SYSTEMS:
        runs = report["runs"][system]
        rows.append(f"| {system} | {mean_sd([r['words_per_second'] for r in runs], '{:,.0f}')} "
                    f"| {mean_sd([r['seconds'] for r in runs], '{:.1f}')} "
                    f"| {mean_sd([r['ws353'] for r in runs], '{:.3f}')} "
                    f"| {mean_sd([r['ws353_rare'] for r in runs], '{:.3f}')} |")
    ours = statistics.mean(r["words_per_second"] for r in report["runs"]["lexiloom-fasttext"])
    theirs = statistics.mean(r["words_per_second"] for r in report["runs"]["fasttext"])
    return ("\n".join(rows) + f"\n\nwords/s ratio lexiloom-fasttext / fasttext: "
            f"{ours / theirs:.2f}. {report['words']:,} words ({Path(report['corpus']).name}), "
            f"{report['epochs']} epochs, {report['threads']} threads, {report['seeds']} "
            f"seed(s), mean ± sd; {report['rare_pairs']} of {report['pairs']} pairs have a word "
            f"seen fewer than {report['rare_below']} times ({report['unseen_pair_words']} "
            f"pair words never seen). Machine: {report['machine']}.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", help="plain-text corpus (default: WikiText-2 train)")
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=usable_cores())
    parser.add_argument("--rare", type=int, default=20,
                        help="a pair is rare when a word occurs fewer times than this")
    parser.add_argument("--quick", action="store_true", help="smoke run: 1 seed, 1 epoch")
    parser.add_argument("--json", help="also write the raw results to this file")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_one(json.loads(args.child))))
        return
    if args.quick:
        args.seeds, args.epochs = 1, 1
    report = benchmark(args)
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=1), encoding="utf-8")
    print(table(report))


if __name__ == "__main__":
    main()
