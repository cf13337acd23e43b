"""Held-out cross-entropy (nats per token) and perplexity."""

from __future__ import annotations

import math

import pytest
import torch
from lm_helpers import TEXT, char_setup

from lexiloom.errors import CorpusError, SettingsError
from lexiloom.models.perplexity import evaluate_language_model, perplexity


def test_perplexity_is_exp_of_the_cross_entropy(trained) -> None:
    ids = trained.vocab.encode(trained.tokenizer.tokenize(TEXT), bos=True, eos=True)
    score = evaluate_language_model(trained.model, [ids])
    assert score.perplexity == pytest.approx(math.exp(score.cross_entropy))
    assert score.tokens == len(ids) - 1
    assert score.cross_entropy < trained.threshold       # it memorised this text
    assert score.to_dict()["tokens"] == score.tokens


def test_a_uniform_models_perplexity_is_the_vocabulary_size() -> None:
    model, vocab, tokenizer = char_setup()
    with torch.no_grad():
        model.head.output.weight.zero_()
        model.head.output.bias.zero_()
    score = evaluate_language_model(model, [vocab.encode(tokenizer.tokenize(TEXT))])
    assert score.perplexity == pytest.approx(len(vocab), rel=1e-5)
    assert score.cross_entropy == pytest.approx(math.log(len(vocab)), rel=1e-6)


def test_the_cross_entropy_is_that_of_one_pass_whatever_the_chunk_size() -> None:
    model, vocab, tokenizer = char_setup("lstm", 16)
    ids = vocab.encode(tokenizer.tokenize(TEXT), bos=True)
    logits, _ = model(torch.tensor([ids[:-1]]), torch.tensor([len(ids) - 1]))
    want = float(torch.nn.functional.cross_entropy(logits[0], torch.tensor(ids[1:])).detach())
    for chunk_size in (1, 7, 1000):
        got = evaluate_language_model(model, [ids], chunk_size=chunk_size).cross_entropy
        assert got == pytest.approx(want, abs=1e-5)


def test_streams_are_independent_and_weighted_by_their_tokens() -> None:
    model, vocab, tokenizer = char_setup()
    a = vocab.encode(tokenizer.tokenize("the cat"), bos=True)
    b = vocab.encode(tokenizer.tokenize("on the log."), bos=True)
    sa, sb = (evaluate_language_model(model, [s]) for s in (a, b))
    both = evaluate_language_model(model, [a, b, [vocab.bos_id]])   # a 1-id stream adds nothing
    assert both.tokens == sa.tokens + sb.tokens
    expected = (sa.cross_entropy * sa.tokens + sb.cross_entropy * sb.tokens) / both.tokens
    assert both.cross_entropy == pytest.approx(expected, abs=1e-6)


def test_nothing_to_predict_is_a_corpus_error_naming_the_fix() -> None:
    model, _, _ = char_setup()
    with pytest.raises(CorpusError, match="at least two tokens"):
        evaluate_language_model(model, [[2], []])


def test_bad_ids_or_chunk_size_raise_settings_error() -> None:
    model, vocab, _ = char_setup()
    with pytest.raises(SettingsError, match="token ids"):
        evaluate_language_model(model, [[2, len(vocab)]])
    with pytest.raises(SettingsError, match="chunk_size"):
        evaluate_language_model(model, [[2, 4]], chunk_size=0)


def test_perplexity_overflows_to_infinity() -> None:
    assert perplexity(0.0) == 1.0 and perplexity(1e6) == math.inf
