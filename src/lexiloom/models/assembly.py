"""Assembling the input side of a model from plugin specs: ``{"name": ..., **settings}`` blocks
for the embedder and the encoder, resolved through the registries. The text classifier and the
language model both start this way and differ only in their heads."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

from lexiloom import registry
from lexiloom.errors import SettingsError

if TYPE_CHECKING:
    from torch import nn

    from lexiloom.vocab import Vocab


class InputParts(NamedTuple):
    """The built embedding layer and encoder, with the specs they were built from."""

    embedding: nn.Module
    encoder: Any
    embedder_spec: dict[str, Any]
    encoder_spec: dict[str, Any]


def spec_parts(kind: str, spec: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    """``(name, settings)`` of a ``{"name": ..., **settings}`` block; SettingsError otherwise."""
    if not isinstance(spec, Mapping) or not isinstance(spec.get("name"), str):
        raise SettingsError(f"the {kind} must be given as a mapping with a 'name' key naming a "
                            f"registered {kind} (e.g. {{'name': ...}}), not {spec!r}")
    settings = {k: v for k, v in spec.items() if k != "name"}
    return spec["name"], settings


def build_input(vocab: Vocab, embedder: Mapping[str, Any],
                encoder: Mapping[str, Any]) -> InputParts:
    """The embedder's layer for ``vocab`` and the encoder over it (``input_size`` = the
    embedder's ``dim``), each created from its registry."""
    emb_name, emb_settings = spec_parts("embedder", embedder)
    enc_name, enc_settings = spec_parts("encoder", encoder)
    embedder_obj = registry.embedders.create(emb_name, **emb_settings)
    embedding = embedder_obj.build(vocab)
    encoder_obj = registry.encoders.create(enc_name, input_size=embedder_obj.dim, **enc_settings)
    return InputParts(embedding, encoder_obj, {"name": emb_name, **emb_settings},
                      {"name": enc_name, **enc_settings})
