"""Benchmark: stateful generation against prefix re-encoding, in tokens per second.

    python benchmarks/generation_speed.py                  # 500 new tokens, 3 repeats, 1 thread
    python benchmarks/generation_speed.py --threads 1 2    # a row per model and thread count
    python benchmarks/generation_speed.py --json out.json  # also write the raw results

:func:`lexiloom.models.generation.generate` encodes the prompt once and then costs one encoder
step per new token; :func:`~lexiloom.models.generation.generate_by_prefix_reencoding` runs one
unpadded forward pass over the whole prefix per new token (the naive way). Both use the same
sampler and seed, so they produce the same text; the ratio of their speeds is the point of the
stateful design (the goal: ≥ 20× at 500 new tokens on the Tiny Shakespeare model).

:func:`measure` times both ways on any model (another benchmark calls it with a trained model).
The runs of the two ways alternate within one call and the figures are medians over the repeats,
so a machine shared with other jobs slows both alike. :func:`main` builds untrained character
models over the 65 characters of Tiny Shakespeare: a 2×256 LSTM (embedding 128, the shape of
the language-model benchmark) and a 1×32 GRU (embedding 16); ``<eos>`` is made impossible in
them so every run produces exactly ``--new-tokens`` tokens.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import torch

from lexiloom import registry
from lexiloom.atomic import write_text
from lexiloom.models.generation import generate, generate_by_prefix_reencoding
from lexiloom.models.language_model import LanguageModel, build_language_model
from lexiloom.vocab import Vocab

_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:              # also importable as ``benchmarks.generation_speed``
    sys.path.insert(0, _HERE)
from common import cpu_model  # noqa: E402

from lexiloom.threads import usable_cores  # noqa: E402

SHAKESPEARE_CHARS = ("\n !$&',-.3:;?ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
"""The 65 distinct characters of Tiny Shakespeare."""

MODELS = {
    "LSTM 2×256": {"cell": "lstm", "hidden_size": 256, "num_layers": 2, "dim": 128},
    "GRU 1×32": {"cell": "gru", "hidden_size": 32, "num_layers": 1, "dim": 16},
}
"""The shapes :func:`main` builds (untrained)."""

PROMPT = "ROMEO:"


def measure(model: LanguageModel, vocab: Vocab, tokenizer: Any, *, prompt: str,
            new_tokens: int = 500, repeats: int = 3, temperature: float = 0.8,
            seed: int = 0, threads: int | None = None) -> dict[str, Any]:
    """Tokens per second of stateful generation and of prefix re-encoding for ``prompt``.

    Each repeat generates up to ``new_tokens`` tokens both ways with the same ``temperature``
    and ``seed`` (which way goes first alternates between repeats); one short stateful run warms
    up first. ``threads`` sets torch's thread count for the call (restored afterwards; ``None``:
    leave it). Returns ``stateful_tokens_per_s``, ``reencoding_tokens_per_s`` (medians over the
    repeats), ``speedup`` (their ratio), the raw ``stateful_seconds``/``reencoding_seconds``,
    ``tokens`` (the tokens produced per run: fewer than ``new_tokens`` when the model ended the
    text with ``<eos>``), ``same_text`` (both ways produced the same text, as they should) and
    the settings.
    """
    if isinstance(repeats, bool) or not isinstance(repeats, int) or repeats < 1:
        raise ValueError(f"repeats must be a positive integer, not {repeats!r}")
    if isinstance(new_tokens, bool) or not isinstance(new_tokens, int) or new_tokens < 1:
        raise ValueError(f"new_tokens must be a positive integer, not {new_tokens!r}")
    before = torch.get_num_threads()
    if threads is not None:
        torch.set_num_threads(threads)
    settings = {"max_tokens": new_tokens, "temperature": temperature, "seed": seed}
    ways = {"stateful": generate, "reencoding": generate_by_prefix_reencoding}
    seconds: dict[str, list[float]] = {name: [] for name in ways}
    texts: dict[str, str] = {}
    try:
        generate(model, vocab, tokenizer, prompt, **{**settings, "max_tokens": 20})  # warm-up
        for repeat in range(repeats):
            order = list(ways) if repeat % 2 == 0 else list(reversed(ways))
            for name in order:
                start = time.perf_counter()
                texts[name] = ways[name](model, vocab, tokenizer, prompt, **settings)
                seconds[name].append(time.perf_counter() - start)
        used_threads = torch.get_num_threads()
    finally:
        torch.set_num_threads(before)
    tokens = len(tokenizer.tokenize(texts["stateful"]))
    stateful = tokens / statistics.median(seconds["stateful"])
    reencoding = tokens / statistics.median(seconds["reencoding"])
    return {
        "prompt": prompt, "new_tokens": new_tokens, "tokens": tokens, "repeats": repeats,
        "temperature": temperature, "seed": seed, "threads": used_threads,
        "stateful_tokens_per_s": stateful, "reencoding_tokens_per_s": reencoding,
        "speedup": stateful / reencoding,
        "stateful_seconds": seconds["stateful"], "reencoding_seconds": seconds["reencoding"],
        "same_text": texts["stateful"] == texts["reencoding"],
    }


def untrained_model(cell: str, hidden_size: int, num_layers: int,
                    dim: int) -> tuple[LanguageModel, Vocab, Any]:
    """An untrained character model over :data:`SHAKESPEARE_CHARS` that never ends a text
    (its ``<eos>`` logit is -1e9), with its vocabulary and tokenizer."""
    tokenizer = registry.tokenizers.create("char")
    vocab = Vocab.build([tokenizer.tokenize(SHAKESPEARE_CHARS)])
    model = build_language_model(
        vocab, embedder={"name": "trainable", "dim": dim, "seed": 0},
        encoder={"name": cell, "hidden_size": hidden_size, "num_layers": num_layers, "seed": 0},
        head={"name": "generation", "seed": 0})
    with torch.no_grad():
        model.head.output.bias[vocab.eos_id] = -1e9
    return model.eval(), vocab, tokenizer


def machine() -> str:
    """One line naming the machine and the software."""
    return (f"{cpu_model()}, {os.cpu_count()} cores, {platform.system()} {platform.release()}; "
            f"Python {platform.python_version()}, torch {torch.__version__}")


def table(rows: list[dict[str, Any]]) -> str:
    """The markdown table of :func:`main`'s results (one row per model and thread count)."""
    first = rows[0]
    lines = [
        f"Generation speed: {first['new_tokens']} new tokens after {first['prompt']!r}, "
        f"temperature {first['temperature']}, median of {first['repeats']} alternating "
        "repeats (untrained character models, 65-character vocabulary)",
        "",
        "| model | threads | stateful (tokens/s) | re-encoding (tokens/s) | speedup | same text |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for row in rows:
        lines.append(f"| {row['model']} | {row['threads']} | {row['stateful_tokens_per_s']:,.0f} "
                     f"| {row['reencoding_tokens_per_s']:,.1f} | {row['speedup']:.1f}× "
                     f"| {'yes' if row['same_text'] else 'NO'} |")
    lines += ["", f"Machine: {machine()}."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Print the table for the untrained models of :data:`MODELS`."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--threads", type=int, nargs="+", default=[usable_cores()],
                        help="torch thread counts, one row each (default: the usable cores)")
    parser.add_argument("--new-tokens", type=int, default=500,
                        help="tokens generated per run (default 500)")
    parser.add_argument("--repeats", type=int, default=3,
                        help="timed runs of each way; the median counts (default 3)")
    parser.add_argument("--temperature", type=float, default=0.8,
                        help="sampling temperature (default 0.8; 0: greedy)")
    parser.add_argument("--seed", type=int, default=0, help="sampling seed (default 0)")
    parser.add_argument("--model", choices=sorted(MODELS), action="append",
                        help="only this model (repeatable; default: all)")
    parser.add_argument("--json", help="also write the raw results to this file")
    args = parser.parse_args(argv)
    if any(t < 1 for t in args.threads) or args.new_tokens < 1 or args.repeats < 1:
        parser.error("--threads, --new-tokens and --repeats must be positive")
    rows = []
    for name in args.model or MODELS:
        model, vocab, tokenizer = untrained_model(**MODELS[name])
        for threads in args.threads:
            result = measure(model, vocab, tokenizer, prompt=PROMPT, new_tokens=args.new_tokens,
                             repeats=args.repeats, temperature=args.temperature,
                             seed=args.seed, threads=threads)
            rows.append({"model": name, **MODELS[name], **result})
            print(f"{name}, {threads} thread(s): {result['speedup']:.1f}×", file=sys.stderr)
    text = table(rows)
    print(text)
    if args.json:
        write_text(args.json, json.dumps({"rows": rows, "table": text}, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
