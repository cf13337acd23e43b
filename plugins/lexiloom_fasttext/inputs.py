"""The arrays and numbers a fastText job hands the kernel (``_kernel.train_job``) or its Python
fallback, checked first (see :mod:`lexiloom.kernel_inputs`). The kernel repeats the checks that
guard its memory, so a direct call with bad arrays is a ``ValueError``, never a crash."""

from __future__ import annotations

from typing import Any

import numpy as np
from lexiloom_word2vec.inputs import array_view, check_job

from lexiloom import kernel_inputs as check
from lexiloom.errors import KernelInputError

INT32_MAX = 2**31 - 1
MAX_NEGATIVE = 1000
TABLES = ("syn0", "syn1neg", "sample_ints", "cum_table", "sub_offsets", "sub_rows")


def check_tables(tables: dict[str, Any]) -> int:
    """Check what every job shares (the keyword arguments of ``train_job`` other than ``ids``,
    ``ends``, ``alpha`` and ``seed``); returns the vocabulary size."""
    syn0 = check.array("syn0", tables["syn0"], np.float32, ndim=2, writable=True)
    rows, dim = syn0.shape
    syn1neg = check.array("syn1neg", tables["syn1neg"], np.float32, ndim=2, writable=True)
    size = syn1neg.shape[0]
    if syn1neg.shape[1] != dim or size > rows or size == 0:
        raise KernelInputError(f"syn1neg: shape {syn1neg.shape}; needs 1 to {rows} rows of "
                               f"{dim} columns (one per word)")
    check.integer("negative", tables["negative"], 1, MAX_NEGATIVE)
    check.integer("sg", tables["sg"], 0, 1)
    check.integer("window", tables["window"], 1, INT32_MAX)
    cum = check.array("cum_table", tables["cum_table"], np.uint32, shape=(size,))
    check.offsets("cum_table", cum.astype(np.int64), start=None, end=INT32_MAX)
    if cum[-1] == 0:
        raise KernelInputError("cum_table: must end above 0 (a word with noise mass)")
    sub_rows = check.array("sub_rows", tables["sub_rows"], np.uint32)
    offsets = check.array("sub_offsets", tables["sub_offsets"], np.int64, shape=(size + 1,))
    check.offsets("sub_offsets", offsets, start=0, end=len(sub_rows))
    if offsets[-1] != len(sub_rows):
        raise KernelInputError(f"sub_offsets: ends at {offsets[-1]}, not at len(sub_rows) = "
                               f"{len(sub_rows)}")
    check.in_range("sub_rows", sub_rows, 0, rows)
    if tables["sample_ints"] is not None:
        check.array("sample_ints", tables["sample_ints"], np.uint32, shape=(size,))
    check.apart({name: array_view(tables[name]) for name in TABLES})
    return size


def check_fasttext_job(ids: Any, ends: Any, alpha: Any, seed: Any, vocab_size: int,
                       tables: dict[str, Any]) -> None:
    """Check one job (as word2vec's :func:`~lexiloom_word2vec.inputs.check_job`), and that it
    shares no memory with ``tables``."""
    check_job(ids, ends, alpha, seed, vocab_size)
    check.apart({"ids": array_view(ids), "ends": array_view(ends),
                 **{name: array_view(tables[name]) for name in TABLES}})


__all__ = ["check_fasttext_job", "check_tables"]
