"""``lexiloom tokenize``: plain and JSON output, stdin, --all, and one-line errors."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from lexiloom.cli import cli


def run(*args, input=None):
    return CliRunner().invoke(cli, ["tokenize", *args], input=input)


def test_tokenize_prints_one_token_per_line_with_offsets_and_norm():
    result = run("-o", "lowercase=true", "Hello, World")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == ["0\t5\tHello\thello", "5\t6\t,\t,", "7\t12\tWorld\tworld"]


def test_tokenize_drops_stop_words_unless_all_is_given_and_marks_them():
    plain = run("-o", 'stop_words=["the"]', "The cat")
    assert plain.output.splitlines() == ["4\t7\tcat\tcat"]
    everything = run("--all", "-o", 'stop_words=["the"]', "The cat")
    assert everything.output.splitlines() == ["0\t3\tThe\tThe\tstop", "4\t7\tcat\tcat"]


def test_tokenize_prints_one_block_per_text_separated_by_empty_lines():
    result = run("--tokenizer", "whitespace", "a b", "c")
    assert result.output == "0\t1\ta\ta\n2\t3\tb\tb\n\n0\t1\tc\tc\n"


def test_tokenize_plain_output_escapes_tabs_and_newlines_in_tokens():
    result = run("-t", "char", "a\tb\n\\")
    assert result.output.splitlines() == [
        "0\t1\ta\ta", "1\t2\t\\t\t\\t", "2\t3\tb\tb", "3\t4\t\\n\t\\n", "4\t5\t\\\\\t\\\\"]


def test_tokenize_json_prints_one_object_per_text_with_the_documented_schema():
    result = run("--json", "--all", "-o", "stop_words=en", "The cat", "Ok!")
    assert result.exit_code == 0, result.output
    objects = [json.loads(line) for line in result.output.splitlines()]
    assert [o["text"] for o in objects] == ["The cat", "Ok!"]
    assert objects[0]["tokens"][0] == {"text": "The", "start": 0, "end": 3, "norm": "The",
                                       "is_stop": True}
    for obj in objects:
        for token in obj["tokens"]:
            assert set(token) == {"text", "start", "end", "norm", "is_stop"}
            assert obj["text"][token["start"]:token["end"]] == token["text"]


def test_tokenize_dash_reads_one_text_per_stdin_line():
    result = run("--json", "-", "last", input="first line\r\nsecond\n")
    assert [json.loads(line)["text"] for line in result.output.splitlines()] == [
        "first line", "second", "last"]


def test_tokenize_help_documents_the_output_schema():
    result = run("--help")
    assert result.exit_code == 0
    assert '"is_stop": bool' in result.output and "START<TAB>END" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-t", "nope", "x"], "unknown tokenizer 'nope'; available: char, regex, spacy"),
        (["-o", "lowercase", "x"], "is not KEY=VALUE"),
        (["-o", "colour=red", "x"], "no selected component has a setting 'colour'"),
        (["-o", "lowercase=maybe", "x"], "must be true or false"),
        (["-o", "pattern=(", "x"], "not a valid regular expression"),
        (["-t", "spacy", "-o", "lang=zz", "x"], "unknown spaCy language 'zz'"),
    ],
)
def test_tokenize_errors_are_one_line_without_traceback(args, message):
    result = run(*args)
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_tokenize_needs_at_least_one_text():
    result = run()
    assert result.exit_code == 2
    assert "Missing argument" in result.output
