"""Choosing the next token: greedy, temperature, top-k, top-p, banned ids, seeds."""

from __future__ import annotations

import math

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from lexiloom.errors import SettingsError
from lexiloom.models.sampling import Sampler, check_sampling

logit_vectors = st.lists(st.floats(-8, 8, width=32), min_size=2, max_size=30,
                         unique=True).map(torch.tensor)   # no ties: the most likely id is one


def test_temperature_zero_is_greedy_argmax() -> None:
    sampler = Sampler(temperature=0)
    assert sampler.greedy and sampler.choose(torch.tensor([0.1, 3.0, 2.9])) == 1


@settings(max_examples=100, deadline=None)
@given(logit_vectors, st.integers(0, 2**31))
def test_property_top_k_1_always_chooses_the_greedy_token(logits, seed: int) -> None:
    assert Sampler(top_k=1, seed=seed).choose(logits) == Sampler(temperature=0).choose(logits)


@settings(max_examples=100, deadline=None)
@given(logit_vectors, st.integers(1, 5), st.integers(0, 2**31))
def test_property_a_top_k_draw_is_among_the_k_most_likely(logits, k: int, seed: int) -> None:
    choice = Sampler(top_k=k, seed=seed).choose(logits)
    assert choice in torch.topk(logits, min(k, len(logits))).indices.tolist()


@settings(max_examples=100, deadline=None)
@given(logit_vectors, st.floats(0.05, 1.0), st.integers(0, 2**31))
def test_property_a_top_p_draw_is_in_the_smallest_set_reaching_p(logits, p: float,
                                                                  seed: int) -> None:
    """The chosen id is among the most likely ids whose mass before them is below p."""
    choice = Sampler(top_p=p, seed=seed).choose(logits)
    probabilities = torch.softmax(logits, 0)
    mass_before = float(probabilities[probabilities > probabilities[choice]].sum())
    assert mass_before < p + 1e-6


@settings(max_examples=100, deadline=None)
@given(logit_vectors, st.integers(0, 2**31), st.floats(0, 3))
def test_property_banned_ids_are_never_chosen(logits, seed: int, temperature: float) -> None:
    banned = range(0, len(logits) - 1, 2)
    choice = Sampler(temperature=temperature, seed=seed, banned=banned).choose(logits)
    assert choice not in banned


def test_top_p_keeps_the_nucleus_only() -> None:
    logits = torch.tensor([0.5, 0.3, 0.15, 0.05]).log()
    kept = Sampler(top_p=0.7).filtered_logits(logits)
    assert torch.isfinite(kept).tolist() == [True, True, False, False]
    assert torch.isfinite(Sampler(top_p=0.8).filtered_logits(logits)).tolist() == \
        [True, True, False, False]
    assert torch.isfinite(Sampler(top_p=0.81).filtered_logits(logits)).sum() == 3


def test_temperature_scales_the_logits() -> None:
    logits = torch.tensor([1.0, 2.0, 4.0], dtype=torch.float64)
    torch.testing.assert_close(Sampler(temperature=0.5).filtered_logits(logits),
                               (logits - 4) * 2)


def test_a_tiny_temperature_is_as_good_as_greedy() -> None:
    logits = torch.tensor([0.0, 0.001, -3.0])
    assert Sampler(temperature=1e-300, seed=1).choose(logits) == 1


def test_every_id_banned_raises_settings_error() -> None:
    for temperature in (0, 1):
        with pytest.raises(SettingsError, match="banned"):
            Sampler(banned=[0, 1], temperature=temperature).choose(torch.tensor([1.0, 2.0]))


def test_the_same_seed_gives_the_same_draws_and_leaves_the_global_stream_alone() -> None:
    logits = torch.zeros(50)
    torch.manual_seed(123)
    before = torch.random.get_rng_state()
    a = Sampler(seed=5)
    b = Sampler(seed=5)
    draws_a = [a.choose(logits) for _ in range(20)]
    assert draws_a == [b.choose(logits) for _ in range(20)]
    assert draws_a != [Sampler(seed=6).choose(logits) for _ in range(20)]
    assert torch.equal(torch.random.get_rng_state(), before)


def test_draws_follow_the_models_distribution_at_temperature_one() -> None:
    probabilities = torch.tensor([0.7, 0.2, 0.1])
    sampler = Sampler(seed=0)
    draws = [sampler.choose(probabilities.log()) for _ in range(2000)]
    assert abs(draws.count(0) / 2000 - 0.7) < 0.04
    assert abs(draws.count(2) / 2000 - 0.1) < 0.03


@pytest.mark.parametrize(("settings", "name"), [
    ({"temperature": -1}, "temperature"), ({"temperature": math.nan}, "temperature"),
    ({"temperature": "hot"}, "temperature"), ({"top_k": 0}, "top_k"), ({"top_k": 2.5}, "top_k"),
    ({"top_p": 0}, "top_p"), ({"top_p": 1.5}, "top_p"), ({"top_p": True}, "top_p"),
    ({"seed": "s"}, "seed"),
])
def test_bad_sampling_settings_raise_settings_error_naming_them(settings: dict,
                                                                 name: str) -> None:
    with pytest.raises(SettingsError, match=name):
        Sampler(**settings)


def test_check_sampling_returns_normalised_values() -> None:
    assert check_sampling(1, 5, 1) == (1.0, 5, 1.0)
    assert check_sampling(0.5, None, None) == (0.5, None, None)
