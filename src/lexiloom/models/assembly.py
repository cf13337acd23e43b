"""Assembling the input side of a model from plugin specs: ``{"name": ..., **settings}`` blocks
for the embedder and the encoder, resolved through the registries. The text classifier and the
language model both start this way and differ only in their heads."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

from lexiloom import registry
from lexiloom.registry import VERSION_KEY, Entry

if TYPE_CHECKING:
    import torch
    from torch import nn

    from lexiloom.vocab import Vocab


class InputParts(NamedTuple):
    """The built embedding layer and encoder, with the specs they were built from."""

    embedding: nn.Module
    encoder: Any
    embedder_spec: dict[str, Any]
    encoder_spec: dict[str, Any]


def spec_parts(kind: str, spec: Mapping[str, Any]) -> tuple[Entry[Any], dict[str, Any]]:
    """The registry entry a ``{"name": ..., **settings}`` block of ``kind`` (``embedder``,
    ``encoder``, ``head``) names, at its ``block-version`` (default 1), and the block's settings;
    SettingsError or UnknownComponentError otherwise."""
    return registry.REGISTRIES[kind + "s"].get_spec(spec)


def spec_of(entry: Entry[Any], settings: Mapping[str, Any]) -> dict[str, Any]:
    """The block ``{"name": ..., **settings}`` for ``entry`` (``block-version`` when not 1)."""
    spec = {"name": entry.name, **settings}
    if entry.version != 1:
        spec[VERSION_KEY] = entry.version
    return spec


def build_input(vocab: Vocab, embedder: Mapping[str, Any],
                encoder: Mapping[str, Any], *, static_width: int = 0) -> InputParts:
    """The embedder's layer for ``vocab`` and the encoder over it (``input_size`` = the
    embedder's ``dim`` plus ``static_width``, the width of static vectors concatenated to the
    embeddings), each created from its registry."""
    emb_entry, emb_settings = spec_parts("embedder", embedder)
    enc_entry, enc_settings = spec_parts("encoder", encoder)
    embedder_obj = emb_entry.create(**emb_settings)
    embedding = embedder_obj.build(vocab)
    encoder_obj = enc_entry.create(input_size=embedder_obj.dim + static_width, **enc_settings)
    return InputParts(embedding, encoder_obj, spec_of(emb_entry, emb_settings),
                      spec_of(enc_entry, enc_settings))


def token_vectors(module: nn.Module, ids: torch.Tensor,
                  static: torch.Tensor | None) -> torch.Tensor:
    """What ``module``'s encoder reads: its embeddings of ``ids``, with the ``static`` vectors
    concatenated when given, through its ``input_dropout``."""
    import torch

    vectors = module.embedding(ids)
    if static is not None:
        vectors = torch.cat([vectors, static.to(vectors.dtype)], dim=-1)
    return module.input_dropout(vectors)
