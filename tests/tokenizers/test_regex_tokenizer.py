"""The ``regex`` tokenizer: default pattern, norm steps, stop words, punctuation, bad patterns."""

from __future__ import annotations

import pytest

from lexiloom import registry
from lexiloom.errors import SettingsError


def regex(**settings):
    return registry.tokenizers.create("regex", **settings)


def texts(tokens):
    return [t.text for t in tokens]


def test_regex_default_pattern_keeps_inner_apostrophes_and_splits_punctuation():
    tokens = regex().tokenize("Don't stop, it’s 2024's best!")
    assert texts(tokens) == ["Don't", "stop", ",", "it’s", "2024's", "best", "!"]
    assert [t.norm for t in tokens] == texts(tokens)


def test_regex_spans_point_into_the_original_text():
    text = "  Héllo,\n wörld "
    assert [(t.start, t.end) for t in regex().tokenize(text)] == [(2, 7), (7, 8), (10, 15)]


def test_regex_lowercase_changes_norm_but_not_text():
    token = regex(lowercase=True).tokenize("ÉCOLE")[0]
    assert (token.text, token.norm) == ("ÉCOLE", "école")


def test_regex_strip_accents_removes_combining_marks_in_norm_only():
    tokens = regex(strip_accents=True).tokenize("Crème brûlée Ångström")
    assert [t.norm for t in tokens] == ["Creme", "brulee", "Angstrom"]
    assert texts(tokens) == ["Crème", "brûlée", "Ångström"]


def test_regex_norm_is_nfc_then_accents_then_lowercase():
    decomposed = "E\u0301te\u0301"  # "Été" written with combining accents
    assert regex().tokenize(decomposed)[0].norm == "Été"  # NFC composes
    assert regex(strip_accents=True, lowercase=True).tokenize(decomposed)[0].norm == "ete"
    assert regex(lowercase=True).tokenize(decomposed)[0].text == decomposed


def test_regex_keeps_combining_marks_with_the_character_they_modify():
    tok = regex()
    assert texts(tok.tokenize("cafe\u0301 na\u0308ive!")) == ["cafe\u0301", "na\u0308ive", "!"]
    assert texts(tok.tokenize("नमस्ते दुनिया")) == ["नमस्ते", "दुनिया"]
    assert texts(tok.tokenize("I ❤️ it")) == ["I", "❤️", "it"]  # symbol + variation selector


def test_regex_tokenize_drops_tokens_whose_norm_is_empty_after_cleaning():
    tok = regex(strip_accents=True)
    assert [(t.text, t.norm) for t in tok.segment("\u0301 x")] == [("\u0301", ""), ("x", "x")]
    assert texts(tok.tokenize("\u0301 x")) == ["x"]


def test_regex_stop_words_list_is_case_insensitive_on_the_norm():
    tok = regex(stop_words=["The", "a"])
    assert texts(tok.tokenize("THE cat and a Dog")) == ["cat", "and", "Dog"]
    flagged = [(t.text, t.is_stop) for t in tok.segment("THE cat and a Dog")]
    assert flagged == [("THE", True), ("cat", False), ("and", False), ("a", True),
                       ("Dog", False)]


def test_regex_stop_words_match_after_accent_stripping():
    tok = regex(strip_accents=True, stop_words=["Été"])
    assert texts(tok.tokenize("ete ÉTÉ E\u0301te\u0301 hiver")) == ["hiver"]
    assert [t.is_stop for t in tok.segment("ete hiver")] == [True, False]
    assert texts(regex(stop_words=["Été"]).tokenize("ete été")) == ["ete"]


def test_regex_stop_words_language_code_uses_spacy_english_list():
    tok = regex(stop_words="en")
    assert texts(tok.tokenize("The cat is on the mat")) == ["cat", "mat"]
    assert tok.to_config()["stop_words"] == "en"


def test_regex_segment_keeps_stop_words_and_punctuation_that_tokenize_drops():
    tok = regex(stop_words=["the"], strip_punct=True)
    text = "The cat, the hat!"
    assert texts(tok.tokenize(text)) == ["cat", "hat"]
    assert texts(tok.segment(text)) == ["The", "cat", ",", "the", "hat", "!"]
    assert not any(t.is_stop for t in tok.segment(text) if t.text in {",", "!"})


def test_regex_strip_punct_drops_only_punctuation_and_symbol_tokens():
    tok = regex(strip_punct=True, pattern=r"\S+")
    assert texts(tok.tokenize("hi ... $ +1 «» x.y © !\u0301")) == ["hi", "+1", "x.y"]
    assert texts(regex().tokenize("a ... b")) == ["a", ".", ".", ".", "b"]


def test_regex_custom_pattern_skips_unmatched_text():
    tok = regex(pattern=r"\d+")
    assert [(t.text, t.start) for t in tok.tokenize("a1 bb22 c")] == [("1", 1), ("22", 5)]


def test_regex_detokenize_joins_words_with_english_spacing():
    assert regex().detokenize(["Hello", ",", "world", "!"]) == "Hello, world!"


def test_regex_stop_word_list_is_stored_sorted_and_unique():
    assert regex(stop_words=("b", "a", "b")).to_config()["stop_words"] == ["a", "b"]
    assert regex(stop_words=False).to_config()["stop_words"] is None


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("(", "not a valid regular expression"),
        ("[a-", "not a valid regular expression"),
        (r"\w*", "can match the empty string"),
        (r"a|", "can match the empty string"),
        (r"\w+|\b", "can match the empty string"),
        ("", "non-empty regular expression"),
        (3, "non-empty regular expression"),
    ],
)
def test_regex_bad_pattern_raises_settings_error_naming_the_problem(pattern, message):
    with pytest.raises(SettingsError, match=message) as info:
        regex(pattern=pattern)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(
    ("stop_words", "message"),
    [
        ("the,a", r"not a spaCy language code .*\[\"the\", \"a\"\]"),
        (True, "has no language"),
        ([1, "a"], "is not a string"),
        (5, "not a language code or a list"),
    ],
)
def test_regex_bad_stop_words_raise_settings_error_with_the_fix(stop_words, message):
    with pytest.raises(SettingsError, match=message):
        regex(stop_words=stop_words)


@pytest.mark.parametrize("setting", ["lowercase", "strip_accents", "strip_punct"])
def test_regex_boolean_settings_reject_non_booleans(setting):
    with pytest.raises(SettingsError, match=f"'{setting}' must be true or false"):
        regex(**{setting: "yes"})


def test_regex_unknown_setting_lists_the_known_ones():
    with pytest.raises(SettingsError, match="strip_accents"):
        regex(lower=True)
