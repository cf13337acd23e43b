"""Word2Vec's kernel entry point against random and adversarial arrays: it trains or raises a
ValueError, never crashes, and accepts exactly what the Python boundary
(``lexiloom_word2vec.inputs``) lets through. Run under AddressSanitizer by
``.ci/sanitize-kernels`` so that a read or write out of bounds fails the run."""

from __future__ import annotations

from array import array

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kernel_breakage import break_one
from lexiloom_word2vec import fallback
from lexiloom_word2vec.inputs import check_job, check_tables
from lexiloom_word2vec.model import KERNEL

from lexiloom.errors import KernelInputError

kernel = KERNEL.load()
needs_kernel = pytest.mark.skipif(kernel is None, reason="the word2vec kernel is not built")


@st.composite
def jobs(draw: st.DrawFn) -> dict:
    """A valid job of a tiny vocabulary, then, half the time, one thing broken."""
    size = draw(st.integers(1, 6))
    dim = draw(st.integers(0, 5))
    negative = draw(st.integers(0, 3))
    hs = draw(st.integers(0, 1)) if negative else 1
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    n = draw(st.integers(0, 20))
    ids = rng.integers(-1, size, n).astype(np.int32)
    cuts = np.sort(rng.integers(0, n + 1, draw(st.integers(0, 4)))).astype(np.int32)
    points, codes, offsets = [], [], [0]
    for _ in range(size):
        depth = int(rng.integers(0, 4))
        points += rng.integers(0, size, depth).tolist()
        codes += rng.integers(0, 2, depth).tolist()
        offsets.append(len(points))
    job = {
        "syn0": rng.standard_normal((size, dim)).astype(np.float32),
        "syn1neg": np.zeros((size, dim), np.float32) if negative else None,
        "syn1": np.zeros((size, dim), np.float32) if hs else None,
        "ids": ids, "ends": np.append(cuts, n).astype(np.int32),
        "sample_ints": (rng.integers(0, 2**32, size, dtype=np.uint64).astype(np.uint32)
                        if draw(st.booleans()) else None),
        "cum_table": (np.cumsum(rng.integers(1, 1000, size)).astype(np.uint32)
                      if negative else None),
        "hs_offsets": np.array(offsets, np.int64) if hs else None,
        "hs_points": np.array(points, np.uint32) if hs else None,
        "hs_codes": np.array(codes, np.uint8) if hs else None,
        "sg": draw(st.integers(0, 1)), "negative": negative, "hs": hs,
        "window": draw(st.integers(1, 4)), "shrink_windows": draw(st.booleans()),
        "cbow_mean": draw(st.booleans()), "shared_negatives": draw(st.integers(0, 1)),
        "alpha": 0.025, "seed": draw(st.integers(0, 2**64 - 1)),
    }
    return break_one(draw, job, size)


def python_boundary_accepts(job: dict) -> bool:
    tables = {k: v for k, v in job.items() if k not in ("ids", "ends", "alpha", "seed")}
    try:
        size = check_tables(tables)
        check_job(job["ids"], job["ends"], job["alpha"], job["seed"], size, tables)
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
    expected = python_boundary_accepts(job)
    assert kernel_accepts(job) == expected


@settings(max_examples=150, deadline=None)
@given(jobs())
def test_fallback_trains_every_job_the_python_boundary_accepts(job):
    if python_boundary_accepts(job):
        before = job["syn0"].copy()
        fallback.train_job(**job)
        assert job["syn0"].shape == before.shape


@needs_kernel
@settings(max_examples=100, deadline=None)
@given(jobs())
def test_kernel_and_fallback_agree_on_accepted_jobs(job):
    if not python_boundary_accepts(job):
        return
    copies = {k: (v.copy() if isinstance(v, np.ndarray) else v) for k, v in job.items()}
    ours = kernel.train_job(**job)
    theirs = fallback.train_job(**copies)
    assert ours == theirs
    np.testing.assert_allclose(job["syn0"], copies["syn0"], rtol=1e-4, atol=1e-5)


