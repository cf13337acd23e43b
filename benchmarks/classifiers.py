"""Benchmark: lexiloom's recurrent classifiers against spaCy's built-in textcat and fastText.

    python benchmarks/classifiers.py                    # SST-2 and TREC, 3 seeds, every system
    python benchmarks/classifiers.py --quick            # tiny slices, 1 seed (smoke run)
    python benchmarks/classifiers.py --datasets trec --systems lexiloom-gru,fasttext-bigrams

Data (``--corpora`` or ``$LEXILOOM_CORPORA``, default ``../shared/corpora``): SST-2
(``sst2/stsa.binary.{train,dev,test}``, format ``labelled``, labels 0/1 read as
negative/positive) and TREC (``trec/TREC.{train,test}``, format ``labelled`` with the coarse
label part, latin-1; 10% of train held out as dev with a fixed seed, the same split for every
system and seed); with ``--datasets``, also SST-5 (``sst5/stsa.fine.*``, five labels 0-4) and
the bundled ``sentiment`` and ``topics`` corpora (their own splits). Every system trains on the
same train split, may use the dev split for model selection, and is scored once on test.

Systems:

- ``lexiloom``: what ``lexiloom train --task sentiment|classify`` does with only ``--train`` and
  ``--dev``: the defaults sized to the data (``lexiloom.training.classifier_plan``).
- ``lexiloom-lstm`` / ``lexiloom-gru``: ``lexiloom.training.train`` with the shipped config
  (``configs/sentiment_binary.cfg`` for SST-2, ``configs/topics_multiclass.cfg`` for TREC,
  i.e. what ``lexiloom train`` does without model flags) and the encoder named; the model is
  ``model-best``. ``--vectors FILE`` takes the embedding from word vectors (the
  ``pretrained`` embedder: frozen, its vocabulary extended with the file's words; ``--set
  embedder.trainable=true`` fine-tunes them).
- ``spacy-bow`` / ``spacy-ensemble``: ``python -m spacy train`` on configs made by
  ``spacy init config -p textcat -o efficiency`` (TextCatBOW) and ``-o accuracy``
  (TextCatEnsemble, ``include_static_vectors = false``, ``initialize.vectors = null``), data
  as DocBin files.
- ``fasttext`` / ``fasttext-bigrams``: ``fasttext.train_supervised`` (PyPI ``fasttext``) with
  ``wordNgrams`` 1 and 2, ``epoch`` 25, ``lr`` 0.1, one thread (the seed is not settable in the
  Python API for every version; ``thread=1`` keeps runs deterministic).

``--make-vectors FILE`` trains skip-gram Word2Vec vectors (dim 100, 5 epochs, min count 3)
with lexiloom on the corpora folder's ``words/*.txt``, WikiText-2 train and the SST-2/TREC
training text, tokenised like the classifiers' input (spaCy's English tokenizer, ``norm_``).

Per system and dataset: test accuracy mean ± sd over the seeds, training wall time (mean, s)
and inference docs/s on the test set (``nlp.pipe`` batch 256, or ``model.predict`` on the list).
``--max-steps N`` caps the lexiloom and spaCy training steps (for a budget run; the table says
so). ``--threads`` sets torch/BLAS threads for every system (default: the cores this process may
use, as lexiloom ships; the published tables say which count they ran with).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lexiloom.threads import usable_cores

REPO = Path(__file__).resolve().parent.parent
SYSTEMS = ("lexiloom", "lexiloom-pretrained", "lexiloom-vectors", "lexiloom-lstm",
           "lexiloom-gru", "spacy-bow", "spacy-ensemble", "fasttext", "fasttext-bigrams")
DATASETS = ("sst2", "trec", "sst5", "sentiment", "topics")
DEFAULT_DATASETS = ("sst2", "trec")
QUICK_SIZES = {"train": 300, "dev": 100, "test": 200}


@dataclass
class Dataset:
    """One prepared dataset: texts and single labels per split, and the lexiloom config."""

    name: str
    splits: dict[str, list[tuple[str, str]]]
    config: Path
    task: str

    @property
    def labels(self) -> list[str]:
        return sorted({label for _, label in self.splits["train"]})


@dataclass
class Run:
    """One system trained with one seed on one dataset."""

    accuracy: float
    train_seconds: float
    docs_per_second: float


def corpora_root(given: str | None) -> Path:
    return Path(given or os.environ.get("LEXILOOM_CORPORA") or REPO.parent / "shared" / "corpora")


def _read(path: Path, *, label_part: str = "full", encoding: str = "utf-8",
          label_map: dict[str, str] | None = None,
          format: str | None = "labelled") -> list[tuple[str, str]]:
    from lexiloom.corpora import read_corpus

    label_map = label_map or {}
    return [(r.text, label_map.get(r.labels[0], r.labels[0]))
            for r in read_corpus(path, format=format, encoding=encoding,
                                 **({"label_part": label_part} if format == "labelled" else {}))]


def _slice(rows: list[tuple[str, str]], n: int, seed: int) -> list[tuple[str, str]]:
    rows = list(rows)
    random.Random(seed).shuffle(rows)
    return rows[:n]


def load_datasets(root: Path, names: list[str], quick: bool) -> list[Dataset]:
    """Read and split the datasets (the TREC dev split: 10% of train, seed 0)."""
    found = []
    for name in names:
        if name == "sst2":
            base = root / "sst2"
            polarity = {"0": "negative", "1": "positive"}
            splits = {s: _read(base / f"stsa.binary.{s}", label_map=polarity)
                      for s in ("train", "dev", "test")}
            found.append(Dataset("sst2", splits, REPO / "configs" / "sentiment_binary.cfg",
                                 "sentiment"))
        elif name == "sst5":
            base = root / "sst5"
            splits = {s: _read(base / f"stsa.fine.{s}") for s in ("train", "dev", "test")}
            found.append(Dataset("sst5", splits, REPO / "configs" / "topics_multiclass.cfg",
                                 "classify"))
        elif name in ("sentiment", "topics"):
            from lexiloom.corpora.bundled import bundled_path

            splits = {s: _read(bundled_path(name, s), format=None)
                      for s in ("train", "dev", "test")}
            config = "sentiment_binary.cfg" if name == "sentiment" else "topics_multiclass.cfg"
            found.append(Dataset(name, splits, REPO / "configs" / config,
                                 "sentiment" if name == "sentiment" else "classify"))
        elif name == "trec":
            base = root / "trec"
            rows = _read(base / "TREC.train", label_part="coarse", encoding="latin-1")
            random.Random(0).shuffle(rows)
            n_dev = len(rows) // 10
            splits = {"train": rows[n_dev:], "dev": rows[:n_dev],
                      "test": _read(base / "TREC.test", label_part="coarse",
                                    encoding="latin-1")}
            found.append(Dataset("trec", splits, REPO / "configs" / "topics_multiclass.cfg",
                                 "classify"))
        else:
            raise SystemExit(f"unknown dataset {name!r}; choose from {', '.join(DATASETS)}")
    if quick:
        for ds in found:
            ds.splits = {s: _slice(rows, QUICK_SIZES[s], 1) for s, rows in ds.splits.items()}
    return found


def write_jsonl(rows: list[tuple[str, str]], path: Path) -> Path:
    path.write_text("".join(json.dumps({"text": t, "label": lb}) + "\n" for t, lb in rows),
                    encoding="utf-8")
    return path


def write_docbin(rows: list[tuple[str, str]], labels: list[str], path: Path) -> Path:
    import spacy
    from spacy.tokens import DocBin

    nlp = spacy.blank("en")
    bin_ = DocBin()
    for text, label in rows:
        doc = nlp.make_doc(text)
        doc.cats = {lb: float(lb == label) for lb in labels}
        bin_.add(doc)
    bin_.to_disk(path)
    return path


def _pipeline_accuracy(nlp: Any, rows: list[tuple[str, str]]) -> tuple[float, float]:
    """Test accuracy of the pipeline's (first) text classifier, and docs/s of ``nlp.pipe``."""
    texts = [t for t, _ in rows]
    start = time.perf_counter()
    docs = list(nlp.pipe(texts, batch_size=256))
    seconds = time.perf_counter() - start
    correct = sum(max(doc.cats, key=doc.cats.get) == label
                  for doc, (_, label) in zip(docs, rows, strict=True))
    return correct / len(rows), len(rows) / seconds


