"""The recurrent language model: embedding layer → causal encoder → generation head."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import torch
from torch import nn

from lexiloom import registry
from lexiloom.errors import LexiloomError, SettingsError
from lexiloom.models.assembly import build_input, spec_of, spec_parts
from lexiloom.models.seeding import seeded

if TYPE_CHECKING:
    from lexiloom.vocab import Vocab


class LanguageModel(nn.Module):
    """Token ids to next-token logits: ``embedding(ids)`` → dropout → causal ``encoder`` →
    per-position ``head``.

    ``forward(ids, lengths, state=None)`` takes ids (batch, time), padded with ``<pad>`` = 0, their
    true ``lengths`` (batch,) and optionally the encoder state carried from the previous chunk; it
    returns ``(logits (batch, time, vocab), state)``: the logits at position ``t`` predict token
    ``t + 1`` and ``state`` is the encoder state after each sequence's last real token.
    :meth:`step` advances one token per sequence from a carried state at O(1) cost.

    ``tie_weights=True`` shares one parameter between the input embeddings and the head's output
    layer (Press & Wolf 2017; fewer parameters, usually better perplexity). It needs the head's
    output-layer input size (``projection_size`` when set, else the encoder's ``output_size``) to
    equal the embedding dim, and a trainable embedding.
    """

    def __init__(self, embedding: nn.Module, encoder: nn.Module, head: nn.Module, *,
                 dropout: float = 0.0, tie_weights: bool = False) -> None:
        super().__init__()
        if not getattr(encoder, "causal", False):
            raise SettingsError("a language model needs a causal encoder (one that reads left to "
                                "right and can step); set bidirectional=false or choose another "
                                "encoder")
        if not getattr(head, "per_position", False):
            raise SettingsError("a language model needs a per-position head; use the "
                                "'generation' head")
        if isinstance(dropout, bool) or not isinstance(dropout, (int, float)) \
                or not 0 <= dropout < 1:
            raise SettingsError(f"language model setting 'dropout' must be a number in [0, 1), "
                                f"not {dropout!r}")
        if not isinstance(tie_weights, bool):
            raise SettingsError(f"language model setting 'tie_weights' must be true or false, "
                                f"not {tie_weights!r}")
        self.embedding = embedding
        self.encoder = encoder
        self.head = head
        self.dropout_rate = float(dropout)
        self.dropout = nn.Dropout(self.dropout_rate)
        self.tie_weights = tie_weights
        if tie_weights:
            _tie(embedding, head)
        self.settings: dict[str, Any] = {}
        """The ``build_language_model`` arguments (without the vocabulary), when built by it."""

    @property
    def vocab_size(self) -> int:
        """The number of ids the model predicts over (the head's output size)."""
        return int(self.head.output_size)

    def forward(self, ids: torch.Tensor, lengths: torch.Tensor,
                state: Any = None) -> tuple[torch.Tensor, Any]:
        """``(logits (batch, time, vocab), state)`` for padded ``ids`` of true ``lengths``,
        continuing from ``state`` (``None``: the encoder's initial state)."""
        out = self.encoder(self.dropout(self.embedding(ids)), lengths, state=state)
        return self.head(out.states, lengths), out.state

    def step(self, ids: torch.Tensor, state: Any = None) -> tuple[torch.Tensor, Any]:
        """One token per sequence: ``ids`` (batch,) → ``(logits (batch, vocab), new state)``.

        From the state ``forward`` returned after a prefix, this gives the same logits as a
        ``forward`` pass over the prefix plus ``ids`` (up to float rounding).
        """
        vectors = self.dropout(self.embedding(ids))
        output, state = self.encoder.step(vectors, state)
        return self.head(output), state

    def initial_state(self, batch_size: int) -> Any:
        """The encoder state before the first token."""
        return self.encoder.initial_state(batch_size)

    def probabilities(self, logits: torch.Tensor) -> torch.Tensor:
        """Softmax over the vocabulary."""
        return self.head.probabilities(logits)


def build_language_model(
    vocab: Vocab,
    *,
    embedder: Mapping[str, Any],
    encoder: Mapping[str, Any],
    head: Mapping[str, Any],
    dropout: float = 0.0,
    tie_weights: bool = False,
) -> LanguageModel:
    """A :class:`LanguageModel` over ``vocab``, from plugin specs ``{"name": ..., **settings}``.

    The embedder's ``.build(vocab)`` is the input layer; the encoder gets ``input_size`` (the
    embedder's ``dim``) and must be causal; the head gets ``input_size`` (the encoder's
    ``output_size``) and ``output_size = len(vocab)`` and must predict every position.
    ``dropout`` applies to the embeddings; ``tie_weights`` shares the embedding matrix with the
    output layer (see :class:`LanguageModel`).

    >>> model = build_language_model(vocab, embedder={"name": "trainable", "dim": 32},
    ...                              encoder={"name": "lstm", "hidden_size": 32},
    ...                              head={"name": "generation"},
    ...                              tie_weights=True)  # doctest: +SKIP
    """
    parts = build_input(vocab, embedder, encoder)
    head_entry, head_settings = spec_parts("head", head)
    head_name = head_entry.name
    embedding, encoder_obj = parts.embedding, parts.encoder
    enc_entry, enc_settings = spec_parts("encoder", parts.encoder_spec)
    enc_name = enc_entry.name
    if not getattr(encoder_obj, "causal", False):
        causal = ", ".join(_causal_encoders()) or "none is registered"
        raise SettingsError(f"encoder {enc_name!r} with settings {enc_settings} is not causal: a "
                            f"language model predicts each token from the ones before it only; "
                            f"use a causal encoder ({causal}) with bidirectional=false")
    head_obj = head_entry.create(input_size=encoder_obj.output_size, output_size=len(vocab),
                                 **head_settings)
    if not getattr(head_obj, "per_position", False):
        raise SettingsError(f"head {head_name!r} pools over time and cannot predict the next "
                            "token; use the 'generation' head")
    module = LanguageModel(embedding, encoder_obj, head_obj, dropout=dropout,
                           tie_weights=tie_weights)
    module.settings = {
        "embedder": parts.embedder_spec,
        "encoder": parts.encoder_spec,
        "head": spec_of(head_entry, head_settings),
        "dropout": float(dropout),
        "tie_weights": tie_weights,
    }
    return module


def _tie(embedding: nn.Module, head: nn.Module) -> None:
    weight = getattr(embedding, "weight", None)
    output = getattr(head, "output", None)
    if not isinstance(weight, nn.Parameter) or not isinstance(output, nn.Linear):
        raise SettingsError("tie_weights needs an embedding layer with a 'weight' matrix and a "
                            "head with a linear 'output' layer (the 'generation' head); set "
                            "tie_weights=false")
    if not weight.requires_grad:
        raise SettingsError("tie_weights needs trainable embeddings, but these are frozen; set "
                            "the embedder's trainable=true or tie_weights=false")
    if tuple(weight.shape) != tuple(output.weight.shape):
        rows, dim = weight.shape
        raise SettingsError(
            f"tie_weights needs the output layer's input size ({output.in_features}) to equal "
            f"the embedding dim ({dim}) and {rows} vocabulary rows on both sides "
            f"(output: {output.out_features}); set the head's projection_size={dim} (or the "
            f"encoder's hidden_size={dim}), or tie_weights=false")
    output.weight = weight


def _causal_encoders() -> list[str]:
    """The registered encoders that are causal with their default settings."""
    names = []
    for name in registry.encoders.names():
        try:
            with seeded(0):   # leaves torch's global random stream alone
                built = registry.encoders.create(name, input_size=1)
        except (LexiloomError, TypeError, ValueError, RuntimeError):
            continue
        if getattr(built, "causal", False):
            names.append(name)
    return names


__all__ = ["LanguageModel", "build_language_model"]
