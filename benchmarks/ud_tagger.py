"""UD English EWT part-of-speech tagging: spaCy's tagger on lexiloom's BiLSTM tok2vec
(``lexiloom.Tok2Vec.v1``) vs spaCy's default ``HashEmbedCNN`` tok2vec, both trained by
``spacy train`` to their own early stop, in the same run.

    python benchmarks/ud_tagger.py                 # 3 seeds, about 30-60 minutes on 2 cores
    python benchmarks/ud_tagger.py --quick         # a smoke run: tiny slices and step caps

Data: ``$LEXILOOM_CORPORA/ud-english-ewt/en_ewt-ud-{dev,test}.conllu`` (``LEXILOOM_CORPORA``
defaults to ``../shared/corpora``; the train file is not in the snapshot). The models train on
dev with a deterministic 90/10 split (every tenth sentence, from the tenth on, validates) and
are scored on test: ``tag_acc``, the accuracy of ``token.tag_`` (the treebank's XPOS, Penn
tags), as ``spacy evaluate`` reports it.

Both configs start from ``spacy init config --pipeline tagger`` (CPU, efficiency): the same
tagger, optimizer, batcher, patience (1,600 steps), evaluation frequency and step cap. The
lexiloom one replaces the shared tok2vec component's model with ``lexiloom.Tok2Vec.v1``: the
trainable embedder and an LSTM encoder at their defaults, bidirectional (width 2 x 128), the
vocabulary from the training corpus; the tagger's listener gets that width. Torch uses
``--threads`` threads (default: the usable cores), set through ``OMP_NUM_THREADS`` for each
``spacy train`` process.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import corpora_root, cpu_model, mean_sd

from lexiloom.spacy.names import TOK2VEC
from lexiloom.threads import usable_cores

UD = "ud-english-ewt"
SYSTEMS = ("spacy-hashembedcnn", "lexiloom-bilstm")
ENCODER = {"@architectures": "lexiloom.LSTMEncoder.v1", "bidirectional": True}


def read_conllu(path: Path, limit: int | None = None) -> list:
    """One spaCy ``Doc`` per sentence of a CoNLL-U file (``spacy convert``'s reader)."""
    from spacy.training.converters import conllu_to_docs

    docs = list(conllu_to_docs(path.read_text(encoding="utf-8"), n_sents=1, no_print=True))
    return docs[:limit]


def split(docs: list) -> tuple[list, list]:
    """The deterministic 90/10 split: every tenth sentence (index 9, 19, ...) validates."""
    return ([d for i, d in enumerate(docs) if i % 10 != 9],
            [d for i, d in enumerate(docs) if i % 10 == 9])


def write_docbin(docs: list, path: Path) -> Path:
    from spacy.tokens import DocBin

    DocBin(docs=docs).to_disk(path)
    return path


def configs(quick: bool, vocab: dict | None = None) -> dict:
    """The two training configs, from spaCy's own tagger config."""
    from spacy.cli.init_config import init_config

    base = init_config(lang="en", pipeline=["tagger"], optimize="efficiency", gpu=False,
                       silent=True)
    if quick:
        base["training"].update({"max_steps": 30, "eval_frequency": 10, "patience": 20})
    lexiloom = base.copy()
    lexiloom["components"]["tok2vec"]["model"] = {
        "@architectures": TOK2VEC, "vocab_corpus": "${paths.train}",
        "embedder": {"@architectures": "lexiloom.TrainableEmbedder.v1"},
        "encoder": dict(ENCODER),
    }
    if vocab:
        lexiloom["components"]["tok2vec"]["model"]["vocab"] = vocab
    lexiloom["components"]["tagger"]["model"]["tok2vec"]["width"] = width()
    return {"spacy-hashembedcnn": base, "lexiloom-bilstm": lexiloom}


def width() -> int:
    """The BiLSTM's output width (the listener's width), from its registered defaults."""
    from lexiloom import registry

    return 2 * int(registry.encoders.get("lstm").defaults["hidden_size"])


def train(config: object, out: Path, data: dict[str, Path], seed: int, threads: int,
          quiet: bool) -> float:
    """Run ``spacy train`` in its own process; return its wall seconds."""
    path = out.with_suffix(".cfg")
    config.to_disk(path)
    command = [sys.executable, "-m", "spacy", "train", str(path), "--output", str(out),
               "--paths.train", str(data["train"]), "--paths.dev", str(data["dev"]),
               "--system.seed", str(seed)]
    env = {**os.environ, "OMP_NUM_THREADS": str(threads), "MKL_NUM_THREADS": str(threads)}
    start = time.perf_counter()
    result = subprocess.run(command, env=env, capture_output=quiet, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(f"spacy train failed for {out.name}:\n{result.stderr or ''}")
    return time.perf_counter() - start


def score(model: Path, test: Path, threads: int) -> tuple[float, float, int]:
    """Test tag accuracy, inference tokens/s and training steps of a trained pipeline."""
    import spacy
    import torch
    from spacy.tokens import DocBin
    from spacy.training import Example

    torch.set_num_threads(threads)
    nlp = spacy.load(model)
    gold = list(DocBin().from_disk(test).get_docs(nlp.vocab))
    examples = [Example(nlp.make_doc(doc.text), doc) for doc in gold]
    start = time.perf_counter()
    scores = nlp.evaluate(examples)
    seconds = time.perf_counter() - start
    tokens = sum(len(doc) for doc in gold)
    steps = int((json.loads((model / "meta.json").read_text()).get("performance") or {})
                .get("steps", 0) or 0)
    return float(scores["tag_acc"]), tokens / seconds, steps


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", help=f"Folder with the EWT dev and test files (default: "
                                         f"$LEXILOOM_CORPORA/{UD})")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--first-seed", type=int, default=0,
                        help="The first seed (seeds are FIRST .. FIRST + SEEDS - 1).")
    parser.add_argument("--threads", type=int, default=usable_cores())
    parser.add_argument("--systems", default=",".join(SYSTEMS),
                        help=f"Comma-separated, from: {', '.join(SYSTEMS)}.")
    parser.add_argument("--vocab", metavar="JSON", help="lexiloom's vocab settings, e.g. "
                        '\'{"min_count": 1}\' (default: the architecture\'s).')
    parser.add_argument("--quick", action="store_true",
                        help="Tiny slices of the data, step caps, one seed (a smoke run).")
    parser.add_argument("--quiet", action="store_true", help="No spacy train output.")
    parser.add_argument("--json", help="Also write the results as JSON to this file.")
    args = parser.parse_args(argv)
    if args.seeds < 1 or args.threads < 1:
        parser.error("--seeds and --threads must be positive")
    systems = [s.strip() for s in args.systems.split(",") if s.strip()]
    if not systems or set(systems) - set(SYSTEMS):
        parser.error(f"--systems must name some of {', '.join(SYSTEMS)}")
    vocab = json.loads(args.vocab) if args.vocab else None
    folder = Path(args.corpus) if args.corpus else corpora_root() / UD
    files = {name: folder / f"en_ewt-ud-{name}.conllu" for name in ("dev", "test")}
    missing = [str(p) for p in files.values() if not p.is_file()]
    if missing:
        print(f"UD English EWT not found ({', '.join(missing)}); pass --corpus or set "
              "LEXILOOM_CORPORA", file=sys.stderr)
        return 2
    limit = 60 if args.quick else None
    seeds = [args.first_seed] if args.quick else \
        list(range(args.first_seed, args.first_seed + args.seeds))
    results: dict[str, list[dict]] = {system: [] for system in systems}
    with tempfile.TemporaryDirectory(prefix="ud-tagger-") as work:
        root = Path(work)
        train_docs, dev_docs = split(read_conllu(files["dev"], limit))
        data = {"train": write_docbin(train_docs, root / "train.spacy"),
                "dev": write_docbin(dev_docs, root / "dev.spacy"),
                "test": write_docbin(read_conllu(files["test"], limit), root / "test.spacy")}
        for seed in seeds:
            for system, config in configs(args.quick, vocab).items():
                if system not in systems:
                    continue
                out = root / f"{system}-{seed}"
                seconds = train(config, out, data, seed, args.threads, args.quiet)
                accuracy, speed, steps = score(out / "model-best", data["test"], args.threads)
                results[system].append({"seed": seed, "tag_acc": accuracy, "train_s": seconds,
                                        "tokens_per_s": speed, "steps": steps})
                print(f"{system} seed {seed}: tag_acc {accuracy:.4f}, {seconds:.0f} s",
                      file=sys.stderr)
                if args.json:  # after every run, so a failure later keeps what was measured
                    Path(args.json).write_text(json.dumps(results, indent=1) + "\n",
                                               encoding="utf-8")
        print(f"UD English EWT: train {len(train_docs)} / validate {len(dev_docs)} sentences "
              f"of dev; test {len(read_conllu(files['test'], limit))} sentences")
    print()
    print("| system | test tag accuracy % (mean ± sd) | seeds | per-seed % | train s (mean) "
          "| inference tokens/s (mean) |")
    print("| --- | --- | --- | --- | --- | --- |")
    for system in systems:
        runs = results[system]
        per_seed = ", ".join(f"{100 * r['tag_acc']:.1f}" for r in runs)
        print(f"| {system} | {mean_sd([100 * r['tag_acc'] for r in runs], '{:.1f}')} | "
              f"{len(runs)} | {per_seed} | {statistics.fmean(r['train_s'] for r in runs):,.0f} | "
              f"{statistics.fmean(r['tokens_per_s'] for r in runs):,.0f} |")
    if set(SYSTEMS) <= set(systems):
        ratio = (statistics.fmean(r["tag_acc"] for r in results["lexiloom-bilstm"])
                 / statistics.fmean(r["tag_acc"] for r in results["spacy-hashembedcnn"]))
        print(f"| **ratio lexiloom/spaCy** | {ratio:.3f} | | | | |")
    print()
    print(f"{cpu_model()}, {args.threads} thread(s), torch threads via OMP_NUM_THREADS")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