def run_lexiloom(ds: Dataset, encoder: str, seed: int, work: Path, args: Any) -> Run:
    from thinc.api import Config

    from lexiloom.training.config import model_blocks

    base = Config().from_disk(ds.config, interpolate=False)
    (component,) = [n for n in base["nlp"]["pipeline"]]
    model = model_blocks(base["components"][component]["model"])  # {"name": ...} blocks
    enc = {**model["encoder"], "name": encoder}
    overrides: dict[str, Any] = {"encoder": enc}
    if args.quick:
        overrides = {"encoder": {**enc, "hidden_size": 16},
                     "embedder": {"name": "trainable", "dim": 16}}
    if args.vectors:
        overrides["embedder"] = {"name": "pretrained", "path": args.vectors}  # frozen
    for option in args.set or ():
        key, _, raw = option.partition("=")
        kind, _, name = key.partition(".")
        block = overrides.setdefault(kind, dict(model.get(kind) or {}))
        block[name] = json.loads(raw)
    return train_and_score(ds, seed, work / f"lexiloom-{encoder}-{seed}", args,
                           config=ds.config, task=ds.task, overrides=overrides)


def run_lexiloom_defaults(ds: Dataset, seed: int, work: Path, args: Any) -> Run:
    """``lexiloom train --task TASK --train --dev`` with nothing else (its data-sized
    defaults; ``--quick``: tiny model blocks)."""
    overrides: dict[str, Any] = {}
    if args.quick:
        overrides = {"encoder": {"hidden_size": 16}, "embedder": {"dim": 16}}
    return train_and_score(ds, seed, work / f"lexiloom-{seed}", args, config=None,
                           task=ds.task, overrides=overrides)


