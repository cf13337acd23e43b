"""The ``spacy`` tokenizer (a blank spaCy pipeline's rules); kept few, spaCy is slow to load."""

from __future__ import annotations

import pytest

from lexiloom import registry
from lexiloom.errors import SettingsError


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
