"""The ``whitespace`` and ``char`` tokenizers."""

from __future__ import annotations

import pytest

from lexiloom import registry
from lexiloom.errors import SettingsError


def test_whitespace_tokenizer_splits_on_any_whitespace_run():
    tok = registry.tokenizers.create("whitespace")
    tokens = tok.tokenize(" Hello,\tworld!\n\u00a0ok ")
    assert [(t.text, t.start, t.end) for t in tokens] == [
        ("Hello,", 1, 7), ("world!", 8, 14), ("ok", 16, 18)]
    assert tokens == tok.segment(" Hello,\tworld!\n\u00a0ok ")
    assert not any(t.is_stop for t in tokens)


def test_whitespace_tokenizer_lowercases_norm_only_when_asked():
    assert registry.tokenizers.create("whitespace").tokenize("ABC")[0].norm == "ABC"
    token = registry.tokenizers.create("whitespace", lowercase=True).tokenize("ABC")[0]
    assert (token.text, token.norm) == ("ABC", "abc")


def test_whitespace_detokenize_joins_with_single_spaces():
    assert registry.tokenizers.create("whitespace").detokenize(["a", ",", "b"]) == "a , b"


def test_char_tokenizer_makes_every_character_a_token_including_whitespace():
    tokens = registry.tokenizers.create("char").tokenize("a b\n")
    assert [t.text for t in tokens] == ["a", " ", "b", "\n"]
    assert [(t.start, t.end) for t in tokens] == [(0, 1), (1, 2), (2, 3), (3, 4)]


def test_char_tokenizer_lowercase_option_sets_norm():
    tokens = registry.tokenizers.create("char", lowercase=True).tokenize("Ab")
    assert [(t.text, t.norm) for t in tokens] == [("A", "a"), ("b", "b")]


def test_char_detokenize_is_plain_concatenation():
    assert registry.tokenizers.create("char").detokenize(["a", " ", "b", "\n"]) == "a b\n"


@pytest.mark.parametrize("name", ["whitespace", "char"])
def test_lowercase_must_be_boolean(name):
    with pytest.raises(SettingsError, match="must be true or false"):
        registry.tokenizers.create(name, lowercase="no")
