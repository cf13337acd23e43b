"""Text generation: reproducibility, stateful = prefix re-encoding (and faster), prompts, special
tokens, stop strings, streaming, word-level output and bad settings."""

from __future__ import annotations

import time

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from lm_helpers import TEXT, ban_eos, char_setup, train

from lexiloom import registry
from lexiloom.errors import SettingsError
from lexiloom.models.generation import (
    generate,
    generate_by_prefix_reencoding,
    prompt_ids,
    stream,
)
from lexiloom.models.language_model import build_language_model
from lexiloom.vocab import SPECIALS, Vocab


@pytest.fixture
def lm():
    model, vocab, tokenizer = char_setup("lstm", 24)
    return ban_eos(model, vocab), vocab, tokenizer


def test_the_same_seed_gives_the_same_text(lm) -> None:
    first = generate(*lm, "the", max_tokens=40, seed=7)
    assert first == generate(*lm, "the", max_tokens=40, seed=7)
    assert len(first) == 40


def test_different_seeds_at_temperature_one_give_different_text(lm) -> None:
    texts = {generate(*lm, "the", max_tokens=40, temperature=1.0, seed=s) for s in range(3)}
    assert len(texts) == 3


def test_top_k_1_generates_the_greedy_text(lm) -> None:
    greedy = generate(*lm, "the c", max_tokens=40, temperature=0)
    assert generate(*lm, "the c", max_tokens=40, top_k=1, seed=1) == greedy
    assert generate(*lm, "the c", max_tokens=40, top_k=1, seed=2, temperature=3.0) == greedy


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("sampling", [{"temperature": 0}, {"temperature": 1.0},
                                      {"top_k": 5, "temperature": 0.8}, {"top_p": 0.9}])
def test_stateful_generation_equals_prefix_reencoding_with_the_same_seed(
        cell: str, sampling: dict) -> None:
    model, vocab, tokenizer = char_setup(cell, 16)
    ban_eos(model, vocab)
    args = (model, vocab, tokenizer, "on the")
    stateful = generate(*args, max_tokens=60, seed=11, **sampling)
    assert stateful == generate_by_prefix_reencoding(*args, max_tokens=60, seed=11, **sampling)
    assert len(stateful) == 60


def test_stateful_generation_is_much_faster_than_prefix_reencoding_at_300_tokens() -> None:
    """Each new token costs one encoder step instead of a pass over the whole prefix."""
    model, vocab, tokenizer = char_setup("gru", 32)
    ban_eos(model, vocab)
    args = (model, vocab, tokenizer, "the")

    def seconds(function) -> float:
        start = time.perf_counter()
        function(*args, max_tokens=300, seed=3)
        return time.perf_counter() - start

    stateful = min(seconds(generate) for _ in range(2))
    reencoding = seconds(generate_by_prefix_reencoding)
    assert reencoding / stateful >= 3, (stateful, reencoding)


def test_an_empty_prompt_starts_from_bos(trained) -> None:
    assert prompt_ids(trained.vocab, trained.tokenizer, "") == [trained.vocab.bos_id]
    greedy = generate(trained.model, trained.vocab, trained.tokenizer, "", temperature=0)
    assert greedy == TEXT            # the model learnt the text after <bos>


def test_unknown_characters_in_the_prompt_become_unk(lm) -> None:
    model, vocab, tokenizer = lm
    assert prompt_ids(vocab, tokenizer, "t#€") == [vocab["t"], vocab.unk_id, vocab.unk_id]
    weird = generate(model, vocab, tokenizer, "t#€", max_tokens=20, seed=1)
    assert weird == generate(model, vocab, tokenizer, "tQZ", max_tokens=20, seed=1)
    assert len(weird) == 20


def test_pad_bos_and_unk_are_never_generated_even_when_most_likely(lm) -> None:
    model, vocab, tokenizer = lm
    with torch.no_grad():
        model.head.output.bias[[vocab.pad_id, vocab.bos_id, vocab.unk_id]] = 50.0
    for seed in range(3):
        text = generate(model, vocab, tokenizer, "", max_tokens=30, seed=seed)
        assert len(text) == 30 and set(text) <= set(vocab.decode(range(len(vocab))))
        assert not any(special in text for special in SPECIALS)


def test_eos_ends_generation(lm) -> None:
    model, vocab, tokenizer = lm
    with torch.no_grad():
        model.head.output.bias[vocab.eos_id] = 50.0
    assert generate(model, vocab, tokenizer, "the", max_tokens=30, seed=0) == ""


def test_max_tokens_bounds_the_number_of_tokens(lm) -> None:
    assert generate(*lm, "a", max_tokens=0) == ""
    assert len(generate(*lm, "a", max_tokens=1, seed=0)) == 1


