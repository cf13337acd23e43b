"""The spaCy factory of ``lexiloom_generator`` (see
:class:`lexiloom.spacy.components.generator.TextGenerator`); the module the ``spacy_factories``
entry point names for it.

It stays light: it imports spaCy's ``Language`` and nothing from torch or the component
implementation, which loads when a component is created::

    nlp.add_pipe("lexiloom_generator", config={"level": "char",
                                                "encoder": {"name": "lstm", "hidden_size": 256}})
"""

from __future__ import annotations

from typing import Any

from spacy.language import Language

from lexiloom.spacy.names import GENERATOR_FACTORY

DEFAULT_GENERATOR_CONFIG: dict[str, Any] = {
    "tokenizer": None,
    "tokenizer_settings": {},
    "level": None,
    # Names only: spaCy deep-merges these blocks into a user's blocks, so a setting here would be
    # forced onto a user's other embedder/encoder/head. Each component's own defaults apply.
    "embedder": {"name": "trainable"},
    "encoder": {"name": "lstm"},
    "head": {"name": "generation"},
    "dropout": None,
    "tie_weights": False,
    "min_count": 1,
    "max_size": None,
    "seed": 0,
    "annotate_tokens": 0,
    "documents": "auto",
    "objective": "next",
}
"""The settings of ``lexiloom_generator`` unless its config says otherwise."""


@Language.factory(
    GENERATOR_FACTORY,
    assigns=["doc._.lexiloom_generator", "doc._.continuation"],
    default_config=DEFAULT_GENERATOR_CONFIG,
    default_score_weights={"lm_score": 1.0, "lm_cross_entropy": None, "lm_perplexity": None},
)
def make_generator(
    nlp: Language,
    name: str,
    tokenizer: str | None,
    tokenizer_settings: dict[str, Any],
    level: str | None,
    embedder: dict[str, Any],
    encoder: dict[str, Any],
    head: dict[str, Any],
    dropout: float | None,
    tie_weights: bool,
    min_count: int,
    max_size: int | None,
    seed: int | None,
    annotate_tokens: int,
    documents: str,
    objective: str,
) -> Any:
    """Create a ``lexiloom_generator`` component (a ``TextGenerator``)."""
    from lexiloom.spacy.components.generator import TextGenerator

    return TextGenerator(
        nlp.vocab, name, tokenizer=tokenizer, tokenizer_settings=tokenizer_settings,
        level=level, embedder=embedder, encoder=encoder, head=head, dropout=dropout,
        tie_weights=tie_weights, min_count=min_count, max_size=max_size, seed=seed,
        annotate_tokens=annotate_tokens, documents=documents, objective=objective)


__all__ = ["DEFAULT_GENERATOR_CONFIG", "GENERATOR_FACTORY", "make_generator"]