def run_lexiloom_pretrained(ds: Dataset, seed: int, work: Path, args: Any) -> Run:
    """The defaults started from a pretrained language model (``--init-encoder DIR``, from
    ``lexiloom pretrain``; see benchmarks/pretraining.py)."""
    if not args.init_encoder:
        raise SystemExit("system lexiloom-pretrained needs --init-encoder DIR")
    return train_and_score(ds, seed, work / f"lexiloom-pretrained-{seed}", args, config=None,
                           task=ds.task, overrides={"init_encoder": args.init_encoder})


def run_lexiloom_static_vectors(ds: Dataset, seed: int, work: Path, args: Any) -> Run:
    """The defaults reading pretrained word vectors as static input (``lexiloom train
    --vectors PKG``: spaCy's ``[initialize] vectors`` and ``include_static_vectors``; a package
    from ``lexiloom vectors to-spacy``; see benchmarks/pretraining.py)."""
    if not args.spacy_vectors:
        raise SystemExit("system lexiloom-vectors needs --spacy-vectors DIR")
    overrides: dict[str, Any] = {"vectors": args.spacy_vectors}
    if args.quick:
        overrides.update(encoder={"hidden_size": 16}, embedder={"dim": 16})
    return train_and_score(ds, seed, work / f"lexiloom-vectors-{seed}", args, config=None,
                           task=ds.task, overrides=overrides)


def train_and_score(ds: Dataset, seed: int, out: Path, args: Any, *, config: Path | None,
                    task: str,
                    overrides: dict[str, Any]) -> Run:
    """Train a lexiloom pipeline on ``ds`` into ``out`` (``config`` with ``overrides``; the
    splits written as JSONL beside ``out``), then score ``model-best`` on the test split."""
    from lexiloom.training import TrainConfig, train
    from lexiloom.training.pipeline import load_pipeline

    work = out.parent
    train_path = write_jsonl(ds.splits["train"], work / "train.jsonl")
    dev_path = write_jsonl(ds.splits["dev"], work / "dev.jsonl")
    start = time.perf_counter()
    train(TrainConfig(train=str(train_path), dev=str(dev_path), task=task, seed=seed,
                      spacy_config=None if config is None else str(config),
                      max_steps=args.max_steps, threads=args.threads, **overrides),
          out_dir=out, progress=not args.quiet)
    seconds = time.perf_counter() - start
    accuracy, rate = _pipeline_accuracy(load_pipeline(out), ds.splits["test"])
    return Run(accuracy, seconds, rate)


def _spacy_config(optimize: str, work: Path) -> Path:
    path = work / f"spacy-{optimize}.cfg"
    if not path.is_file():
        subprocess.run([sys.executable, "-m", "spacy", "init", "config", str(path), "-l", "en",
                        "-p", "textcat", "-o", optimize, "-F"], check=True,
                       capture_output=True)
    return path


