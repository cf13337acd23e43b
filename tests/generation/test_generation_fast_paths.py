"""The lean per-token path of generation: the recurrent encoders' evaluation-mode ``step``, the
sampler's direct greedy and exponential-race draws, and the inference mode of ``generate`` and
``stream`` behave exactly as the plain ways they replace."""

from __future__ import annotations

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from lm_helpers import ban_eos, char_setup

from lexiloom import registry
from lexiloom.errors import SettingsError
from lexiloom.models.generation import generate, stream
from lexiloom.models.sampling import Sampler

logit_vectors = st.lists(st.floats(-8, 8, width=32), min_size=2, max_size=40).map(torch.tensor)


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("num_layers", [1, 2])
def test_evaluation_mode_step_equals_the_recurrent_modules_own_step(cell: str,
                                                                    num_layers: int) -> None:
    enc = registry.encoders.create(cell, input_size=5, hidden_size=7, num_layers=num_layers,
                                   dropout=0.3, seed=3).eval()
    torch.manual_seed(0)
    state = enc.initial_state(3)
    for _ in range(4):
        inputs = torch.randn(3, 5)
        out, new_state = enc.step(inputs, state)
        want_out, want_state = enc.rnn(inputs.unsqueeze(1), state)
        torch.testing.assert_close(out, want_out.squeeze(1), atol=1e-6, rtol=0)
        got = new_state if isinstance(new_state, tuple) else (new_state,)
        want = want_state if isinstance(want_state, tuple) else (want_state,)
        for g, w in zip(got, want, strict=True):
            assert g.shape == w.shape
            torch.testing.assert_close(g, w, atol=1e-6, rtol=0)
        state = new_state


def test_evaluation_mode_step_keeps_gradients_for_its_inputs() -> None:
    enc = registry.encoders.create("lstm", input_size=3, hidden_size=4, seed=0).eval()
    inputs = torch.randn(2, 3, requires_grad=True)
    out, _ = enc.step(inputs, None)
    out.sum().backward()
    assert inputs.grad is not None and enc.rnn.weight_hh_l0.grad is not None


@settings(max_examples=100, deadline=None)
@given(logit_vectors, st.integers(0, 2**31), st.sampled_from([0.5, 1.0, 2.0]),
       st.sampled_from([None, 3]), st.sampled_from([None, 0.9]))
def test_property_draws_are_torch_multinomials_draws_from_the_same_seed(
        logits, seed: int, temperature: float, top_k, top_p) -> None:
    """A seed gives the tokens torch.multinomial gives on the filtered probabilities."""
    sampler = Sampler(temperature=temperature, top_k=top_k, top_p=top_p, seed=seed)
    reference = torch.Generator().manual_seed(seed)
    for _ in range(5):
        probabilities = torch.softmax(sampler.filtered_logits(logits), dim=0)
        want = int(torch.multinomial(probabilities, 1, generator=reference))
        assert sampler.choose(logits) == want


@settings(max_examples=100, deadline=None)
@given(logit_vectors, st.lists(st.integers(0, 39), max_size=3))
def test_property_greedy_chooses_the_first_most_likely_allowed_id(logits, banned) -> None:
    """Greedy = argmax of the filtered logits (the first of tied maxima), banned ids excluded."""
    sampler = Sampler(temperature=0, banned=banned)
    if all(i in banned for i in range(len(logits))):
        with pytest.raises(SettingsError):
            sampler.choose(logits)
        return
    assert sampler.choose(logits) == int(torch.argmax(sampler.filtered_logits(logits)))
    assert sampler.choose(logits) not in banned


def test_greedy_refuses_nan_logits_with_a_settings_error() -> None:
    with pytest.raises(SettingsError, match="nan"):
        Sampler(temperature=0).choose(torch.tensor([float("nan"), 1.0]))


def test_stream_leaves_inference_mode_off_between_pieces_and_generate_after() -> None:
    lm = char_setup("lstm", 8)
    ban_eos(lm[0], lm[1])
    seen = [torch.is_inference_mode_enabled() for _ in stream(*lm, "the", max_tokens=5, seed=0)]
    assert seen == [False] * 5
    generate(*lm, "the", max_tokens=5, seed=0)
    assert not torch.is_inference_mode_enabled()
