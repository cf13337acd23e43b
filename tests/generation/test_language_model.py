"""The language model: shapes, stepping with carried state, weight tying, refusals, learning."""

from __future__ import annotations

import pytest
import torch
from lm_helpers import TEXT, char_setup

from lexiloom.errors import SettingsError
from lexiloom.models.language_model import LanguageModel, build_language_model
from lexiloom.vocab import Vocab

CELLS = ["rnn", "lstm", "gru"]


def test_forward_gives_logits_per_position_and_the_carried_state() -> None:
    model, vocab, _ = char_setup("lstm", 12)
    logits, state = model(torch.tensor([[2, 5, 6, 0], [2, 7, 0, 0]]), torch.tensor([3, 2]))
    assert logits.shape == (2, 4, len(vocab)) and model.vocab_size == len(vocab)
    h, c = state
    assert h.shape == c.shape == (1, 2, 12)


def test_a_sequences_logits_do_not_depend_on_its_batch() -> None:
    model, _, _ = char_setup("gru", 12)
    batch, _ = model(torch.tensor([[2, 5, 6, 8], [2, 7, 0, 0]]), torch.tensor([4, 2]))
    alone, _ = model(torch.tensor([[2, 7]]), torch.tensor([2]))
    torch.testing.assert_close(batch[1, :2], alone[0], atol=1e-6, rtol=0)


@pytest.mark.parametrize("cell", CELLS)
def test_stepping_with_carried_state_gives_the_distribution_of_encoding_the_whole_prefix(
        cell: str) -> None:
    model, vocab, _ = char_setup(cell, 16)
    ids = torch.tensor([vocab.encode(list("the cat sat"), bos=True)])
    full, _ = model(ids, torch.tensor([ids.shape[1]]))
    want = model.probabilities(full[0])
    _, state = model(ids[:, :3], torch.tensor([3]))        # prompt encoded once
    got = [model.probabilities(full[0, 2])]
    for position in range(3, ids.shape[1]):
        logits, state = model.step(ids[:, position], state)
        got.append(model.probabilities(logits[0]))
    torch.testing.assert_close(torch.stack(got), want[2:], atol=1e-5, rtol=0)


@pytest.mark.parametrize("cell", CELLS)
def test_stepping_agrees_with_the_full_pass_for_stacked_layers_with_dropout_in_eval_mode(
        cell: str) -> None:
    model, vocab, _ = char_setup(cell, 16)
    model = build_language_model(vocab, embedder={"name": "trainable", "dim": 8, "seed": 1},
                                 encoder={"name": cell, "hidden_size": 16, "num_layers": 2,
                                          "dropout": 0.3, "seed": 1},
                                 head={"name": "generation", "dropout": 0.3, "seed": 1},
                                 dropout=0.3).eval()
    ids = torch.tensor([vocab.encode(list("on the mat"), bos=True)])
    full, _ = model(ids, torch.tensor([ids.shape[1]]))
    state = model.initial_state(1)
    steps = []
    for position in range(ids.shape[1]):
        logits, state = model.step(ids[:, position], state)
        steps.append(logits[0])
    torch.testing.assert_close(model.probabilities(torch.stack(steps)),
                               model.probabilities(full[0]), atol=1e-5, rtol=0)


def test_tie_weights_shares_one_parameter_between_embeddings_and_output_layer() -> None:
    tied, _, _ = char_setup("gru", 16, dim=16, tie_weights=True)
    untied, _, _ = char_setup("gru", 16, dim=16)
    assert tied.head.output.weight is tied.embedding.weight
    assert tied.settings["tie_weights"] is True
    count = sum(p.numel() for p in tied.parameters())
    assert count == sum(p.numel() for p in untied.parameters()) - tied.embedding.weight.numel()
    tied.train()
    optimizer = torch.optim.SGD(tied.parameters(), lr=0.5)
    logits, _ = tied(torch.tensor([[2, 5, 6]]), torch.tensor([3]))
    logits.sum().backward()
    optimizer.step()
    assert tied.head.output.weight is tied.embedding.weight


def test_tie_weights_with_mismatched_sizes_names_the_fix_and_a_projection_solves_it() -> None:
    with pytest.raises(SettingsError, match="projection_size=8"):
        char_setup("gru", 16, dim=8, tie_weights=True)
    _, vocab, _ = char_setup()
    model = build_language_model(vocab, embedder={"name": "trainable", "dim": 8},
                                 encoder={"name": "lstm", "hidden_size": 16},
                                 head={"name": "generation", "projection_size": 8},
                                 tie_weights=True)
    assert model.head.output.weight is model.embedding.weight


def test_tie_weights_refuses_frozen_embeddings() -> None:
    model, vocab, _ = char_setup("gru", 16, dim=16)
    frozen = torch.nn.Embedding(len(vocab), 16).requires_grad_(False)
    frozen.weight = torch.nn.Parameter(frozen.weight.detach(), requires_grad=False)
    with pytest.raises(SettingsError, match="frozen"):
        LanguageModel(frozen, model.encoder, model.head, tie_weights=True)


def test_a_non_causal_encoder_is_refused_naming_the_causal_encoders() -> None:
    vocab = Vocab(list("abc"))
    with pytest.raises(SettingsError, match=r"not causal.*gru, lstm, rnn"):
        build_language_model(vocab, embedder={"name": "trainable", "dim": 4},
                             encoder={"name": "lstm", "bidirectional": True},
                             head={"name": "generation"})


def test_a_pooling_head_is_refused() -> None:
    with pytest.raises(SettingsError, match="'generation' head"):
        build_language_model(Vocab(list("abc")), embedder={"name": "trainable", "dim": 4},
                             encoder={"name": "gru", "hidden_size": 4},
                             head={"name": "classification"})


@pytest.mark.parametrize("settings", [{"dropout": 1.0}, {"dropout": "no"},
                                      {"tie_weights": "yes"}])
def test_bad_model_settings_raise_settings_error(settings: dict) -> None:
    with pytest.raises(SettingsError, match=next(iter(settings))):
        char_setup(**settings)


def test_bad_specs_raise_settings_error() -> None:
    with pytest.raises(SettingsError, match="'name'"):
        build_language_model(Vocab(["a"]), embedder={"dim": 4}, encoder={"name": "gru"},
                             head={"name": "generation"})


def test_a_small_char_model_overfits_a_short_text(trained) -> None:
    """The loss falls below 0.3 × ln(vocabulary size) within 150 Adam steps."""
    assert trained.loss < trained.threshold


def test_the_overfitted_model_greedily_recites_its_text_from_an_empty_prompt(trained) -> None:
    from lexiloom.models.generation import generate

    text = generate(trained.model, trained.vocab, trained.tokenizer, "", temperature=0,
                    max_tokens=200)
    assert text == TEXT   # then <eos> ends it