def run_spacy(ds: Dataset, optimize: str, seed: int, work: Path, args: Any) -> Run:
    import spacy

    config = _spacy_config(optimize, work)
    train_path = write_docbin(ds.splits["train"], ds.labels, work / "train.spacy")
    dev_path = write_docbin(ds.splits["dev"], ds.labels, work / "dev.spacy")
    out = work / f"spacy-{optimize}-{seed}"
    command = [sys.executable, "-m", "spacy", "train", str(config), "--output", str(out),
               "--paths.train", str(train_path), "--paths.dev", str(dev_path),
               "--system.seed", str(seed)]
    if optimize == "accuracy":
        command += ["--components.tok2vec.model.embed.include_static_vectors", "false",
                    "--initialize.vectors", "null"]
    if args.max_steps:
        command += ["--training.max_steps", str(args.max_steps)]
    if args.quick:
        command += ["--training.eval_frequency", "10"]
    env = {**os.environ, **_thread_env(args.threads)}
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"spacy train failed:\n{done.stderr[-2000:]}")
    accuracy, rate = _pipeline_accuracy(spacy.load(out / "model-best"), ds.splits["test"])
    return Run(accuracy, seconds, rate)


def run_fasttext(ds: Dataset, ngrams: int, seed: int, work: Path, args: Any) -> Run:
    """Train and score fastText in a fresh process: fastText 0.9.3 can report "Encountered
    NaN" for every training after some earlier one in the same process."""
    path = work / "train.ft"
    path.write_text("".join(f"__label__{lb} {' '.join(t.split())}\n"
                            for t, lb in ds.splits["train"]), encoding="utf-8")
    test = work / "test.ft"
    test.write_text("".join(f"__label__{lb} {' '.join(t.split())}\n"
                            for t, lb in ds.splits["test"]), encoding="utf-8")
    code = (f"import sys; sys.path.insert(0, {str(Path(__file__).parent)!r}); "
            f"import classifiers; classifiers.fasttext_child({str(path)!r}, {str(test)!r}, "
            f"{ngrams}, {seed})")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={**os.environ, **_thread_env(args.threads)})
    if done.returncode != 0:
        raise SystemExit(f"fastText failed:\n{done.stderr[-2000:]}")
    return Run(**json.loads(done.stdout.splitlines()[-1]))


def fasttext_child(train_path: str, test_path: str, ngrams: int, seed: int) -> None:
    """Train fastText, score it on the test file, print a JSON :class:`Run`."""
    import fasttext

    settings: dict[str, Any] = {"input": train_path, "wordNgrams": ngrams, "epoch": 25,
                                "lr": 0.1, "thread": 1, "verbose": 0}
    start = time.perf_counter()
    try:
        model = fasttext.train_supervised(**settings, seed=seed)
    except TypeError:  # versions without the seed argument
        start = time.perf_counter()
        model = fasttext.train_supervised(**settings)
    seconds = time.perf_counter() - start
    rows = [line.split(" ", 1) for line in
            Path(test_path).read_text(encoding="utf-8").splitlines()]
    texts = [text for _, text in rows]
    start = time.perf_counter()
    # model.f.predict: fastText 0.9.3's model.predict calls numpy.array(copy=False), an error
    # under numpy 2
    predicted = [model.f.predict(text + "\n", 1, 0.0, "strict")[0][1] for text in texts]
    rate = len(texts) / (time.perf_counter() - start)
    correct = sum(p == gold for p, (gold, _) in zip(predicted, rows, strict=True))
    print(json.dumps({"accuracy": correct / len(texts), "train_seconds": seconds,
                      "docs_per_second": rate}))


def make_vectors(root: Path, out: Path, *, dim: int = 100, epochs: int = 5,
                 workers: int = 2) -> None:
    """Train Word2Vec (skip-gram) vectors with lexiloom on ``root``'s ``words/*.txt``,
    ``wikitext-2/wiki.train.tokens`` and the SST-2/TREC training text, in the token form the
    classifiers use (spaCy's English tokenizer, ``norm_``), and save them to ``out``."""
    import spacy

    from lexiloom import registry

    nlp = spacy.blank("en")
    sources = [*sorted((root / "words").glob("*.txt")), root / "wikitext-2" / "wiki.train.tokens"]
    sentences: list[list[str]] = []
    for path in sources:
        if path.is_file():
            lines = (ln for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip())
            sentences += [_norms(doc) for doc in nlp.tokenizer.pipe(lines, batch_size=1000)]
    for ds in load_datasets(root, ["sst2", "trec"], False):
        sentences += [_norms(nlp.make_doc(text)) for text, _ in ds.splits["train"]]
    words = sum(map(len, sentences))
    print(f"training Word2Vec on {len(sentences):,} lines, {words:,} tokens", file=sys.stderr)
    start = time.perf_counter()
    embedder = registry.embedders.create("word2vec", sg=True, dim=dim, epochs=epochs,
                                         workers=workers, min_count=3, seed=1)
    vectors = embedder.fit(sentences, seed=1)
    vectors.save(out)
    print(f"saved {out} in {time.perf_counter() - start:.0f}s", file=sys.stderr)


