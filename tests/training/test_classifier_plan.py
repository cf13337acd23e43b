"""The classifier's data-sized defaults: the model and schedule follow the labelled data, what
the user sets wins, and what was chosen is said on stderr and in ``OUT/config.cfg``."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lexiloom.training import TrainConfig
from lexiloom.training.api import _classifier_plan
from lexiloom.training.classifier_plan import (
    MAX_EPOCHS,
    PATIENCE_EPOCHS,
    SECONDS_CAP,
    approximate_tokens,
    model_for,
    schedule_for,
)


def test_the_recurrent_part_grows_with_the_labelled_data() -> None:
    small_embedder, small_encoder, why_small = model_for(300)
    large_embedder, large_encoder, why_large = model_for(50_000)
    assert small_encoder["hidden_size"] < large_encoder["hidden_size"]
    assert small_embedder["dim"] < large_embedder["dim"]
    assert small_encoder["name"] == large_encoder["name"] == "gru"
    assert "300 training texts" in why_small and "50,000" in why_large


@given(st.integers(1, 2_000_000), st.integers(1, 50))
def test_a_schedule_always_fits_its_epoch_cap_and_clock(texts: int, tokens_per_text: int) -> None:
    schedule = schedule_for(texts, texts * tokens_per_text)
    per_epoch = -(-texts // schedule.batch_size)
    assert schedule.max_steps + 1 == MAX_EPOCHS * per_epoch
    assert 10 <= schedule.eval_frequency <= 200
    assert schedule.patience >= 5 * schedule.eval_frequency
    assert schedule.patience >= PATIENCE_EPOCHS * per_epoch
    assert 60 <= schedule.max_seconds <= SECONDS_CAP
    assert f"{texts:,} texts" in schedule.reason


def test_more_text_gets_more_time_and_small_data_smaller_batches() -> None:
    small, large = schedule_for(280, 4_000), schedule_for(6_920, 130_000)
    assert small.max_seconds < large.max_seconds
    assert small.batch_size < large.batch_size
    assert schedule_for(6_920, 10_000_000).max_seconds == SECONDS_CAP
    with pytest.raises(ValueError):
        schedule_for(0, 0)


def test_tokens_are_counted_from_whitespace_with_a_margin_for_punctuation() -> None:
    assert approximate_tokens(["a b c", "d e f g h i j"]) == 11
    assert approximate_tokens([]) == 0


TEXTS = [f"text number {i} is short" for i in range(400)]


def test_with_nothing_given_the_plan_sets_model_and_schedule() -> None:
    cfg, choices = _classifier_plan(TrainConfig(train="t", dev="d"), TEXTS)
    schedule = schedule_for(400, approximate_tokens(TEXTS))
    assert cfg.encoder["name"] == "gru" and cfg.embedder["dim"] == model_for(400)[0]["dim"]
    assert (cfg.batch_size, cfg.max_seconds, cfg.max_steps, cfg.eval_every) == (
        schedule.batch_size, schedule.max_seconds, schedule.max_steps,
        schedule.eval_frequency)
    assert cfg.patience * cfg.eval_every >= schedule.patience
    assert len(choices) == 2 and "given" not in choices[1]


def test_what_the_user_sets_wins_over_the_plan() -> None:
    given_cfg = TrainConfig(train="t", dev="d", encoder={"name": "lstm", "hidden_size": 8},
                            embedder={"dim": 300}, batch_size=7, max_steps=5, patience=2,
                            eval_every=3, max_seconds=9.0)
    cfg, choices = _classifier_plan(given_cfg, TEXTS)
    assert cfg.encoder == {"name": "lstm", "hidden_size": 8}
    assert cfg.embedder == {**model_for(400)[0], "dim": 300}
    assert (cfg.batch_size, cfg.max_steps, cfg.patience, cfg.eval_every, cfg.max_seconds) == (
        7, 5, 2, 3, 9.0)
    assert "embedder part" in choices[0]
    assert len(choices) == 1  # every schedule setting was given


def test_epochs_given_leave_the_step_cap_and_clock_alone_and_patience_follows_the_frequency(
) -> None:
    cfg, choices = _classifier_plan(TrainConfig(train="t", dev="d", epochs=2), TEXTS)
    assert cfg.max_steps is None and cfg.epochs == 2 and cfg.max_seconds is None
    assert _classifier_plan(TrainConfig(train="t", dev="d", max_steps=9), TEXTS)[0] \
        .max_seconds is None
    assert cfg.eval_every == schedule_for(400, approximate_tokens(TEXTS)).eval_frequency
    assert "given: epochs" in choices[1]


@pytest.mark.parametrize(("every", "keeps_plan"), [(0, True), (None, True), (3, False)])
def test_checkpoints_keep_the_planned_evaluations_unless_they_cannot_fall_on_them(every,
                                                                                   keeps_plan):
    planned = schedule_for(400, approximate_tokens(TEXTS)).eval_frequency
    if every is None:
        every = 2 * planned  # a multiple: checkpoints fall on evaluations
    cfg, _ = _classifier_plan(TrainConfig(train="t", dev="d", checkpoint_every=every), TEXTS)
    assert (cfg.eval_every == planned) is keeps_plan
    assert (cfg.patience is not None) is keeps_plan
