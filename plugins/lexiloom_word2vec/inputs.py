"""The arrays and numbers a Word2Vec job hands the kernel (``_kernel.train_job``) or its Python
fallback, checked first (see :mod:`lexiloom.kernel_inputs`).

:func:`check_tables` runs once per training run on what every job shares (weights, noise table,
Huffman tree, subsampling thresholds, settings); :func:`check_job` on each job's word ids and
sentence ends. The kernel repeats the checks that guard its memory, so a direct call with bad
arrays is a ``ValueError``, never a crash.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from lexiloom import kernel_inputs as check
from lexiloom.errors import KernelInputError

INT32_MAX = 2**31 - 1


TABLES = ("syn0", "syn1neg", "syn1", "sample_ints", "cum_table", "hs_offsets", "hs_points",
          "hs_codes")
MAX_NEGATIVE = 1000
"""The kernel's bound on noise words per example (``settings.MAX_NEGATIVE``)."""


def check_tables(tables: dict[str, Any]) -> int:
    """Check the shared part of a job's arguments (the keyword arguments of ``train_job`` other
    than ``ids``, ``ends``, ``alpha`` and ``seed``); returns the vocabulary size."""
    syn0 = check.array("syn0", tables["syn0"], np.float32, ndim=2, writable=True)
    size, dim = syn0.shape
    negative = check.integer("negative", tables["negative"], 0, MAX_NEGATIVE)
    hs = check.integer("hs", tables["hs"], 0, 1)
    check.integer("sg", tables["sg"], 0, 1)
    check.integer("window", tables["window"], 1, INT32_MAX)
    check.integer("shared_negatives", tables["shared_negatives"], 0, 1)
    if not negative and not hs:
        raise KernelInputError("negative and hs: set negative > 0, hs, or both")
    if negative:
        check.array("syn1neg", tables["syn1neg"], np.float32, ndim=2, writable=True,
                    shape=(size, dim))
        cum = check.array("cum_table", tables["cum_table"], np.uint32, shape=(size,))
        check.offsets("cum_table", cum.astype(np.int64), start=None, end=INT32_MAX)
        if size == 0 or cum[-1] == 0:
            raise KernelInputError("cum_table: must end above 0 (a word with noise mass)")
    if hs:
        check.array("syn1", tables["syn1"], np.float32, ndim=2, writable=True, shape=(size, dim))
        points = check.array("hs_points", tables["hs_points"], np.uint32)
        codes = check.array("hs_codes", tables["hs_codes"], np.uint8, shape=(len(points),))
        offsets = check.array("hs_offsets", tables["hs_offsets"], np.int64, shape=(size + 1,))
        check.offsets("hs_offsets", offsets, start=0, end=len(points))
        if offsets[-1] != len(points):
            raise KernelInputError(f"hs_offsets: ends at {offsets[-1]}, not at len(hs_points) "
                                   f"= {len(points)}")
        check.in_range("hs_points", points, 0, size)
        check.in_range("hs_codes", codes, 0, 2)
    if tables["sample_ints"] is not None:
        check.array("sample_ints", tables["sample_ints"], np.uint32, shape=(size,))
    check.apart({name: array_view(tables[name]) for name in TABLES})
    return size


def array_view(value: Any) -> np.ndarray | None:
    """``value`` as a numpy array (a view of its buffer), ``None`` kept."""
    if value is None or isinstance(value, np.ndarray):
        return value
    return np.asarray(memoryview(value))


def check_job(ids: Any, ends: Any, alpha: Any, seed: Any, vocab_size: int,
              tables: dict[str, Any] | None = None) -> None:
    """Check one job: word ids below ``vocab_size`` (``-1``: a word to skip), sentence ends
    that cut ``ids`` into slices, a finite learning rate and a 64-bit seed; with ``tables``
    (checked by :func:`check_tables`), that the job shares no memory with them."""
    ids = check.array("ids", ids, np.int32)
    check.in_range("ids", ids, -1, vocab_size)
    ends = check.array("ends", ends, np.int32)
    check.offsets("ends", ends, start=None, end=len(ids))
    if tables is not None:
        check.apart({"ids": ids, "ends": ends,
                     **{name: array_view(tables[name]) for name in TABLES}})
    check.number("alpha", alpha)
    check.integer("seed", seed, 0, 2**64 - 1)


__all__ = ["MAX_NEGATIVE", "array_view", "check_job", "check_tables"]
