"""The classifier learns: it overfits a toy separable task, and the same training on shuffled
labels stays near chance on held-out data (the control)."""

from __future__ import annotations

import random

import pytest
import torch

from lexiloom.models import build_text_classifier
from lexiloom.vocab import Vocab

VOCAB = Vocab([f"w{i}" for i in range(16)])
KEY = VOCAB["w0"]


def toy_data(n: int, rng: random.Random) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Sequences of 2–6 random tokens; label 1 exactly when the key token occurs."""
    others = [VOCAB[f"w{i}"] for i in range(1, 16)]
    rows, labels = [], []
    for i in range(n):
        tokens = [rng.choice(others) for _ in range(rng.randint(2, 6))]
        if i % 2:
            tokens[rng.randrange(len(tokens))] = KEY
        rows.append(tokens)
        labels.append(i % 2)
    lengths = torch.tensor([len(r) for r in rows])
    ids = torch.zeros(n, int(lengths.max()), dtype=torch.long)
    for i, row in enumerate(rows):
        ids[i, : len(row)] = torch.tensor(row)
    return ids, lengths, torch.tensor(labels)


def train(ids, lengths, labels, steps: int = 200):
    model = build_text_classifier(VOCAB, 2, embedder={"name": "trainable", "dim": 16, "seed": 0},
                                  encoder={"name": "gru", "hidden_size": 16, "seed": 0},
                                  head={"name": "classification", "pooling": "max", "seed": 0},
                                  exclusive=True)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.02)
    model.train()
    for _ in range(steps):
        optimizer.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(ids, lengths), labels)
        loss.backward()
        optimizer.step()
    return model.eval()


def accuracy(model, ids, lengths, labels) -> float:
    with torch.no_grad():
        return (model(ids, lengths).argmax(-1) == labels).float().mean().item()


@pytest.fixture
def one_thread():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def test_classifier_overfits_a_separable_task_and_shuffled_labels_stay_at_chance(
        one_thread) -> None:
    rng = random.Random(0)
    ids, lengths, labels = toy_data(40, rng)
    held_ids, held_lengths, held_labels = toy_data(200, rng)
    model = train(ids, lengths, labels)
    assert accuracy(model, ids, lengths, labels) >= 0.95
    assert accuracy(model, held_ids, held_lengths, held_labels) >= 0.9

    shuffled = labels[torch.randperm(len(labels), generator=torch.Generator().manual_seed(1))]
    control = train(ids, lengths, shuffled)
    assert abs(accuracy(control, held_ids, held_lengths, held_labels) - 0.5) <= 0.15
