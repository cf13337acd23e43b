"""``lexiloom vectors train``: corpora in, vectors file and a summary out; errors as one line."""

from __future__ import annotations

import json
import random

import pytest
from click.testing import CliRunner

from lexiloom import registry
from lexiloom.cli.vectors_train import command
from lexiloom.registry import make_entry
from lexiloom.vectors import KeyedVectors


@pytest.fixture
def corpus(tmp_path):
    rnd = random.Random(0)
    groups = [[f"apple{i}" for i in range(6)], [f"boat{i}" for i in range(6)]]
    lines = [" ".join(rnd.choice(groups[n % 2]) for _ in range(8)) for n in range(200)]
    path = tmp_path / "corpus.tokens"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def invoke(args):
    return CliRunner().invoke(command, [str(a) for a in args])


def assert_one_line_error(result, *fragments):
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert lines[-1].startswith("Error: ")
    for fragment in fragments:
        assert fragment in lines[-1]


def test_train_writes_loadable_vectors_and_prints_a_summary(corpus, tmp_path):
    out = tmp_path / "vectors.txt"
    result = invoke([corpus, "--sg", "--dim", 12, "--window", 3, "--negative", 3, "--epochs", 2,
                     "--min-count", 1, "--workers", 1, "--seed", 3, "--out", out])
    assert result.exit_code == 0, result.output
    vectors = KeyedVectors.load(out)
    assert vectors.dim == 12
    assert len(vectors.index_to_key) == 12
    summary = result.output.strip().splitlines()[-1]
    assert "12 words x 12 dimensions" in summary
    assert "3,200 words (2 epochs)" in summary
    assert "words/s" in summary


def test_json_summary_reports_settings_and_speed(corpus, tmp_path):
    out = tmp_path / "vectors.bin"
    result = invoke([corpus, "--min-count", 1, "--epochs", 1, "-o", "hs=true", "-o",
                     "negative=0", "--out", out, "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["format"] == "binary"
    assert summary["settings"]["hs"] is True
    assert summary["settings"]["negative"] == 0
    assert summary["words"] == 1600
    assert summary["words_per_second"] > 0
    assert KeyedVectors.load(out).dim == 100


def test_same_seed_gives_the_same_file(corpus, tmp_path):
    outs = [tmp_path / "a.txt", tmp_path / "b.txt"]
    for out in outs:
        assert invoke([corpus, "--min-count", 1, "--workers", 1, "--seed", 5, "--out", out,
                       "--no-progress"]).exit_code == 0
    assert outs[0].read_bytes() == outs[1].read_bytes()


def test_glove_output_format_and_method_alias(corpus, tmp_path):
    out = tmp_path / "vectors.glove"
    result = invoke([corpus, "--method", "word2vec", "--min-count", 1, "--epochs", 1,
                     "--dim", 5, "--to", "glove", "--out", out])
    assert result.exit_code == 0, result.output
    assert len(out.read_text(encoding="utf-8").splitlines()[0].split()) == 6  # no header


def test_bundled_corpus_name_is_accepted(tmp_path):
    out = tmp_path / "passage.txt"
    result = invoke(["passage/train", "--epochs", 1, "--dim", 10, "--out", out, "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["vocabulary"] > 10


def test_progress_bar_goes_to_stderr_with_words_per_second(corpus, tmp_path):
    result = CliRunner().invoke(
        command, [str(corpus), "--min-count", "1", "--out", str(tmp_path / "v.txt")])
    assert result.exit_code == 0
    assert "words/s" in result.stderr


@pytest.mark.parametrize(("args", "fragments"), [
    (["--embedder", "nope"], ["unknown embedder 'nope'", "word2vec"]),
    (["--dim", "0"], ["dim"]),
    (["-o", "colour=red"], ["no selected component has a setting 'colour'"]),
    (["-o", "negative=0"], ["hs=true"]),
    (["--tokenizer", "nope"], ["unknown tokenizer 'nope'"]),
    (["--min-count", "1000"], ["min_count=1000"]),
])
def test_bad_options_fail_with_one_line(corpus, tmp_path, args, fragments):
    result = invoke([corpus, *args, "--out", tmp_path / "v.txt"])
    assert_one_line_error(result, *fragments)
    assert not (tmp_path / "v.txt").exists()


def test_missing_corpus_fails_with_one_line(tmp_path):
    result = invoke([tmp_path / "missing.txt", "--out", tmp_path / "v.txt"])
    assert_one_line_error(result, "missing.txt")


def test_embedder_that_cannot_fit_is_refused_naming_those_that_can(corpus, tmp_path):
    class Frozen:
        dim = 3

        def __init__(self, dim: int = 3) -> None:
            self.dim = dim

    registry.embedders.names()  # load the plugins first
    registry.embedders._add(make_entry(registry.embedders, "frozen", Frozen, "", {"dim": 3},
                                       "test"))
    result = invoke([corpus, "--embedder", "frozen", "--out", tmp_path / "v.txt"])
    assert_one_line_error(result, "'frozen' cannot learn vectors", "word2vec")


def test_shorthand_for_a_setting_the_embedder_lacks_is_refused(corpus, tmp_path):
    class Fits:
        def __init__(self, dim: int = 3) -> None:
            self.dim = dim

        def fit(self, sentences, *, seed=None):
            raise AssertionError("not reached")

    registry.embedders.names()
    registry.embedders._add(make_entry(registry.embedders, "fits", Fits, "", {"dim": 3},
                                       "test"))
    result = invoke([corpus, "--embedder", "fits", "--negative", "3", "--out",
                     tmp_path / "v.txt"])
    assert_one_line_error(result, "--negative does not apply", "'fits'")


def test_train_is_reachable_through_the_lexiloom_command_line(corpus, tmp_path):
    from lexiloom.cli import cli

    out = tmp_path / "v.txt"
    result = CliRunner().invoke(cli, ["vectors", "train", str(corpus), "--min-count", "1",
                                      "--epochs", "1", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.exists()
    error = CliRunner().invoke(cli, ["vectors", "train", str(corpus), "--dim", "0", "--out",
                                     str(out)])
    assert_one_line_error(error, "dim")
