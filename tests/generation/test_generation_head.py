"""The built-in ``generation`` head: registration, settings, per-position logits."""

from __future__ import annotations

import pytest
import torch

from lexiloom import registry
from lexiloom.errors import SettingsError
from lexiloom.protocols import Head


def test_generation_head_is_registered_with_every_setting_defaulted() -> None:
    entry = registry.heads.get("generation")
    assert dict(entry.defaults) == {"projection_size": 0, "dropout": 0.0, "seed": None}
    head = entry.factory(input_size=8, output_size=11, **entry.defaults)
    assert isinstance(head, Head) and head.per_position and head.output_size == 11
    assert head.to_config() == dict(entry.defaults)


def test_generation_head_predicts_every_position_and_single_steps() -> None:
    head = registry.heads.create("generation", input_size=6, output_size=9, seed=0).eval()
    logits = head(torch.randn(2, 5, 6), torch.tensor([5, 3]))
    assert logits.shape == (2, 5, 9)
    assert head(torch.randn(4, 6)).shape == (4, 9)
    torch.testing.assert_close(head.probabilities(logits).sum(-1), torch.ones(2, 5))


def test_projection_size_sets_the_output_layers_input_size() -> None:
    head = registry.heads.create("generation", input_size=6, output_size=9, projection_size=4)
    assert head.features_size == 4 and head.output.weight.shape == (9, 4)
    assert registry.heads.create("generation", input_size=6, output_size=9).features_size == 6


def test_same_seed_gives_the_same_initial_weights() -> None:
    a = registry.heads.create("generation", input_size=6, output_size=9, seed=3)
    b = registry.heads.create("generation", input_size=6, output_size=9, seed=3)
    torch.testing.assert_close(a.output.weight, b.output.weight)


@pytest.mark.parametrize("settings", [
    {"projection_size": -1}, {"projection_size": 2.5}, {"projection_size": True},
    {"dropout": 1.0}, {"dropout": "x"}, {"seed": 1.5}, {"output_size": 0}, {"input_size": -3},
])
def test_bad_generation_head_settings_raise_settings_error_naming_the_setting(
        settings: dict) -> None:
    key = next(iter(settings))
    arguments = {"input_size": 4, "output_size": 7, **settings}
    with pytest.raises(SettingsError, match=key):
        registry.heads.create("generation", **arguments)
