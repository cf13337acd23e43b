"""``lexiloom.TextClassifier.v1``: a text classifier assembled from lexiloom plugins, as a thinc
model that spaCy's ``textcat``, ``textcat_multilabel`` and ``lexiloom_sentiment`` accept.

Registered in spaCy's ``architectures`` registry through the ``spacy_architectures`` entry
point, so a config names it without importing lexiloom::

    [components.textcat.model]
    @architectures = "lexiloom.TextClassifier.v1"
    exclusive_classes = true
    nO = null
    vocab_corpus = ${paths.train}

    [components.textcat.model.embedder]
    name = "trainable"
    dim = 100

    [components.textcat.model.encoder]
    name = "lstm"
    hidden_size = 128
    bidirectional = true

    [components.textcat.model.head]
    name = "classification"
    pooling = "max"

    [components.textcat.model.vocab]
    min_count = 1
    max_size = 50000
    attr = "norm"

How it works:

- Docs become padded ids (:mod:`lexiloom.spacy.docs_to_ids`) that a torch
  ``TextClassifierModule`` (embedding → encoder → head, :mod:`lexiloom.models`) turns into
  logits, inside thinc's ``PyTorchWrapper_v3``.
- The torch module is built lazily, in the model's ``initialize``, once the number of labels is
  known (spaCy's textcat sets ``nO`` as labels are added, or it comes from the ``Y`` sample).
  The vocabulary is built there too: from ``vocab_corpus`` when given (the whole training
  corpus; spaCy hands ``initialize`` only 10 examples), else from the sample; or a vocabulary
  installed beforehand with :func:`set_vocab` (``model.attrs["set_vocab"](model, vocab)``) is
  used as it is.
- Probabilities: the head's activation (softmax when ``exclusive_classes``, else sigmoid) is
  applied to the logits inside the model, and the gradient spaCy passes back for them
  (``d_scores = scores - truths``) is handed to the logits **unchanged**. That is the gradient of
  cross-entropy (softmax) or binary cross-entropy (sigmoid) with respect to the logits, exactly
  what thinc's own ``Softmax`` layer does (its backprop takes ``dY`` as the gradient of the
  pre-activation). Backpropagating through the activation's Jacobian instead (thinc's
  ``softmax_activation``/``Logistic``) would train a squared-error loss on probabilities, which
  learns slowly when predictions saturate.
- ``resize_output`` (spaCy calls it when a label is added): before the module exists only ``nO``
  changes; afterwards the head's output layer grows, old labels keep their weights, and in an
  exclusive model the new label starts with probability 0, so old predictions are unchanged (as
  in spaCy's own architectures). The resized weights get a fresh thinc shim, so optimizer state
  is restarted for this model (old moments would not fit the new shapes).
- Serialization goes through ``PyTorchWrapper_v3``'s hooks (:mod:`lexiloom.spacy.serialize`):
  safetensors weights + vocabulary + settings, never ``torch.load``.
- In ``nlp.pipe(..., n_process=N)`` workers, torch uses one thread per process
  (:func:`lexiloom.threads.fit_torch_threads`).

Importing this module imports spaCy's thinc but not torch (it is imported when a model is built).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import numpy
from thinc.api import ArgsKwargs, Model, PyTorchShim, PyTorchWrapper_v3, torch2xp, xp2torch

from lexiloom.errors import SettingsError
from lexiloom.models.assembly import spec_parts
from lexiloom.spacy import torch_module
from lexiloom.spacy.blocks import Block, as_block
from lexiloom.spacy.docs_to_ids import (
    build_vocab,
    check_vocab_settings,
    corpus_docs,
    docs_to_arrays,
    static_vectors,
    vector_coverage,
    vocab_form,
)
from lexiloom.spacy.names import (
    ARCHITECTURE,
    ARCHITECTURE_V2,
    ARCHITECTURE_V3,
    ARCHITECTURE_V4,
    BLOCK_PARTS,
)
from lexiloom.spacy.requirements import register_callback
from lexiloom.spacy.serialize import deserialize_model, serialize_model
from lexiloom.spacy.torch_shim import InPlaceUpdateShim
from lexiloom.threads import fit_torch_threads
from lexiloom.vocab import Vocab

if TYPE_CHECKING:
    from spacy.tokens import Doc
    from thinc.types import Floats2d

"""The registered name of :func:`text_classifier_v1`."""

DEFAULT_EMBEDDER: dict[str, Any] = {"name": "trainable", "dim": 100}
DEFAULT_ENCODER: dict[str, Any] = {"name": "lstm", "hidden_size": 128}
DEFAULT_HEAD: dict[str, Any] = {"name": "classification", "pooling": "max"}
DEFAULT_VOCAB: dict[str, Any] = {"min_count": 1, "max_size": 50000, "attr": "norm"}
INCLUDE_STATIC = "include_static_vectors"
"""The spec key marking a model that reads ``nlp.vocab.vectors``."""


register_callback()  # "lexiloom.add_requirements.v1", for [initialize.after_init] in configs


def text_classifier_v1(
    exclusive_classes: bool = True,
    nO: int | None = None,
    embedder: dict[str, Any] = DEFAULT_EMBEDDER,
    encoder: dict[str, Any] = DEFAULT_ENCODER,
    head: dict[str, Any] = DEFAULT_HEAD,
    vocab: dict[str, Any] = DEFAULT_VOCAB,
    vocab_corpus: str | None = None,
) -> Model[list[Doc], Floats2d]:
    """A thinc model mapping docs to label probabilities (softmax if ``exclusive_classes``,
    else an independent sigmoid per label): the wave-1 form, kept so that pipelines saved with it
    load unchanged; new configs use :func:`text_classifier_v2`.

    ``embedder``, ``encoder`` and ``head`` each name a registered lexiloom component (``name``)
    with its settings (version 1 of it); ``vocab`` chooses the token form (``attr``: norm, lower
    or orth) and the vocabulary's ``min_count``/``max_size``; ``vocab_corpus`` is a corpus
    (DocBin ``.spacy`` or any format ``lexiloom.corpora.read_corpus`` reads) to build the
    vocabulary from. Bad names or settings raise :class:`~lexiloom.errors.SettingsError` (or
    :class:`~lexiloom.errors.UnknownComponentError`, listing the available names) here, when
    the config is resolved.
    """
    spec = make_spec(exclusive_classes, embedder, encoder, head, vocab)
    return _text_classifier(spec, nO, vocab_corpus)


def text_classifier_v2(
    *,
    embedder: Block,
    encoder: Block,
    head: Block,
    exclusive_classes: bool = True,
    nO: int | None = None,
    vocab: dict[str, Any] = DEFAULT_VOCAB,
    vocab_corpus: str | None = None,
    include_static_vectors: bool = False,
) -> Model[list[Doc], Floats2d]:
    """The text classifier of :func:`text_classifier_v1` with its sub-blocks as registered,
    versioned spaCy functions::

        [components.textcat.model]
        @architectures = "lexiloom.TextClassifier.v2"
        exclusive_classes = true

        [components.textcat.model.embedder]
        @architectures = "lexiloom.TrainableEmbedder.v1"

        [components.textcat.model.encoder]
        @architectures = "lexiloom.LSTMEncoder.v1"

        [components.textcat.model.head]
        @architectures = "lexiloom.ClassificationHead.v1"

    ``spacy init fill-config`` fills each block's defaults. The head's ``exclusive`` comes from
    ``exclusive_classes``. Built torch modules and saved pipelines are the same as v1's.
    ``include_static_vectors`` (as in spaCy's own architectures) concatenates each token's
    vector from ``nlp.vocab.vectors`` (``[initialize] vectors``, e.g. a package made by
    ``lexiloom vectors to-spacy``) to its trainable embedding; the vectors stay fixed.
    """
    spec = _blocks_spec(ARCHITECTURE_V2, embedder, encoder, head, exclusive_classes, vocab)
    return _text_classifier(with_static_vectors(spec, include_static_vectors), nO,
                            vocab_corpus)


def text_classifier_v3(
    *,
    embedder: Block,
    encoder: Block,
    head: Block,
    exclusive_classes: bool = True,
    nO: int | None = None,
    vocab: dict[str, Any] = DEFAULT_VOCAB,
    vocab_corpus: str | None = None,
    include_static_vectors: bool = False,
    ngram_size: int = 2,
    ngram_buckets: int = 262144,
    ngram_lr_scale: float = 10.0,
) -> Model[list[Doc], Floats2d]:
    """:func:`text_classifier_v2` plus a sparse linear part over the text's hashed token
    n-grams (1 to ``ngram_size`` tokens of the vocabulary's form, ``ngram_buckets`` rows per
    label: spaCy's ``TextCatBOW``/fastText's features), whose logits are added to the recurrent
    part's so that both train together, the n-gram weights at ``ngram_lr_scale`` times the
    optimizer's learning rate. ``ngram_size = 0`` leaves the n-gram part out (the model is then
    v2's). The loss is that of the summed logits; :func:`text_classifier_v4` gives each part
    its own."""
    spec = _blocks_spec(ARCHITECTURE_V3, embedder, encoder, head, exclusive_classes, vocab)
    return _with_ngrams(spec, nO, vocab_corpus, include_static_vectors, ngram_size,
                        ngram_buckets, ngram_lr_scale, separate_loss=False)


def text_classifier_v4(
    *,
    embedder: Block,
    encoder: Block,
    head: Block,
    exclusive_classes: bool = True,
    nO: int | None = None,
    vocab: dict[str, Any] = DEFAULT_VOCAB,
    vocab_corpus: str | None = None,
    include_static_vectors: bool = False,
    ngram_size: int = 2,
    ngram_buckets: int = 262144,
    ngram_lr_scale: float = 10.0,
    ngram_separate_loss: bool = True,
) -> Model[list[Doc], Floats2d]:
    """:func:`text_classifier_v3` whose two parts, with ``ngram_separate_loss`` (the default),
    each learn from the loss of their own prediction, while the model predicts with the sum of
    their logits as before. Under one shared loss the n-gram part fits a small training set
    within an epoch or two and the recurrent part stops learning with it; trained apart, the
    recurrent part learns on, which pays when it reads what the n-gram part cannot (with
    pretrained word vectors, TREC test 88.5 shared, 91.9 apart; see benchmarks/README.md).
    ``ngram_separate_loss = false`` is v3's shared loss; without an n-gram part
    (``ngram_size = 0``) there is one loss either way."""
    if not isinstance(ngram_separate_loss, bool):
        raise SettingsError(f"ngram_separate_loss must be true or false, not "
                            f"{ngram_separate_loss!r}")
    spec = _blocks_spec(ARCHITECTURE_V4, embedder, encoder, head, exclusive_classes, vocab)
    return _with_ngrams(spec, nO, vocab_corpus, include_static_vectors, ngram_size,
                        ngram_buckets, ngram_lr_scale, separate_loss=ngram_separate_loss)


def _with_ngrams(spec: dict[str, Any], nO: int | None, vocab_corpus: str | None,
                 include_static_vectors: bool, size: int, buckets: int, lr_scale: float, *,
                 separate_loss: bool) -> Model[list[Doc], Floats2d]:
    if size != 0:
        from lexiloom.models.classifier import ngram_settings

        spec[torch_module.NGRAMS] = ngram_settings({"size": size, "buckets": buckets,
                                                    "lr_scale": lr_scale,
                                                    "separate_loss": separate_loss})
    return _text_classifier(with_static_vectors(spec, include_static_vectors), nO,
                            vocab_corpus)


def _blocks_spec(architecture: str, embedder: Block, encoder: Block, head: Block,
                 exclusive: bool, vocab: dict[str, Any]) -> dict[str, Any]:
    """The model spec of registered embedder/encoder/head blocks (see :func:`make_spec`)."""
    blocks = {part: as_block(value, kind, f"the {part} of {architecture}").to_spec()
              for (part, kind), value in zip(BLOCK_PARTS, (embedder, encoder, head), strict=True)}
    return make_spec(exclusive, blocks["embedder"], blocks["encoder"], blocks["head"], vocab)


def _text_classifier(spec: dict[str, Any], nO: int | None,
                     vocab_corpus: str | None) -> Model[list[Doc], Floats2d]:
    wrapper = PyTorchWrapper_v3(
        None,
        convert_inputs=convert_inputs,
        convert_outputs=_convert_outputs,
        serialize_model=serialize_model,
        deserialize_model=deserialize_model,
    )
    wrapper.shims[0] = new_shim(None)  # thinc's update chains tensors per step: see torch_shim
    model: Model[list[Doc], Floats2d] = Model(
        "lexiloom_textcat",
        _forward,
        init=_init,
        layers=[wrapper],
        dims={"nO": nO},
        attrs={
            "lexiloom_spec": spec,
            "vocab_corpus": None if vocab_corpus is None else str(vocab_corpus),
            "lexiloom_vocab": None,
            "lexiloom_vocab_installed": False,
            "set_vocab": set_vocab,
            "resize_output": resize_output,
            "multi_label": not spec["exclusive"],
            "dropout_rate": 0.0,  # [training] dropout, on the token vectors (set_input_dropout)
        },
    )
    return model


def make_spec(exclusive: bool, embedder: dict[str, Any], encoder: dict[str, Any],
              head: dict[str, Any], vocab: dict[str, Any]) -> dict[str, Any]:
    """The validated, JSON-serialisable model spec (see :mod:`lexiloom.spacy.torch_module`).

    The encoder and head are built once here with small sizes, so an unknown name or a bad
    setting fails when the config is resolved rather than at ``initialize``. The embedder is only
    checked for its name and setting names: building it may need a vectors file, which a saved
    pipeline does not need (its weights are in the pipeline), so loading works without it.
    """
    if not isinstance(exclusive, bool):
        raise SettingsError(f"exclusive_classes must be true or false, not {exclusive!r}")
    spec: dict[str, Any] = {"exclusive": exclusive, "vocab": check_vocab_settings(vocab)}
    for part, _ in BLOCK_PARTS:
        given = {"embedder": embedder, "encoder": encoder, "head": head}[part]
        if not isinstance(given, dict) or not isinstance(given.get("name"), str):
            raise SettingsError(f"the model's {part} must be a section with a 'name' key naming "
                                f"a registered {part} (run 'lexiloom plugins'), not {given!r}")
        spec[part] = dict(given)
    check_embedder(spec["embedder"])
    encoder_entry, encoder_settings = spec_parts("encoder", spec["encoder"])
    encoder_obj = encoder_entry.create(input_size=8, **encoder_settings)
    head_entry, head_settings = spec_parts("head", spec["head"])
    if "exclusive" in head_entry.defaults:
        if head_settings.setdefault("exclusive", exclusive) != exclusive:
            raise SettingsError("the head section sets 'exclusive' differently from the model's "
                                "exclusive_classes; remove 'exclusive' from the head section")
    elif not exclusive:
        raise SettingsError(f"head {head_entry.name!r} cannot be multi-label; use the "
                            "'classification' head or set exclusive_classes = true")
    head_entry.create(input_size=encoder_obj.output_size, output_size=2, **head_settings)
    return spec


def set_vocab(model: Model, vocab: Vocab) -> None:
    """Install ``vocab`` (e.g. built from the whole training corpus) before ``initialize``
    builds the torch module; ``initialize`` then uses it instead of building one.

    Also reachable as ``model.attrs["set_vocab"](model, vocab)``. The vocabulary's form must
    match the model's token attribute (``text`` for ``attr = "orth"``, else ``norm``).
    """
    node = _lexiloom_node(model)
    expected = vocab_form(node.attrs["lexiloom_spec"]["vocab"]["attr"])
    if not isinstance(vocab, Vocab):
        raise SettingsError(f"set_vocab needs a lexiloom.vocab.Vocab, not {type(vocab).__name__}")
    if vocab.form != expected:
        raise SettingsError(f"the vocabulary's form is {vocab.form!r} but the model reads "
                            f"{expected!r} tokens; build it with form={expected!r}")
    node.attrs["lexiloom_vocab"] = vocab
    node.attrs["lexiloom_vocab_installed"] = True


def build_vocab_for(model: Model, docs: Iterable[Doc]) -> Vocab:
    """A vocabulary of ``docs`` under the model's ``vocab`` settings (token attribute,
    ``min_count``, ``max_size``), extended with the embedder's own words (see
    :func:`add_embedder_words`), ready for :func:`set_vocab`."""
    spec = _lexiloom_node(model).attrs["lexiloom_spec"]
    return add_embedder_words(build_vocab(docs, spec["vocab"]), spec)


def add_embedder_words(vocab: Vocab, spec: dict[str, Any]) -> Vocab:
    """``vocab`` with the words the spec's embedder offers (an embedder with a
    ``vocabulary_words(form)`` method, such as ``pretrained`` with its vectors file's words)
    appended after the corpus words, up to the vocabulary's ``max_size``: words never seen in
    training then keep their vectors instead of all reading as ``<unk>``."""
    entry, settings = spec_parts("embedder", spec["embedder"])
    embedder = entry.create(**settings)
    offer = getattr(embedder, "vocabulary_words", None)
    if offer is None:
        return vocab
    return vocab.extended(offer(vocab.form), max_size=spec["vocab"]["max_size"])


def get_vocab(model: Model) -> Vocab | None:
    """The vocabulary the model uses (``None`` before ``initialize`` or :func:`set_vocab`)."""
    node = _lexiloom_node(model)
    module = get_module(node)
    return module.lexiloom_vocab if module is not None else node.attrs["lexiloom_vocab"]


def get_module(model: Model) -> Any:
    """The torch ``TextClassifierModule`` inside the model (``None`` before ``initialize``)."""
    return _lexiloom_node(model).layers[0].shims[0]._model


def resize_output(model: Model, new_nO: int) -> Model:
    """Give the model ``new_nO`` labels (spaCy's textcat calls this from ``add_label``)."""
    wrapper = model.layers[0]
    module = wrapper.shims[0]._model
    if module is not None and new_nO != module.lexiloom_n_labels:
        wrapper.shims[0] = new_shim(torch_module.resize(module, new_nO))
    model.set_dim("nO", new_nO, force=True)
    return model


def _lexiloom_node(model: Model) -> Model:
    for node in model.walk():
        if "lexiloom_spec" in node.attrs:
            return node
    raise SettingsError(f"model {model.name!r} is not a {ARCHITECTURE} model")


def check_embedder(settings: dict[str, Any]) -> None:
    """Check an embedder block's name and setting names without building it (building may read
    a vectors file that a saved pipeline does not need)."""
    entry, given = spec_parts("embedder", settings)
    unknown = sorted(set(given) - set(entry.defaults) - set(entry.host_settings))
    if unknown:
        known = ", ".join(sorted(entry.defaults)) or "none"
        raise SettingsError(f"embedder {entry.name!r} has no setting "
                            f"{', '.join(map(repr, unknown))}; its settings are: {known}")


def new_shim(module: Any) -> PyTorchShim:
    """The shim holding ``module`` (``None`` before ``initialize``), with lexiloom's
    serialization and thinc-compatible in-place updates."""
    return InPlaceUpdateShim(module, serialize_model=serialize_model,
                       deserialize_model=deserialize_model)


def _init(model: Model, X: list[Doc] | None = None, Y: Floats2d | None = None) -> None:
    if Y is not None and not model.has_dim("nO"):
        model.set_dim("nO", int(Y.shape[1]))
    if not model.has_dim("nO"):
        raise SettingsError("the text classifier has no labels yet; add labels to the component "
                            "(or pass examples) before initializing it")
    fit_torch_threads()  # training too (spacy train) runs on the usable cores
    spec = model.attrs["lexiloom_spec"]
    vocab = model.attrs["lexiloom_vocab"]
    if not model.attrs["lexiloom_vocab_installed"] or vocab is None:
        vocab = initial_vocab(model, X)
        model.attrs["lexiloom_vocab"] = vocab
    spec = static_vectors_spec(spec, X)
    module = torch_module.build_module(seeded_spec(spec), vocab, model.get_dim("nO"))
    module.lexiloom_spec = spec  # save the user's settings, not the drawn seeds
    model.layers[0].shims[0] = new_shim(module)


def initial_vocab(model: Model, X: list[Doc] | None) -> Vocab:
    """The vocabulary ``initialize`` builds: from the node's ``vocab_corpus`` when it names one
    (spaCy hands ``initialize`` only 10 docs), else from the sample ``X``."""
    corpus = model.attrs["vocab_corpus"]
    if corpus and not X:
        raise SettingsError("building the vocabulary from vocab_corpus needs the example "
                            "docs passed to initialize (for their spaCy vocab)")
    return build_vocab_for(model, corpus_docs(corpus, X[0].vocab) if corpus else X or [])


def seeded_spec(spec: dict[str, Any]) -> dict[str, Any]:
    """``spec`` (a text classifier's or a token encoder's) with every ``seed = None`` setting of
    its parts drawn from torch's global random stream, so ``spacy train``'s seed
    (``fix_random_seed``) makes the initial weights reproducible."""
    import torch

    seeded = dict(spec)
    for part in (p for p, _ in BLOCK_PARTS if p in spec):
        entry, _ = spec_parts(part, spec[part])
        if "seed" in entry.defaults and spec[part].get("seed", entry.defaults["seed"]) is None:
            seeded[part] = {**spec[part], "seed": int(torch.randint(0, 2**31 - 1, ()).item())}
    return seeded


def _forward(model: Model, docs: list[Doc], is_train: bool) -> tuple[Floats2d, Callable]:
    wrapper = model.layers[0]
    module = wrapper.shims[0]._model
    if module is None:
        raise SettingsError(f"the {ARCHITECTURE} model is not initialized; call "
                            "nlp.initialize() (or load a trained pipeline) first")
    if is_train:
        torch_module.set_input_dropout(module, model.attrs["dropout_rate"])
    else:
        fit_torch_threads()
    vocab = module.lexiloom_vocab
    model.attrs["lexiloom_vocab"] = vocab
    if not docs:
        return model.ops.alloc2f(0, module.lexiloom_n_labels), lambda d_scores: []
    if not is_train:
        return _predict(model, module, docs), lambda d_scores: []
    scores, backprop_wrapper = wrapper(model_inputs(docs, module), is_train)

    def backprop(d_scores: Floats2d) -> list:
        backprop_wrapper(d_scores)
        return []

    return scores, backprop


PREDICT_BUCKET = 64
"""Texts per forward pass when predicting: a batch is sorted by length and run in buckets of
this many, so short texts are not padded to the batch's longest."""


def _predict(model: Model, module: Any, docs: list[Doc]) -> Floats2d:
    """The probabilities for ``docs`` (in their order), computed in length-sorted buckets
    under ``torch.inference_mode`` on the shim's device."""
    import torch

    lengths = numpy.array([max(len(doc), 1) for doc in docs])
    order = numpy.argsort(-lengths, kind="stable")
    device = model.layers[0].shims[0].device
    out = numpy.empty((len(docs), module.lexiloom_n_labels), dtype="float32")
    was_training = module.training
    module.eval()
    try:
        with torch.inference_mode():
            for start in range(0, len(docs), PREDICT_BUCKET):
                rows = order[start:start + PREDICT_BUCKET]
                arrays = model_inputs([docs[i] for i in rows], module)
                logits = module(*(torch.from_numpy(array).to(device) for array in arrays))
                out[rows] = torch_module.probabilities(module, logits).float().cpu().numpy()
    finally:
        module.train(was_training)
    return model.ops.asarray2f(out)


def with_static_vectors(spec: dict[str, Any], include: bool) -> dict[str, Any]:
    """``spec`` marked to read ``nlp.vocab.vectors`` too when ``include``."""
    if not isinstance(include, bool):
        raise SettingsError(f"include_static_vectors must be true or false, not {include!r}")
    return {**spec, INCLUDE_STATIC: True} if include else spec


def static_vectors_spec(spec: dict[str, Any], X: list[Doc] | None) -> dict[str, Any]:
    """``spec`` with the width of the pipeline's vectors when it includes static vectors (read
    from the docs' vocab at ``initialize``); a SettingsError when the pipeline has none."""
    if not spec.get(INCLUDE_STATIC):
        if X and X[0].vocab.vectors.shape[1] and X[0].vocab.vectors.mode == "default" \
                and X[0].vocab.vectors.shape[0]:
            warnings.warn("the pipeline has vectors ([initialize] vectors) that this lexiloom "
                          "model does not read; set include_static_vectors = true to give them "
                          "to it", UnusedVectorsWarning, stacklevel=2)
        return spec
    if not X:
        raise SettingsError("include_static_vectors = true needs sample docs at initialize (for "
                            "the pipeline's vectors); pass examples to nlp.initialize")
    width = int(X[0].vocab.vectors.shape[1])
    if not width:
        raise SettingsError("include_static_vectors = true, but the pipeline has no vectors; "
                            "set [initialize] vectors to a spaCy pipeline or vectors package "
                            "(e.g. one made by 'lexiloom vectors to-spacy VECTORS DIR')")
    attr = spec["vocab"]["attr"]
    coverage = vector_coverage(X, attr)
    if coverage < 0.5:
        warnings.warn(f"include_static_vectors: only {coverage:.0%} of the sample's tokens have "
                      f"a vector under vocab attr {attr!r}; were the vectors trained on text "
                      "tokenised and normalised like the model's input (see docs/spacy.md)?",
                      LowVectorCoverageWarning, stacklevel=2)
    return {**spec, torch_module.STATIC_WIDTH: width}


class UnusedVectorsWarning(UserWarning):
    """The pipeline has vectors that a lexiloom model is not set to read."""


class LowVectorCoverageWarning(UserWarning):
    """Few of the tokens a model sees have a static vector: the vectors' keys and the model's
    token form probably differ."""


def model_inputs(docs: list[Doc], module: Any) -> tuple[Any, ...]:
    """The arrays ``module`` reads for ``docs``: padded ids and lengths, and the static vectors
    when it was built with them."""
    attr = module.lexiloom_spec["vocab"]["attr"]
    ids, lengths = docs_to_arrays(docs, module.lexiloom_vocab, attr)
    width = torch_module.static_width(module.lexiloom_spec)
    if not width:
        return ids, lengths
    have = int(docs[0].vocab.vectors.shape[1])
    if have != width:
        raise SettingsError(f"the model reads static vectors of width {width}, but the "
                            f"pipeline's vectors have width {have}; load it with the vectors it "
                            "was trained with ([initialize] vectors, or the pipeline it came "
                            "from)")
    return ids, lengths, static_vectors(docs, attr, width)


def convert_inputs(model: Model, X: Any, is_train: bool) -> tuple[ArgsKwargs, Callable]:
    """``PyTorchWrapper_v3``'s input conversion for padded ``(ids, lengths[, static])`` arrays
    (no gradient flows back to them)."""
    import torch

    device = model.shims[0].device
    inputs = ArgsKwargs(args=tuple(torch.from_numpy(array).to(device) for array in X),
                        kwargs={})
    return inputs, lambda d_inputs: []


def _convert_outputs(model: Model, X_logits: Any, is_train: bool) -> tuple[Any, Callable]:
    import torch

    shim = model.shims[0]
    _, logits = X_logits
    with torch.no_grad():
        probs = torch_module.probabilities(shim._model, logits.detach())
    scores = torch2xp(probs.float().contiguous(), ops=model.ops)

    def to_logits(d_scores: Any) -> ArgsKwargs:
        # The activation's backprop is the identity (see the module docstring).
        grad = xp2torch(model.ops.asarray2f(d_scores), device=shim.device).to(logits.dtype)
        tensors, grads = shim._model.backward_targets(logits, grad) \
            if hasattr(shim._model, "backward_targets") else ((logits,), (grad,))
        return ArgsKwargs(args=(tensors,), kwargs={"grad_tensors": grads})

    return scores, to_logits


__all__ = [
    "ARCHITECTURE",
    "ARCHITECTURE_V2",
    "ARCHITECTURE_V3",
    "ARCHITECTURE_V4",
    "add_embedder_words",
    "build_vocab_for",
    "get_module",
    "get_vocab",
    "make_spec",
    "resize_output",
    "set_vocab",
    "text_classifier_v1",
    "text_classifier_v2",
    "text_classifier_v3",
    "text_classifier_v4",
]