def _norms(doc: Any) -> list[str]:
    """Token norms without whitespace (a few spaCy norms, e.g. of "S.C.", contain spaces and
    cannot be words of a word2vec file) and without empty ones."""
    return [t.norm_ for t in doc
            if t.norm_ and not t.is_space and not any(c.isspace() for c in t.norm_)]


RUNNERS: dict[str, Callable[[Dataset, int, Path, Any], Run]] = {
    "lexiloom": run_lexiloom_defaults,
    "lexiloom-pretrained": run_lexiloom_pretrained,
    "lexiloom-vectors": run_lexiloom_static_vectors,
    "lexiloom-lstm": lambda ds, s, w, a: run_lexiloom(ds, "lstm", s, w, a),
    "lexiloom-gru": lambda ds, s, w, a: run_lexiloom(ds, "gru", s, w, a),
    "spacy-bow": lambda ds, s, w, a: run_spacy(ds, "efficiency", s, w, a),
    "spacy-ensemble": lambda ds, s, w, a: run_spacy(ds, "accuracy", s, w, a),
    "fasttext": lambda ds, s, w, a: run_fasttext(ds, 1, s, w, a),
    "fasttext-bigrams": lambda ds, s, w, a: run_fasttext(ds, 2, s, w, a),
}


def _thread_env(threads: int) -> dict[str, str]:
    return {k: str(threads) for k in ("OMP_NUM_THREADS", "MKL_NUM_THREADS",
                                      "OPENBLAS_NUM_THREADS")}


BUNDLED = ("sentiment", "topics")
"""Datasets that ship with lexiloom (the rest are read from the corpora folder)."""


def have_corpora(root: Path, datasets: list[str] | None = None) -> bool:
    """Whether ``root`` holds the folders of ``datasets`` that are not bundled (default: SST-2
    or TREC); says what to do on stderr when not."""
    folders = {"sst2": "sst2", "sst5": "sst5", "trec": "trec"}
    needed = [folders[d] for d in datasets or () if d in folders]
    missing = ([f for f in needed if not (root / f).is_dir()] if datasets is not None else
               [] if (root / "sst2").is_dir() or (root / "trec").is_dir() else ["sst2", "trec"])
    if missing:
        print(f"no corpora ({'/'.join(missing)}) under {root} (pass --corpora or set "
              "LEXILOOM_CORPORA)", file=sys.stderr)
        return False
    return True


def use_threads(threads: int) -> None:
    """Run BLAS and torch with ``threads`` threads."""
    os.environ.update(_thread_env(threads))
    import torch

    torch.set_num_threads(threads)


def run_systems(datasets: list[Dataset], systems: list[str], seeds: int, work_root: Path,
                run_one: Callable[[str, Dataset, int, Path], Run],
                label: Callable[[str], str] = str) -> dict[str, dict[str, dict[str, float]]]:
    """``run_one(system, ds, seed, work)`` for every dataset, system and seed (progress on
    stderr); the summaries by dataset and ``label(system)``."""
    results: dict[str, dict[str, dict[str, float]]] = {}
    for ds in datasets:
        results[ds.name] = {}
        for system in systems:
            runs = []
            for seed in range(seeds):
                work = work_root / ds.name / system / str(seed)
                work.mkdir(parents=True, exist_ok=True)
                run = run_one(system, ds, seed, work)
                print(f"{ds.name} {label(system)} seed {seed}: accuracy {run.accuracy:.4f}, "
                      f"train {run.train_seconds:.1f}s, {run.docs_per_second:,.0f} docs/s",
                      file=sys.stderr, flush=True)
                runs.append(run)
            results[ds.name][label(system)] = _summary(runs)
    return results


def report(datasets: list[Dataset], results: dict[str, dict[str, dict[str, float]]], args: Any,
           footer: tuple[str, ...] = ()) -> None:
    """Print the results table (then ``footer``), and write them as JSON to ``args.json``."""
    sizes = {ds.name: {s: len(rows) for s, rows in ds.splits.items()} for ds in datasets}
    print(table(results, sizes, args))
    for line in footer:
        print(line)
    if args.json:
        Path(args.json).write_text(json.dumps({"results": results, "sizes": sizes,
                                               "args": vars(args)}, indent=2),
                                   encoding="utf-8")


