"""Streaming benchmark of the corpus readers: time and peak memory to read a large file.

Generates a synthetic labelled corpus of about ``--size-mb`` megabytes in a temporary folder
(written as a stream by the format's own writer, never built in memory), then reads it through
:func:`lexiloom.corpora.read_corpus` in a fresh Python process that only reads and counts records,
so the generation does not count towards the measured memory. Prints one table row per format:
file size, records, seconds, MB/s, and the reading process's peak RSS (``ru_maxrss``) next to its
RSS right after the imports.

    python benchmarks/reader_streaming.py                         # 1024 MB of jsonl
    python benchmarks/reader_streaming.py --size-mb 256 --format jsonl --format csv
    python benchmarks/reader_streaming.py --size-mb 5 --json       # machine-readable

The goal stated for the readers: a 1 GB file read with a peak RSS under 200 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from lexiloom.corpora import Record, write_corpus

MB = 1_000_000
STREAMING_FORMATS = {"jsonl": ".jsonl", "csv": ".csv", "tsv": ".tsv", "text": ".txt",
                     "fasttext": ".ft", "labelled": ""}
LABELS = ("positive", "negative", "neutral")
# Bytes a record adds beyond its text and label, per format (ASCII text: 1 char = 1 byte).
OVERHEAD = {"jsonl": len('{"text": "", "label": ""}\n'), "csv": 3, "tsv": 3, "text": 1,
            "fasttext": len("__label__ \n"), "labelled": 2}

READER = r"""
import json, resource, sys, time
from lexiloom.corpora import read_corpus
baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
records = 0
for _ in read_corpus(sys.argv[1], format=sys.argv[2]):
    records += 1
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
scale = 1 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes on macOS, KiB on Linux
print(json.dumps({"records": records, "seconds": seconds,
                  "baseline_rss_mb": baseline * scale / 2**20,
                  "peak_rss_mb": peak * scale / 2**20}))
"""


def synthetic_records(target_bytes: int, fmt: str, seed: int = 0) -> Iterator[Record]:
    """Reviews of 5 to 60 words from a 5,000-word vocabulary until about ``target_bytes``."""
    rng = random.Random(seed)
    letters = "abcdefghijklmnopqrstuvwxyz"
    vocab = ["".join(rng.choices(letters, k=rng.randint(2, 10))) for _ in range(5000)]
    labelled = fmt != "text"
    written = 0
    while written < target_bytes:
        text = " ".join(rng.choices(vocab, k=rng.randint(5, 60)))
        label = rng.choice(LABELS)
        written += len(text) + OVERHEAD[fmt] + (len(label) if labelled else 0)
        yield Record(text, (label,) if labelled else ())


def generate(folder: Path, fmt: str, size_mb: float) -> tuple[Path, int, float]:
    """Write the synthetic corpus; return its path, record count and seconds taken."""
    path = folder / f"synthetic{STREAMING_FORMATS[fmt]}"
    start = time.perf_counter()
    count = write_corpus(synthetic_records(int(size_mb * MB), fmt), path, format=fmt)
    return path, count, time.perf_counter() - start


def measure(path: Path, fmt: str) -> dict[str, Any]:
    """Read ``path`` in a fresh interpreter and return its counts, time and memory."""
    out = subprocess.run([sys.executable, "-c", READER, str(path), fmt], check=True,
                         capture_output=True, text=True)
    return json.loads(out.stdout)


def run(fmt: str, size_mb: float, folder: Path) -> dict[str, Any]:
    """Generate and read one format; the row of the results table."""
    path, written, gen_seconds = generate(folder, fmt, size_mb)
    result = measure(path, fmt)
    size = path.stat().st_size
    return {"format": fmt, "path": str(path), "size_mb": size / MB, "written": written,
            "generate_seconds": gen_seconds, **result,
            "mb_per_s": size / MB / result["seconds"] if result["seconds"] else float("inf")}


def table(rows: list[dict[str, Any]]) -> str:
    """A Markdown table of the results."""
    lines = ["| format | file size | records | seconds | MB/s | peak RSS (MB) | RSS after "
             "imports (MB) |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        lines.append(f"| {r['format']} | {r['size_mb']:,.0f} MB | {r['records']:,} | "
                     f"{r['seconds']:,.1f} | {r['mb_per_s']:,.1f} | {r['peak_rss_mb']:,.0f} | "
                     f"{r['baseline_rss_mb']:,.0f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mb", type=float, default=1024.0,
                        help="Approximate size of each generated file (default 1024).")
    parser.add_argument("--format", action="append", choices=sorted(STREAMING_FORMATS),
                        help="Format to benchmark, repeatable (default jsonl).")
    parser.add_argument("--keep", action="store_true",
                        help="Keep the generated files (their folder is printed).")
    parser.add_argument("--dir", type=Path, default=None,
                        help="Where to generate (default: a new temporary folder).")
    parser.add_argument("--json", action="store_true", help="Print the results as JSON.")
    args = parser.parse_args(argv)
    if args.size_mb <= 0:
        parser.error("--size-mb must be positive")
    folder = Path(tempfile.mkdtemp(prefix="lexiloom-bench-", dir=args.dir))
    try:
        rows = [run(fmt, args.size_mb, folder) for fmt in args.format or ["jsonl"]]
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    if args.json:
        print(json.dumps({"rows": rows, "kept": str(folder) if args.keep else None}, indent=2))
        return 0
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPU(s), Python "
          f"{platform.python_version()}, {platform.system()}")
    print(table(rows))
    for r in rows:
        print(f"{r['format']}: generated {r['written']:,} records in {r['generate_seconds']:.1f} s")
    if args.keep:
        print(f"files kept in {folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
