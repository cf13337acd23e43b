"""Tiny language models for the generation tests, untrained and trained (imported by the tests
as ``lm_helpers``; ``conftest.py`` re-exports the fixtures)."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any, NamedTuple

import pytest
import torch

from lexiloom import plugins

TEXT = "the cat sat on the mat. the dog sat on the log."
"""The short text the trained character model memorises."""


@pytest.fixture(autouse=True, scope="session")
def _one_thread() -> Iterator[None]:
    """One torch thread (timings are steadier); the previous setting is restored afterwards."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


class Trained(NamedTuple):
    model: Any
    vocab: Any
    tokenizer: Any
    loss: float
    threshold: float


def char_setup(cell: str = "gru", hidden: int = 32, *, dim: int = 16, seed: int = 0,
               text: str = TEXT, **model_settings: Any) -> tuple[Any, Any, Any]:
    """An untrained character-level model over ``text``'s characters, its vocab and tokenizer."""
    from lexiloom import registry
    from lexiloom.models.language_model import build_language_model
    from lexiloom.vocab import Vocab

    tokenizer = registry.tokenizers.create("char")
    vocab = Vocab.build([tokenizer.tokenize(text)])
    model = build_language_model(
        vocab, embedder={"name": "trainable", "dim": dim, "seed": seed},
        encoder={"name": cell, "hidden_size": hidden, "seed": seed},
        head={"name": "generation", "seed": seed}, **model_settings)
    return model.eval(), vocab, tokenizer


def train(model: Any, ids: list[int], steps: int, lr: float = 0.02) -> float:
    """Fit ``model`` to predict ``ids[1:]`` from ``ids[:-1]``; the last loss (nats/token)."""
    data = torch.tensor([ids])
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    model.train()
    for _ in range(steps):
        logits, _ = model(data[:, :-1], torch.tensor([data.shape[1] - 1]))
        loss = torch.nn.functional.cross_entropy(logits[0], data[0, 1:])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    model.eval()
    return float(loss.detach())


@pytest.fixture(scope="session")
def trained() -> Iterator[Trained]:
    """A GRU character model that has memorised :data:`TEXT` (framed by <bos> ... <eos>)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(plugins.PLUGINS_ENV, "")
        plugins.reset()
        torch.manual_seed(0)
        model, vocab, tokenizer = char_setup("gru", 64)
        ids = vocab.encode(tokenizer.tokenize(TEXT), bos=True, eos=True)
        loss = train(model, ids, steps=250)
        plugins.reset()
    yield Trained(model, vocab, tokenizer, loss, 0.3 * math.log(len(vocab)))


def ban_eos(model: Any, vocab: Any) -> Any:
    """``model`` with <eos> made impossible, so generation always runs to ``max_tokens``."""
    with torch.no_grad():
        model.head.output.bias[vocab.eos_id] = -1e9
    return model
