"""Language-model benchmark: Tiny Shakespeare (character level, a 10-minute budget) against a
plain torch reference loop, Penn Treebank (word level, a stated budget) and generation speed.

    python benchmarks/language_models.py                 # everything (about 35 minutes)
    python benchmarks/language_models.py --only shakespeare --minutes 10
    python benchmarks/language_models.py --quick         # a smoke run (seconds)

Tiny Shakespeare (``$LEXILOOM_CORPORA/tinyshakespeare/input.txt``: first 90% train, last 10%
validation) trains ``configs/generator_char.cfg`` through ``lexiloom.train`` (exactly what
``lexiloom train --task generate --config configs/generator_char.cfg`` runs) and, in the same
run, the issue's reference loop: ``nn.Embedding → nn.LSTM → nn.Linear`` of the same size,
batches of 64 random windows of 128 characters, Adam (lr 2e-3), gradient clipping 1.0, for the
same wall-clock budget. Both are scored by the same evaluator: one pass over the whole
validation text with the state carried (nats per character). The framework's overhead is the
ratio of training characters per second.

Penn Treebank (``$LEXILOOM_CORPORA/ptb/``) trains ``configs/ptb_word.cfg`` (word level, one
sentence per line, ``<eos>`` predicted) for its budget and reports validation and test
perplexity next to Zaremba et al. (2014)'s small non-regularised LSTM (114.5 test).

Generation speed: 500 new tokens from the trained Shakespeare model, stateful vs one unpadded
forward pass over the whole prefix per token (``benchmarks/generation_speed.py``).
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import REPO, corpora_root, cpu_model

from lexiloom.threads import usable_cores

ZAREMBA_SMALL_TEST_PPL = 114.5
REFERENCE_LR = 2e-3


def split_shakespeare(source: Path, folder: Path, limit: int | None = None) -> tuple[Path, Path]:
    """Write the first 90% / last 10% of ``source`` (characters) into ``folder``."""
    text = source.read_text(encoding="utf-8")
    if limit:
        text = text[:limit]
    cut = int(len(text) * 0.9)
    train, valid = folder / "shakespeare-train.txt", folder / "shakespeare-valid.txt"
    train.write_text(text[:cut], encoding="utf-8")
    valid.write_text(text[cut:], encoding="utf-8")
    return train, valid


def run_lexiloom(config: Path, train: Path, dev: Path, out: Path, *, threads: int,
                 overrides: dict[str, Any]) -> dict[str, Any]:
    """Train ``config`` with ``lexiloom.train``; the run's figures."""
    from lexiloom.training import TrainConfig
    from lexiloom.training import train as train_model

    cfg = TrainConfig(task="generate", spacy_config=str(config), train=str(train), dev=str(dev),
                      threads=threads, **overrides)
    result = train_model(cfg, out_dir=out, progress=False)
    tokens = result.items
    last = result.history[-1]
    return {"steps": result.steps, "train_seconds": result.train_seconds,
            "tokens_per_second": tokens / max(result.train_seconds, 1e-9),
            "dev_loss": last["lm_cross_entropy"], "best_dev_loss": result.best_score,
            "dev_perplexity": last["lm_perplexity"], "out": result.out_dir}


