"""lexiloom tokenizers inside spaCy: lossless Docs, norms and stop flags, configs, saving."""

from __future__ import annotations

import functools

import pytest
import spacy
from hypothesis import given, settings
from hypothesis import strategies as st
from spacy.lang.en import English
from spacy.util import load_config_from_str, load_model_from_config

from lexiloom.errors import ModelFileError, SettingsError, UnknownComponentError
from lexiloom.spacy.tokenizer import LexiloomSpacyTokenizer, create_tokenizer, make_nlp

CASES = [
    ("whitespace", {}),
    ("regex", {}),
    ("regex", {"pattern": r"[a-z]+", "lowercase": True, "stop_words": ["the"]}),
    ("char", {"lowercase": True}),
    ("spacy", {"stop_words": True}),
]
TEXTS = st.one_of(
    st.text(max_size=60),
    st.text(alphabet="aZ é'.,!-\t\n\r\u00a0\u2028\u0301  ", max_size=60),
)

CHAR_CONFIG = """
[nlp]
lang = "en"
pipeline = []

[nlp.tokenizer]
@tokenizers = "lexiloom.Tokenizer.v1"
name = "char"

[nlp.tokenizer.settings]
lowercase = true

[components]
"""


@functools.cache
def case_nlp(index):
    name, config = CASES[index]
    return make_nlp("en", name, config)


@pytest.mark.parametrize("index", range(len(CASES)), ids=[c[0] for c in CASES])
@settings(max_examples=100, deadline=None)
@given(text=TEXTS)
def test_property_spacy_doc_reproduces_any_text_exactly(index, text):
    """Property: for every tokenizer and random text, doc.text == text, and every lexiloom
    segment token is one spaCy token with its norm."""
    nlp = case_nlp(index)
    doc = nlp(text)
    assert doc.text == text
    by_start = {t.idx: t for t in doc}
    for token in nlp.tokenizer.tokenizer.segment(text):
        assert by_start[token.start].text == token.text
        assert by_start[token.start].norm_ == token.norm


def test_adapter_puts_norms_and_stop_flags_on_spacy_tokens():
    nlp = make_nlp("en", "regex", {"lowercase": True, "stop_words": ["cat"]})
    doc = nlp("The CAT  sat")
    assert [t.text for t in doc] == ["The", "CAT", " ", "sat"]
    assert [t.whitespace_ for t in doc] == [" ", " ", "", ""]
    assert [t.norm_ for t in doc] == ["the", "cat", " ", "sat"]
    # The lexiloom list decides, replacing spaCy's English list ("The" is no stop word here).
    assert [t.is_stop for t in doc] == [False, True, False, False]


def test_adapter_keeps_skipped_characters_as_tokens_of_their_own():
    nlp = make_nlp("en", "regex", {"pattern": r"\d+"})
    doc = nlp("ab12 \t34cd")
    assert [(t.text, t.whitespace_) for t in doc] == [
        ("ab", ""), ("12", " "), ("\t", ""), ("34", ""), ("cd", "")]


def test_create_tokenizer_works_from_a_spacy_config_and_from_config():
    config = load_config_from_str(CHAR_CONFIG)
    for nlp in (load_model_from_config(config, auto_fill=True), English.from_config(config)):
        assert isinstance(nlp.tokenizer, LexiloomSpacyTokenizer)
        doc = nlp("Hi\n")
        assert [t.text for t in doc] == ["H", "i", "\n"]
        assert [t.norm_ for t in doc] == ["h", "i", "\n"]


def test_to_disk_and_spacy_load_keep_the_tokenizer(tmp_path):
    nlp = make_nlp("en", "regex", {"lowercase": True, "stop_words": ["the"]})
    nlp.to_disk(tmp_path / "model")
    loaded = spacy.load(tmp_path / "model")
    assert isinstance(loaded.tokenizer, LexiloomSpacyTokenizer)
    assert loaded.tokenizer.name == "regex"
    assert loaded.tokenizer.tokenizer == nlp.tokenizer.tokenizer
    doc = loaded("The Dog!")
    assert [(t.text, t.norm_, t.is_stop) for t in doc] == [
        ("The", "the", True), ("Dog", "dog", False), ("!", "!", False)]


def test_config_built_pipeline_survives_to_disk_and_load(tmp_path):
    nlp = English.from_config(load_config_from_str(CHAR_CONFIG))
    nlp.to_disk(tmp_path / "char")
    loaded = spacy.load(tmp_path / "char")
    assert loaded.tokenizer.name == "char"
    assert loaded.tokenizer.settings == {"lowercase": True}
    assert loaded("Ab").text == "Ab"


def test_bytes_round_trip_rebuilds_the_same_tokenizer():
    nlp = make_nlp("en", "whitespace", {"lowercase": True})
    other = make_nlp("en", "char")
    other.tokenizer.from_bytes(nlp.tokenizer.to_bytes())
    assert other.tokenizer.name == "whitespace"
    assert other.tokenizer.tokenizer == nlp.tokenizer.tokenizer
    restored = make_nlp("en", "regex").from_bytes(nlp.to_bytes())
    assert [t.text for t in restored("a,b c")] == ["a,b", "c"]


def test_corrupt_tokenizer_file_raises_model_file_error(tmp_path):
    adapter = make_nlp("en", "char").tokenizer
    (tmp_path / "tokenizer").write_text("not json", encoding="utf-8")
    with pytest.raises(ModelFileError, match="not a lexiloom tokenizer file"):
        adapter.from_disk(tmp_path / "tokenizer")
    with pytest.raises(ModelFileError, match="cannot read"):
        adapter.from_disk(tmp_path / "missing")


def test_pipe_yields_one_doc_per_text_in_order():
    adapter = make_nlp("en", "whitespace").tokenizer
    assert [d.text for d in adapter.pipe(["a b", "", "c"], batch_size=2)] == ["a b", "", "c"]


def test_make_nlp_without_tokenizer_is_a_plain_blank_pipeline():
    nlp = make_nlp("de")
    assert nlp.lang == "de" and nlp.pipe_names == []
    assert not isinstance(nlp.tokenizer, LexiloomSpacyTokenizer)


def test_bad_names_and_settings_fail_early_with_lexiloom_errors():
    with pytest.raises(UnknownComponentError, match="available: char, regex"):
        create_tokenizer("nope")
    with pytest.raises(SettingsError, match="not a valid regular expression"):
        make_nlp("en", "regex", {"pattern": "("})
    with pytest.raises(SettingsError, match="spaCy language code"):
        make_nlp("zz")
