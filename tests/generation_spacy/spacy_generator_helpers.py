"""Small trained ``lexiloom_generator`` pipelines for the tests in this folder (imported as
``spacy_generator_helpers``)."""

from __future__ import annotations

from typing import Any

import torch

import lexiloom.spacy.components.generator_factory  # noqa: F401  (registers the factory)

CAT = "the cat sat on the mat. "
DOG = "a dog ran in the fog! "

SMALL_MODEL: dict[str, Any] = {
    "embedder": {"name": "trainable", "dim": 16},
    "encoder": {"name": "gru", "hidden_size": 48},
}


def blank_pipeline(**config: Any) -> Any:
    """A blank English pipeline with a (not yet initialised) small ``lexiloom_generator``."""
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("lexiloom_generator", config={**SMALL_MODEL, **config})
    return nlp


def fit(generator: Any, text: str, steps: int = 120, lr: float = 0.03) -> float:
    """Train the generator's module to predict ``text`` with Adam; the last loss in nats per
    token. No <bos> is prepended: a prompt is read the same way, so a prompt that starts like
    ``text`` starts from the state the model was trained from."""
    module, vocab = generator.module, generator.token_vocab
    ids = vocab.encode(generator.tokenizer.tokenize(text))
    data = torch.tensor([ids])
    lengths = torch.tensor([len(ids) - 1])
    optimizer = torch.optim.Adam(module.parameters(), lr=lr)
    module.train()
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        for _ in range(steps):
            logits, _ = module(data[:, :-1], lengths)
            loss = torch.nn.functional.cross_entropy(logits[0], data[0, 1:])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    module.eval()
    return float(loss.detach())


def trained_pipeline(text: str = CAT, repeats: int = 4, **config: Any) -> Any:
    """A pipeline whose generator has memorised ``text`` repeated ``repeats`` times."""
    nlp = blank_pipeline(**config)
    generator = nlp.get_pipe("lexiloom_generator")
    generator.initialize(texts=[text * repeats])
    fit(generator, text * repeats)
    return nlp
