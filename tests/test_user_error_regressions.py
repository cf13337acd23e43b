"""Regressions from a review of user-visible failures: each case once ended in a traceback, a
silent wrong result, or a dead tool, and must now be one clear error (or just work)."""

from __future__ import annotations

import gzip
import json

import pytest
from click.testing import CliRunner

from lexiloom import registry
from lexiloom.cli import cli
from lexiloom.corpora import read_corpus
from lexiloom.errors import CorpusError, CorpusFormatError, LexiloomError, SettingsError


def run(*args: str, stdin: bytes | None = None):
    result = CliRunner().invoke(cli, list(args), input=stdin)
    return result


def assert_one_line_error(result, fragment: str) -> None:
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    assert fragment in result.output
    assert result.output.strip().count("\n") == 0, result.output


def test_plugin_calling_sys_exit_is_a_failed_plugin_not_a_dead_tool(fake_dist, monkeypatch):
    source = ("import sys\nimport lexiloom\n\n@lexiloom.hookimpl\n"
              "def register_tokenizers(register):\n    sys.exit(3)\n")
    fake_dist("exit-dist", {"plug_exit.py": source}, entry_points={"exiter": "plug_exit"})
    monkeypatch.delenv("LEXILOOM_PLUGINS", raising=False)
    assert "regex" in registry.tokenizers.names()
    from lexiloom import plugins

    record = next(r for r in plugins.records() if r.name == "exiter")
    assert any("SystemExit" in error for error in record.errors)


def test_unwritable_output_path_is_one_line(tmp_path):
    blocker = tmp_path / "file.txt"
    blocker.write_text("x")
    result = run("corpora", "convert", "sentiment/dev", str(blocker / "out.spacy"))
    assert_one_line_error(result, "cannot write")


def test_training_into_a_path_under_a_file_fails_before_reading_anything(tmp_path):
    blocker = tmp_path / "file.txt"
    blocker.write_text("x")
    result = run("train", "--train", "sentiment/train", "--dev", "sentiment/dev",
                 "--out", str(blocker / "run"))
    assert_one_line_error(result, "cannot use")


def test_corrupt_gzip_corpus_is_a_corpus_error(tmp_path):
    data = bytearray(gzip.compress(
        "".join(json.dumps({"text": f"line {i} " * 20}) + "\n" for i in range(2000)).encode()))
    data[200] ^= 0xFF
    data[201] ^= 0xFF
    path = tmp_path / "broken.jsonl.gz"
    path.write_bytes(bytes(data))
    with pytest.raises(CorpusError):
        list(read_corpus(path))


def test_upper_case_gz_suffix_is_decompressed(tmp_path):
    path = tmp_path / "CORPUS.JSONL.GZ"
    path.write_bytes(gzip.compress(b'{"text": "hello", "label": "a"}\n'))
    assert [r.text for r in read_corpus(path)] == ["hello"]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32"])
def test_wrong_multibyte_encoding_is_a_format_error_with_a_line(tmp_path, encoding):
    path = tmp_path / "plain.txt"
    path.write_text("hello\n", encoding="utf-8")
    with pytest.raises(CorpusFormatError, match="line 1"):
        list(read_corpus(path, encoding=encoding))


def test_utf8_byte_order_mark_is_not_part_of_the_first_column_or_text(tmp_path):
    csv_path = tmp_path / "excel.csv"
    csv_path.write_bytes(b"\xef\xbb\xbftext,label\nhi,a\n")
    assert list(read_corpus(csv_path)) == [("hi", ("a",))]
    txt_path = tmp_path / "bom.txt"
    txt_path.write_bytes(b"\xef\xbb\xbfhello\n")
    assert [r.text for r in read_corpus(txt_path)] == ["hello"]


def test_deeply_nested_json_line_is_a_format_error(tmp_path):
    path = tmp_path / "deep.jsonl"
    path.write_text("[" * 100_000 + "\n")
    with pytest.raises(CorpusFormatError, match="line 1"):
        list(read_corpus(path))


def test_convert_refuses_the_same_path_for_train_and_dev(tmp_path):
    out = tmp_path / "x.spacy"
    result = run("corpora", "convert", "sentiment/dev", str(out), "--dev", str(out))
    assert_one_line_error(result, "same")
    assert not out.exists()


def test_non_utf8_stdin_is_one_line():
    result = run("tokenize", "-", stdin=b"caf\xe9\n")
    assert_one_line_error(result, "not valid utf-8")


def test_corpora_info_accepts_settings_for_its_default_tokenizer():
    result = run("corpora", "info", "sentiment/dev", "-o", "tokenizer.lowercase=true")
    assert result.exit_code == 0, result.output


def test_batch_size_must_be_positive():
    result = run("classify", "no-such-model", "--batch-size", "0", "text")
    assert result.exit_code == 2 and "Traceback" not in result.output


def test_a_per_position_head_cannot_be_a_text_classifier_head():
    from lexiloom.models.classifier import build_text_classifier
    from lexiloom.vocab import Vocab

    with pytest.raises(SettingsError, match="pooling head"):
        build_text_classifier(Vocab.build([["a"]]), 2, embedder={"name": "trainable", "dim": 4},
                              encoder={"name": "gru", "hidden_size": 4},
                              head={"name": "generation"})


def test_lexiloom_errors_are_what_atomic_writes_raise(tmp_path):
    from lexiloom import atomic

    blocker = tmp_path / "f"
    blocker.write_text("x")
    with pytest.raises(LexiloomError, match="cannot write"):
        atomic.write_text(blocker / "sub" / "x.txt", "data")
