"""The token encoder: embedding layer → encoder, one vector per token (no head). spaCy's
``tok2vec`` role, assembled from registered plugins (see ``lexiloom.Tok2Vec.v1``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import torch
from torch import nn

from lexiloom.models.assembly import build_input, token_vectors

if TYPE_CHECKING:
    from lexiloom.vocab import Vocab


class TokenEncoderModule(nn.Module):
    """Token ids to a state per token: ``encoder(embedding(ids), lengths).states``.

    ``forward(ids, lengths)`` takes ids (batch, time), padded with ``<pad>`` = 0, and the true
    ``lengths`` (batch,); it returns (batch, time, output_size), zero at padded positions. A
    text's states do not depend on the other texts in its batch (the encoders mask padding).
    ``input_dropout`` as in :class:`~lexiloom.models.classifier.TextClassifierModule`.
    """

    def __init__(self, embedding: nn.Module, encoder: nn.Module) -> None:
        super().__init__()
        self.embedding = embedding
        self.input_dropout = nn.Dropout(0.0)
        self.encoder = encoder
        self.settings: dict[str, Any] = {}
        """The ``build_token_encoder`` arguments (without the vocabulary)."""

    @property
    def output_size(self) -> int:
        """The width of each token's vector (the encoder's ``output_size``)."""
        return int(self.encoder.output_size)

    def forward(self, ids: torch.Tensor, lengths: torch.Tensor,
                static: torch.Tensor | None = None) -> torch.Tensor:
        """States (batch, time, output_size) for padded ``ids`` of true ``lengths``."""
        return self.encoder(token_vectors(self, ids, static), lengths).states


def build_token_encoder(vocab: Vocab, *, embedder: Mapping[str, Any],
                        encoder: Mapping[str, Any], static_width: int = 0) -> TokenEncoderModule:
    """A :class:`TokenEncoderModule` for ``vocab`` from ``{"name": ..., **settings}`` blocks
    (the encoder's ``input_size`` is the embedder's ``dim``).

    >>> module = build_token_encoder(vocab, embedder={"name": "trainable", "dim": 32},
    ...                              encoder={"name": "lstm", "hidden_size": 32,
    ...                                       "bidirectional": True})  # doctest: +SKIP
    >>> module(ids, lengths).shape                                    # doctest: +SKIP
    torch.Size([batch, time, 64])
    """
    parts = build_input(vocab, embedder, encoder, static_width=static_width)
    module = TokenEncoderModule(parts.embedding, parts.encoder)
    module.settings = {"embedder": parts.embedder_spec, "encoder": parts.encoder_spec}
    return module
