"""``lexiloom corpora list|info|convert`` through click's test runner."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from lexiloom.cli import cli
from lexiloom.corpora import Record, read_corpus, write_corpus


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, ["corpora", *args])


def assert_one_line_error(result: Result) -> str:
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)  # a handled error, not a crash
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith("Error: ")
    return lines[0]


@pytest.mark.parametrize("command", [[], ["list"], ["info"], ["convert"]])
def test_every_corpora_command_has_help(command: list[str]) -> None:
    result = run(*command, "--help")
    assert result.exit_code == 0 and "Usage:" in result.output


# -- list -----------------------------------------------------------------------------------------
def test_list_shows_each_bundled_corpus_with_split_counts() -> None:
    result = run("list")
    assert result.exit_code == 0
    for name in ("sentiment", "topics", "passage"):
        assert name in result.output
    assert "lexiloom corpora info sentiment/train" in result.output


def test_list_json_has_manifest_fields_and_document_counts() -> None:
    result = run("list", "--json")
    assert result.exit_code == 0
    corpora = {c["name"]: c for c in json.loads(result.stdout)["corpora"]}
    sentiment = corpora["sentiment"]
    assert sentiment["labels"] == ["negative", "positive"] and sentiment["license"]
    assert sentiment["documents"]["train"] == sum(1 for _ in read_corpus("sentiment/train"))
    assert set(sentiment["documents"]) == set(sentiment["splits"])


# -- info -----------------------------------------------------------------------------------------
def test_info_on_a_bundled_split_prints_counts_labels_and_lengths() -> None:
    result = run("info", "sentiment/train")
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.startswith("sentiment/train  (jsonl)")
    for word in ("documents", "tokens", "labels", "negative", "positive", "%", "p50", "p90",
                 "p99", "max"):
        assert word in out


def test_info_json_is_clean_and_matches_the_python_api(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    write_corpus([Record("a b c", ("x",)), Record("d", ("y",)), Record("e f", ("x",))], path)
    result = run("info", str(path), "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert (data["documents"], data["tokens"], data["format"], data["skipped"]) == (3, 6, "csv", 0)
    assert data["labels"] == [{"label": "x", "documents": 2, "percent": 66.67},
                              {"label": "y", "documents": 1, "percent": 33.33}]
    assert data["length"]["max"] == 3 and data["exclusive"] is True


def test_info_takes_format_encoding_tokenizer_and_reader_settings(tmp_path: Path) -> None:
    path = tmp_path / "data"
    path.write_bytes("pos\tCafé, au lait\n".encode("latin-1"))
    result = run("info", str(path), "--format", "tsv", "--encoding", "latin-1", "--json",
                 "--tokenizer", "regex", "-o", "header=false", "-o", "text_column=1",
                 "-o", "label_column=0", "-o", "tokenizer.lowercase=true")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["tokens"] == 4 and data["labels"][0]["label"] == "pos"
    assert data["tokenizer"] == "regex"


def test_info_reads_gzip_input(tmp_path: Path) -> None:
    path = tmp_path / "c.txt.gz"
    path.write_bytes(gzip.compress(b"one two\nthree\n"))
    data = json.loads(run("info", str(path), "--json").stdout)
    assert (data["documents"], data["tokens"]) == (2, 3)


def test_info_skip_bad_lines_reports_how_many_were_skipped(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    path.write_text('{"text": "ok"}\n{oops\n[1]\n')
    result = run("info", str(path), "--skip-bad-lines", "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["skipped"] == 2
    assert "skipped 2 bad line(s); first: " in result.stderr and "line 2" in result.stderr


@pytest.mark.parametrize(("args", "message"), [
    (["info", "no/such/file.jsonl"], "no such file or directory, and no bundled corpus"),
    (["info", "sentiment/nope"], "no split 'nope'"),
    (["info", "sentiment/train", "--format", "xml"], "unknown corpus format 'xml'; formats:"),
    (["info", "sentiment/train", "-o", "nope=1"], "no selected component has a setting 'nope'"),
    (["info", "sentiment/train", "--tokenizer", "nope"], "unknown tokenizer 'nope'"),
])
def test_info_errors_are_one_line_without_traceback(args: list[str], message: str) -> None:
    assert message in assert_one_line_error(run(*args))


def test_info_malformed_line_error_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    path.write_text('{"text": "ok"}\n{"text": "a", "label": 3}\n')
    line = assert_one_line_error(run("info", str(path)))
    assert f"{path}, line 2: field 'label' must be a string" in line


def test_info_on_a_directory_uses_the_folder_reader(tmp_path: Path) -> None:
    (tmp_path / "pos").mkdir()
    (tmp_path / "pos" / "a.txt").write_text("good film")
    data = json.loads(run("info", str(tmp_path), "--json").stdout)
    assert data["format"] == "folder" and data["labels"][0]["label"] == "pos"


# -- convert --------------------------------------------------------------------------------------
def test_convert_writes_train_and_dev_docbins_and_prints_counts(tmp_path: Path) -> None:
    train, dev = tmp_path / "train.spacy", tmp_path / "dev.spacy"
    result = run("convert", "topics/train", str(train), "--dev", str(dev), "--dev-fraction",
                 "0.25", "--seed", "1")
    assert result.exit_code == 0, result.output
    total = sum(1 for _ in read_corpus("topics/train"))
    n_dev = round(total * 0.25)
    assert f"wrote {total - n_dev:,} documents to {train}" in result.output
    assert f"wrote {n_dev:,} documents to {dev}" in result.output
    assert "textcat" in result.output
    assert len(list(read_corpus(train))) + len(list(read_corpus(dev))) == total


def test_convert_json_output_and_same_seed_same_split(tmp_path: Path) -> None:
    outputs = []
    for attempt in range(2):
        train, dev = tmp_path / f"t{attempt}.spacy", tmp_path / f"d{attempt}.spacy"
        result = run("convert", "sentiment/dev", str(train), "--dev", str(dev), "--json")
        assert result.exit_code == 0
        data = json.loads(result.stdout)
        assert data["labels"] == ["negative", "positive"] and data["exclusive"] is True
        outputs.append([r.text for r in read_corpus(dev)])
    assert outputs[0] == outputs[1]


def test_convert_with_a_lexiloom_tokenizer_and_settings(tmp_path: Path) -> None:
    source = tmp_path / "c.jsonl"
    write_corpus([Record("Hello, World", ("x",))], source)
    out = tmp_path / "o.spacy"
    result = run("convert", str(source), str(out), "--tokenizer", "regex",
                 "-o", "lowercase=true")
    assert result.exit_code == 0, result.output
    from spacy.tokens import DocBin
    from spacy.vocab import Vocab

    doc = next(iter(DocBin().from_disk(out).get_docs(Vocab())))
    assert [t.text for t in doc] == ["Hello", ",", "World"]


@pytest.mark.parametrize(("setup", "args", "message"), [
    ("", ["{src}", "{out}"], "contains no documents"),
    ('{"text": "a"}\n', ["{src}", "{out}", "--dev", "{dev}", "--dev-fraction", "1.5"],
     "dev_fraction must be between 0 and 1"),
    ('{"text": "a"}\n', ["{src}", "{out}", "--lang", "zz"], "unknown spaCy language 'zz'"),
    ('{"text": "a"}\n', ["{src}", "{out}", "-o", "lowercase=true"],
     "no selected component has a setting 'lowercase'"),
])
def test_convert_errors_are_one_line_without_traceback(
        tmp_path: Path, setup: str, args: list[str], message: str) -> None:
    src = tmp_path / "c.jsonl"
    src.write_text(setup)
    paths = {"src": str(src), "out": str(tmp_path / "o.spacy"), "dev": str(tmp_path / "d.spacy")}
    assert message in assert_one_line_error(run("convert", *(a.format(**paths) for a in args)))
    assert not (tmp_path / "o.spacy").exists()


def test_corpora_info_imports_neither_spacy_nor_torch() -> None:
    code = ("import sys; from click.testing import CliRunner; from lexiloom.cli import cli; "
            "r = CliRunner().invoke(cli, ['corpora', 'info', 'sentiment/train']); "
            "assert r.exit_code == 0, r.output; "
            "print('spacy' in sys.modules, 'torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
