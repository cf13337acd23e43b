"""``lexiloom train`` and ``lexiloom evaluate`` on bundled corpora, and their one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_helpers import assert_one_line_error, run
from small_corpora import small

from lexiloom.cli import cli
from lexiloom.cli import evaluate as evaluate_cli
from lexiloom.cli import train as train_cli

TINY = ["--embedder", "trainable", "--encoder", "lstm", "-o", "dim=16",
        "-o", "encoder.hidden_size=16", "--threads", "1", "--quiet"]


@pytest.fixture(autouse=True)
def _mounted() -> None:
    """The commands, mounted as the lead's ``lexiloom.cli`` does (restored by conftest)."""
    for command in (train_cli.command, evaluate_cli.command):
        cli.add_command(command)


@pytest.fixture(scope="module")
def trained(tmp_path_factory) -> Path:
    import torch

    torch.set_num_threads(1)
    out = tmp_path_factory.mktemp("train") / "out"
    for command in (train_cli.command, evaluate_cli.command):
        cli.add_command(command)
    result = run("train", "--task", "sentiment", "--train", small("sentiment/train"), "--dev",
                 small("sentiment/dev"), "--out", str(out), "--epochs", "1", "--json", *TINY)
    assert result.exit_code == 0, result.output
    return out


def test_train_json_summary_and_outputs(trained: Path) -> None:
    for name in ("model-best", "model-last", "checkpoints", "config.cfg", "metrics.jsonl"):
        assert (trained / name).exists()
    config = (trained / "config.cfg").read_text(encoding="utf-8")
    assert 'factory = "lexiloom_sentiment"' in config and "dim = 16" in config


def test_train_prints_scores_table(tmp_path) -> None:
    result = run("train", "--train", small("topics/train"), "--dev", small("topics/dev"), "--out",
                 str(tmp_path / "o"), "--epochs", "1", "--batch-size", "64", *TINY)
    assert result.exit_code == 0, result.output
    assert "best dev cats_score" in result.output and "confusion" in result.output


def test_evaluate_json_reports_every_classifier(trained: Path) -> None:
    result = run("evaluate", str(trained), small("sentiment/test"), "--json")
    assert result.exit_code == 0, result.output
    (scores,) = json.loads(result.output).values()
    assert scores["documents"] == 60 and scores["labels"] == ["negative", "positive"]
    assert sum(map(sum, scores["confusion"])) == 60
    assert 0.0 <= scores["accuracy"] <= 1.0
    assert set(scores["per_label"]["positive"]) == {"precision", "recall", "f1", "support"}


def test_evaluate_table_and_pipeline_directory(trained: Path) -> None:
    result = run("evaluate", str(trained / "model-last"), small("sentiment/dev"))
    assert result.exit_code == 0, result.output
    assert "accuracy" in result.output and "negative" in result.output


def test_evaluate_with_label_map_and_reader_settings(trained: Path, tmp_path) -> None:
    corpus = tmp_path / "sst.txt"
    corpus.write_text("1 a warm and funny film\n0 dull and far too long\n", encoding="utf-8")
    mapping = tmp_path / "map.json"
    mapping.write_text('{"0": "negative", "1": "positive"}', encoding="utf-8")
    result = run("evaluate", str(trained), str(corpus), "--format", "labelled",
                 "--label-map", str(mapping), "-o", "label_part=full", "--json")
    assert result.exit_code == 0, result.output
    assert next(iter(json.loads(result.output).values()))["documents"] == 2


def test_evaluate_labels_that_do_not_match_the_model_is_one_line(trained: Path) -> None:
    line = assert_one_line_error(run("evaluate", str(trained), small("topics/test")))
    assert "are not labels of component" in line and "--label-map" in line


def test_evaluate_unknown_component_is_one_line(trained: Path) -> None:
    assert "no component 'nope'" in assert_one_line_error(
        run("evaluate", str(trained), small("sentiment/test"), "--component", "nope"))


@pytest.mark.parametrize("args", [
    ["evaluate", "{missing}", small("sentiment/test")],
    ["evaluate", "{trained}", "{missing}.jsonl"],
    ["evaluate", "{trained}", "{empty}"],
    ["train", "--train", "{missing}.jsonl", "--dev", small("sentiment/dev"), "--out", "{out}"],
    ["train", "--train", "{empty}", "--dev", small("sentiment/dev"), "--out", "{out}"],
    ["train", "--train", small("sentiment/train"), "--dev", small("topics/dev"), "--out", "{out}"],
    ["train", "--train", small("sentiment/train"), "--out", "{out}"],
    ["train", "--resume", "--out", "{out}"],
    ["train", "--train", small("sentiment/train"), "--dev", small("sentiment/dev"),
     "--out", "{out}",
     "-o", "no_such_setting=1"],
    ["train", "--train", small("sentiment/train"), "--dev", small("sentiment/dev"),
     "--out", "{out}",
     "--encoder", "no-such-encoder"],
    ["train", "--train", small("sentiment/train"), "--dev", small("sentiment/dev"),
     "--out", "{out}",
     "--label-map", "{missing}.json"],
])
def test_bad_input_is_a_one_line_error(args, trained: Path, tmp_path) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_text("", encoding="utf-8")
    values = {"missing": str(tmp_path / "missing"), "trained": str(trained),
              "empty": str(empty), "out": str(tmp_path / "out")}
    assert_one_line_error(run(*[a.format(**values) for a in args]))


@pytest.mark.parametrize("name", ["train", "evaluate"])
def test_commands_have_help(name: str) -> None:
    result = run(name, "--help")
    assert result.exit_code == 0 and "Usage:" in result.output
