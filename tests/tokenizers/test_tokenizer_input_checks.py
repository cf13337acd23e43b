"""Every built-in tokenizer takes spaCy's ``nlp.max_length`` rule: a text longer than
``max_length`` (1,000,000 characters by default) is a TextTooLongError, on every path
(segment, tokenize, tokenize_batch); the limit can be raised or lifted per instance. Text that
is not valid Unicode (a lone surrogate; found by benchmarks/fuzz.py in the spacy tokenizer) is
an InvalidTextError in every tokenizer."""

from __future__ import annotations

import pytest

from lexiloom import registry
from lexiloom.errors import InvalidTextError, TextTooLongError
from lexiloom.tokens import MAX_LENGTH

NAMES = ["whitespace", "regex", "char", "spacy"]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("path", ["segment", "tokenize", "batch"])
def test_a_text_over_max_length_is_an_error_on_every_path(name, path):
    tokenizer = registry.tokenizers.create(name)
    tokenizer.max_length = 10
    call = {"segment": tokenizer.segment, "tokenize": tokenizer.tokenize,
            "batch": lambda text: tokenizer.tokenize_batch(["ok", text])}[path]
    assert call("a b c d e") is not None                     # 9 characters: the control
    with pytest.raises(TextTooLongError, match=rf"{name} tokenizer input of 11 characters"):
        call("a b c d e f")


@pytest.mark.parametrize("name", NAMES)
def test_the_default_is_spacys_max_length_and_none_lifts_it(name):
    tokenizer = registry.tokenizers.create(name)
    assert tokenizer.max_length == MAX_LENGTH == 1_000_000
    text = "ab " * (MAX_LENGTH // 3 + 1)
    with pytest.raises(TextTooLongError):
        tokenizer.tokenize(text)
    tokenizer.max_length = None
    assert tokenizer.tokenize(text)


def test_the_cli_gives_one_line_for_a_text_over_the_limit():
    from click.testing import CliRunner

    from lexiloom.cli import cli

    result = CliRunner().invoke(cli, ["tokenize", "-"], input="x" * (MAX_LENGTH + 1))
    assert result.exit_code != 0
    assert "longer than max_length" in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("text", ["\ud800", "fine text \udcff", "\udfff then more"])
def test_a_lone_surrogate_is_an_invalid_text_error(name, text):
    tokenizer = registry.tokenizers.create(name)
    assert tokenizer.tokenize("Straße naïve 中文 \U0001f600")           # the control
    with pytest.raises(InvalidTextError, match="lone surrogate"):
        tokenizer.tokenize(text)
    with pytest.raises(InvalidTextError, match="lone surrogate"):
        tokenizer.tokenize_batch(["ok", text])
