"""fastText's kernel entry point against random and adversarial arrays: it trains or raises a
ValueError, never crashes, accepts exactly what the Python boundary
(``lexiloom_fasttext.inputs``) lets through, and trains as the Python fallback does. Run under
AddressSanitizer by ``.ci/sanitize-kernels``."""

from __future__ import annotations

from array import array

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kernel_breakage import break_one
from lexiloom_fasttext import fallback
from lexiloom_fasttext.inputs import check_fasttext_job, check_tables
from lexiloom_fasttext.model import KERNEL

from lexiloom.errors import KernelInputError

kernel = KERNEL.load()
needs_kernel = pytest.mark.skipif(kernel is None, reason="the fasttext kernel is not built")


@st.composite
def jobs(draw: st.DrawFn) -> dict:
    """A valid job of a tiny vocabulary and bucket table, then, half the time, one thing
    broken."""
    size = draw(st.integers(1, 6))
    buckets = draw(st.integers(0, 5))
    dim = draw(st.integers(0, 5))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    n = draw(st.integers(0, 20))
    cuts = np.sort(rng.integers(0, n + 1, draw(st.integers(0, 4)))).astype(np.int32)
    rows, offsets = [], [0]
    for word in range(size):
        rows += [word, *(size + rng.integers(0, buckets, int(rng.integers(0, 4)))).tolist()] \
            if buckets else [word]
        offsets.append(len(rows))
    job = {
        "syn0": rng.standard_normal((size + buckets, dim)).astype(np.float32),
        "syn1neg": np.zeros((size, dim), np.float32),
        "ids": rng.integers(-1, size, n).astype(np.int32),
        "ends": np.append(cuts, n).astype(np.int32),
        "sample_ints": (rng.integers(0, 2**32, size, dtype=np.uint64).astype(np.uint32)
                        if draw(st.booleans()) else None),
        "cum_table": np.cumsum(rng.integers(1, 1000, size)).astype(np.uint32),
        "sub_offsets": np.array(offsets, np.int64), "sub_rows": np.array(rows, np.uint32),
        "sg": draw(st.integers(0, 1)), "negative": draw(st.integers(1, 3)),
        "window": draw(st.integers(1, 4)), "shrink_windows": draw(st.booleans()),
        "alpha": 0.05, "seed": draw(st.integers(0, 2**64 - 1)),
    }
    return break_one(draw, job, size + buckets)


def python_boundary_accepts(job: dict) -> bool:
    tables = {k: v for k, v in job.items() if k not in ("ids", "ends", "alpha", "seed")}
    try:
        size = check_tables(tables)
        check_fasttext_job(job["ids"], job["ends"], job["alpha"], job["seed"], size, tables)
    except KernelInputError:
        return False
    return True


def kernel_accepts(job: dict) -> bool:
    try:
        kernel.train_job(**job)
    except ValueError:
        return False
    return True


@needs_kernel
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(jobs())
def test_kernel_accepts_exactly_what_the_python_boundary_accepts(job):
    assert kernel_accepts(job) == python_boundary_accepts(job)


@needs_kernel
@settings(max_examples=150, deadline=None)
@given(jobs())
def test_kernel_and_fallback_agree_on_accepted_jobs(job):
    if not python_boundary_accepts(job):
        return
    copies = {k: (v.copy() if isinstance(v, np.ndarray) else v) for k, v in job.items()}
    assert kernel.train_job(**job) == fallback.train_job(**copies)
    np.testing.assert_allclose(job["syn0"], copies["syn0"], rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(job["syn1neg"], copies["syn1neg"], rtol=1e-4, atol=1e-5)


def valid_job() -> dict:
    return {"syn0": np.ones((6, 3), np.float32), "syn1neg": np.zeros((4, 3), np.float32),
            "ids": array("i", [0, 1, 2, 3]), "ends": array("i", [4]), "sample_ints": None,
            "cum_table": np.array([1, 2, 3, 4], np.uint32),
            "sub_offsets": np.array([0, 2, 3, 4, 6], np.int64),
            "sub_rows": np.array([0, 4, 1, 2, 3, 5], np.uint32), "sg": 1, "negative": 2,
            "window": 2, "shrink_windows": True, "alpha": 0.05, "seed": 1}


@pytest.mark.parametrize(("change", "message"), [
    ({"sub_rows": np.array([0, 4, 1, 2, 3, 6], np.uint32)}, "sub_rows: 6 at position 5"),
    ({"sub_offsets": np.array([0, 2, 1, 4, 6], np.int64)}, "sub_offsets: falls"),
    ({"sub_offsets": np.array([0, 2, 3, 4, 5], np.int64)}, "sub_offsets: ends at 5"),
    ({"syn1neg": np.zeros((7, 3), np.float32)}, "syn1neg: shape"),
    ({"negative": 0}, "negative: 0 is out of range"),
    ({"ids": array("i", [0, 4])}, r"ids: 4 at position 1 is out of range"),
])
def test_python_boundary_names_the_array_and_the_problem(change, message):
    job = {**valid_job(), **change}
    with pytest.raises(KernelInputError, match=message):
        tables = {k: v for k, v in job.items() if k not in ("ids", "ends", "alpha", "seed")}
        check_fasttext_job(job["ids"], job["ends"], job["alpha"], job["seed"],
                           check_tables(tables), tables)


@needs_kernel
def test_kernel_rejects_subword_rows_outside_syn0_and_trains_a_valid_job_as_control():
    job = {**valid_job(), "sub_rows": np.array([0, 4, 1, 2, 3, 600], np.uint32)}
    with pytest.raises(ValueError, match="sub_rows be rows of syn0"):
        kernel.train_job(**job)
    job = valid_job()
    kept, _ = kernel.train_job(**job)
    assert kept == 4
    assert job["syn1neg"].any()