def _summary(runs: list[Run]) -> dict[str, float]:
    accs = [r.accuracy for r in runs]
    return {"accuracy_mean": statistics.fmean(accs),
            "accuracy_sd": statistics.stdev(accs) if len(accs) > 1 else 0.0,
            "train_seconds": statistics.fmean(r.train_seconds for r in runs),
            "docs_per_second": statistics.fmean(r.docs_per_second for r in runs),
            "seeds": len(runs), "accuracies": accs}


def table(results: dict[str, dict[str, dict[str, float]]], sizes: dict[str, dict[str, int]],
          args: Any) -> str:
    lines = [f"Machine: {platform.machine()} {platform.system()}, {os.cpu_count()} CPU(s), "
             f"Python {platform.python_version()}, threads {args.threads}"
             + (f", steps capped at {args.max_steps}" if args.max_steps else "")
             + (" (quick smoke run)" if args.quick else ""), ""]
    lines.append("| dataset | system | test accuracy (mean ± sd) | seeds | train s | "
                 "inference docs/s |")
    lines.append("|---|---|---:|---:|---:|---:|")
    for dataset, systems in results.items():
        for system, s in systems.items():
            lines.append(f"| {dataset} | {system} | {100 * s['accuracy_mean']:.1f} ± "
                         f"{100 * s['accuracy_sd']:.1f} | {s['seeds']} | "
                         f"{s['train_seconds']:.1f} | {s['docs_per_second']:,.0f} |")
    lines.append("")
    for dataset, n in sizes.items():
        lines.append(f"{dataset}: {n['train']:,} train / {n['dev']:,} dev / {n['test']:,} test")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", help="Folder with sst2/ and trec/ (default: "
                        "$LEXILOOM_CORPORA or ../shared/corpora).")
    parser.add_argument("--datasets", default=",".join(DEFAULT_DATASETS),
                        help=f"Comma-separated, from {', '.join(DATASETS)}.")
    parser.add_argument("--systems", default=",".join(
        s for s in SYSTEMS if s not in ("lexiloom-pretrained", "lexiloom-vectors")))
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=usable_cores())
    parser.add_argument("--max-steps", type=int, help="Cap lexiloom and spaCy training steps.")
    parser.add_argument("--vectors", help="Word vectors for the lexiloom embedding "
                        "(the 'pretrained' embedder: frozen, vocabulary extended with "
                        "the file's words).")
    parser.add_argument("--init-encoder", metavar="DIR", help="A pretrained language model "
                        "(lexiloom pretrain's model-best) for the lexiloom-pretrained system.")
    parser.add_argument("--spacy-vectors", metavar="DIR", help="A spaCy vectors package "
                        "(lexiloom vectors to-spacy) for the lexiloom-vectors system.")
    parser.add_argument("--set", action="append", metavar="KIND.KEY=JSON",
                        help="Change a lexiloom model setting, e.g. --set encoder.dropout=0.3 "
                        "(repeatable; KIND: embedder, encoder, head).")
    parser.add_argument("--make-vectors", metavar="FILE", help="Train Word2Vec vectors on the "
                        "corpora folder's text into FILE (then pass --vectors FILE) and exit.")
    parser.add_argument("--quick", action="store_true", help="Tiny slices, 1 seed, tiny models.")
    parser.add_argument("--quiet", action="store_true", help="No training progress on stderr.")
    parser.add_argument("--json", help="Also write the results as JSON to this file.")
    parser.add_argument("--work", help="Keep the trained models in this folder.")
    args = parser.parse_args(argv)
    if args.quick:
        args.seeds = 1
        args.max_steps = args.max_steps or 20
    systems = [s for s in args.systems.split(",") if s]
    unknown = sorted(set(systems) - set(SYSTEMS))
    if unknown:
        parser.error(f"unknown systems {unknown}; choose from {', '.join(SYSTEMS)}")
    root = corpora_root(args.corpora)
    names = [d for d in args.datasets.split(",") if d]
    if not have_corpora(root, None if args.make_vectors else names):
        return 2
    if args.make_vectors:
        make_vectors(root, Path(args.make_vectors))
        return 0
    use_threads(args.threads)
    datasets = load_datasets(root, names, args.quick)
    with tempfile.TemporaryDirectory() as tmp:
        results = run_systems(datasets, systems, args.seeds, Path(args.work or tmp),
                              lambda system, ds, seed, work: RUNNERS[system](ds, seed, work,
                                                                             args))
    report(datasets, results, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
