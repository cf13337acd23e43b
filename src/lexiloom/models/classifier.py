"""The text classifier: embedding layer → encoder → head, assembled from registered plugins."""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import torch
from torch import nn

from lexiloom.errors import SettingsError
from lexiloom.models.assembly import build_input, spec_of, spec_parts, token_vectors

if TYPE_CHECKING:
    from lexiloom.vocab import Vocab


class TextClassifierModule(nn.Module):
    """Token ids to one logit per label: ``embedding(ids)`` → ``encoder`` → ``head``.

    ``forward(ids, lengths)`` takes ids (batch, time), padded with ``<pad>`` = 0, and the true
    ``lengths`` (batch,); it returns logits (batch, n_labels). A text's logits do not depend on the
    other texts in its batch (the encoders and heads mask padding). :meth:`probabilities` applies
    the head's activation (softmax when exclusive, else sigmoid).

    The head receives the encoder's ``final`` state as ``final=`` when its ``forward`` accepts
    that keyword (the built-in heads do; pooling ``"final"`` uses it).

    ``input_dropout`` is the dropout on the token vectors entering the encoder, active only in
    training mode; its rate is spaCy's ``[training] dropout`` (the thinc model sets ``p`` at
    each update), 0 until then. The blocks' own ``dropout`` settings are separate sites.

    ``static`` (batch, time, width): fixed vectors per token (spaCy's ``nlp.vocab.vectors``),
    concatenated to the embeddings when the module was built with ``static_width``.

    ``ngrams``: an optional :class:`~lexiloom.models.ngram_bag.NgramBag` whose sparse linear
    logits over the text's hashed n-grams are added to the head's, so the two parts train
    together (the bag learns from few examples, the recurrent part generalises).

    ``separate_losses``: each part learns from the loss of its own prediction (see
    :meth:`backward_targets`) instead of the loss of their sum, so the bag, which fits small
    training sets within an epoch or two, does not end the recurrent part's learning signal.
    The prediction is the sum of both parts' logits either way.
    """

    def __init__(self, embedding: nn.Module, encoder: nn.Module, head: nn.Module,
                 ngrams: nn.Module | None = None, *, separate_losses: bool = False) -> None:
        super().__init__()
        self.embedding = embedding
        self.input_dropout = nn.Dropout(0.0)
        self.encoder = encoder
        self.head = head
        self.ngrams = ngrams
        self.separate_losses = bool(separate_losses) and ngrams is not None
        self._head_takes_final = _accepts_keyword(head.forward, "final")
        self.settings: dict[str, Any] = {}
        """The ``build_text_classifier`` arguments (without the vocabulary), when built by it."""
        self.base_lr_scales: dict[str, float] = {}
        """Learning-rate multipliers by parameter-name prefix set from outside, e.g. the
        discriminative rates of fine-tuning (``{"encoder.": 0.38, "embedding.": 0.15}``)."""
        self.frozen_prefixes: set[str] = set()
        """Parameter-name prefixes held still (a learning-rate scale of 0: gradual
        unfreezing)."""

    @property
    def n_labels(self) -> int:
        """The number of labels (the head's output size)."""
        return int(self.head.output_size)

    @property
    def exclusive(self) -> bool:
        """Whether the labels are mutually exclusive (softmax) rather than multi-label."""
        return bool(getattr(self.head, "exclusive", True))

    def forward(self, ids: torch.Tensor, lengths: torch.Tensor,
                static: torch.Tensor | None = None) -> torch.Tensor:
        """Logits (batch, n_labels) for padded ``ids`` (batch, time) of true ``lengths``."""
        out = self.encoder(token_vectors(self, ids, static), lengths)
        if self._head_takes_final:
            logits = self.head(out.states, lengths, final=out.final)
        else:
            logits = self.head(out.states, lengths)
        if self.ngrams is not None:
            bag = self.ngrams(ids, lengths).to(logits.dtype)
            head = logits
            logits = logits + bag
            if self.separate_losses and self.training and torch.is_grad_enabled():
                logits.lexiloom_parts = (head, bag)  # freed with the logits, never stale
        return logits

    def backward_targets(self, logits: torch.Tensor, grad: torch.Tensor
                         ) -> tuple[tuple[torch.Tensor, ...], tuple[torch.Tensor, ...]]:
        """The tensors to back-propagate, and their gradients, for ``grad``: the gradient of
        the cross-entropy loss with respect to ``logits`` (what :meth:`forward` returned in
        training mode), which is ``p - y`` for softmax and sigmoid outputs alike (spaCy's
        textcat losses).

        Without :attr:`separate_losses` that is ``(logits,), (grad,)``. With it, the gold
        ``y = p - grad`` is recovered and each part gets the gradient of its own loss,
        ``p_part - y``. An entry with no gradient where ``p`` is strictly between 0 and 1 had
        no gold label (spaCy zeroes missing labels): both parts get 0 there. Where ``p`` is
        exactly 0 or 1 (a saturated, correct prediction), ``y = p`` is the gold label and each
        part still learns from it.
        """
        if not self.separate_losses:
            return (logits,), (grad,)
        parts = getattr(logits, "lexiloom_parts", None)
        if parts is None:
            raise SettingsError("backward_targets needs the logits of a training-mode forward "
                                "pass (model.train(), gradients enabled) of this model")
        with torch.no_grad():
            p = self.probabilities(logits.detach())
            gold = p - grad
            answered = ((grad != 0) | (p == 0) | (p == 1)).to(grad.dtype)
            grads = tuple((self.probabilities(part.detach()) - gold) * answered
                          for part in parts)
        return parts, grads

    @property
    def lr_scales(self) -> dict[str, float]:
        """Learning-rate multipliers by parameter-name prefix: the n-gram part's,
        :attr:`base_lr_scales`, and 0 for :attr:`frozen_prefixes`."""
        scales = dict(self.base_lr_scales)
        if self.ngrams is not None:
            scales["ngrams."] = self.ngrams.lr_scale
        scales.update(dict.fromkeys(self.frozen_prefixes, 0.0))
        return scales

    def probabilities(self, logits: torch.Tensor) -> torch.Tensor:
        """The head's activation over ``logits``."""
        return self.head.probabilities(logits)


