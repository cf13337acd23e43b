"""``lexiloom pretrain`` and ``lexiloom train --init-encoder``: a bidirectional language model
of raw text that a classifier starts from, with the fine-tuning written into its config."""

from __future__ import annotations

import json

import pytest
from cli_helpers import assert_one_line_error, run
from small_corpora import small

from lexiloom.cli import cli
from lexiloom.cli import pretrain as pretrain_cli
from lexiloom.cli import train as train_cli
from lexiloom.corpora import read_corpus

TEXT = ("The film was wonderful and the cast was superb. A dull, tedious film with a terrible "
        "ending. I loved every minute of it, but the sequel bored me.\n") * 40


def small_texts(name: str) -> list:
    return list(read_corpus(small(name)))


@pytest.fixture(autouse=True)
def _mounted() -> None:
    for command in (pretrain_cli.command, train_cli.command):
        cli.add_command(command)


@pytest.fixture(scope="module")
def lm(tmp_path_factory):
    import torch

    torch.set_num_threads(1)
    for command in (pretrain_cli.command, train_cli.command):
        cli.add_command(command)
    folder = tmp_path_factory.mktemp("pretrain")
    (folder / "train.txt").write_text(TEXT)
    (folder / "dev.txt").write_text(TEXT[:2000])
    result = run("pretrain", "--train", folder / "train.txt", "--dev", folder / "dev.txt",
                 "--out", folder / "lm", "--max-steps", 3, "--eval-every", 2, "--dim", 8,
                 "--hidden-size", 8,
                 "--threads", 1, "--quiet", "--json")
    assert result.exit_code == 0, result.output
    return folder, json.loads(result.output)


def test_pretrain_writes_a_bidirectional_model_best(lm):
    folder, summary = lm
    assert summary["steps"] == 4 and summary["best_cross_entropy"] > 0
    config = (folder / "lm" / "config.cfg").read_text()
    assert 'objective = "bidirectional"' in config and "max_steps = 3" in config
    assert "eval_frequency = 2" in config
    assert (folder / "lm" / "model-best" / "bilm" / "model.safetensors").is_file()


def test_a_classifier_starts_from_it_with_the_fine_tuning_in_its_config(lm, tmp_path):
    folder, _ = lm
    result = run("train", "--task", "sentiment", "--train", small("sentiment/train"), "--dev",
                 small("sentiment/dev"), "--out", tmp_path / "clf", "--init-encoder",
                 folder / "lm" / "model-best", "--threads", 1, "--quiet")
    assert result.exit_code == 0, result.output
    config = (tmp_path / "clf" / "config.cfg").read_text()
    assert "# lexiloom train chose: pretrained encoder" in config
    epoch = -(-len(small_texts("sentiment/train")) // 16)  # the plan's batches of 16
    assert f"fine-tuning for at most 8 epochs: max_steps = {8 * epoch}" in config
    assert f"max_steps = {8 * epoch}\n" in config and f"steps = {epoch}\n" in config
    for written in ('@callbacks = "lexiloom.init_encoder.v1"',
                    '@callbacks = "lexiloom.gradual_unfreezing.v1"',
                    '@schedules = "slanted_triangular.v1"',
                    '@callbacks = "lexiloom.add_requirements.v1"', "hidden_size = 8"):
        assert written in config


@pytest.mark.parametrize("updates", [20, 25, 29, 56, 104])
def test_the_slanted_schedule_stays_positive_for_the_whole_run(updates):
    from thinc.api import registry

    from lexiloom.training.fine_tuning import slanted_steps

    schedule = registry.resolve({"s": {"@schedules": "slanted_triangular.v1", "max_rate": 0.002,
                                       "num_steps": slanted_steps(updates)}})["s"]
    rates = [next(schedule) for _ in range(updates)]
    assert min(rates) > 0 and max(rates) == pytest.approx(0.002, rel=0.05)
    unrounded = registry.resolve({"s": {"@schedules": "slanted_triangular.v1",
                                        "max_rate": 0.002, "num_steps": updates}})["s"]
    if updates % 10:  # control: thinc's own length goes below zero before the run ends
        assert min(next(unrounded) for _ in range(updates)) < 0


def test_a_run_too_short_for_the_schedule_says_so(lm, tmp_path):
    folder, _ = lm
    result = run("train", "--task", "sentiment", "--train", small("sentiment/train"), "--dev",
                 small("sentiment/dev"), "--out", tmp_path / "clf", "--init-encoder",
                 folder / "lm" / "model-best", "--max-steps", 4, "--threads", 1)
    assert result.exit_code == 0, result.output
    assert "slanted-triangular learning rate left out" in result.output
    assert "slanted_triangular" not in (tmp_path / "clf" / "config.cfg").read_text()


def test_a_size_that_differs_from_the_pretrained_one_is_one_line(lm, tmp_path):
    folder, _ = lm
    result = run("train", "--task", "sentiment", "--train", small("sentiment/train"), "--dev",
                 small("sentiment/dev"), "--out", tmp_path / "clf", "--init-encoder",
                 folder / "lm" / "model-best", "-o", "encoder.hidden_size=32", "--quiet")
    assert "hidden_size=32" in assert_one_line_error(result)


def test_init_encoder_is_for_classifiers_and_needs_a_pretrained_model(lm, tmp_path):
    folder, _ = lm
    result = run("train", "--task", "generate", "--train", folder / "train.txt", "--dev",
                 folder / "dev.txt", "--out", tmp_path / "g", "--init-encoder", folder / "lm")
    assert "init_encoder applies to classifiers" in assert_one_line_error(result)
    result = run("train", "--task", "sentiment", "--train", small("sentiment/train"), "--dev",
                 small("sentiment/dev"), "--out", tmp_path / "c", "--init-encoder", tmp_path)
    assert "not a saved pipeline" in assert_one_line_error(result)


def test_pretrain_without_text_is_one_line(tmp_path):
    assert "train is missing" in assert_one_line_error(run("pretrain", "--out", tmp_path / "x"))


def test_resume_from_a_mid_run_checkpoint_ends_where_the_run_did(lm, tmp_path):
    import shutil

    from lexiloom.training.checkpoint import latest

    folder, summary = lm
    copy = tmp_path / "lm"
    shutil.copytree(folder / "lm", copy)
    last, _ = latest(copy / "checkpoints")
    shutil.rmtree(last.path)  # as if killed before the last checkpoint was written
    earlier, _ = latest(copy / "checkpoints")
    assert earlier is not None and earlier.path != last.path
    result = run("pretrain", "--out", copy, "--resume", "--threads", 1, "--quiet", "--json")
    assert result.exit_code == 0, result.output
    resumed = json.loads(result.output)
    assert resumed["steps"] == summary["steps"]
    assert resumed["best_cross_entropy"] == pytest.approx(summary["best_cross_entropy"],
                                                           rel=1e-5)


def test_the_seed_decides_the_weights(lm, tmp_path):
    from safetensors.torch import load_file

    folder, _ = lm

    def weights(seed: int, name: str) -> dict:
        result = run("pretrain", "--train", folder / "train.txt", "--dev", folder / "dev.txt",
                     "--out", tmp_path / name, "--max-steps", 1, "--dim", 8, "--hidden-size", 8,
                     "--seed", seed, "--threads", 1, "--quiet")
        assert result.exit_code == 0, result.output
        return load_file(tmp_path / name / "model-last" / "bilm" / "model.safetensors")

    first, again, other = weights(1, "a"), weights(1, "b"), weights(2, "c")
    assert all((first[k] == again[k]).all() for k in first)
    assert any((first[k] != other[k]).any() for k in first)  # control
