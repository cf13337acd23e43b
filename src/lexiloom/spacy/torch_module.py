"""The torch module behind ``lexiloom.TextClassifier.v1``: built from a spec, with its vocabulary
and spec attached so that it can be saved and rebuilt on its own.

A *spec* is the JSON-serialisable description of the model::

    {"embedder": {"name": "trainable", "dim": 100}, "encoder": {"name": "lstm", ...},
     "head": {"name": "classification", "pooling": "max"}, "exclusive": True,
     "vocab": {"min_count": 1, "max_size": 50000, "attr": "norm"}}

The built module (:class:`lexiloom.models.TextClassifierModule`) carries ``lexiloom_spec``,
``lexiloom_vocab`` and ``lexiloom_n_labels`` as plain attributes. Importing this module does not
import torch.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lexiloom.errors import SettingsError

if TYPE_CHECKING:
    import torch

    from lexiloom.vocab import Vocab


def build_module(spec: dict[str, Any], vocab: Vocab, n_labels: int,
                 *, embedder: dict[str, Any] | None = None) -> torch.nn.Module:
    """The text classifier for ``spec`` over ``vocab`` with ``n_labels`` outputs.

    ``embedder`` overrides the spec's embedder for this build (loading uses a plain trainable
    embedding of the saved size instead of re-reading or re-training vectors).
    """
    from lexiloom.models.classifier import build_text_classifier

    if isinstance(n_labels, bool) or not isinstance(n_labels, int) or n_labels < 1:
        raise SettingsError(f"the classifier needs at least one label, not {n_labels!r}; add "
                            "labels to the component before initializing it")
    module = build_text_classifier(
        vocab, n_labels, embedder=dict(embedder or spec["embedder"]),
        encoder=dict(spec["encoder"]), head=dict(spec["head"]), exclusive=spec["exclusive"],
        static_width=static_width(spec), ngrams=spec.get(NGRAMS),
    )
    attach(module, spec, vocab, n_labels)
    return module


def build_token_module(spec: dict[str, Any], vocab: Vocab, n_labels: int = 0,
                       *, embedder: dict[str, Any] | None = None) -> torch.nn.Module:
    """The token encoder (``lexiloom.Tok2Vec.v1``) for ``spec`` over ``vocab``: embedding →
    encoder, a vector per token. ``n_labels`` is unused (the same call shape as
    :func:`build_module`, for :mod:`lexiloom.spacy.serialize`); ``embedder`` as there."""
    from lexiloom.models.token_encoder import build_token_encoder

    module = build_token_encoder(vocab, embedder=dict(embedder or spec["embedder"]),
                                 encoder=dict(spec["encoder"]), static_width=static_width(spec))
    attach(module, spec, vocab, 0, TOKEN_ENCODER_FORMAT)
    return module


NGRAMS = "ngrams"
"""The spec key of a classifier's n-gram part (``{"size": 2, "buckets": 262144, ...}``), when it
has one (``lexiloom.TextClassifier.v3``/``v4``)."""

STATIC_WIDTH = "static_vectors"
"""The spec key of the static vectors' width: recorded by ``initialize`` from
``nlp.vocab.vectors`` when the architecture has ``include_static_vectors``, saved with the
module so that loading builds the same encoder input size."""


def static_width(spec: dict[str, Any]) -> int:
    """The width of the static vectors a module built from ``spec`` reads (0: none)."""
    return int(spec.get(STATIC_WIDTH, 0) or 0)


CLASSIFIER_FORMAT = "lexiloom.TextClassifier"
"""The saved format of a text classifier's module (``lexiloom.TextClassifier.v1``/``v2``)."""

TOKEN_ENCODER_FORMAT = "lexiloom.TokenEncoder"
"""The saved format of a token encoder's module (``lexiloom.Tok2Vec.v1``)."""

BUILDERS = {CLASSIFIER_FORMAT: build_module, TOKEN_ENCODER_FORMAT: build_token_module}
"""How each saved format's module is rebuilt from its spec (then its weights are loaded)."""


def attach(module: torch.nn.Module, spec: dict[str, Any], vocab: Vocab, n_labels: int,
           format: str = CLASSIFIER_FORMAT) -> None:
    """Record ``spec``, ``vocab``, ``n_labels`` and the saved ``format`` on ``module``."""
    module.lexiloom_spec = spec
    module.lexiloom_vocab = vocab
    module.lexiloom_n_labels = n_labels
    module.lexiloom_format = format


def resize(module: torch.nn.Module, n_labels: int) -> torch.nn.Module:
    """``module`` with ``n_labels`` outputs, old labels' weights kept (the head decides the new
    rows; exclusive heads add labels of probability 0, as spaCy's textcat does)."""
    from lexiloom.models.classifier import resize_output

    resized = resize_output(module, n_labels)
    resized = module if resized is None else resized
    attach(resized, module.lexiloom_spec, module.lexiloom_vocab, n_labels, CLASSIFIER_FORMAT)
    return resized


def set_input_dropout(module: torch.nn.Module, rate: float | None) -> None:
    """Give ``module``'s token vectors the dropout ``rate``: spaCy's ``[training] dropout``,
    which thinc's ``set_dropout_rate`` writes into the model's ``dropout_rate`` attribute at each
    update (``None`` means 0). Only training-mode forwards drop anything."""
    rate = 0.0 if rate is None else rate
    if isinstance(rate, bool) or not isinstance(rate, int | float) or not 0 <= rate < 1:
        raise SettingsError(f"dropout must be in [0, 1), not {rate!r}; set [training] dropout "
                            "(lexiloom train --dropout) to a value such as 0.1")
    module.input_dropout.p = float(rate)


def head_of(module: torch.nn.Module) -> Any:
    """The module's head (an object with ``probabilities`` and maybe ``score``), or ``None``."""
    return getattr(module, "head", None)


def probabilities(module: torch.nn.Module, logits: torch.Tensor) -> torch.Tensor:
    """The head's activation over ``logits``: softmax (exclusive) or sigmoid (multi-label)."""
    import torch

    head = head_of(module)
    if head is not None and hasattr(head, "probabilities"):
        return head.probabilities(logits)
    exclusive = module.lexiloom_spec["exclusive"]
    return torch.softmax(logits, dim=-1) if exclusive else torch.sigmoid(logits)
