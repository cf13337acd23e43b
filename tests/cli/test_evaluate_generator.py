"""``lexiloom evaluate`` on a language model: cross-entropy and perplexity of a plain-text file,
its ``--json`` schema, and one-line errors (a classifier given a plain-text file)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from cli_helpers import assert_one_line_error, run
from small_corpora import small

from lexiloom.cli import cli
from lexiloom.cli import evaluate as evaluate_cli
from lexiloom.errors import SettingsError
from lexiloom.evaluation import TextFile, evaluate, evaluate_pipeline
from lexiloom.training import TrainConfig, train

VERSE = ("To be, or not to be, that is the question:\n"
         "Whether 'tis nobler in the mind to suffer\n"
         "The slings and arrows of outrageous fortune,\n"
         "Or to take arms against a sea of troubles\n")
TINY = {"embedder": {"name": "trainable", "dim": 16},
        "encoder": {"name": "lstm", "hidden_size": 16}}


@pytest.fixture(autouse=True)
def _mounted() -> None:
    cli.add_command(evaluate_cli.command)


@pytest.fixture(scope="module")
def lm(tmp_path_factory) -> dict[str, Path]:
    """A tiny trained char-level generator, and texts to score it on."""
    import torch

    torch.set_num_threads(1)
    folder = tmp_path_factory.mktemp("lm")
    paths = {"train": folder / "train.txt", "dev": folder / "dev.txt",
             "test": folder / "test.txt", "empty": folder / "empty.txt", "out": folder / "out"}
    paths["train"].write_text(VERSE * 3, encoding="utf-8")
    paths["dev"].write_text(VERSE.splitlines(keepends=True)[0], encoding="utf-8")
    paths["test"].write_text(VERSE, encoding="utf-8")
    paths["empty"].write_text("\n", encoding="utf-8")
    train(TrainConfig(train=str(paths["train"]), dev=str(paths["dev"]), task="generate",
                      batch_size=4, bptt=16, max_steps=4, seed=0, threads=1, **TINY),
          out_dir=paths["out"], progress=False)
    return paths


@pytest.fixture(scope="module")
def classifier(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("classifier") / "out"
    train(TrainConfig(train=small("topics/train"), dev=small("topics/dev"), epochs=1,
                      max_steps=2, threads=1,
                      **TINY), out_dir=out, progress=False)
    return out


def _invoke(*args: object):
    return run("evaluate", *args)


def _expected(lm: dict[str, Path], which: str = "model-best") -> dict:
    import spacy

    generator = spacy.load(lm["out"] / which).get_pipe("generator")
    return generator.evaluate_file(lm["test"]).to_dict()


def test_evaluate_prints_cross_entropy_and_perplexity(lm) -> None:
    result = _invoke(lm["out"], lm["test"])
    assert result.exit_code == 0, result.output
    expected = _expected(lm)
    assert "== generator ==" in result.output
    assert "cross-entropy" in result.output and "perplexity" in result.output
    assert f"{expected['cross_entropy']:.4f}" in result.output
    assert f"tokens {len(VERSE) + 1}" in result.output


def test_evaluate_json_schema_matches_the_generator_score(lm) -> None:
    result = _invoke(lm["out"], lm["test"], "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert set(report) == {"generator"}
    scores = report["generator"]
    assert set(scores) == {"cross_entropy", "perplexity", "tokens"}
    assert scores["tokens"] == len(VERSE) + 1  # every char and one <eos>; <bos> is context
    assert scores["perplexity"] == pytest.approx(math.exp(scores["cross_entropy"]))
    assert scores == pytest.approx(_expected(lm))


def test_evaluate_a_pipeline_folder_and_a_named_component(lm) -> None:
    result = _invoke(lm["out"] / "model-last", lm["test"], "--component", "generator",
                     "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["generator"] == pytest.approx(_expected(lm, "model-last"))


def test_python_evaluate_scores_a_text_file(lm) -> None:
    report = evaluate(lm["out"], lm["test"])
    assert report["generator"].to_dict() == pytest.approx(_expected(lm))


@pytest.mark.parametrize(("corpus", "words"), [("empty", ("empty",)),
                                               ("absent", ("absent.txt", "no such"))])
def test_empty_or_missing_text_file_is_a_one_line_error(lm, tmp_path, corpus, words) -> None:
    path = lm["empty"] if corpus == "empty" else tmp_path / "absent.txt"
    line = assert_one_line_error(_invoke(lm["out"], path))
    assert all(word in line for word in words), line


def test_unknown_component_is_a_one_line_error(lm) -> None:
    line = assert_one_line_error(_invoke(lm["out"], lm["test"], "--component", "textcat"))
    assert "generator" in line


def test_classifier_with_a_plain_text_file_is_a_one_line_error(classifier, lm) -> None:
    line = assert_one_line_error(_invoke(classifier, lm["test"]))
    assert "label" in line


def test_evaluate_pipeline_refuses_a_text_file_for_a_classifier(classifier, lm) -> None:
    from lexiloom.training.pipeline import load_pipeline

    with pytest.raises(SettingsError, match="labelled corpus"):
        evaluate_pipeline(load_pipeline(classifier), TextFile(str(lm["test"])))
