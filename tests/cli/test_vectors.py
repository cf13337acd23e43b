"""``lexiloom vectors similar|analogy|evaluate|convert|to-spacy`` through click's test runner."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner, Result

from lexiloom.cli import cli
from lexiloom.cli.vectors import command
from lexiloom.vectors import KeyedVectors

DIM = 16


def run(*args: str) -> Result:
    """Through the root ``lexiloom`` group when the lead has mounted ``vectors``, else the group
    itself (errors are one line either way)."""
    if "vectors" in cli.commands:
        return CliRunner().invoke(cli, ["vectors", *args])
    return CliRunner().invoke(command, list(args))


def assert_one_line_error(result: Result, fragment: str) -> None:
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.output
    assert fragment in lines[0]


@pytest.fixture
def vectors(tmp_path: Path) -> Path:
    """king - man + woman = queen, and two tight topics."""
    rng = np.random.default_rng(0)
    base = {name: rng.standard_normal(DIM) for name in ("person", "royal", "animal", "fruit")}
    gender = 2 * rng.standard_normal(DIM)
    rows = {
        "man": base["person"], "woman": base["person"] + gender,
        "king": base["royal"], "queen": base["royal"] + gender,
        "cat": base["animal"], "dog": base["animal"] + 0.1 * rng.standard_normal(DIM),
        "apple": base["fruit"], "pear": base["fruit"] + 0.1 * rng.standard_normal(DIM),
    }
    kv = KeyedVectors(list(rows), np.asarray(list(rows.values()), dtype=np.float32))
    kv.save(tmp_path / "v.txt")
    return tmp_path / "v.txt"


def test_similar_prints_the_nearest_words(vectors: Path) -> None:
    result = run("similar", str(vectors), "cat", "--topn", "2")
    assert result.exit_code == 0, result.output
    assert result.output.split()[0] == "dog" and len(result.output.splitlines()) == 2
    data = json.loads(run("similar", str(vectors), "apple", "--json").output)
    assert data["results"][0]["word"] == "pear" and len(data["results"]) == 7


def test_analogy_answers_the_planted_question(vectors: Path) -> None:
    result = run("analogy", str(vectors), "man", "king", "woman", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["results"][0]["word"] == "queen"
    assert run("analogy", str(vectors), "man", "king", "woman").output.startswith("queen")


def test_unknown_word_is_a_one_line_error(vectors: Path) -> None:
    assert_one_line_error(run("similar", str(vectors), "zebra"), "'zebra' is not in the vectors")
    assert_one_line_error(run("analogy", str(vectors), "man", "king", "zebra"), "'zebra'")


def test_missing_and_malformed_files_are_one_line_errors(tmp_path: Path) -> None:
    assert_one_line_error(run("similar", str(tmp_path / "nope.txt"), "a"), "no such vectors file")
    bad = tmp_path / "bad.txt"
    bad.write_text("2 2\na 1 2\nb x 2\n")
    assert_one_line_error(run("similar", str(bad), "a"), "line 3")


def test_evaluate_reports_sections_and_correlations(vectors: Path, tmp_path: Path) -> None:
    (tmp_path / "q.txt").write_text(": family\nman king woman queen\nman king woman girl\n")
    (tmp_path / "p.tsv").write_text("cat\tdog\t9\napple\tpear\t8\ncat\tking\t1\nman\tpear\t2\n")
    args = ["evaluate", str(vectors), "--analogies", str(tmp_path / "q.txt"),
            "--pairs", str(tmp_path / "p.tsv")]
    result = run(*args)
    assert result.exit_code == 0, result.output
    assert "family" in result.output and "Spearman" in result.output
    data = json.loads(run(*args, "--json").output)
    assert data["analogies"]["accuracy"] == 1.0 and data["analogies"]["skipped"] == 1
    assert data["pairs"]["pairs"] == 4 and data["pairs"]["spearman"] > 0.5


def test_evaluate_without_files_uses_gensims_or_asks_for_them(
    vectors: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import lexiloom.vectors.evaluation as evaluation

    monkeypatch.setattr(evaluation, "gensim_test_data", lambda name: None)
    assert_one_line_error(run("evaluate", str(vectors)), "--analogies")
    monkeypatch.undo()
    if evaluation.gensim_test_data(evaluation.ANALOGIES_FILE) is not None:
        data = json.loads(run("evaluate", str(vectors), "--json").output)
        assert data["analogies"]["file"].endswith("questions-words.txt")
        assert data["pairs"]["file"].endswith("wordsim353.tsv")


@pytest.mark.parametrize(("to", "fmt"), [("text", "word2vec"), ("binary", "word2vec-binary"),
                                         ("glove", "glove")])
def test_convert_writes_each_format_exactly(vectors: Path, tmp_path: Path, to: str,
                                            fmt: str) -> None:
    out = tmp_path / f"out.{to}"
    result = run("convert", str(vectors), str(out), "--to", to)
    assert result.exit_code == 0, result.output
    original = KeyedVectors.load(vectors)
    converted = KeyedVectors.load(out, format=fmt)
    assert converted.index_to_key == original.index_to_key
    assert np.array_equal(converted.vectors, original.vectors)
    limited = tmp_path / "limited.txt"
    assert run("convert", str(out), str(limited), "--to", "text", "--limit", "3").exit_code == 0
    assert len(KeyedVectors.load(limited)) == 3


def test_convert_needs_a_target_format(vectors: Path, tmp_path: Path) -> None:
    result = run("convert", str(vectors), str(tmp_path / "o.txt"))
    assert result.exit_code != 0 and "--to" in result.output


def test_to_spacy_writes_a_loadable_pipeline(vectors: Path, tmp_path: Path) -> None:
    import spacy
    result = run("to-spacy", str(vectors), str(tmp_path / "nlp"), "--lang", "en")
    assert result.exit_code == 0, result.output
    nlp = spacy.load(tmp_path / "nlp")
    kv = KeyedVectors.load(vectors)
    for word in kv.index_to_key:
        np.testing.assert_array_equal(nlp.vocab[word].vector, kv[word])
    assert_one_line_error(run("to-spacy", str(vectors), str(tmp_path / "x"), "--lang", "qq"),
                          "no language 'qq'")


def test_every_vectors_command_has_help() -> None:
    for name in ("similar", "analogy", "evaluate", "convert", "to-spacy"):
        result = run(name, "--help")
        assert result.exit_code == 0 and "Usage" in result.output
