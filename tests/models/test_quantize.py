"""int8 storage of weights: every weight within half a step, the peak of each row exact, small
tensors untouched, and quantizing dequantized weights gives the same codes."""

from __future__ import annotations

import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from lexiloom.models.quantize import MIN_ELEMENTS, dequantize_state, quantize_state, round_trip


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 80), st.integers(1, 70), st.floats(1e-4, 1e3), st.integers(0, 10_000))
def test_weights_come_back_within_half_a_step_and_codes_are_stable(rows, cols, spread, seed):
    generator = torch.Generator().manual_seed(seed)
    weight = torch.randn(rows, cols, generator=generator) * spread
    weight[0] = 0.0  # an all-zero row (or column) must not divide by zero
    stored, axes = quantize_state({"w": weight, "b": torch.ones(cols)})
    if weight.numel() < MIN_ELEMENTS:
        assert axes == {} and torch.equal(stored["w"], weight)
        return
    axis = axes["w"]
    assert stored["w.int8"].dtype == torch.int8 and "b" in stored
    restored = dequantize_state(stored, axes)["w"]
    step = stored["w.scale"].unsqueeze(1 if axis == 0 else 0)
    assert torch.all((restored - weight).abs() <= step / 2 + 1e-6 * spread)
    peaks = weight.abs().amax(dim=1 - axis)
    assert torch.allclose(restored.abs().amax(dim=1 - axis), peaks, rtol=1e-6)
    again, _ = quantize_state({"w": restored})
    assert torch.equal(again["w.int8"], stored["w.int8"])


def test_long_rows_get_a_scale_per_row_and_short_rows_one_per_column():
    stored, axes = quantize_state({"embedding": torch.randn(100, 32),
                                   "table": torch.randn(5000, 2)})
    assert axes == {"embedding": 0, "table": 1}
    assert stored["embedding.scale"].shape == (100,) and stored["table.scale"].shape == (2,)


def test_round_trip_changes_only_the_quantized_weights_and_little():
    module = torch.nn.Sequential(torch.nn.Embedding(300, 16), torch.nn.Linear(16, 4))
    before = {k: v.clone() for k, v in module.state_dict().items()}
    round_trip(module)
    after = module.state_dict()
    assert not torch.equal(after["0.weight"], before["0.weight"])
    assert torch.allclose(after["0.weight"], before["0.weight"], atol=0.05)
    assert torch.equal(after["1.weight"], before["1.weight"])  # 64 values: kept as float
    assert torch.equal(after["1.bias"], before["1.bias"])
