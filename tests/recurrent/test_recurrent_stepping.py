"""Causal stepping of the recurrent encoders: token-by-token ``step`` and chunked ``forward`` with
a carried state agree with one full pass (the generation issue relies on this)."""

from __future__ import annotations

import pytest
import torch

from lexiloom import registry
from lexiloom.errors import SettingsError

CELLS = ["rnn", "lstm", "gru"]
DIM, HIDDEN = 4, 6


def make(cell: str, num_layers: int):
    return registry.encoders.create(cell, input_size=DIM, hidden_size=HIDDEN,
                                    num_layers=num_layers, dropout=0.4, seed=2).eval()


def states_of(state):
    return state if isinstance(state, tuple) else (state,)


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("num_layers", [1, 2])
def test_stepping_token_by_token_equals_the_full_pass(cell: str, num_layers: int) -> None:
    enc = make(cell, num_layers)
    torch.manual_seed(0)
    inputs = torch.randn(3, 7, DIM)
    full = enc(inputs, torch.tensor([7, 7, 7]))
    state = enc.initial_state(3)
    for shape in (s.shape for s in states_of(state)):
        assert shape == (num_layers, 3, HIDDEN)
    outputs = []
    for t in range(7):
        out, state = enc.step(inputs[:, t], state)
        outputs.append(out)
    torch.testing.assert_close(torch.stack(outputs, 1), full.states, atol=1e-5, rtol=0)
    for got, want in zip(states_of(state), states_of(full.state), strict=True):
        torch.testing.assert_close(got, want, atol=1e-5, rtol=0)


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("num_layers", [1, 2])
def test_forward_continues_from_a_carried_state_like_one_pass(cell: str, num_layers: int) -> None:
    """Truncated BPTT: chunk 1 then chunk 2 with ``state=out1.state`` equals encoding x1 + x2."""
    enc = make(cell, num_layers)
    torch.manual_seed(1)
    x1, x2 = torch.randn(3, 4, DIM), torch.randn(3, 5, DIM)
    len2 = torch.tensor([5, 2, 3])
    whole = enc(torch.cat([x1, x2], 1), 4 + len2)
    out1 = enc(x1, torch.tensor([4, 4, 4]))
    out2 = enc(x2, len2, state=enc.detach_state(out1.state))
    torch.testing.assert_close(out1.states, whole.states[:, :4], atol=1e-5, rtol=0)
    torch.testing.assert_close(out2.states, whole.states[:, 4:], atol=1e-5, rtol=0)
    torch.testing.assert_close(out2.final, whole.final, atol=1e-5, rtol=0)
    for got, want in zip(states_of(out2.state), states_of(whole.state), strict=True):
        torch.testing.assert_close(got, want, atol=1e-5, rtol=0)


def test_a_carried_state_keeps_gradients_until_detached() -> None:
    enc = make("lstm", 1)
    out1 = enc(torch.randn(2, 3, DIM), torch.tensor([3, 3]))
    assert all(s.requires_grad for s in out1.state)
    assert not any(s.requires_grad for s in enc.detach_state(out1.state))
    out2 = enc(torch.randn(2, 2, DIM), torch.tensor([2, 1]), state=out1.state)
    out2.final.sum().backward()
    assert enc.rnn.weight_ih_l0.grad is not None


def test_step_without_a_state_starts_from_the_initial_state() -> None:
    enc = make("gru", 1)
    x = torch.randn(2, DIM)
    torch.testing.assert_close(enc.step(x, None)[0], enc.step(x, enc.initial_state(2))[0])


def test_step_refuses_inputs_of_the_wrong_shape() -> None:
    with pytest.raises(SettingsError, match=rf"\(batch, {DIM}\)"):
        make("rnn", 1).step(torch.zeros(2, 1, DIM), None)


@pytest.mark.parametrize("cell", CELLS)
def test_a_carried_state_of_the_wrong_shape_is_refused_with_the_expected_shape(cell: str) -> None:
    enc = make(cell, 2)
    wrong = enc.initial_state(3)
    with pytest.raises(SettingsError, match=r"\(2, 2, 6\)"):
        enc(torch.zeros(2, 3, DIM), torch.tensor([3, 3]), state=wrong)
    with pytest.raises(SettingsError, match="carried state"):
        enc.step(torch.zeros(3, DIM), wrong[0] if isinstance(wrong, tuple) else (wrong, wrong))
