"""``lexiloom generate MODEL --prompt ...``: prints what the Python API generates; errors are one
line and a non-zero exit. Run with CliRunner on the command object (the lead mounts it)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from spacy_generator_helpers import CAT, blank_pipeline, trained_pipeline

from lexiloom.cli.generate import command, load_generator


@pytest.fixture(scope="module")
def model(tmp_path_factory) -> tuple[Any, Path]:
    """A trained pipeline and a training-style directory holding it as model-best."""
    nlp = trained_pipeline(CAT)
    out = tmp_path_factory.mktemp("train-out")
    nlp.to_disk(out / "model-best")
    return nlp, out


def _run(*args: str) -> Any:
    return CliRunner().invoke(command, list(args))


def _one_line_error(result: Any) -> str:
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.output
    return lines[0]


def test_generate_prints_what_the_python_api_generates(model):
    nlp, out = model
    expected = nlp.get_pipe("lexiloom_generator").generate(
        "the c", max_tokens=30, temperature=0.9, top_k=6, seed=1, stop=["mat"])
    result = _run(str(out), "--prompt", "the c", "--max-tokens", "30", "--temperature", "0.9",
                  "--top-k", "6", "--seed", "1", "--stop", "mat")
    assert result.exit_code == 0, result.output
    assert result.output == expected + "\n"


def test_stream_prints_the_same_text_as_without(model):
    _, out = model
    args = [str(out / "model-best"), "--prompt", "the", "--seed", "1", "--top-p", "0.9"]
    plain, streamed = _run(*args), _run(*args, "--stream")
    assert plain.exit_code == streamed.exit_code == 0
    assert streamed.output == plain.output


def test_repeated_stop_options_all_apply(model):
    nlp, out = model
    generator = nlp.get_pipe("lexiloom_generator")
    expected = generator.generate("the cat", max_tokens=40, temperature=0, stop=["mat", "on"])
    result = _run(str(out), "--prompt", "the cat", "--max-tokens", "40", "--temperature", "0",
                  "--stop", "mat", "--stop", "on")
    assert result.output == expected + "\n" == " sat \n"


def test_json_output_has_prompt_and_text(model):
    _, out = model
    result = _run(str(out), "--prompt", "the cat", "--temperature", "0", "--max-tokens", "8",
                  "--json")
    assert json.loads(result.output) == {"prompt": "the cat", "text": " sat on "}


def test_load_generator_finds_the_component_of_a_training_directory(model):
    _, out = model
    generator = load_generator(str(out))
    assert generator.generate("the cat", max_tokens=4, temperature=0) == " sat"


def test_missing_model_path_is_a_one_line_error(tmp_path):
    line = _one_line_error(_run(str(tmp_path / "nope"), "--prompt", "x"))
    assert "no such model" in line


def test_pipeline_without_a_generator_is_a_one_line_error(tmp_path):
    import spacy

    spacy.blank("en").to_disk(tmp_path / "plain")
    assert "no lexiloom_generator" in _one_line_error(_run(str(tmp_path / "plain")))


def test_uninitialised_generator_is_a_one_line_error(tmp_path):
    blank_pipeline().to_disk(tmp_path / "blank")
    assert "no model yet" in _one_line_error(_run(str(tmp_path / "blank"), "--prompt", "a"))


@pytest.mark.parametrize("option, value, message", [
    ("--temperature", "-1", "temperature"),
    ("--top-p", "2", "top_p"),
    ("--top-k", "0", "top_k"),
    ("--max-tokens", "-3", "max_tokens"),
    ("--stop", "", "stop"),
    ("--component", "other", "other"),
])
def test_bad_settings_are_one_line_errors(model, option, value, message):
    _, out = model
    line = _one_line_error(_run(str(out), "--prompt", "the", option, value))
    assert message in line


def test_corrupt_weights_are_a_one_line_error(model, tmp_path):
    import shutil

    _, out = model
    shutil.copytree(out / "model-best", tmp_path / "bad")
    (tmp_path / "bad" / "lexiloom_generator" / "model.safetensors").write_bytes(b"junk")
    line = _one_line_error(_run(str(tmp_path / "bad"), "--prompt", "a"))
    assert "model.safetensors" in line and "expected" in line  # the manifest's size check


def test_help_describes_the_command():
    result = _run("--help")
    assert result.exit_code == 0
    for option in ("--prompt", "--max-tokens", "--temperature", "--top-k", "--top-p", "--seed",
                   "--stop", "--stream"):
        assert option in result.output
