"""The ``char_ngrams`` tokenizer: contract-abiding spans, n-gram norms, fastText bags."""

from __future__ import annotations

import pickle

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lexiloom_example.char_ngrams import CharNgramTokenizer, piece_sizes

from lexiloom import registry
from lexiloom.errors import SettingsError
from lexiloom.protocols import Tokenizer

SIZES = st.integers(3, 8).flatmap(lambda n_max: st.tuples(st.integers(1, n_max), st.just(n_max)))


def test_char_ngrams_is_a_tokenizer_registered_with_its_defaults():
    tokenizer = registry.tokenizers.create("char_ngrams")
    assert isinstance(tokenizer, Tokenizer)
    assert tokenizer == CharNgramTokenizer()
    assert registry.tokenizers.get("char_ngrams").defaults == tokenizer.to_config()


def test_char_ngrams_cuts_words_into_marked_consecutive_ngrams():
    tokens = CharNgramTokenizer().tokenize("Where is it?")
    assert [(t.text, t.start, t.end, t.norm) for t in tokens] == [
        ("Whe", 0, 3, "<whe"), ("re", 3, 5, "re>"), ("is", 6, 8, "<is>"),
        ("it", 9, 11, "<it>"), ("?", 11, 12, "<?>"),
    ]


def test_char_ngrams_lowercase_false_keeps_case_in_norms_and_bags():
    tokenizer = CharNgramTokenizer(lowercase=False)
    assert [t.norm for t in tokenizer.tokenize("ABC")] == ["<ABC>"]
    assert "<AB" in tokenizer.ngrams("ABC")


def test_char_ngrams_bag_is_fasttexts_with_the_whole_word_when_words_is_true():
    assert CharNgramTokenizer(n_min=3, n_max=4).ngrams("cat") == [
        "<cat>", "<ca", "<cat", "cat", "cat>", "at>"]
    assert CharNgramTokenizer(n_min=3, n_max=3, words=False).ngrams("cat") == [
        "<ca", "cat", "at>"]
    assert CharNgramTokenizer().bags("Hi there") == [
        CharNgramTokenizer().ngrams("hi"), CharNgramTokenizer().ngrams("there")]


@settings(max_examples=150, deadline=None)
@given(text=st.text(max_size=100), sizes=SIZES, lowercase=st.booleans())
def test_char_ngrams_spans_match_text_in_order_without_overlap(text, sizes, lowercase):
    """Property (the Tokenizer contract): ``text[t.start:t.end] == t.text``, non-empty, in
    order, not overlapping; only whitespace is left out; batch equals one by one."""
    tokenizer = CharNgramTokenizer(*sizes, lowercase=lowercase)
    tokens = tokenizer.tokenize(text)
    position = 0
    for token in tokens:
        assert text[token.start:token.end] == token.text != ""
        assert token.start >= position and text[position:token.start].strip() == ""
        position = token.end
    assert text[position:].strip() == ""
    assert tokenizer.segment(text) == tokens
    assert tokenizer.tokenize_batch([text, text]) == [tokens, tokens]


@settings(max_examples=150, deadline=None)
@given(word=st.text(st.characters(categories=["L", "Nd"]), min_size=1, max_size=30),
       n_min=st.integers(1, 4), spread=st.integers(0, 5))
def test_char_ngrams_every_norm_is_in_its_words_fasttext_bag(word, n_min, spread):
    """Property: when ``n_max >= 2 * n_min - 1``, each token of a word has ``n_min``..``n_max``
    marked characters (or is the whole short word) and its norm is in the word's bag."""
    n_max = max(3, 2 * n_min - 1 + spread)
    tokenizer = CharNgramTokenizer(n_min, n_max)
    tokens = tokenizer.tokenize(word)
    if len(word) != len(word.lower()):
        return  # a few characters change length when lowercased; spans still hold
    bag = set(tokenizer.ngrams(word))
    marked = "<" + word.lower() + ">"
    assert "".join(t.norm for t in tokens) == marked
    for token in tokens:
        assert token.norm in bag
        assert len(tokens) == 1 or n_min <= len(token.norm) <= n_max


@settings(max_examples=100, deadline=None)
@given(words=st.lists(st.text(st.characters(categories=["Ll"]), min_size=1, max_size=12),
                      min_size=1, max_size=8))
def test_char_ngrams_detokenize_rebuilds_lowercase_words_from_norms(words):
    """Property: ``detokenize`` of the norms gives back the space-separated words."""
    text = " ".join(words)
    tokenizer = CharNgramTokenizer()
    if any(len(w.lower()) != len(w) or w.lower() != w for w in words):
        return
    assert tokenizer.detokenize([t.norm for t in tokenizer.tokenize(text)]) == text


@settings(max_examples=100, deadline=None)
@given(length=st.integers(1, 200), n_max=st.integers(3, 12))
def test_piece_sizes_use_the_fewest_pieces_of_at_most_n_max(length, n_max):
    sizes = piece_sizes(length, n_max)
    assert sum(sizes) == length and max(sizes) <= n_max
    assert len(sizes) == -(-length // n_max)
    assert max(sizes) - min(sizes) <= 1


def test_char_ngrams_round_trips_through_config_and_pickle():
    tokenizer = registry.tokenizers.create("char_ngrams", n_min=2, n_max=6, words=False)
    assert registry.tokenizers.create("char_ngrams", **tokenizer.to_config()) == tokenizer
    assert pickle.loads(pickle.dumps(tokenizer)) == tokenizer


@pytest.mark.parametrize(("changes", "message"), [
    ({"n_min": 0}, "'n_min' must be an integer from 1"),
    ({"n_max": 2}, "'n_max' must be an integer from 3"),
    ({"n_min": 5, "n_max": 4}, "at least 'n_min'"),
    ({"n_max": 99}, "to 32"),
    ({"lowercase": "yes"}, "'lowercase' must be true or false"),
    ({"words": 1}, "'words' must be true or false"),
])
def test_bad_char_ngrams_settings_raise_settings_errors(changes, message):
    with pytest.raises(SettingsError, match=message):
        registry.tokenizers.create("char_ngrams", **changes)