def reference_loop(train: Path, valid: Path, *, seconds: float, threads: int, hidden: int,
                   layers: int, embedding: int, seed: int = 0) -> dict[str, Any]:
    """The issue's reference: random 128-character windows, batch 64, Adam, clip 1.0."""
    import torch
    from torch import nn

    torch.set_num_threads(threads)
    torch.manual_seed(seed)
    text = train.read_text(encoding="utf-8")
    chars = sorted(set(text) | set(valid.read_text(encoding="utf-8")))
    index = {c: i for i, c in enumerate(chars)}
    data = torch.tensor([index[c] for c in text])

    class Reference(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.embedding = nn.Embedding(len(chars), embedding)
            self.lstm = nn.LSTM(embedding, hidden, layers, batch_first=True)
            self.output = nn.Linear(hidden, len(chars))

        def forward(self, x: Any, state: Any = None) -> Any:
            out, state = self.lstm(self.embedding(x), state)
            return self.output(out), state

    model = Reference()
    optimizer = torch.optim.Adam(model.parameters(), lr=REFERENCE_LR)
    batch, window = 64, 128
    steps, spent = 0, 0.0
    while spent < seconds:
        began = time.perf_counter()
        starts = torch.randint(0, len(data) - window - 1, (batch,))
        x = torch.stack([data[s:s + window] for s in starts])
        y = torch.stack([data[s + 1:s + window + 1] for s in starts])
        logits, _ = model(x)
        loss = nn.functional.cross_entropy(logits.reshape(-1, len(chars)), y.reshape(-1))
        optimizer.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        spent += time.perf_counter() - began
        steps += 1
    valid_ids = torch.tensor([index[c] for c in valid.read_text(encoding="utf-8")])
    return {"steps": steps, "train_seconds": spent,
            "tokens_per_second": steps * batch * window / spent,
            "dev_loss": _carried_loss(model, valid_ids)}


def _carried_loss(model: Any, ids: Any, chunk: int = 256) -> float:
    """Mean cross-entropy over ``ids`` in one pass with the state carried (as lexiloom's
    evaluator does for a single document)."""
    import torch

    model.eval()
    total, count, state = 0.0, 0, None
    with torch.no_grad():
        for start in range(0, len(ids) - 1, chunk):
            x = ids[start:start + chunk]
            y = ids[start + 1:start + 1 + len(x)]
            x = x[:len(y)]
            logits, state = model(x[None], state)
            total += float(torch.nn.functional.cross_entropy(logits[0], y, reduction="sum"))
            count += len(y)
    return total / count


def bigram_baseline(train: Path, valid: Path, *, k: float = 0.1) -> dict[str, Any]:
    """A character bigram count model (add-``k`` smoothing over the training characters,
    ``<eos>`` and ``<unk>``) scored like the generator: the validation file is one document,
    its characters and a closing ``<eos>`` predicted, the first from ``<bos>``."""
    text, held_out = (path.read_text(encoding="utf-8") for path in (train, valid))
    known = set(text)
    size = len(known) + 2
    sequence = ["<bos>", *text, "<eos>"]
    pairs = Counter(itertools.pairwise(sequence))
    contexts = Counter(sequence[:-1])
    targets = ["<bos>", *(c if c in known else "<unk>" for c in held_out), "<eos>"]
    total = -sum(math.log((pairs[(a, b)] + k) / (contexts[a] + k * size))
                 for a, b in itertools.pairwise(targets))
    return {"steps": 0, "train_seconds": 0.0, "tokens_per_second": 0.0,
            "dev_loss": total / (len(targets) - 1)}


def run_spacy_train(config: Path, train: Path, dev: Path, out: Path,
                    overrides: dict[str, Any]) -> dict[str, Any]:
    """``spacy train CONFIG --paths.train ... --paths.dev ... --output OUT`` (spaCy's own CLI
    function, in this process); throughput over the whole wall-clock time (initialization and
    evaluations included, so it understates the training speed)."""
    from spacy.cli.train import train as spacy_train
    from thinc.api import Config

    from lexiloom.training.pipeline import load_pipeline

    settings = {"paths.train": str(train), "paths.dev": str(dev), **overrides}
    began = time.perf_counter()
    spacy_train(config, out, overrides=settings, use_gpu=-1)
    seconds = time.perf_counter() - began
    filled = Config().from_disk(out / "model-last" / "config.cfg", interpolate=False)
    steps = int(filled["training"]["max_steps"]) + 1
    reader = filled["corpora"]["train"]
    tokens = steps * int(reader["streams"]) * int(reader["bptt"])
    generator = load_pipeline(out / "model-best").get_pipe("generator")
    score = generator.evaluate_file(dev)
    return {"steps": steps, "train_seconds": seconds, "tokens_per_second": tokens / seconds,
            "dev_loss": score.cross_entropy, "out": out / "model-best"}


def shakespeare(args: argparse.Namespace, folder: Path) -> list[dict[str, Any]]:
    source = corpora_root() / "tinyshakespeare" / "input.txt"
    if not source.is_file():
        print(f"skipped Tiny Shakespeare: {source} not found (set LEXILOOM_CORPORA)")
        return []
    train, valid = split_shakespeare(source, folder, limit=60_000 if args.quick else None)
    config = REPO / "configs" / "generator_char.cfg"
    seconds = args.minutes * 60
    overrides: dict[str, Any] = {"max_seconds": seconds}
    if args.quick:
        overrides.update(max_steps=5, batch_size=8, bptt=32, eval_every=100,
                         encoder={"name": "lstm", "hidden_size": 32})
    rows = []
    spacy_overrides: dict[str, Any] = {}
    if args.quick:
        spacy_overrides = {"training.max_steps": 5, "corpora.train.streams": 8,
                           "corpora.train.bptt": 32,
                           "components.generator.encoder.hidden_size": 32}
    via_spacy = run_spacy_train(config, train, valid, folder / "spacy-train", spacy_overrides)
    print(f"spacy train: {via_spacy['steps']} steps in {via_spacy['train_seconds']:.0f} s, "
          f"validation {via_spacy['dev_loss']:.4f} nats/char", flush=True)
    ours = run_lexiloom(config, train, valid, folder / "shakespeare-model", threads=args.threads,
                        overrides=overrides)
    print(f"lexiloom: {ours['steps']} steps, {ours['tokens_per_second']:,.0f} chars/s, "
          f"validation {ours['dev_loss']:.4f} nats/char", flush=True)
    hidden, layers, embedding = (32, 2, 64) if args.quick else _shape(config)
    ref = reference_loop(train, valid, seconds=seconds if not args.quick else 3,
                         threads=args.threads, hidden=hidden, layers=layers, embedding=embedding)
    print(f"reference: {ref['steps']} steps, {ref['tokens_per_second']:,.0f} chars/s, "
          f"validation {ref['dev_loss']:.4f} nats/char", flush=True)
    rows.append({"benchmark": "Tiny Shakespeare (char)",
                 "system": "spacy train (generator_char.cfg; s and chars/s: wall clock)",
                 **{k: v for k, v in via_spacy.items() if k != "out"}})
    rows.append({"benchmark": "Tiny Shakespeare (char)",
                 "system": "lexiloom train (generator_char.cfg)",
                 **{k: v for k, v in ours.items() if k != "out"}})
    rows.append({"benchmark": "Tiny Shakespeare (char)",
                 "system": f"reference loop ({layers}x{hidden} LSTM)", **ref})
    rows.append({"benchmark": "Tiny Shakespeare (char)", "system": "character bigram counts",
                 **bigram_baseline(train, valid)})
    rows[1]["throughput_ratio"] = ours["tokens_per_second"] / ref["tokens_per_second"]
    rows += small_data_defaults(args, folder, source)
    if not args.skip_generation:
        rows.append(generation_speed(ours["out"], args))
    return rows


def small_data_defaults(args: argparse.Namespace, folder: Path,
                        source: Path) -> list[dict[str, Any]]:
    """``lexiloom train --task generate --level char`` at its defaults (no config, no step
    budget: it sizes the model and the steps itself) on the first 200 kB of Tiny Shakespeare,
    next to the character bigram model of the same split."""
    small = folder / "small"
    small.mkdir()
    train, valid = split_shakespeare(source, small, limit=20_000 if args.quick else 200_000)
    overrides: dict[str, Any] = {"level": "char"}
    if args.quick:
        overrides.update(max_seconds=5.0)
    from lexiloom.training import TrainConfig
    from lexiloom.training import train as train_model

    began = time.perf_counter()
    result = train_model(TrainConfig(task="generate", train=str(train), dev=str(valid),
                                     threads=args.threads, **overrides),
                         out_dir=small / "model", progress=False)
    seconds = time.perf_counter() - began
    print(f"defaults on 200 kB: {result.steps} steps in {seconds:.0f} s, validation "
          f"{result.best_score:.4f} nats/char", flush=True)
    return [{"benchmark": "Tiny Shakespeare, first 200 kB (char)",
             "system": "lexiloom train --task generate --level char (defaults; s: wall clock)",
             "steps": result.steps, "train_seconds": seconds,
             "tokens_per_second": result.items / max(result.train_seconds, 1e-9),
             "dev_loss": result.best_score},
            {"benchmark": "Tiny Shakespeare, first 200 kB (char)",
             "system": "character bigram counts", **bigram_baseline(train, valid)}]


def _shape(config: Path) -> tuple[int, int, int]:
    from thinc.api import Config

    cfg = Config().from_disk(config, interpolate=False)["components"]["generator"]
    return (int(cfg["encoder"]["hidden_size"]), int(cfg["encoder"]["num_layers"]),
            int(cfg["embedder"]["dim"]))


def generation_speed(out: Path, args: argparse.Namespace) -> dict[str, Any]:
    import generation_speed as speed

    from lexiloom.training.pipeline import load_pipeline

    generator = load_pipeline(out).get_pipe("generator")
    result = speed.measure(generator.module, generator.token_vocab, generator.tokenizer,
                           prompt="ROMEO:", new_tokens=20 if args.quick else 500,
                           repeats=1 if args.quick else 3)
    return {"benchmark": "generation speed", "system": "stateful vs prefix re-encoding",
            **result}


def ptb(args: argparse.Namespace, folder: Path) -> list[dict[str, Any]]:
    root = corpora_root() / "ptb"
    files = {split: root / f"ptb.{split}.txt" for split in ("train", "valid", "test")}
    if not all(p.is_file() for p in files.values()):
        print(f"skipped Penn Treebank: {root} not found (set LEXILOOM_CORPORA)")
        return []
    if args.quick:
        for split, path in list(files.items()):
            small = folder / f"ptb-{split}.txt"
            small.write_text("".join(path.open().readlines()[:300]), encoding="utf-8")
            files[split] = small
    overrides: dict[str, Any] = {"max_seconds": args.ptb_minutes * 60}
    if args.quick:
        overrides.update(max_steps=3, batch_size=4, bptt=16, eval_every=100,
                         encoder={"name": "lstm", "hidden_size": 16},
                         embedder={"name": "trainable", "dim": 16})
    ours = run_lexiloom(REPO / "configs" / "ptb_word.cfg", files["train"], files["valid"],
                        folder / "ptb-model", threads=args.threads, overrides=overrides)
    from lexiloom.training.pipeline import load_pipeline

    generator = load_pipeline(ours["out"]).get_pipe("generator")
    test = generator.evaluate_file(files["test"])
    valid = generator.evaluate_file(files["valid"])
    print(f"PTB: valid {valid.perplexity:.1f}, test {test.perplexity:.1f} perplexity", flush=True)
    return [{"benchmark": "Penn Treebank (word)", "system": "lexiloom (ptb_word.cfg)",
             "steps": ours["steps"], "train_seconds": ours["train_seconds"],
             "tokens_per_second": ours["tokens_per_second"],
             "valid_perplexity": valid.perplexity, "test_perplexity": test.perplexity,
             "zaremba_small_test_perplexity": ZAREMBA_SMALL_TEST_PPL}]


def print_table(rows: list[dict[str, Any]], threads: int) -> None:
    print()
    print("| benchmark | system | steps | train s | tokens/s | result |")
    print("|---|---|---:|---:|---:|---|")
    for row in rows:
        if row["benchmark"] == "generation speed":
            result = (f"{row['new_tokens']} new tokens: stateful "
                      f"{row['stateful_tokens_per_s']:,.0f} tok/s, re-encoding "
                      f"{row['reencoding_tokens_per_s']:,.0f} tok/s: "
                      f"**{row['speedup']:.1f}×** (threads {row['threads']})")
            print(f"| {row['benchmark']} | {row['system']} | | | | {result} |")
            continue
        if "test_perplexity" in row:
            result = (f"valid ppl {row['valid_perplexity']:.1f}, test ppl "
                      f"{row['test_perplexity']:.1f} (Zaremba small: "
                      f"{row['zaremba_small_test_perplexity']})")
        else:
            result = f"validation {row['dev_loss']:.4f} nats/char"
            if "throughput_ratio" in row:
                result += f"; throughput ratio {row['throughput_ratio']:.2f}"
        print(f"| {row['benchmark']} | {row['system']} | {row['steps']} | "
              f"{row['train_seconds']:.0f} | {row['tokens_per_second']:,.0f} | {result} |")
    print(f"\n{cpu_model()}, {os.cpu_count()} cores, torch threads {threads}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", choices=("shakespeare", "ptb"), help="Run one benchmark.")
    parser.add_argument("--minutes", type=float, default=10.0,
                        help="Tiny Shakespeare training budget (both systems).")
    parser.add_argument("--ptb-minutes", type=float, default=10.0,
                        help="Penn Treebank training budget.")
    parser.add_argument("--threads", type=int, default=usable_cores(),
                        help="torch threads (default: the cores this process may use).")
    parser.add_argument("--skip-generation", action="store_true")
    parser.add_argument("--quick", action="store_true", help="A smoke run on tiny slices.")
    parser.add_argument("--json", dest="json_path", help="Also write the rows to this file.")
    args = parser.parse_args(argv)
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="lexiloom-lm-bench-") as tmp:
        folder = Path(tmp)
        if args.only in (None, "shakespeare"):
            rows += shakespeare(args, folder)
        if args.only in (None, "ptb"):
            rows += ptb(args, folder)
    if not rows:
        print("nothing ran: the corpora are missing")
        return 2
    print_table(rows, args.threads)
    if args.json_path:
        Path(args.json_path).write_text(json.dumps(rows, indent=2, default=str))
    return 0 if all(math.isfinite(r.get("dev_loss", 0.0)) for r in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
