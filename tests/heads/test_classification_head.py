"""The built-in ``classification`` head: registration, settings, logits and probabilities,
padding masking, seeds and growing the output layer."""

from __future__ import annotations

import pytest
import torch

from lexiloom import registry
from lexiloom.errors import SettingsError
from lexiloom.protocols import Head

POOLINGS = ["last", "mean", "max", "attention", "final"]


def make(output_size: int = 3, input_size: int = 4, **settings):
    settings.setdefault("seed", 0)
    return registry.heads.create("classification", input_size=input_size,
                                 output_size=output_size, **settings).eval()


def test_classification_head_is_registered_with_every_setting_defaulted() -> None:
    entry = registry.heads.get("classification")
    assert dict(entry.defaults) == {"pooling": "max", "exclusive": True, "hidden_size": 0,
                                    "dropout": 0.0, "seed": None}
    head = entry.factory(input_size=4, output_size=2, **entry.defaults)
    assert isinstance(head, Head) and not head.per_position and head.output_size == 2
    assert head.to_config() == dict(entry.defaults)


@pytest.mark.parametrize("settings", [
    {"pooling": "median"}, {"exclusive": "yes"}, {"hidden_size": -1}, {"hidden_size": 1.5},
    {"dropout": 1}, {"dropout": -0.5}, {"seed": "s"}, {"output_size": 0}, {"input_size": -2},
])
def test_bad_head_settings_raise_settings_error_naming_the_setting(settings: dict) -> None:
    key = next(iter(settings))
    arguments = {"input_size": 4, "output_size": 2, **settings}
    with pytest.raises(SettingsError, match=key):
        registry.heads.create("classification", **arguments)


def test_unknown_pooling_message_lists_the_choices() -> None:
    with pytest.raises(SettingsError, match="last, mean, max, attention, final"):
        make(pooling="median")


@pytest.mark.parametrize("hidden_size", [0, 5])
def test_head_outputs_logits_and_probabilities_match_its_activation(hidden_size: int) -> None:
    states, lengths = torch.randn(2, 3, 4), torch.tensor([3, 2])
    exclusive = make(hidden_size=hidden_size)
    logits = exclusive(states, lengths)
    assert logits.shape == (2, 3)
    torch.testing.assert_close(exclusive.probabilities(logits), torch.softmax(logits, -1))
    multi = make(hidden_size=hidden_size, exclusive=False)
    logits = multi(states, lengths)
    torch.testing.assert_close(multi.probabilities(logits), torch.sigmoid(logits))


@pytest.mark.parametrize("pooling", POOLINGS)
def test_a_text_gets_the_same_logits_alone_and_in_a_batch(pooling: str) -> None:
    torch.manual_seed(0)
    head = make(pooling=pooling, hidden_size=3, dropout=0.2)
    states = torch.randn(3, 6, 4)
    lengths = torch.tensor([6, 2, 5])
    states[1, 2:] = 0.0
    final = torch.randn(3, 4)
    batch = head(states, lengths, final=final)
    alone = head(states[1:2, :2], lengths[1:2], final=final[1:2])
    torch.testing.assert_close(batch[1], alone[0], atol=1e-5, rtol=0)


@pytest.mark.parametrize("pooling", ["last", "mean", "max", "attention"])
def test_padded_positions_never_reach_the_logits_even_when_not_zero(pooling: str) -> None:
    head = make(pooling=pooling)
    states = torch.randn(2, 5, 4)
    lengths = torch.tensor([3, 1])
    garbage = states.clone()
    garbage[0, 3:] = 1e4
    garbage[1, 1:] = -1e4
    torch.testing.assert_close(head(garbage, lengths), head(states, lengths))


def test_final_pooling_uses_the_encoders_final_state_and_requires_it() -> None:
    head = make(pooling="final")
    final = torch.randn(2, 4)
    want = head.output(final)
    torch.testing.assert_close(head(torch.zeros(2, 3, 4), torch.tensor([3, 1]), final=final), want)
    with pytest.raises(SettingsError, match="final"):
        head(torch.zeros(2, 3, 4), torch.tensor([3, 1]))


def test_seed_fixes_head_weights_without_touching_the_global_generator() -> None:
    before = torch.get_rng_state()
    a, b = make(pooling="attention", hidden_size=3, seed=5), make(pooling="attention",
                                                                   hidden_size=3, seed=5)
    assert torch.equal(torch.get_rng_state(), before)
    assert all(torch.equal(x, y) for x, y in zip(a.parameters(), b.parameters(), strict=True))
    c = make(pooling="attention", hidden_size=3, seed=6)
    assert not torch.equal(a.output.weight, c.output.weight)


@pytest.mark.parametrize("exclusive", [True, False])
def test_growing_the_output_keeps_old_logits_and_probabilities(exclusive: bool) -> None:
    head = make(2, exclusive=exclusive)
    states, lengths = torch.randn(3, 4, 4), torch.tensor([4, 1, 2])
    before = head(states, lengths)
    head.resize_output(4)
    after = head(states, lengths)
    assert head.output_size == 4 and after.shape == (3, 4)
    torch.testing.assert_close(after[:, :2], before)
    old, new = head.probabilities(before), head.probabilities(after)
    torch.testing.assert_close(new[:, :2], old)
    if exclusive:
        assert torch.all(new[:, 2:] == 0)
    else:
        torch.testing.assert_close(new[:, 2:], torch.full((3, 2), 0.5))


def test_growing_with_an_explicit_bias_and_the_same_size_and_shrinking() -> None:
    head = make(2)
    weight = head.output.weight
    head.resize_output(2)
    assert head.output.weight is weight
    head.resize_output(3, new_bias=0.0)
    assert head.output.bias[2].item() == 0.0 and not head.output.weight[2].any()
    with pytest.raises(SettingsError, match="shrink"):
        head.resize_output(1)
    with pytest.raises(SettingsError, match="positive integer"):
        head.resize_output(0)


def test_growing_output_keeps_learning_possible() -> None:
    head = make(2, exclusive=False)
    head.resize_output(3)
    logits = head(torch.randn(2, 3, 4), torch.tensor([3, 3]))
    logits[:, 2].sum().backward()
    assert head.output.weight.grad[2].abs().sum() > 0
