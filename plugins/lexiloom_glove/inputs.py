"""The arrays and numbers GloVe hands its kernel (``_kernel.c``) or the numpy fallback, checked
first (see :mod:`lexiloom.kernel_inputs`): the sentences to count, the counting table and its
fill, and the co-occurrence records and parameters of training. The kernel repeats the checks
that guard its memory (and bounds every probe of its hash table, so a wrong ``filled`` ends in a
``ValueError`` rather than a loop with the GIL released)."""

from __future__ import annotations

from typing import Any

import numpy as np

from lexiloom import kernel_inputs as check
from lexiloom.errors import KernelInputError

MAX_VOCAB = 3037000499
"""Word ids below sqrt(2**63) keep the counting key ``row * vocab_size + col`` in an int64."""
MAX_WORKERS = 1024


def check_sentences(ids: Any, bounds: Any, vocab_size: int) -> tuple[np.ndarray, np.ndarray]:
    """Word ids in ``[0, vocab_size)`` and sentence bounds (int64, from 0 to ``len(ids)``,
    never falling); returns both as arrays."""
    check.integer("vocab_size", vocab_size, 1, MAX_VOCAB)
    ids = check.array("ids", ids, np.int32)
    check.in_range("ids", ids, 0, vocab_size)
    bounds = check.array("bounds", bounds, np.int64)
    if len(bounds) == 0:
        raise KernelInputError("bounds: needs at least one entry (0)")
    check.offsets("bounds", bounds, start=0, end=len(ids))
    if bounds[-1] != len(ids):
        raise KernelInputError(f"bounds: ends at {bounds[-1]}, not at len(ids) = {len(ids)}")
    return ids, bounds


def check_table(table: Any, record: np.dtype, filled: int, max_fill: int, window: int,
                symmetric: bool, sentences: tuple[np.ndarray, np.ndarray] | None = None) -> None:
    """A counting table of ``record`` items, its length a power of two above ``max_fill``,
    ``0 <= filled <= max_fill``, and room for one token's pairs; sharing no memory with the
    ``sentences`` (ids, bounds) it will count."""
    table = check.array("table", table, record, writable=True)
    if sentences is not None:
        check.apart({"table": table, "ids": sentences[0], "bounds": sentences[1]})
    capacity = len(table)
    if capacity == 0 or capacity & (capacity - 1):
        raise KernelInputError(f"table: {capacity} slots, a power of two expected")
    check.integer("window", window, 1, 2**31 - 1)
    need = window * (2 if symmetric else 1)
    check.integer("max_fill", max_fill, need, capacity - 1)
    check.integer("filled", filled, 0, max_fill)


def check_training(rows: Any, cols: Any, values: Any, weights: Any, gradsq: Any,
                   vocab_size: int, dim: int, workers: int, numbers: dict[str, Any]) -> None:
    """Co-occurrence records (int32 rows and cols in ``[0, vocab_size)``, float64 values, of one
    length), parameters ``weights`` and ``gradsq`` (float64, ``(2 * vocab_size, dim + 1)``), a
    worker count and finite ``numbers`` (x_max, alpha, the learning rate, ...)."""
    check.integer("vocab_size", vocab_size, 1, MAX_VOCAB)
    check.integer("dim", dim, 1, 2**31 - 2)
    check.integer("workers", workers, 1, MAX_WORKERS)
    rows = check.array("rows", rows, np.int32, writable=True)
    cols = check.array("cols", cols, np.int32, writable=True, shape=(len(rows),))
    values = check.array("values", values, np.float64, writable=True, shape=(len(rows),))
    check.in_range("rows", rows, 0, vocab_size)
    check.in_range("cols", cols, 0, vocab_size)
    arrays = {"rows": rows, "cols": cols, "values": values}
    for name, value in (("weights", weights), ("gradsq", gradsq)):
        arrays[name] = check.array(name, value, np.float64, ndim=2, writable=True,
                                   shape=(2 * vocab_size, dim + 1))
    check.apart(arrays)
    for name, value in numbers.items():
        check.number(name, value)


__all__ = ["MAX_VOCAB", "MAX_WORKERS", "check_sentences", "check_table", "check_training"]