def build_text_classifier(
    vocab: Vocab,
    n_labels: int,
    *,
    embedder: Mapping[str, Any],
    encoder: Mapping[str, Any],
    head: Mapping[str, Any],
    exclusive: bool = True,
    static_width: int = 0,
    ngrams: Mapping[str, Any] | None = None,
) -> TextClassifierModule:
    """A :class:`TextClassifierModule` for ``vocab`` and ``n_labels`` labels, from plugin specs.

    Each spec is ``{"name": <registered name>, **settings}``: the embedder is built with its
    settings and ``.build(vocab)`` gives the input layer; the encoder gets ``input_size`` (the
    embedder's ``dim``); the head gets ``input_size`` (the encoder's ``output_size``),
    ``output_size=n_labels`` and ``exclusive`` (when the head declares that setting; a head spec
    that sets ``exclusive`` differently is an error). ``static_width`` > 0: ``forward`` takes
    static vectors of that width per token, concatenated to the embeddings. ``ngrams``
    (``{"size": 2, "buckets": 262144}``) adds an :class:`~lexiloom.models.ngram_bag.NgramBag`.

    >>> model = build_text_classifier(vocab, 2, embedder={"name": "trainable", "dim": 32},
    ...                               encoder={"name": "gru", "hidden_size": 32},
    ...                               head={"name": "classification"})  # doctest: +SKIP
    """
    if isinstance(n_labels, bool) or not isinstance(n_labels, int) or n_labels < 1:
        raise SettingsError(f"the number of labels must be a positive integer, not {n_labels!r}")
    if not isinstance(exclusive, bool):
        raise SettingsError(f"exclusive must be true or false, not {exclusive!r}")
    parts = build_input(vocab, embedder, encoder, static_width=static_width)
    head_entry, head_settings = spec_parts("head", head)
    head_name = head_entry.name

    embedding, encoder_obj = parts.embedding, parts.encoder
    if "exclusive" in head_entry.defaults:
        given = head_settings.setdefault("exclusive", exclusive)
        if given != exclusive:
            raise SettingsError(f"the head sets exclusive={given} but the classifier is "
                                f"{'exclusive' if exclusive else 'multi-label'}; remove "
                                "'exclusive' from the head settings")
    elif not exclusive:
        raise SettingsError(f"head {head_name!r} has no 'exclusive' setting, so it cannot be "
                            "multi-label; use the 'classification' head")
    head_obj = head_entry.create(input_size=encoder_obj.output_size, output_size=n_labels,
                                 **head_settings)
    if getattr(head_obj, "per_position", False):
        raise SettingsError(f"head {head_name!r} predicts every position (a language-model "
                            "head); a text classifier needs a pooling head such as "
                            "'classification' or 'sentiment'")
    bag, separate = None, False
    if ngrams is not None:
        from lexiloom.models.ngram_bag import NgramBag

        bag_settings = ngram_settings(ngrams)
        separate = bag_settings.pop("separate_loss")
        bag = NgramBag(n_labels, **bag_settings)
    module = TextClassifierModule(embedding, encoder_obj, head_obj, bag,
                                  separate_losses=separate)
    module.settings = {
        "embedder": parts.embedder_spec,
        "encoder": parts.encoder_spec,
        "head": spec_of(head_entry, head_settings),
        "exclusive": exclusive,
        **({"ngrams": ngram_settings(ngrams)} if ngrams is not None else {}),
    }
    return module


