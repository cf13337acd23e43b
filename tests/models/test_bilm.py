"""The bidirectional language model (``lexiloom.models.bilm``): each half predicts only what it
has not read, it learns, and settings it cannot honour are errors."""

from __future__ import annotations

import pytest
import torch

from lexiloom.errors import SettingsError
from lexiloom.models.bilm import build_bidirectional_lm
from lexiloom.vocab import Vocab

TEXTS = [["the", "cat", "sat", "on", "the", "mat"], ["a", "dog", "ran", "in", "the", "park"]]
GRU = {"name": "gru", "hidden_size": 8, "bidirectional": True, "seed": 0}
EMBEDDER = {"name": "trainable", "dim": 8, "seed": 0}


def model(**settings):
    vocab = Vocab.build(TEXTS, form="text")
    return build_bidirectional_lm(vocab, embedder=EMBEDDER,
                                  encoder=settings.pop("encoder", GRU), **settings), vocab


def test_a_text_of_n_tokens_makes_two_predictions_per_neighbouring_pair():
    lm, vocab = model()
    ids = torch.tensor([vocab.encode(TEXTS[0]), [*vocab.encode(TEXTS[1][:3]), 0, 0, 0]])
    _, count = lm.nll(ids, torch.tensor([6, 3]))
    assert count == 2 * (6 - 1) + 2 * (3 - 1)
    _, ignored = lm.nll(ids, torch.tensor([6, 3]), ignore_ids=(vocab["the"],))
    # "the" (positions 0 and 4 of text 0) is a target of the next-word half once (position 0 is
    # nobody's next word) and of the previous-word half twice
    assert ignored == count - 3


def test_neither_half_reads_the_token_it_predicts():
    lm, vocab = model()
    ids = torch.tensor([vocab.encode(TEXTS[0])])
    lengths = torch.tensor([6])
    states = lm.encoder(lm.embedding(ids), lengths).states
    later, earlier = ids.clone(), ids.clone()
    later[0, 4:] = vocab["dog"]    # change what comes after position 3
    earlier[0, :3] = vocab["dog"]  # change what comes before position 3
    forward_after = lm.encoder(lm.embedding(later), lengths).states
    backward_after = lm.encoder(lm.embedding(earlier), lengths).states
    half = lm.half
    assert torch.equal(states[0, :4, :half], forward_after[0, :4, :half])
    assert not torch.equal(states[0, 4:, :half], forward_after[0, 4:, :half])  # control
    assert torch.equal(states[0, 3:, half:], backward_after[0, 3:, half:])
    assert not torch.equal(states[0, :3, half:], backward_after[0, :3, half:])  # control


def test_no_target_reaches_the_loss_through_its_own_input():
    lm, vocab = model()
    ids = torch.tensor([vocab.encode(["a", "dog", "ran", "in", "the", "park"])])
    captured = {}

    def keep(module, inputs, output):
        output.retain_grad()
        captured["vectors"] = output

    lm.embedding.register_forward_hook(keep)
    others = tuple(i for i in ids[0].tolist() if i != vocab["ran"])
    nll, count = lm.nll(ids, torch.tensor([6]), ignore_ids=others)  # "ran" (position 2) only
    assert count == 2
    nll.backward()
    grad = captured["vectors"].grad[0].abs().sum(dim=1)
    assert grad[2] == 0  # its own embedding never helps predict it
    assert grad[1] > 0 and grad[3] > 0  # control: its neighbours do


def test_scoring_counts_every_neighbouring_pair_once_across_windows():
    lm, vocab = model()
    stream = vocab.encode(TEXTS[0] + TEXTS[1])
    whole = lm.score_streams([stream], chunk_size=256)
    windows = lm.score_streams([stream], chunk_size=3)
    assert whole.tokens == windows.tokens == 2 * (len(stream) - 1)
    with pytest.raises(SettingsError, match="flat sequence"):
        lm.score_streams([[stream]])


def test_it_learns_a_small_text():
    torch.manual_seed(0)
    lm, vocab = model()
    ids = torch.tensor([vocab.encode(t) for t in TEXTS])
    lengths = torch.tensor([6, 6])
    optimizer = torch.optim.Adam(lm.parameters(), lr=0.05)
    first = None
    for _ in range(60):
        optimizer.zero_grad()
        nll, count = lm.nll(ids, lengths)
        (nll / count).backward()
        optimizer.step()
        first = float(nll.detach()) / count if first is None else first
    assert float(lm.nll(ids, lengths)[0].detach()) / count < 0.5 * first
    score = lm.score_streams([vocab.encode(TEXTS[0])])
    assert score.tokens == 10 and score.cross_entropy < first


@pytest.mark.parametrize("settings, named", [
    ({"encoder": {**GRU, "bidirectional": False}}, "bidirectional encoder"),
    ({"encoder": {**GRU, "num_layers": 2}}, "one-layer encoder"),
    ({"head": {"name": "generation", "projection_size": 4}}, "head settings"),
    ({"tie_weights": True}, "tie weights"),
    ({"dropout": 1.5}, "dropout"),
])
def test_settings_it_cannot_honour_are_errors(settings, named):
    with pytest.raises(SettingsError, match=named):
        model(**settings)
