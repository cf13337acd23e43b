"""``lexiloom.Tok2Vec.v1``: a registered embedder and encoder as a spaCy token-to-vector layer,
one vector per token, for spaCy's ``tok2vec`` component and its listeners (so ``tagger``,
``morphologizer``, ``parser`` and ``ner`` run on any lexiloom or plugin encoder), or inline as
the ``tok2vec`` of one component::

    [components.tok2vec]
    factory = "tok2vec"

    [components.tok2vec.model]
    @architectures = "lexiloom.Tok2Vec.v1"
    vocab_corpus = ${paths.train}

    [components.tok2vec.model.embedder]
    @architectures = "lexiloom.TrainableEmbedder.v1"
    dim = 96

    [components.tok2vec.model.encoder]
    @architectures = "lexiloom.LSTMEncoder.v1"
    hidden_size = 128
    bidirectional = true

    [components.tagger.model.tok2vec]
    @architectures = "spacy.Tok2VecListener.v1"
    width = 256                      # the encoder's output size: 2 x 128 here
    upstream = "tok2vec"

Its width (``nO``) is the encoder's ``output_size``, known when the config is resolved. The
vocabulary is built in ``initialize``: from ``vocab_corpus`` (the whole training corpus: spaCy
hands ``initialize`` only 10 docs) or, without it, from those docs, with a warning. Weights save
and load with the pipeline (safetensors, :mod:`lexiloom.spacy.serialize`).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from thinc.api import ArgsKwargs, Model, PyTorchWrapper_v3, torch2xp, xp2torch

from lexiloom.errors import SettingsError
from lexiloom.models.assembly import spec_parts
from lexiloom.spacy import torch_module
from lexiloom.spacy.architectures import (
    DEFAULT_VOCAB,
    check_embedder,
    convert_inputs,
    initial_vocab,
    model_inputs,
    new_shim,
    seeded_spec,
    static_vectors_spec,
    with_static_vectors,
)
from lexiloom.spacy.blocks import Block, as_block
from lexiloom.spacy.docs_to_ids import check_vocab_settings
from lexiloom.spacy.names import TOK2VEC
from lexiloom.spacy.serialize import deserialize_model, serialize_model
from lexiloom.threads import fit_torch_threads

if TYPE_CHECKING:
    from spacy.tokens import Doc
    from thinc.types import Floats2d


class SmallVocabularyWarning(UserWarning):
    """A token encoder's vocabulary was built from the few docs ``initialize`` was given."""


def tok2vec_v1(
    *,
    embedder: Block,
    encoder: Block,
    vocab: dict[str, Any] = DEFAULT_VOCAB,
    vocab_corpus: str | None = None,
    include_static_vectors: bool = False,
) -> Model[list[Doc], list[Floats2d]]:
    """A thinc model mapping docs to one vector per token (``(len(doc), nO)`` arrays), from a
    registered embedder and encoder (``lexiloom.TrainableEmbedder.v1``,
    ``lexiloom.LSTMEncoder.v1``, a plugin's ...). ``vocab``, ``vocab_corpus`` and
    ``include_static_vectors`` as in ``lexiloom.TextClassifier.v2``."""
    spec: dict[str, Any] = {
        "embedder": as_block(embedder, "embedders", f"the embedder of {TOK2VEC}").to_spec(),
        "encoder": as_block(encoder, "encoders", f"the encoder of {TOK2VEC}").to_spec(),
        "vocab": check_vocab_settings(vocab),
    }
    spec = with_static_vectors(spec, include_static_vectors)
    check_embedder(spec["embedder"])
    encoder_entry, encoder_settings = spec_parts("encoder", spec["encoder"])
    width = int(encoder_entry.create(input_size=8, **encoder_settings).output_size)
    wrapper = PyTorchWrapper_v3(None, convert_inputs=convert_inputs,
                                convert_outputs=_convert_outputs,
                                serialize_model=serialize_model,
                                deserialize_model=deserialize_model)
    wrapper.shims[0] = new_shim(None)
    return Model(
        "lexiloom_tok2vec", _forward, init=_init, layers=[wrapper], dims={"nO": width},
        attrs={"lexiloom_spec": spec,
               "vocab_corpus": None if vocab_corpus is None else str(vocab_corpus),
               "lexiloom_vocab": None, "lexiloom_vocab_installed": False,
               "dropout_rate": 0.0},  # [training] dropout, on the token vectors
    )


def _init(model: Model, X: list[Doc] | None = None, Y: Any = None) -> None:
    fit_torch_threads()  # training too (spacy train) runs on the usable cores
    spec = model.attrs["lexiloom_spec"]
    vocab = model.attrs["lexiloom_vocab"]
    if not model.attrs["lexiloom_vocab_installed"] or vocab is None:
        if model.attrs["vocab_corpus"] is None and X is not None:
            warnings.warn(
                f"{TOK2VEC}: the vocabulary is built from the {len(X)} docs initialize was "
                "given (spaCy passes 10); set vocab_corpus = ${paths.train} to build it from "
                "the whole training corpus", SmallVocabularyWarning, stacklevel=2)
        vocab = initial_vocab(model, X)
        model.attrs["lexiloom_vocab"] = vocab
    spec = static_vectors_spec(spec, X)
    module = torch_module.build_token_module(seeded_spec(spec), vocab)
    module.lexiloom_spec = spec  # save the user's settings, not the drawn seeds
    if module.output_size != model.get_dim("nO"):
        raise SettingsError(f"the encoder's output size {module.output_size} differs from the "
                            f"{model.get_dim('nO')} it declared when the config was read; the "
                            "encoder plugin must not size its output from input_size")
    model.layers[0].shims[0] = new_shim(module)


def _forward(model: Model, docs: list[Doc], is_train: bool
             ) -> tuple[list[Floats2d], Callable]:
    wrapper = model.layers[0]
    module = wrapper.shims[0]._model
    if module is None:
        raise SettingsError(f"the {TOK2VEC} model is not initialized; call nlp.initialize() "
                            "(or load a trained pipeline) first")
    if is_train:
        torch_module.set_input_dropout(module, model.attrs["dropout_rate"])
    else:
        fit_torch_threads()
    width = model.get_dim("nO")
    if not docs:
        return [], lambda d_outputs: []
    model.attrs["lexiloom_vocab"] = module.lexiloom_vocab
    states, backprop_wrapper = wrapper(model_inputs(docs, module), is_train)
    sizes = [len(doc) for doc in docs]
    outputs = [states[i, :size] for i, size in enumerate(sizes)]

    def backprop(d_outputs: list[Floats2d]) -> list:
        d_states = model.ops.alloc3f(len(docs), states.shape[1], width)
        for i, (size, d_output) in enumerate(zip(sizes, d_outputs, strict=True)):
            d_states[i, :size] = d_output
        backprop_wrapper(d_states)
        return []

    return outputs, backprop


def _convert_outputs(model: Model, X_states: Any, is_train: bool) -> tuple[Any, Callable]:
    shim = model.shims[0]
    _, states = X_states
    output = torch2xp(states.detach().float().contiguous(), ops=model.ops)

    def to_states(d_output: Any) -> ArgsKwargs:
        grad = xp2torch(model.ops.asarray3f(d_output), device=shim.device).to(states.dtype)
        return ArgsKwargs(args=((states,),), kwargs={"grad_tensors": (grad,)})

    return output, to_states


__all__ = ["TOK2VEC", "SmallVocabularyWarning", "tok2vec_v1"]