def ngram_settings(ngrams: Mapping[str, Any]) -> dict[str, Any]:
    """``{"size": ..., "buckets": ..., "lr_scale": ..., "separate_loss": ...}`` from an n-gram
    spec (defaults 2, 262144, 10.0, false: the form saved before ``separate_loss`` existed);
    SettingsError for other keys and bad values."""
    from lexiloom.models.ngram_bag import check_settings

    unknown = sorted(set(ngrams) - {"size", "buckets", "lr_scale", "separate_loss"})
    if unknown:
        raise SettingsError(f"n-gram settings {', '.join(unknown)} unknown; use size, buckets, "
                            "lr_scale, separate_loss")
    settings = {"size": ngrams.get("size", 2), "buckets": ngrams.get("buckets", 2**18),
                "lr_scale": ngrams.get("lr_scale", 10.0),
                "separate_loss": ngrams.get("separate_loss", False)}
    check_settings(settings["size"], settings["buckets"], settings["lr_scale"])
    if not isinstance(settings["separate_loss"], bool):
        raise SettingsError(f"the n-gram setting separate_loss must be true or false, not "
                            f"{settings['separate_loss']!r}")
    return settings


def resize_output(module: TextClassifierModule, new_n_labels: int,
                  *, new_bias: float | None = None) -> TextClassifierModule:
    """Grow ``module``'s output layer to ``new_n_labels`` labels, **in place**, and return it.

    The old labels keep their weights and biases, so their logits are unchanged; new labels start
    with zero weights and, by default, a bias of -5000 for exclusive heads (their probability is
    0, so the old labels' probabilities are unchanged too, as in spaCy's textcat) or 0 for
    multi-label heads; ``new_bias`` overrides it. The same size is a no-op; shrinking raises
    :class:`~lexiloom.errors.SettingsError`. Create the optimizer (or its state) afresh
    afterwards: the output layer's parameters are new tensors.
    """
    head = module.head
    resize = getattr(head, "resize_output", None)
    if resize is None:
        raise SettingsError(f"the head {type(head).__name__} cannot grow its output; "
                            "rebuild the model with the new number of labels")
    if new_bias is None:
        resize(new_n_labels)
    else:
        resize(new_n_labels, new_bias=new_bias)
    if module.ngrams is not None:
        module.ngrams.resize_output(new_n_labels)
    return module



def _accepts_keyword(function: Any, name: str) -> bool:
    try:
        parameters = inspect.signature(function).parameters.values()
    except (TypeError, ValueError):
        return False
    return any((p.name == name and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY))
               or p.kind is p.VAR_KEYWORD for p in parameters)
