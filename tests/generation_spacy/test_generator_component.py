"""The ``lexiloom_generator`` component: generation API, ``doc._.generate``, annotation mode,
perplexity and settings validation."""

from __future__ import annotations

from typing import Any

import pytest
from spacy_generator_helpers import CAT, DOG, blank_pipeline, fit, trained_pipeline

from lexiloom.errors import LexiloomError, SettingsError


@pytest.fixture(scope="module")
def cat_nlp() -> Any:
    return trained_pipeline(CAT)


@pytest.fixture(scope="module")
def dog_nlp() -> Any:
    return trained_pipeline(DOG)


def test_trained_generator_greedy_continuation_reproduces_the_memorised_text(cat_nlp):
    generator = cat_nlp.get_pipe("lexiloom_generator")
    assert generator.generate("the cat", max_tokens=17, temperature=0) == " sat on the mat. "


def test_same_seed_gives_same_text_and_top_k_1_equals_greedy(cat_nlp):
    generator = cat_nlp.get_pipe("lexiloom_generator")
    first = generator.generate("the", max_tokens=30, temperature=1.0, seed=7)
    assert generator.generate("the", max_tokens=30, temperature=1.0, seed=7) == first
    assert generator.generate("the", max_tokens=30, top_k=1, seed=3) == \
        generator.generate("the", max_tokens=30, temperature=0)


def test_stream_pieces_join_to_generate_with_stop_strings(cat_nlp):
    generator = cat_nlp.get_pipe("lexiloom_generator")
    settings = {"max_tokens": 40, "temperature": 0.8, "seed": 2, "stop": ["mat"]}
    pieces = list(generator.stream("the cat", **settings))
    assert "".join(pieces) == generator.generate("the cat", **settings)
    assert "mat" not in "".join(pieces)


def test_doc_generate_continues_the_docs_text(cat_nlp):
    doc = cat_nlp("the cat sat")
    generator = cat_nlp.get_pipe("lexiloom_generator")
    assert doc._.lexiloom_generator == generator.name == "lexiloom_generator"
    assert doc._.generate(max_tokens=12, temperature=0) == \
        generator.generate("the cat sat", max_tokens=12, temperature=0) == " on the mat."


def test_doc_generate_uses_the_generator_of_the_pipeline_that_made_the_doc(cat_nlp, dog_nlp):
    cat_doc, dog_doc = cat_nlp("the c"), dog_nlp("a d")
    assert cat_doc._.generate(max_tokens=7, temperature=0) == "at sat "
    assert dog_doc._.generate(max_tokens=7, temperature=0) == "og ran "
    other = cat_nlp.get_pipe("lexiloom_generator").generate("a d", max_tokens=7, temperature=0)
    assert other != "og ran "


def test_doc_generate_without_a_generator_pipeline_raises_settings_error(cat_nlp):
    import spacy

    doc = spacy.blank("en")("no generator here")
    with pytest.raises(SettingsError, match="lexiloom_generator"):
        doc._.generate(max_tokens=3)


def test_annotation_mode_stores_a_greedy_continuation(cat_nlp):
    nlp = trained_pipeline(CAT, annotate_tokens=6)
    doc = nlp("the cat")
    assert doc._.continuation == " sat o"
    assert [d._.continuation for d in nlp.pipe(["the cat", "the cat sat"])] == \
        [" sat o", " on th"]


def test_without_annotation_mode_continuation_is_none(cat_nlp):
    assert cat_nlp("the cat")._.continuation is None


def test_empty_prompt_and_unknown_characters_generate_without_crashing(cat_nlp):
    generator = cat_nlp.get_pipe("lexiloom_generator")
    assert isinstance(generator.generate("", max_tokens=5, seed=0), str)
    assert len(generator.generate("ZQ€\n", max_tokens=5, temperature=0)) <= 5 * 1


def test_perplexity_of_memorised_text_is_below_that_of_other_text(cat_nlp):
    generator = cat_nlp.get_pipe("lexiloom_generator")
    seen = generator.perplexity([CAT * 2])
    unseen = generator.perplexity(["zzz qqq xxx"])
    assert seen.tokens == len(CAT * 2) + 1
    assert seen.perplexity < 2.0 < unseen.perplexity


def test_nlp_initialize_never_builds_the_vocabulary_from_unrelated_examples():
    from spacy.training import Example

    nlp = blank_pipeline()
    examples = [Example(nlp.make_doc(t), nlp.make_doc(t)) for t in ("abc", "cab d")]
    with pytest.raises(SettingsError, match="TextStreams"):
        nlp.initialize(lambda: examples)
    assert nlp.get_pipe("lexiloom_generator").token_vocab is None


def test_doc_copies_keep_the_generator_and_serialised_docs_say_how_to_get_it_back(cat_nlp):
    from spacy.tokens import Doc

    doc = cat_nlp("the cat")
    assert doc.copy()._.generate(max_tokens=3, temperature=0) == \
        doc._.generate(max_tokens=3, temperature=0)
    with pytest.warns(UserWarning, match="W109"):  # spaCy: hooks are not serialised
        data = doc.to_bytes()
    restored = Doc(cat_nlp.vocab).from_bytes(data)
    assert restored._.lexiloom_generator == "lexiloom_generator"
    with pytest.raises(SettingsError, match="nlp\\(text\\)"):
        restored._.generate(max_tokens=3)


def test_word_level_generator_detokenises_words():
    nlp = blank_pipeline(level="word")
    generator = nlp.get_pipe("lexiloom_generator")
    assert generator.tokenizer_name == "regex"
    text = "the cat sat on the mat . " * 4
    generator.initialize(texts=[text])
    fit(generator, text, steps=100)
    assert generator.generate("the cat", max_tokens=4, temperature=0) == "sat on the mat"


def test_generate_before_initialize_raises_settings_error():
    generator = blank_pipeline().get_pipe("lexiloom_generator")
    with pytest.raises(SettingsError, match="initialize"):
        generator.generate("x")


def test_initialize_without_texts_raises_settings_error():
    generator = blank_pipeline().get_pipe("lexiloom_generator")
    with pytest.raises(SettingsError, match="texts"):
        generator.initialize()
    with pytest.raises(SettingsError, match="no tokens"):
        generator.initialize(texts=["", ""])


@pytest.mark.parametrize("config, message", [
    ({"level": "sentence"}, "level"),
    ({"level": "word", "tokenizer": "char"}, "level"),
    ({"annotate_tokens": -1}, "annotate_tokens"),
    ({"min_count": 0}, "min_count"),
    ({"tokenizer_settings": {"bogus": 1}}, "bogus"),
])
def test_bad_component_settings_raise_settings_error(config, message):
    with pytest.raises(SettingsError, match=message):
        blank_pipeline(**config)


def test_unknown_tokenizer_raises_an_error_listing_the_available_ones():
    with pytest.raises(LexiloomError, match=r"no-such-tokenizer.*available: char"):
        blank_pipeline(tokenizer="no-such-tokenizer")


def test_non_causal_encoder_is_refused_at_initialize():
    nlp = blank_pipeline(encoder={"name": "lstm", "bidirectional": True})
    with pytest.raises(SettingsError, match="causal"):
        nlp.get_pipe("lexiloom_generator").initialize(texts=["abc"])