def valid_job() -> dict:
    size, dim = 4, 3
    return {"syn0": np.ones((size, dim), np.float32), "syn1neg": np.zeros((size, dim), np.float32),
            "syn1": None, "ids": array("i", [0, 1, 2, 3]), "ends": array("i", [4]),
            "sample_ints": None, "cum_table": np.array([1, 2, 3, 4], np.uint32),
            "hs_offsets": None, "hs_points": None, "hs_codes": None, "sg": 1, "negative": 1,
            "hs": 0, "window": 2, "shrink_windows": True, "cbow_mean": True,
            "shared_negatives": 1, "alpha": 0.1,
            "seed": 1}


@pytest.mark.parametrize(("change", "message"), [
    ({"ids": array("i", [0, 9])}, r"ids: 9 at position 1 is out of range \[-1, 4\)"),
    ({"ids": array("i", [0, -5])}, r"ids: -5 at position 1"),
    ({"ends": array("i", [3, 2])}, "ends: falls at position 1"),
    ({"ends": array("i", [5])}, r"ends: offsets must lie in \[0, 4\]"),
    ({"syn0": np.ones((4, 3))}, "syn0: dtype float64, float32 expected"),
    ({"cum_table": np.array([1, 3, 2, 4], np.uint32)}, "cum_table: falls"),
    ({"ids": np.array([0, 1], np.int64)}, "ids: dtype int64, int32 expected"),
    ({"alpha": float("nan")}, "alpha: expected a finite number"),
    ({"negative": 0}, "set negative > 0, hs, or both"),
])
def test_python_boundary_names_the_array_and_the_problem(change, message):
    job = {**valid_job(), **change}
    with pytest.raises(KernelInputError, match=message):
        tables = {k: v for k, v in job.items() if k not in ("ids", "ends", "alpha", "seed")}
        check_job(job["ids"], job["ends"], job["alpha"], job["seed"], check_tables(tables))


def test_python_boundary_accepts_a_valid_job_as_control():
    job = valid_job()
    tables = {k: v for k, v in job.items() if k not in ("ids", "ends", "alpha", "seed")}
    check_job(job["ids"], job["ends"], job["alpha"], job["seed"], check_tables(tables))


@needs_kernel
def test_kernel_rejects_hierarchical_softmax_points_outside_syn1():
    job = {**valid_job(), "negative": 0, "hs": 1, "syn1neg": None, "cum_table": None,
           "syn1": np.zeros((4, 3), np.float32), "hs_offsets": np.array([0, 1, 2, 3, 4], np.int64),
           "hs_points": np.array([0, 1, 2, 1000], np.uint32),
           "hs_codes": np.array([0, 1, 0, 1], np.uint8)}
    with pytest.raises(ValueError, match="hs_points must be rows of syn1"):
        kernel.train_job(**job)
    job["hs_points"] = np.array([0, 1, 2, 3], np.uint32)
    kernel.train_job(**job)


@needs_kernel
def test_an_index_table_aliasing_the_weights_is_refused():
    """The reviewer's crash: a noise table inside syn1neg's memory changed under the kernel."""
    job = valid_job()
    size = job["syn0"].shape[0]
    alias = job["syn1neg"].reshape(-1).view(np.uint32)[:size]
    alias[:] = np.arange(1, size + 1, dtype=np.uint32)
    job["cum_table"] = alias
    with pytest.raises(ValueError, match="share memory"):
        kernel.train_job(**job)
    assert not python_boundary_accepts(job)


@needs_kernel
def test_negative_above_the_bound_is_refused_instead_of_spinning():
    job = {**valid_job(), "negative": 2**31 - 1}
    with pytest.raises(ValueError, match="negative must be at most 1000"):
        kernel.train_job(**job)
    assert not python_boundary_accepts(job)
    kernel.train_job(**{**valid_job(), "negative": 1000})      # the bound itself is fine
