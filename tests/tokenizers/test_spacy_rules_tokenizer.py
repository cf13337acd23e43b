"""The ``spacy`` tokenizer (a blank spaCy pipeline's rules); kept few, spaCy is slow to load."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lexiloom import registry
from lexiloom.errors import SettingsError
from lexiloom_tokenizers.spacy_rules import SpacyTokenizer


def test_spacy_tokenizer_splits_like_spacy_and_drops_whitespace_tokens():
    tok = registry.tokenizers.create("spacy", lowercase=True)
    text = "Don't  go\n\nto N.Y. now!"
    tokens = tok.tokenize(text)
    assert [t.text for t in tokens] == ["Do", "n't", "go", "to", "N.Y.", "now", "!"]
    assert [t.norm for t in tokens][:2] == ["do", "n't"]
    assert all(text[t.start:t.end] == t.text for t in tokens)


def test_spacy_tokenizer_stop_words_true_means_its_language_list():
    tok = registry.tokenizers.create("spacy", lang="en", stop_words=True)
    assert [t.text for t in tok.tokenize("The cat sat on THE mat")] == ["cat", "sat", "mat"]
    assert [t.is_stop for t in tok.segment("The cat")] == [True, False]
    custom = registry.tokenizers.create("spacy", stop_words=["cat"])
    assert [t.text for t in custom.tokenize("The cat")] == ["The"]


def test_spacy_tokenizer_caches_the_blank_pipeline_per_language():
    first = registry.tokenizers.create("spacy", lang="en")
    second = registry.tokenizers.create("spacy", lang="en", lowercase=True)
    assert first._nlp is second._nlp


def test_spacy_tokenizer_unknown_language_says_how_to_find_codes():
    with pytest.raises(SettingsError, match=r"unknown spaCy language 'zz'.*\ben\b.*spacy.io"):
        registry.tokenizers.create("spacy", lang="zz")


# -- long runs without whitespace (found by benchmarks/fuzz.py) -----------------------------------

def test_a_long_run_of_punctuation_is_tokenized_in_linear_time():
    import time

    tokenizer = SpacyTokenizer()
    text = "'" * 20_000             # spaCy alone: about 50 s (its affix rules are quadratic)
    started = time.perf_counter()
    tokens = tokenizer.tokenize(text)
    assert time.perf_counter() - started < 10
    assert all(text[t.start:t.end] == t.text for t in tokens)
    assert "".join(t.text for t in tokens) == text


def test_text_without_long_runs_is_tokenized_as_spacy_does():
    import spacy

    text = "Don't stop -- it's 3.5 km (roughly)! " + "x" * 1000
    ours = [t.text for t in SpacyTokenizer().segment(text)]
    assert ours == [t.text for t in spacy.blank("en").tokenizer(text) if not t.text.isspace()]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="ab' \n.", max_size=3000))
def test_pieces_cover_the_text_in_order_and_cut_only_long_runs(text):
    from lexiloom_tokenizers.spacy_rules import LONG_RUN, PIECE, pieces

    parts = list(pieces(text))
    assert "".join(part for _, part in parts) == text
    assert all(text[at:at + len(part)] == part for at, part in parts)
    for _, part in parts:
        longest = max((len(run) for run in part.split()), default=0)
        assert longest <= LONG_RUN or len(part) <= PIECE


def test_spacy_norm_gives_the_form_lexiloom_classifiers_read():
    import spacy

    text = "I won't go to the U.S. today, we're LATE"
    tokens = SpacyTokenizer(spacy_norm=True).segment(text)
    assert [t.norm for t in tokens] == [t.norm_ for t in spacy.blank("en")(text)]
    assert [t.norm for t in tokens][1:3] == ["will", "not"]
    plain = SpacyTokenizer(lowercase=True).segment(text)  # control: the setting matters
    assert [t.norm for t in plain][1:3] == ["wo", "n't"]
    assert [t.text for t in tokens] == [t.text for t in plain]


def test_a_spacy_norm_with_whitespace_falls_back_to_the_lowercased_word():
    import spacy

    (state,) = [t for t in spacy.blank("en")("I live in N.C. now") if t.text == "N.C."]
    assert " " in state.norm_  # "North Carolina": no word of a vectors file
    tokens = SpacyTokenizer(spacy_norm=True).segment("I live in N.C. now")
    assert [t.norm for t in tokens] == ["i", "live", "in", "n.c.", "now"]


def test_spacy_norm_must_be_a_boolean():
    with pytest.raises(SettingsError, match="spacy_norm"):
        registry.tokenizers.create("spacy", spacy_norm="yes")
