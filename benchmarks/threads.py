"""torch thread counts on this machine: training and inference speed of lexiloom's default text
classifier at each thread count, on idle cores and with other jobs busy on them.

    python benchmarks/threads.py                       # 1..usable cores and 2x that, idle and busy
    python benchmarks/threads.py --threads 1 2 4 --busy 0 1 --seconds 5
    python benchmarks/threads.py --quick               # the smoke run of the tests

The model is the shipped topics classifier (``configs/topics_multiclass.cfg``: trainable
embeddings 128, BiGRU 128, max pooling) over a 5,000-word vocabulary. Training: batches of 32
texts of 20-40 tokens, forward, backward and an Adam step. Inference: batches of 256 texts, no
gradients. Each cell is the median of ``--repeats`` timed windows of ``--seconds``; the ratio is
to 1 thread under the same load. "busy N": N other processes spin in a Python loop meanwhile, as
other jobs do on a shared machine. Thread counts above the usable cores are what torch's own
default gives where it counts more cores than the process may use; lexiloom never picks them
(``lexiloom.threads``).
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import cpu_model

from lexiloom.models.classifier import build_text_classifier
from lexiloom.threads import usable_cores
from lexiloom.vocab import Vocab

VOCAB_WORDS = 5000
TRAIN_BATCH = 32
INFER_BATCH = 256


def spin() -> None:
    """Keep one core busy until terminated."""
    while True:
        pass


def make_model() -> tuple[torch.nn.Module, torch.optim.Optimizer]:
    vocab = Vocab.build([[f"w{i}" for i in range(VOCAB_WORDS)]])
    model = build_text_classifier(
        vocab, 5, embedder={"name": "trainable", "dim": 128},
        encoder={"name": "gru", "hidden_size": 128, "bidirectional": True},
        head={"name": "classification", "pooling": "max"})
    return model, torch.optim.Adam(model.parameters(), lr=1e-3)


def batch(size: int, generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    lengths = torch.randint(20, 41, (size,), generator=generator)
    ids = torch.randint(4, VOCAB_WORDS, (size, int(lengths.max())), generator=generator)
    ids[torch.arange(ids.shape[1])[None, :] >= lengths[:, None]] = 0
    return ids, lengths


def rate(step: Callable[[], int], seconds: float, repeats: int) -> float:
    """Median items per second of ``step`` (which returns how many items it did)."""
    step()  # warm up
    rates = []
    for _ in range(repeats):
        done, started = 0, time.perf_counter()
        while (elapsed := time.perf_counter() - started) < seconds:
            done += step()
        rates.append(done / elapsed)
    return statistics.median(rates)


def measure(threads: int, seconds: float, repeats: int) -> dict[str, float]:
    """Training steps/s and inference texts/s at ``threads`` torch threads."""
    torch.manual_seed(0)
    generator = torch.Generator().manual_seed(0)
    model, optimizer = make_model()
    train_batches = [batch(TRAIN_BATCH, generator) for _ in range(8)]
    infer_batches = [batch(INFER_BATCH, generator) for _ in range(2)]
    labels = torch.randint(0, 5, (TRAIN_BATCH,), generator=generator)
    counter = {"i": 0}

    def train_step() -> int:
        ids, lengths = train_batches[counter["i"] % len(train_batches)]
        counter["i"] += 1
        optimizer.zero_grad()
        torch.nn.functional.cross_entropy(model(ids, lengths), labels).backward()
        optimizer.step()
        return 1

    def infer_step() -> int:
        ids, lengths = infer_batches[counter["i"] % len(infer_batches)]
        counter["i"] += 1
        with torch.no_grad():
            model(ids, lengths)
        return len(lengths)

    before = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        model.train()
        steps = rate(train_step, seconds, repeats)
        model.eval()
        texts = rate(infer_step, seconds, repeats)
    finally:
        torch.set_num_threads(before)
    return {"train_steps_per_s": steps, "infer_texts_per_s": texts}


def run(thread_counts: list[int], busy_counts: list[int], seconds: float,
        repeats: int) -> list[dict[str, float]]:
    rows = []
    for busy in busy_counts:
        spinners = [multiprocessing.Process(target=spin, daemon=True) for _ in range(busy)]
        for process in spinners:
            process.start()
        try:
            for threads in thread_counts:
                rows.append({"busy": busy, "threads": threads,
                             **measure(threads, seconds, repeats)})
                print(f"busy {busy}, threads {threads}: {rows[-1]}", file=sys.stderr)
        finally:
            for process in spinners:
                process.terminate()
                process.join()
    return rows


def table(rows: list[dict[str, float]]) -> str:
    lines = ["| other busy processes | torch threads | training steps/s | × 1 thread | "
             "inference texts/s | × 1 thread |", "|---:|---:|---:|---:|---:|---:|"]
    for row in rows:
        base = next((r for r in rows if r["busy"] == row["busy"] and r["threads"] == 1), None)
        ratio = ("—", "—") if base is None else (
            f"{row['train_steps_per_s'] / base['train_steps_per_s']:.2f}",
            f"{row['infer_texts_per_s'] / base['infer_texts_per_s']:.2f}")
        lines.append(f"| {row['busy']} | {row['threads']} | {row['train_steps_per_s']:.1f} | "
                     f"{ratio[0]} | {row['infer_texts_per_s']:,.0f} | {ratio[1]} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    usable = usable_cores()
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--threads", type=int, nargs="+",
                        default=sorted({1, usable, 2 * usable}),
                        help="torch thread counts, a row each (default: 1, the usable cores, "
                             "twice that)")
    parser.add_argument("--busy", type=int, nargs="+", default=[0, max(1, usable - 1)],
                        help="other busy processes, a block of rows each (default: 0 and "
                             "usable cores - 1)")
    parser.add_argument("--seconds", type=float, default=3.0, help="each timed window")
    parser.add_argument("--repeats", type=int, default=3, help="timed windows per cell")
    parser.add_argument("--quick", action="store_true", help="1 thread, idle, 0.2 s windows")
    args = parser.parse_args(argv)
    if args.quick:
        args.threads, args.busy, args.seconds, args.repeats = [1], [0], 0.2, 1
    if min(args.threads) < 1 or min(args.busy) < 0 or args.seconds <= 0 or args.repeats < 1:
        parser.error("--threads, --seconds and --repeats must be positive, --busy >= 0")
    rows = run(args.threads, args.busy, args.seconds, args.repeats)
    print(table(rows))
    print(f"\nMachine: {cpu_model()}, {usable} usable cores; torch {torch.__version__}; "
          f"median of {args.repeats} windows of {args.seconds:g} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
