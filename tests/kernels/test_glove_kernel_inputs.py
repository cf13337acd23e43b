"""GloVe's kernel entry points (count, insert, drain, shuffle, train_epoch) against random and
adversarial arrays: what the Python boundary (``lexiloom_glove.inputs``) accepts, the kernel
runs; anything else is a ValueError, never a crash or a loop that does not end. Run under
AddressSanitizer by ``.ci/sanitize-kernels``."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lexiloom_glove.cooccurrence import KERNEL, RECORD, _empty_table
from lexiloom_glove.inputs import check_sentences, check_table, check_training
from lexiloom_glove.training import initial_parameters

from lexiloom.errors import KernelInputError

kernel = KERNEL.load()
pytestmark = pytest.mark.skipif(kernel is None, reason="the GloVe kernel is not built")

INTS = [np.int32, np.int64, np.uint32, np.int8, np.float64]


def accepted(check, *args) -> bool:
    try:
        check(*args)
    except KernelInputError:
        return False
    return True


def filled_slots(table: np.ndarray) -> int:
    return int((table["key"] != -1).sum())


@st.composite
def countings(draw: st.DrawFn) -> dict:
    """A counting call on a small table, valid, then half the time with one thing broken."""
    vocab = draw(st.integers(1, 8))
    window = draw(st.integers(1, 3))
    symmetric = draw(st.booleans())
    capacity = 1 << draw(st.integers(3, 7))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    n = draw(st.integers(0, 30))
    ids = rng.integers(0, vocab, n).astype(np.int32)
    bounds = np.concatenate([[0], np.sort(rng.integers(0, n + 1, draw(st.integers(0, 3)))),
                             [n]]).astype(np.int64)
    call = {"table": _empty_table(capacity), "ids": ids, "bounds": bounds, "vocab_size": vocab,
            "window": window, "symmetric": symmetric, "distance_weighting": draw(st.booleans()),
            "max_fill": capacity - 1, "filled": 0, "sentence": 0, "position": 0}
    if draw(st.booleans()):
        broken = draw(st.sampled_from(["ids", "bounds", "vocab_size", "window", "max_fill",
                                       "filled", "sentence", "position", "table"]))
        if broken in ("ids", "bounds"):
            value = call[broken].copy()
            if value.size and draw(st.booleans()):
                value[draw(st.integers(0, value.size - 1))] = draw(st.sampled_from(
                    [-1, -(2**31), vocab, 2**31 - 1, n + 1]))
            else:
                value = value.astype(draw(st.sampled_from(INTS)))
            call[broken] = value
        elif broken == "table":
            call["table"] = draw(st.sampled_from([
                np.zeros(capacity, np.float64), _empty_table(capacity - 1),
                _empty_table(capacity)[::2], np.empty(0, RECORD)]))
        else:
            call[broken] = draw(st.sampled_from([-1, 0, 2**31 - 1, capacity, capacity + 5,
                                                 -(2**40), 3037000500]))
    return call


def run_count(call: dict):
    return kernel.count(call["table"], call["ids"], call["bounds"], call["vocab_size"],
                        call["window"], call["symmetric"], call["distance_weighting"],
                        call["max_fill"], call["filled"], call["sentence"], call["position"])


@settings(max_examples=400, deadline=None)
@given(countings())
def test_count_runs_what_the_python_boundary_accepts_and_rejects_the_rest_safely(call):
    valid = (accepted(check_sentences, call["ids"], call["bounds"], call["vocab_size"])
             and accepted(check_table, call["table"], RECORD, call["filled"], call["max_fill"],
                          call["window"], call["symmetric"])
             and call["sentence"] == call["position"] == 0)
    try:
        filled, sentence, _ = run_count(call)
    except (ValueError, OverflowError):
        assert not valid
        return
    assert filled == filled_slots(call["table"])
    if valid:
        assert 0 <= sentence <= len(call["bounds"]) - 1


def test_count_with_a_wrong_filled_ends_with_an_error_instead_of_spinning():
    table = _empty_table(4)
    table["key"][:3] = [100, 101, 102]        # three of four slots taken, the caller says 0
    ids, bounds = np.array([0, 1, 2, 3], np.int32), np.array([0, 4], np.int64)
    with pytest.raises(ValueError, match="table is full"):
        kernel.count(table, ids, bounds, 4, 1, True, False, 3, 0, 0, 0)


def test_count_with_the_right_filled_is_the_control():
    table = _empty_table(8)
    filled, sentence, _ = kernel.count(table, np.array([0, 1], np.int32),
                                       np.array([0, 2], np.int64), 4, 1, True, False, 5, 0, 0, 0)
    assert (filled, sentence) == (2, 1) and filled_slots(table) == 2


@pytest.mark.parametrize("keys", [[-2, 5], [-(2**63), 0]])
def test_insert_rejects_keys_below_the_empty_marker(keys):
    records = np.array([(k, 1.0) for k in keys], dtype=RECORD)
    with pytest.raises(ValueError, match="keys not below -1"):
        kernel.insert(_empty_table(8), records, 0)


def test_insert_into_a_table_fuller_than_filled_says_so():
    table = _empty_table(4)
    table["key"][:] = [7, 8, 9, 10]
    records = np.array([(1, 1.0)], dtype=RECORD)
    with pytest.raises(ValueError, match="table is full"):
        kernel.insert(table, records, 0)


@st.composite
def epochs(draw: st.DrawFn) -> dict:
    vocab = draw(st.integers(1, 6))
    dim = draw(st.integers(1, 5))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    n = draw(st.integers(0, 40))
    weights, gradsq = initial_parameters(vocab, dim, 0)
    call = {"rows": rng.integers(0, vocab, n).astype(np.int32),
            "cols": rng.integers(0, vocab, n).astype(np.int32),
            "values": rng.random(n) * 10, "W": weights, "gradsq": gradsq, "vocab_size": vocab,
            "dim": dim, "x_max": 100.0, "alpha": 0.75, "eta": 0.05, "grad_clip": 100.0,
            "workers": draw(st.integers(1, 3))}
    if draw(st.booleans()):
        broken = draw(st.sampled_from(["rows", "cols", "values", "W", "vocab_size", "dim",
                                       "workers"]))
        value = call[broken]
        if isinstance(value, np.ndarray):
            if value.size and value.dtype.kind == "i" and draw(st.booleans()):
                value = value.copy()
                value[draw(st.integers(0, value.size - 1))] = draw(st.sampled_from(
                    [-1, vocab, 2**31 - 1]))
            elif draw(st.booleans()):
                value = value[:-1].copy() if len(value) else value
            else:
                value = value.astype(np.float32 if value.dtype.kind == "f" else np.int64)
        else:
            value = draw(st.sampled_from([0, -3, 2**31 - 2, 2**31 - 1, 10**6, 2**40]))
        call[broken] = value
    return call


def run_epoch(call: dict) -> float:
    return kernel.train_epoch(call["rows"], call["cols"], call["values"], call["W"],
                              call["gradsq"], call["vocab_size"], call["dim"], call["x_max"],
                              call["alpha"], call["eta"], call["grad_clip"], call["workers"])


@settings(max_examples=300, deadline=None)
@given(epochs())
def test_train_epoch_runs_what_the_python_boundary_accepts_and_rejects_the_rest_safely(call):
    valid = accepted(check_training, call["rows"], call["cols"], call["values"], call["W"],
                     call["gradsq"], call["vocab_size"], call["dim"], call["workers"],
                     {"x_max": call["x_max"], "alpha": call["alpha"], "eta": call["eta"]})
    try:
        cost = run_epoch(call)
    except (ValueError, OverflowError):
        assert not valid
        return
    assert valid
    assert np.isfinite(cost) and cost >= 0


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 50), st.integers(0, 2**64 - 1))
def test_shuffle_permutes_records_together(n, seed):
    rows = np.arange(n, dtype=np.int32)
    cols = rows * 2
    values = rows.astype(np.float64) / 4
    kernel.shuffle(rows, cols, values, seed)
    assert sorted(rows.tolist()) == list(range(n))
    np.testing.assert_array_equal(cols, rows * 2)
    np.testing.assert_array_equal(values, rows / 4)


@pytest.mark.parametrize(("args", "message"), [
    ((np.array([0, 9], np.int32), np.array([0, 2], np.int64), 4),
     r"ids: 9 at position 1 is out of range \[0, 4\)"),
    ((np.array([0, 1], np.int32), np.array([0, 3], np.int64), 4), "bounds: offsets must lie"),
    ((np.array([0, 1], np.int32), np.array([0, 1], np.int64), 4), "bounds: ends at 1"),
    ((np.array([0, 1], np.int64), np.array([0, 2], np.int64), 4), "ids: dtype int64"),
])
def test_python_boundary_names_the_bad_sentence_array(args, message):
    with pytest.raises(KernelInputError, match=message):
        check_sentences(*args)


def test_python_boundary_rejects_a_filled_count_above_max_fill():
    with pytest.raises(KernelInputError, match="filled: 9 is out of range"):
        check_table(_empty_table(16), RECORD, 9, 8, 2, True)
    check_table(_empty_table(16), RECORD, 8, 8, 2, True)


def test_train_epoch_refuses_rows_that_alias_the_weights():
    """The reviewer's crash: rows inside W's memory, changed by the training they index."""
    weights, gradsq = initial_parameters(4, 3, 0)
    weights[:] = 0.0
    rows = weights.reshape(-1).view(np.int32)[:2]
    cols = np.zeros(2, np.int32)
    values = np.ones(2)
    with pytest.raises(ValueError, match="share memory"):
        kernel.train_epoch(rows, cols, values, weights, gradsq, 4, 3, 100.0, 0.75, 0.05,
                           100.0, 1)
    assert not accepted(check_training, rows, cols, values, weights, gradsq, 4, 3, 1, {})


def test_an_unaligned_array_is_refused_by_both_layers():
    raw = np.zeros(4 * 5 + 1, np.uint8)
    rows = np.frombuffer(raw.data, np.int32, count=5, offset=1)
    weights, gradsq = initial_parameters(4, 3, 0)
    with pytest.raises(ValueError, match="aligned"):
        kernel.shuffle(rows, np.zeros(5, np.int32), np.zeros(5), 0)
    assert not accepted(check_training, rows, np.zeros(5, np.int32), np.zeros(5), weights,
                        gradsq, 4, 3, 1, {})
