"""The jsonl reader: label/labels fields, settings, every malformed case, and the writer."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lexiloom.corpora import Record, read_corpus, write_corpus
from lexiloom.errors import CorpusFormatError


def make(tmp_path: Path, *lines: str, name: str = "c.jsonl") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_jsonl_reader_accepts_label_labels_null_and_no_label(tmp_path: Path) -> None:
    path = make(tmp_path, '{"text": "a", "label": "pos"}', "",
                '{"text": "b", "labels": ["x", "y"], "id": 3}', '{"text": "c"}',
                '{"text": "d", "label": null}')
    assert list(read_corpus(path)) == [Record("a", ("pos",)), Record("b", ("x", "y")),
                                       Record("c"), Record("d")]


def test_jsonl_reader_uses_text_field_and_label_field_settings(tmp_path: Path) -> None:
    path = make(tmp_path, '{"body": "a", "tags": ["x"]}', '{"body": "b", "tags": "y"}',
                name="c.ndjson")
    records = list(read_corpus(path, text_field="body", label_field="tags"))
    assert records == [Record("a", ("x",)), Record("b", ("y",))]


@pytest.mark.parametrize(("line", "reason"), [
    ('{"text": "a", ', r"invalid JSON .* each line must be one JSON object"),
    ('["a", "b"]', r"expected a JSON object, found a list"),
    ('{"body": "a"}', r"no 'text' field \(fields: 'body'\); .* -o text_field=NAME"),
    ('{"text": 3}', r"field 'text' must be a string, found a number"),
    ('{"text": null}', r"field 'text' must be a string, found null"),
    ('{"text": "a", "label": 1}',
     r"field 'label' must be a string, found a number \(write \"1\"\)"),
    ('{"text": "a", "labels": ["x", 2]}', r"field 'labels' must be a string or a list of strings"),
    ('{"text": "a", "label": ["x"]}', r"field 'label' must be a string, found a list"),
    ('{"text": "a", "label": "x", "labels": ["y"]}', r"both 'label' and 'labels'"),
])
def test_jsonl_malformed_line_is_an_error_naming_file_line_and_fix(
        tmp_path: Path, line: str, reason: str) -> None:
    path = make(tmp_path, '{"text": "fine"}', line)
    with pytest.raises(CorpusFormatError, match=r"c\.jsonl, line 2: " + reason) as info:
        list(read_corpus(path))
    assert info.value.line == 2 and info.value.path == str(path)


def test_jsonl_writer_puts_one_label_in_label_several_in_labels_none_in_neither(
        tmp_path: Path) -> None:
    out = tmp_path / "o.jsonl"
    write_corpus([Record("a", ("x",)), Record("b", ("x", "y")), Record("c")], out)
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert rows == [{"text": "a", "label": "x"}, {"text": "b", "labels": ["x", "y"]},
                    {"text": "c"}]


def test_jsonl_writer_keeps_non_ascii_text_readable(tmp_path: Path) -> None:
    out = tmp_path / "o.jsonl"
    write_corpus([Record("café ☕")], out)
    assert "café ☕" in out.read_text(encoding="utf-8")
