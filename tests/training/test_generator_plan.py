"""The generator's data- and machine-sized defaults: the model follows the amount of text, the
step budget follows the timed updates (which leave no trace), and what was chosen is said."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from thinc.api import Config

from lexiloom.training import TrainConfig, generator_plan, train
from lexiloom.training.generator_plan import EVALUATIONS, MAX_EPOCHS, model_for, plan

TEXT = "It was the best of times, it was the worst of times.\n" * 40


@pytest.fixture(scope="module")
def texts(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("plan")
    paths = {"train": folder / "train.txt", "dev": folder / "dev.txt"}
    paths["train"].write_text(TEXT, encoding="utf-8")
    paths["dev"].write_text(TEXT[:200], encoding="utf-8")
    return paths


def test_model_grows_with_the_training_text() -> None:
    small, _, why_small = model_for(50_000)
    large, embedder, why_large = model_for(1_000_000)
    assert small["hidden_size"] < large["hidden_size"] == 256
    assert embedder["dim"] == 64
    assert "50,000" in why_small and "2x256" in why_large


def test_budget_is_bounded_by_time_or_by_epochs() -> None:
    by_time = plan(step_time=0.1, eval_time=1.0, chunks_per_epoch=10_000, max_seconds=600)
    assert by_time.max_steps + 1 == int((600 - EVALUATIONS * 1.0) / (1.1 * 0.1))
    assert by_time.eval_frequency == (by_time.max_steps + 1) // EVALUATIONS
    assert "fit max_seconds = 600" in by_time.reason
    by_epochs = plan(step_time=0.01, eval_time=0.1, chunks_per_epoch=50, max_seconds=600)
    assert by_epochs.max_steps + 1 == MAX_EPOCHS * 50
    assert f"{MAX_EPOCHS} epochs" in by_epochs.reason


def test_timing_updates_leaves_weights_streams_and_random_state_as_they_were(texts) -> None:
    from spacy.util import resolve_dot_names

    from lexiloom.training.api import initialize_pipeline
    from lexiloom.training.config import assemble

    spacy_config, name, _ = assemble(TrainConfig(
        task="generate", train=str(texts["train"]), dev=str(texts["dev"]), batch_size=4,
        bptt=16, encoder={"name": "lstm", "hidden_size": 16},
        embedder={"name": "trainable", "dim": 8}))
    nlp = initialize_pipeline(spacy_config)
    generator = nlp.get_pipe(name)
    before = {k: v.clone() for k, v in generator.module.state_dict().items()}
    config = nlp.config.interpolate()
    (corpus,) = resolve_dot_names(config, ["corpora.train"])
    draw_before = torch.get_rng_state()
    seconds = generator_plan.step_seconds(nlp, name, corpus, dropout=0.3)
    assert seconds > 0
    assert torch.equal(torch.get_rng_state(), draw_before)
    assert len(generator.streams) == 0
    for key, value in generator.module.state_dict().items():
        assert torch.equal(value, before[key]), key


def test_default_run_says_what_it_chose_in_its_config(texts, tmp_path) -> None:
    out = tmp_path / "lm"
    result = train(TrainConfig(task="generate", train=str(texts["train"]),
                               dev=str(texts["dev"]), threads=1, batch_size=4, bptt=32),
                   out_dir=out, progress=False)
    text = (out / "config.cfg").read_text(encoding="utf-8")
    header = [line for line in text.splitlines() if line.startswith("# lexiloom train chose")]
    assert len(header) == 3
    assert "2x128 LSTM" in header[0] and "per epoch" in header[1] and "updates" in header[2]
    written = Config().from_str(text, interpolate=False)
    assert written["components"]["generator"]["encoder"]["hidden_size"] == 128
    assert written["training"]["max_steps"] + 1 == result.steps
    assert result.steps <= MAX_EPOCHS * 17  # 2,120 characters: 4 streams of 530, 17 chunks


def test_a_given_config_or_step_budget_is_left_alone(texts, tmp_path) -> None:
    out = tmp_path / "lm"
    train(TrainConfig(task="generate", train=str(texts["train"]), dev=str(texts["dev"]),
                      threads=1, batch_size=4, bptt=32, max_steps=3,
                      encoder={"name": "lstm", "hidden_size": 16}),
          out_dir=out, progress=False)
    text = (out / "config.cfg").read_text(encoding="utf-8")
    assert "# lexiloom train chose: about" not in text  # no model sizing: an encoder was given
    assert "updates fit" not in text  # no step budget: max_steps was given
    assert Config().from_str(text)["training"]["max_steps"] == 3


def test_fewer_evaluations_leave_more_of_the_budget_to_updates():
    many = plan(0.1, 1.0, 1000, 600.0)
    few = plan(0.1, 1.0, 1000, 600.0, evaluations=6)
    assert few.max_steps + 1 == int((600 - 6 * 1.0) / (1.1 * 0.1)) > many.max_steps
    assert few.eval_frequency == (few.max_steps + 1) // 6
