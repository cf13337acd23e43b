"""``lexiloom train --task generate``: a language model end to end from the command line, its
tokenizer options, ``--resume``, and one-line errors."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from cli_helpers import assert_one_line_error, run
from small_corpora import small

from lexiloom.cli import cli
from lexiloom.cli import evaluate as evaluate_cli
from lexiloom.cli import train as train_cli

VERSE = ("To be, or not to be, that is the question:\n"
         "Whether 'tis nobler in the mind to suffer\n"
         "The slings and arrows of outrageous fortune,\n"
         "Or to take arms against a sea of troubles\n")
TINY = ["-o", "embedder.dim=16", "-o", "encoder.hidden_size=16", "--batch-size", "4",
        "--bptt", "16", "--threads", "1", "--seed", "1", "--quiet"]
SUMMARY = {"out", "steps", "epochs", "best_score", "best_step", "metric", "stopped_early",
           "resumed_from", "seconds", "train_seconds", "scores"}


@pytest.fixture(autouse=True)
def _mounted() -> None:
    for command in (train_cli.command, evaluate_cli.command):
        cli.add_command(command)


@pytest.fixture(scope="module")
def texts(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("texts")
    paths = {"train": folder / "train.txt", "dev": folder / "dev.txt",
             "empty": folder / "empty.txt"}
    paths["train"].write_text(VERSE * 3, encoding="utf-8")
    paths["dev"].write_text(VERSE.splitlines(keepends=True)[2] * 2, encoding="utf-8")
    paths["empty"].write_text("", encoding="utf-8")
    return paths


def _train(texts: dict[str, Path], out: Path, *args: str, train: str = "train",
           dev: str = "dev"):
    return run("train", "--task", "generate", "--train", texts[train], "--dev", texts[dev],
               "--out", out, *TINY, *args)


def test_train_generate_json_summary_and_outputs(texts, tmp_path) -> None:
    out = tmp_path / "lm"
    result = _train(texts, out, "--max-steps", "5", "--lr-schedule", "linear", "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert set(summary) == SUMMARY
    assert summary["metric"] == "cross_entropy"
    assert summary["steps"] == 6 and summary["best_step"] == 5
    assert summary["resumed_from"] is None and summary["stopped_early"] is False
    assert set(summary["scores"]) == {"cross_entropy", "perplexity", "tokens"}
    assert summary["scores"]["cross_entropy"] == pytest.approx(summary["best_score"])
    assert summary["scores"]["tokens"] == len(VERSE.splitlines()[2]) * 2 + 2 + 1
    for name in ("model-best", "model-last", "checkpoints", "config.cfg", "metrics.jsonl"):
        assert (out / name).exists(), name
    config = (out / "config.cfg").read_text(encoding="utf-8")
    assert 'factory = "lexiloom_generator"' in config
    assert "hidden_size = 16" in config and '@schedules = "warmup_linear.v1"' in config


def test_train_generate_prints_a_summary_and_the_scores_line(texts, tmp_path) -> None:
    result = _train(texts, tmp_path / "lm", "--max-steps", "1")
    assert result.exit_code == 0, result.output
    assert "trained 2 steps" in result.output and "cross_entropy" in result.output
    assert "perplexity" in result.output


def test_word_level_with_a_lowercasing_tokenizer_setting(texts, tmp_path) -> None:
    out = tmp_path / "words"
    result = _train(texts, out, "--level", "word", "-o", "tokenizer.lowercase=true",
                    "--max-steps", "2", "--batch-size", "2", "--bptt", "4", "--json")
    assert result.exit_code == 0, result.output
    settings = json.loads((out / "model-last" / "generator" / "settings.json")
                          .read_text(encoding="utf-8"))
    assert settings["tokenizer"] == "regex"
    assert settings["tokenizer_settings"]["lowercase"] is True
    assert settings["documents"] == "lines"
    training = json.loads((out / "training.json").read_text(encoding="utf-8"))
    assert training["level"] is None
    assert training["tokenizer"] == {"name": "regex", "lowercase": True}


def test_tokenizer_option_picks_a_registered_tokenizer(texts, tmp_path) -> None:
    out = tmp_path / "ws"
    result = _train(texts, out, "--tokenizer", "whitespace", "--max-steps", "1",
                    "--batch-size", "2", "--bptt", "4")
    assert result.exit_code == 0, result.output
    settings = json.loads((out / "model-last" / "generator" / "settings.json")
                          .read_text(encoding="utf-8"))
    assert settings["tokenizer"] == "whitespace"


def test_max_seconds_option_stops_after_the_first_step(texts, tmp_path) -> None:
    result = _train(texts, tmp_path / "lm", "--max-steps", "500", "--max-seconds", "1e-9",
                    "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["steps"] == 1


def test_resume_continues_from_the_newest_checkpoint(texts, tmp_path) -> None:
    out = tmp_path / "lm"
    first = _train(texts, out, "--max-steps", "7", "--eval-every", "4", "--json")
    assert first.exit_code == 0, first.output
    full = json.loads(first.output)
    weights = (out / "model-last" / "generator" / "model.safetensors").read_bytes()
    shutil.rmtree(out / "checkpoints" / "step-00000008")
    result = run("train", "--out", str(out), "--resume", "--quiet", "--json")
    assert result.exit_code == 0, result.output
    resumed = json.loads(result.output)
    assert resumed["resumed_from"] == 4 and resumed["steps"] == 8
    assert resumed["best_score"] == pytest.approx(full["best_score"])
    assert (out / "model-last" / "generator" / "model.safetensors").read_bytes() == weights


def test_missing_dev_file_is_a_one_line_error(texts, tmp_path) -> None:
    texts = {**texts, "absent": tmp_path / "absent.txt"}
    line = assert_one_line_error(_train(texts, tmp_path / "lm", dev="absent"))
    assert "absent.txt" in line and "no such file" in line


def test_missing_train_file_is_a_one_line_error(texts, tmp_path) -> None:
    texts = {**texts, "absent": tmp_path / "absent.txt"}
    line = assert_one_line_error(_train(texts, tmp_path / "lm", train="absent"))
    assert "absent.txt" in line


def test_empty_train_file_is_a_one_line_error(texts, tmp_path) -> None:
    line = assert_one_line_error(_train(texts, tmp_path / "lm", train="empty"))
    assert "non-empty" in line or "empty" in line


def test_empty_dev_file_is_a_one_line_error(texts, tmp_path) -> None:
    line = assert_one_line_error(_train(texts, tmp_path / "lm", dev="empty"))
    assert "empty.txt" in line and "empty" in line


def test_non_utf8_train_file_is_a_one_line_error(texts, tmp_path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes("caf\u00e9\n".encode("latin-1"))
    line = assert_one_line_error(_train({**texts, "bad": path}, tmp_path / "lm", train="bad"))
    assert "latin1.txt" in line and "--encoding" in line


def test_bad_level_is_rejected_without_a_traceback(texts, tmp_path) -> None:
    result = _train(texts, tmp_path / "lm", "--level", "sentence")
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert "Error: Invalid value for '--level'" in result.output


@pytest.mark.parametrize("args", [
    ["--level", "word", "--tokenizer", "char"],
    ["--bptt", "0"],
    ["--batch-size", "100000"],
    ["--max-seconds", "-1"],
])
def test_bad_generate_options_are_one_line_errors(texts, tmp_path, args) -> None:
    assert_one_line_error(_train(texts, tmp_path / "lm", *args))


def test_level_for_a_classifier_is_a_one_line_error(tmp_path) -> None:
    result = run("train", "--train", small("topics/train"), "--dev", small("topics/dev"), "--out",
                 str(tmp_path / "c"), "--level", "word", "--quiet")
    assert "--task generate" in assert_one_line_error(result)
