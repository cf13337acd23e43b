"""Properties every built-in tokenizer keeps, for random Unicode text (hypothesis)."""

from __future__ import annotations

import json
import pickle

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lexiloom import registry
from lexiloom.protocols import Tokenizer

CASES = [
    ("whitespace", {}),
    ("whitespace", {"lowercase": True}),
    ("regex", {}),
    ("regex", {"lowercase": True, "strip_accents": True, "strip_punct": True,
               "stop_words": ["the", "Été", "a"]}),
    ("regex", {"pattern": r"[A-Za-z]+|\d", "lowercase": True}),
    ("regex", {"pattern": r"\w+\s*|[^\w\s]+", "strip_punct": True}),
    ("char", {}),
    ("char", {"lowercase": True}),
    ("spacy", {"lowercase": True, "stop_words": True}),
]
IDS = [f"{name}-{i}" for i, (name, _) in enumerate(CASES)]

# Arbitrary Unicode, plus text dense in what tokenizers care about (spaces, case, accents,
# apostrophes, punctuation, combining marks, line breaks).
TEXTS = st.one_of(
    st.text(max_size=60),
    st.text(alphabet="aAzZ éÉßİı'’.,;!?-_()\"\t\n\r\u00a0\u2028\u0301\u0308ﬁ²1 ", max_size=60),
    st.lists(st.sampled_from(["The", "the", "ÉTÉ", "cat's", "n't", "  ", "\n", "...", "ﬁne"]),
             max_size=12).map(" ".join),
)


cases = pytest.mark.parametrize(("name", "config"), CASES, ids=IDS)


@cases
def test_every_builtin_tokenizer_satisfies_the_tokenizer_protocol(name, config):
    assert isinstance(registry.tokenizers.create(name, **config), Tokenizer)


@cases
@settings(max_examples=100, deadline=None)
@given(text=TEXTS)
def test_property_spans_match_text_in_order_without_overlap(name, config, text):
    """Property: for tokenize and segment, text[start:end] == token.text for every token, tokens
    are non-empty, ordered and non-overlapping, and tokenize keeps a subsequence of segment."""
    tokenizer = registry.tokenizers.create(name, **config)
    segmented = tokenizer.segment(text)
    tokenized = tokenizer.tokenize(text)
    for tokens in (segmented, tokenized):
        previous_end = 0
        for token in tokens:
            assert text[token.start:token.end] == token.text
            assert previous_end <= token.start < token.end
            previous_end = token.end
    assert set(tokenized) <= set(segmented)


@cases
@settings(max_examples=50, deadline=None)
@given(texts=st.lists(TEXTS, max_size=5))
def test_property_batch_output_equals_single_item_output(name, config, texts):
    """Property: tokenize_batch(texts) == [tokenize(t) for t in texts]."""
    tokenizer = registry.tokenizers.create(name, **config)
    assert tokenizer.tokenize_batch(texts) == [tokenizer.tokenize(t) for t in texts]
    assert tokenizer.tokenize_batch(iter(texts)) == [tokenizer.tokenize(t) for t in texts]


@cases
def test_property_to_config_round_trips_through_json_and_the_factory(name, config):
    """Property: factory(**json.loads(json.dumps(to_config()))) is an equal tokenizer, with the
    same config and the same tokens."""
    tokenizer = registry.tokenizers.create(name, **config)
    rebuilt = registry.tokenizers.create(name, **json.loads(json.dumps(tokenizer.to_config())))
    assert rebuilt == tokenizer
    assert rebuilt.to_config() == tokenizer.to_config()
    assert set(tokenizer.to_config()) == set(registry.tokenizers.get(name).defaults)
    sample = "The Été cat's ﬁne, isn't it?\n  2 ÀB"
    assert rebuilt.segment(sample) == tokenizer.segment(sample)
    assert pickle.loads(pickle.dumps(tokenizer)) == tokenizer


def test_tokenizers_with_different_settings_are_not_equal():
    plain = registry.tokenizers.create("regex")
    assert plain != registry.tokenizers.create("regex", lowercase=True)
    assert plain == registry.tokenizers.create("regex")
    assert hash(plain) == hash(registry.tokenizers.create("regex"))
    assert registry.tokenizers.create("char") != registry.tokenizers.create("whitespace")


@settings(max_examples=100, deadline=None)
@given(text=TEXTS)
def test_property_char_detokenize_of_token_texts_is_the_identity(text):
    """Property: char tokenizer, detokenize([t.text for t in tokenize(text)]) == text."""
    for lowercase in (False, True):
        tok = registry.tokenizers.create("char", lowercase=lowercase)
        assert tok.detokenize([t.text for t in tok.tokenize(text)]) == text
