"""A lexiloom model inside a spaCy component's ``model`` file carries its weights' SHA-256: a
flipped byte in the weights is a ModelFileError on ``spacy.load``, not a model that predicts
garbage (the control: the same damage in bytes saved without the checksum loads silently)."""

from __future__ import annotations

import srsly
import torch
from pytest import raises

from lexiloom.errors import ModelFileError
from lexiloom.spacy.serialize import deserialize_model, serialize_model
from lexiloom.spacy.torch_module import build_module
from lexiloom.vocab import Vocab

SPEC = {"embedder": {"name": "trainable", "dim": 8}, "encoder": {"name": "gru", "hidden_size": 8},
        "head": {"name": "classification", "pooling": "max"}, "exclusive": True,
        "vocab": {"min_count": 1, "max_size": None, "attr": "norm"}}


def _damaged(data: bytes, *, keep_checksum: bool) -> bytes:
    message = srsly.msgpack_loads(data)
    weights = bytearray(message["weights"])
    weights[-3] ^= 0x01  # one bit of the last float: safetensors still reads it
    message["weights"] = bytes(weights)
    if not keep_checksum:
        del message["sha256"]
    return srsly.msgpack_dumps(message)


def test_flipped_weight_bytes_are_a_model_file_error() -> None:
    vocab = Vocab.build([["a", "good", "film"], ["a", "bad", "one"]])
    data = serialize_model(build_module(SPEC, vocab, 2))
    assert deserialize_model(None, data, torch.device("cpu")) is not None
    with raises(ModelFileError, match="SHA-256"):
        deserialize_model(None, _damaged(data, keep_checksum=True), torch.device("cpu"))
    silently = deserialize_model(None, _damaged(data, keep_checksum=False), torch.device("cpu"))
    assert silently is not None  # the control: nothing else notices the damage


def _edited(data: bytes, edit) -> bytes:
    message = srsly.msgpack_loads(data)
    edit(message)
    return srsly.msgpack_dumps(message)


def test_a_changed_vocabulary_or_spec_is_a_model_file_error() -> None:
    vocab = Vocab.build([["a", "good", "film"], ["a", "bad", "one"]])
    data = serialize_model(build_module(SPEC, vocab, 2))

    def rename_a_word(message):
        message["vocab"]["tokens"] = [str(w).replace("good", "goad")
                                      for w in message["vocab"]["tokens"]]

    with raises(ModelFileError, match="settings or vocabulary changed"):
        deserialize_model(None, _edited(data, rename_a_word), torch.device("cpu"))


def test_settings_that_cannot_build_a_model_are_a_model_file_error() -> None:
    """Found by benchmarks/fuzz.py: a spec without its encoder raised KeyError (a file saved
    before settings were checksummed has nothing else to catch it)."""
    vocab = Vocab.build([["a", "good", "film"], ["a", "bad", "one"]])
    data = serialize_model(build_module(SPEC, vocab, 2))

    def drop_encoder(message):
        del message["spec"]["encoder"]
        del message["settings_sha256"]

    with raises(ModelFileError, match="cannot build a model"):
        deserialize_model(None, _edited(data, drop_encoder), torch.device("cpu"))