@pytest.mark.parametrize(("stop", "expected"), [
    ("mat", "the cat sat on the "),
    (["dog", "cat"], "the "),
    (". ", "the cat sat on the mat"),
    ("the", ""),
    ("zebra", TEXT),
])
def test_stop_strings_end_the_text_before_them(trained, stop, expected: str) -> None:
    args = (trained.model, trained.vocab, trained.tokenizer, "")
    assert generate(*args, temperature=0, stop=stop) == expected
    assert "".join(stream(*args, temperature=0, stop=stop)) == expected


_STOP_MODEL = None


def _stop_model():
    global _STOP_MODEL
    if _STOP_MODEL is None:
        model, vocab, tokenizer = char_setup("gru", 16, seed=5)
        _STOP_MODEL = (ban_eos(model, vocab), vocab, tokenizer)
    return _STOP_MODEL


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet="aet .", min_size=1, max_size=3), min_size=1, max_size=3),
       st.integers(0, 1000))
def test_property_stopped_text_is_the_unstopped_text_cut_before_the_first_stop(
        stops: list[str], seed: int) -> None:
    """With stop strings the text is the longest start of the unstopped text that contains
    none of them, and the streamed pieces join to it."""
    lm = _stop_model()
    full = generate(*lm, "the", max_tokens=40, seed=seed)
    stopped = generate(*lm, "the", max_tokens=40, seed=seed, stop=stops)
    found = [i for i in (full.find(s) for s in stops) if i >= 0]
    assert stopped == full[:min(found, default=len(full))]
    assert "".join(stream(*lm, "the", max_tokens=40, seed=seed, stop=stops)) == stopped


def test_streaming_yields_the_text_of_generate_piece_by_piece(lm) -> None:
    pieces = list(stream(*lm, "the", max_tokens=50, seed=4))
    assert len(pieces) == 50                        # char level, no stop: one piece per token
    assert "".join(pieces) == generate(*lm, "the", max_tokens=50, seed=4)
    with_stop = list(stream(*lm, "the", max_tokens=50, seed=4, stop=["ab", "zz"]))
    assert "".join(with_stop) == generate(*lm, "the", max_tokens=50, seed=4, stop=["ab", "zz"])


def test_stream_produces_lazily(lm) -> None:
    model, vocab, tokenizer = lm
    pieces = stream(model, vocab, tokenizer, "the", max_tokens=10**9, seed=0)
    assert len(next(pieces)) == 1
    pieces.close()


def test_generation_restores_the_models_training_mode(lm) -> None:
    model = lm[0].train()
    generate(*lm, "the", max_tokens=5, seed=0)
    assert model.training


def test_word_level_output_is_detokenised_with_the_tokenizers_detokenize() -> None:
    tokenizer = registry.tokenizers.create("regex")
    text = "hello , world ! ( ok ) the end ."
    vocab = Vocab.build([tokenizer.tokenize(text)], form="text")
    torch.manual_seed(0)
    model = build_language_model(vocab, embedder={"name": "trainable", "dim": 16, "seed": 0},
                                 encoder={"name": "gru", "hidden_size": 32, "seed": 0},
                                 head={"name": "generation", "seed": 0})
    train(model, vocab.encode(tokenizer.tokenize(text), bos=True, eos=True), steps=80)
    assert generate(model, vocab, tokenizer, "", temperature=0) == \
        "hello, world! (ok) the end."
    assert "".join(stream(model, vocab, tokenizer, "hello", temperature=0)) == \
        ", world! (ok) the end."


@pytest.mark.parametrize(("settings", "name"), [
    ({"max_tokens": -1}, "max_tokens"), ({"max_tokens": 2.0}, "max_tokens"),
    ({"temperature": -0.1}, "temperature"), ({"top_k": 0}, "top_k"), ({"top_p": 2}, "top_p"),
    ({"seed": "x"}, "seed"), ({"stop": ""}, "stop"), ({"stop": ["a", 3]}, "stop"),
])
def test_bad_generation_settings_raise_settings_error_before_anything_runs(
        lm, settings: dict, name: str) -> None:
    with pytest.raises(SettingsError, match=name):
        stream(*lm, "the", **settings)             # raised at the call, not the first piece
    with pytest.raises(SettingsError, match=name):
        generate(*lm, "the", **settings)


def test_a_prompt_that_is_not_a_string_or_a_wrong_vocabulary_is_refused(lm) -> None:
    model, vocab, tokenizer = lm
    with pytest.raises(SettingsError, match="string"):
        generate(model, vocab, tokenizer, None)  # type: ignore[arg-type]
    with pytest.raises(SettingsError, match="vocabulary"):
        generate(model, Vocab(["a"]), tokenizer, "a")
