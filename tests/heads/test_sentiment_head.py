"""The built-in ``sentiment`` head and its score: P(positive) − P(negative), or the
probability-weighted value of mapped labels such as star ratings, always in [-1, 1]."""

from __future__ import annotations

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from lexiloom_heads.sentiment import label_scores, sentiment_score

from lexiloom import registry
from lexiloom.errors import SettingsError
from lexiloom.protocols import Head


def make(output_size: int = 2, **settings):
    return registry.heads.create("sentiment", input_size=4, output_size=output_size, seed=0,
                                 **settings)


def test_sentiment_head_is_registered_and_is_an_exclusive_classification_head() -> None:
    entry = registry.heads.get("sentiment")
    assert dict(entry.defaults) == {"pooling": "max", "exclusive": True, "hidden_size": 0,
                                    "dropout": 0.0, "seed": None, "label_values": None}
    head = entry.factory(input_size=4, output_size=3, **entry.defaults)
    assert isinstance(head, Head) and head.exclusive and not head.per_position
    logits = head(torch.randn(2, 3, 4), torch.tensor([3, 1]))
    torch.testing.assert_close(head.probabilities(logits).sum(-1), torch.ones(2))
    assert head.to_config() == dict(entry.defaults)


def test_sentiment_head_refuses_multi_label() -> None:
    with pytest.raises(SettingsError, match="exclusive"):
        make(exclusive=False)


@settings(max_examples=100, deadline=None)
@given(logits=st.lists(st.floats(-20, 20), min_size=3, max_size=3),
       names=st.sampled_from([("negative", "neutral", "positive"), ("NEG", "meh", "Pos"),
                              ("0", "x", "1")]))
def test_property_score_is_p_positive_minus_p_negative_within_bounds(logits, names) -> None:
    """Property: for any probabilities, score = P(positive) − P(negative) ∈ [-1, 1] whatever
    the polarity labels are called (positive/pos/1, negative/neg/0, any case)."""
    probs = torch.softmax(torch.tensor([logits]), dim=-1)
    score = make(3).score(probs, list(names))
    assert -1.0 <= score.item() <= 1.0
    assert score.item() == pytest.approx((probs[0, 2] - probs[0, 0]).item(), abs=1e-6)


def test_star_ratings_map_linearly_onto_minus_one_to_one() -> None:
    stars = ["1", "2", "3", "4", "5"]
    assert label_scores(stars) == [-1.0, -0.5, 0.0, 0.5, 1.0]
    probs = torch.tensor([[0.0, 0.0, 0.0, 0.0, 1.0], [0.5, 0.0, 0.0, 0.0, 0.5],
                          [0.0, 0.25, 0.0, 0.75, 0.0]])
    torch.testing.assert_close(sentiment_score(probs, stars), torch.tensor([1.0, 0.0, 0.25]))


def test_label_values_are_used_as_given_in_range_and_rescaled_otherwise() -> None:
    labels = ["awful", "fine", "great"]
    head = make(3, label_values={"awful": -1, "fine": 0.25, "great": 1})
    torch.testing.assert_close(head.score(torch.tensor([0.0, 1.0, 0.0]), labels),
                               torch.tensor(0.25))
    stars = make(3, label_values={"awful": 1, "fine": 3, "great": 5})
    torch.testing.assert_close(stars.score(torch.tensor([[0.5, 0.5, 0.0]]), labels),
                               torch.tensor([-0.5]))
    assert stars.to_config()["label_values"] == {"awful": 1.0, "fine": 3.0, "great": 5.0}


def test_score_accepts_numpy_probabilities() -> None:
    import numpy as np
    score = sentiment_score(np.array([[0.1, 0.9]]), ["neg", "pos"])
    assert score.tolist() == pytest.approx([0.8])


@pytest.mark.parametrize(("labels", "label_values", "message"), [
    (["happy", "sad"], None, "label_values"),
    (["a", "b"], {"a": 1}, "no value for label"),
    (["neg", "pos", "neutral"], None, "columns"),
])
def test_unscorable_labels_raise_settings_error_with_the_fix(labels, label_values,
                                                             message) -> None:
    with pytest.raises(SettingsError, match=message):
        sentiment_score(torch.tensor([[0.5, 0.5]]), labels, label_values)


@pytest.mark.parametrize("label_values", [{}, {"a": "high"}, ["a"], {"a": 2, "b": 2}])
def test_bad_label_values_setting_is_refused(label_values) -> None:
    with pytest.raises(SettingsError, match="label_values"):
        make(label_values=label_values)
