"""``lexiloom classify`` and ``lexiloom sentiment``: JSON lines with the documented schema."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from small_corpora import small

from lexiloom.cli import cli, predict
from lexiloom.training import TrainConfig, train

TINY = {"embedder": {"name": "trainable", "dim": 16},
        "encoder": {"name": "lstm", "hidden_size": 16}}


@pytest.fixture(autouse=True)
def _mounted() -> None:
    cli.add_command(predict.classify_command)
    cli.add_command(predict.sentiment_command)


@pytest.fixture(scope="module")
def sentiment_model(tmp_path_factory) -> Path:
    import torch

    torch.set_num_threads(1)
    out = tmp_path_factory.mktemp("sentiment") / "out"
    train(TrainConfig(train=small("sentiment/train"), dev=small("sentiment/dev"),
                      task="sentiment", epochs=1,
                      **TINY), out_dir=out, progress=False)
    return out


@pytest.fixture(scope="module")
def topics_model(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("topics") / "out"
    train(TrainConfig(train=small("topics/train"), dev=small("topics/dev"), epochs=1, **TINY),
          out_dir=out,
          progress=False)
    return out


def _records(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines()]


def test_classify_prints_one_json_line_per_argument(topics_model: Path) -> None:
    result = CliRunner().invoke(cli, ["classify", str(topics_model), "Stocks fell sharply.",
                                      "The striker scored twice."])
    assert result.exit_code == 0, result.output
    records = _records(result.output)
    assert [r["text"] for r in records] == ["Stocks fell sharply.", "The striker scored twice."]
    for record in records:
        assert set(record) == {"text", "cats", "label"}
        assert set(record["cats"]) == {"finance", "food", "science", "sport", "travel"}
        assert abs(sum(record["cats"].values()) - 1.0) < 1e-4
        assert record["label"] == max(record["cats"], key=record["cats"].get)


def test_classify_reads_stdin_lines_with_dash(topics_model: Path) -> None:
    result = CliRunner().invoke(cli, ["classify", str(topics_model), "-"],
                                input="first text\n\nsecond text\n")
    assert result.exit_code == 0, result.output
    assert [r["text"] for r in _records(result.output)] == ["first text", "second text"]


def test_sentiment_adds_score_and_polarity(sentiment_model: Path) -> None:
    result = CliRunner().invoke(cli, ["sentiment", str(sentiment_model / "model-last")],
                                input="I loved every minute.\nA broken, useless gadget.\n")
    assert result.exit_code == 0, result.output
    records = _records(result.output)
    assert len(records) == 2
    for record in records:
        assert set(record) == {"text", "cats", "label", "sentiment", "polarity"}
        assert -1.0 <= record["sentiment"] <= 1.0
        cats = record["cats"]
        assert record["sentiment"] == pytest.approx(cats["positive"] - cats["negative"],
                                                    abs=1e-5)
        assert record["polarity"] in ("negative", "positive")


def test_sentiment_needs_polarity_labels(topics_model: Path) -> None:
    result = CliRunner().invoke(cli, ["sentiment", str(topics_model), "some text"])
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert result.output.startswith("Error: ") and len(result.output.splitlines()) == 1


def test_missing_model_is_a_one_line_error(tmp_path) -> None:
    result = CliRunner().invoke(cli, ["classify", str(tmp_path / "nope"), "text"])
    assert result.exit_code != 0
    assert result.output.startswith("Error: ") and "no such model" in result.output


@pytest.mark.parametrize("name", ["classify", "sentiment"])
def test_prediction_commands_have_help(name: str) -> None:
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0 and "JSON" in result.output and "stdin" in result.output
