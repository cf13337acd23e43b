"""``lexiloom quantize``: an int8 copy a third the size that spaCy loads, agreeing with the
original, and one-line errors."""

from __future__ import annotations

import json

import pytest
import spacy
from cli_helpers import assert_one_line_error, run

from lexiloom.spacy.architectures import get_module
from lexiloom.training import TrainConfig, train
from lexiloom.training.pipeline import save_pipeline


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    out = tmp_path_factory.mktemp("quantize") / "run"
    train(TrainConfig(train="sentiment/train", dev="sentiment/dev", task="sentiment", seed=0,
                      threads=1, max_steps=120, eval_every=60, max_seconds=60.0),
          out_dir=out, progress=False)
    return out


def test_the_copy_is_a_third_the_size_loads_in_spacy_and_agrees(trained, tmp_path):
    result = run("quantize", trained, tmp_path / "int8", "--check", "sentiment/test", "--json")
    assert result.exit_code == 0, result.output
    (component,) = json.loads(result.output)["components"]
    assert component["name"] == "sentiment"
    assert component["ratio"] <= 0.35
    assert component["agreement"] >= 0.99
    assert abs(component["accuracy_after"] - component["accuracy_before"]) <= 0.005
    copy = spacy.load(tmp_path / "int8")
    module = get_module(copy.get_pipe("sentiment").model)
    assert module.lexiloom_quantized == "int8-symmetric"
    original = spacy.load(trained / "model-best")
    text = "The hotel staff were friendly and the room was spotless."
    assert copy(text).cats == pytest.approx(original(text).cats, abs=0.05)


def test_saving_a_quantized_copy_again_stores_the_same_weights(trained, tmp_path):
    assert run("quantize", trained, tmp_path / "a").exit_code == 0
    save_pipeline(spacy.load(tmp_path / "a"), tmp_path / "b")
    assert (tmp_path / "a" / "sentiment" / "model").read_bytes() == (
        tmp_path / "b" / "sentiment" / "model").read_bytes()


def test_the_text_report_names_sizes_and_agreement(trained, tmp_path):
    result = run("quantize", trained, tmp_path / "q", "--check", "sentiment/dev")
    assert result.exit_code == 0, result.output
    assert "sentiment: model file" in result.output and "same labels" in result.output


def test_a_pipeline_without_lexiloom_models_is_a_one_line_error(tmp_path):
    nlp = spacy.blank("en")
    textcat = nlp.add_pipe("textcat")
    textcat.add_label("a")
    textcat.add_label("b")
    nlp.initialize()
    save_pipeline(nlp, tmp_path / "bow")
    line = assert_one_line_error(run("quantize", tmp_path / "bow", tmp_path / "out"))
    assert "no trained lexiloom model to quantize" in line
    assert not (tmp_path / "out").exists()


def test_a_missing_model_is_a_one_line_error(tmp_path):
    line = assert_one_line_error(run("quantize", tmp_path / "nothing", tmp_path / "out"))
    assert "no such model" in line


def test_writing_the_copy_over_or_inside_the_model_is_refused(trained):
    for out in (trained, trained / "model-best", trained / "model-best" / "int8"):
        line = assert_one_line_error(run("quantize", trained, out))
        assert "would overwrite or sit inside MODEL" in line
    assert (trained / "model-best" / "config.cfg").is_file()


def test_the_check_corpus_is_read_with_its_format_and_label_map(trained, tmp_path):
    corpus = tmp_path / "sst.txt"
    corpus.write_text("1 a warm , funny and generous film\n0 dull , slow and far too long\n",
                      encoding="utf-8")
    mapping = tmp_path / "map.json"
    mapping.write_text('{"0": "negative", "1": "positive"}', encoding="utf-8")
    result = run("quantize", trained, tmp_path / "q", "--check", corpus, "--format", "labelled",
                 "--label-map", mapping, "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["documents"] == 2 and report["components"][0]["accuracy_before"] is not None
    # control: without the map the raw labels 0/1 are not the model's, and it says so
    unmapped = run("quantize", trained, tmp_path / "q2", "--check", corpus, "--format",
                   "labelled")
    line = assert_one_line_error(unmapped)
    assert "are not labels of component 'sentiment'" in line
    assert not (tmp_path / "q2").exists()  # checked before anything is written
