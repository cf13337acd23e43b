"""This machine's limits for the kernels' kind of work, measured by micro-benchmarks.

    python benchmarks/hardware.py            # prints the three limits for 1 and all usable cores

- **peak float32 FLOP/s**: float32 matrix products (OpenBLAS through numpy, one BLAS thread per
  Python thread, 1024 x 1024 blocks that stay in cache): the most arithmetic these cores do;
- **memory bandwidth**: large array copies (256 MiB per thread, far beyond the caches), counted as
  bytes read plus bytes written;
- **random rows**: gathers of rows at random from a table (``rows x dim`` float32, 48 MiB by
  default, the size of the last-level cache here), the access pattern of Word2Vec and GloVe:
  rows/s, and the same as bytes/s.

Each is the best of several repeats, with ``threads`` Python threads working at once (numpy
releases the GIL). The child process sets ``OPENBLAS_NUM_THREADS=1`` before numpy loads, so that
the thread count is the one asked for.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from typing import Any


def _parallel(work: Callable[[int], None], threads: int, repeats: int) -> float:
    """Best wall time of ``repeats`` runs of ``work(t)`` in ``threads`` threads at once."""
    best = float("inf")
    for _ in range(repeats):
        pool = [threading.Thread(target=work, args=(t,)) for t in range(threads)]
        started = time.perf_counter()
        for thread in pool:
            thread.start()
        for thread in pool:
            thread.join()
        best = min(best, time.perf_counter() - started)
    return best


def measure(threads: int, table_mb: int = 48, dim: int = 100, copy_mb: int = 256
            ) -> dict[str, float]:
    """The three limits with ``threads`` threads (run in a process whose BLAS is 1-threaded):
    ``copy_mb`` MiB copied per thread, rows gathered from a ``table_mb`` MiB table."""
    import numpy as np

    rng = np.random.default_rng(0)
    n = 1024
    a = [rng.random((n, n), dtype=np.float32) for _ in range(threads)]
    c = [np.empty((n, n), np.float32) for _ in range(threads)]

    def products(t: int) -> None:
        for _ in range(8):
            np.matmul(a[t], a[t], out=c[t])

    seconds = _parallel(products, threads, 3)
    flops = threads * 8 * 2 * n**3 / seconds

    size = copy_mb * 2**20 // 4
    src = [np.ones(size, np.float32) for _ in range(threads)]
    dst = [np.zeros(size, np.float32) for _ in range(threads)]

    def copies(t: int) -> None:
        for _ in range(4):
            np.copyto(dst[t], src[t])

    seconds = _parallel(copies, threads, 3)
    bandwidth = threads * 4 * 2 * size * 4 / seconds

    rows = table_mb * 2**20 // (4 * dim)
    table = rng.random((rows, dim), dtype=np.float32)
    picks = [rng.integers(0, rows, 2**18) for _ in range(threads)]
    out = [np.empty((2**18, dim), np.float32) for _ in range(threads)]

    def gathers(t: int) -> None:
        for _ in range(4):
            np.take(table, picks[t], axis=0, out=out[t])

    seconds = _parallel(gathers, threads, 3)
    row_rate = threads * 4 * 2**18 / seconds
    return {"threads": threads, "gflops": flops / 1e9, "bandwidth_gbs": bandwidth / 1e9,
            "random_rows_per_s": row_rate, "random_row_gbs": row_rate * dim * 4 / 1e9,
            "row_table_mb": table_mb, "row_dim": dim}


def limits(threads: int, quick: bool = False) -> dict[str, float]:
    """:func:`measure` in a fresh process with a one-thread BLAS (``quick``: small arrays, for
    the smoke test; the numbers then include cache effects)."""
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
           "MKL_NUM_THREADS": "1"}
    command = [sys.executable, __file__, "--child", str(threads)] + (["--quick"] if quick else [])
    out = subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout
    return json.loads(out)


def describe(limit: dict[str, Any]) -> str:
    """One line: the limits of ``limit``."""
    return (f"{limit['threads']} thread(s): peak {limit['gflops']:.0f} GFLOP/s (float32 "
            f"matrix products), memory {limit['bandwidth_gbs']:.1f} GB/s (copy), random rows "
            f"{limit['random_rows_per_s'] / 1e6:.1f} M/s = {limit['random_row_gbs']:.1f} GB/s "
            f"({limit['row_dim']}-float rows of a {limit['row_table_mb']} MiB table)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--threads", type=int, default=None,
                        help="threads (default: 1, then every usable core)")
    parser.add_argument("--quick", action="store_true",
                        help="small arrays (a smoke run; the numbers include cache effects)")
    args = parser.parse_args()
    if args.child:
        sizes = {"table_mb": 1, "copy_mb": 4} if args.quick else {}
        print(json.dumps(measure(args.child, **sizes)))
        return
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    for threads in sorted({args.threads} if args.threads else {1, cores or 1}):
        print(describe(limits(threads, quick=args.quick)))


if __name__ == "__main__":
    main()
