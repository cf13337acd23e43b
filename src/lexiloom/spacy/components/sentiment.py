"""The ``lexiloom_sentiment`` component: text classification whose labels are polarities.

A subclass of spaCy's ``TextCategorizer`` (exclusive labels), so ``update``, ``initialize``,
scoring (``cats_score`` etc.) and serialization are spaCy's. On top of ``doc.cats`` (the labels
keep their original names) it sets:

- ``doc._.sentiment``: a score in [-1, 1] by the ``sentiment`` head's rule: P(positive) −
  P(negative), or the probability-weighted value of the head's ``label_values`` (e.g. star
  ratings mapped linearly to [-1, 1]);
- ``doc._.polarity``: the most probable label;
- ``span._.sentiment`` for any span of a doc the component annotated: sentences are scored with
  the doc when it has sentence boundaries (``doc.has_annotation("SENT_START")``, e.g. after a
  ``sentencizer``); any other span (``doc.ents``, ``doc.noun_chunks``, ``doc[i:j]``) is scored
  on its own text when first read, and the score is kept in the doc. Score many spans in one
  batch with :meth:`SentimentClassifier.score_spans`. A doc read back in another process
  (``DocBin``) keeps the stored scores; spans not scored before read ``None`` there.

When the model's head is not a ``sentiment`` head (e.g. ``classification``), the score uses a
default ``sentiment`` head's rule. Labels from which no score can be derived are refused at
``initialize`` with a :class:`~lexiloom.errors.SettingsError` naming the fix.
"""

from __future__ import annotations

import itertools
import uuid
import weakref
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy
from spacy.language import Language
from spacy.pipeline.textcat import TextCategorizer, textcat_score
from spacy.tokens import Doc, Span
from spacy.training import Example
from spacy.vocab import Vocab
from thinc.api import Model

from lexiloom import registry
from lexiloom.errors import SettingsError
from lexiloom.spacy.architectures import get_module
from lexiloom.spacy.names import SENTIMENT_FACTORY
from lexiloom.spacy.requirements import add_requirements

EXTENSIONS = (("sentiment", Doc), ("polarity", Doc), ("sentiment", Span))
"""The extension attributes the component sets (``doc._.sentiment`` etc.)."""

SCORED_BY = ("lexiloom", "sentiment_scored_by")
"""The ``doc.user_data`` key naming the live component that annotated the doc, which scores
its other spans on demand."""

_LIVE: dict[str, weakref.ref] = {}
_TOKENS = itertools.count()
_PROCESS = uuid.uuid4().hex[:12]
"""Part of every component's token, so a doc annotated in another process (and read back from
a DocBin) never names a component of this one; forked workers share it with their parent."""


def _stored(span: Span) -> tuple[Any, ...]:
    """Where spaCy keeps a span's extension value in ``doc.user_data``."""
    return ("._.", "sentiment", span.start_char, span.end_char)


def span_sentiment(span: Span) -> float | None:
    """``span._.sentiment``: the stored score, else the score of the component that annotated
    ``span.doc`` (computed now and stored), else ``None``."""
    stored = span.doc.user_data.get(_stored(span))
    if stored is not None:
        return stored
    reference = _LIVE.get(str(span.doc.user_data.get(SCORED_BY)))
    component = reference() if reference is not None else None
    if component is None or component.vocab is not span.doc.vocab:
        return None
    return component.score_spans([span])[0]


def _set_span_sentiment(span: Span, value: float | None) -> None:
    span.doc.user_data[_stored(span)] = value


def register_extensions() -> None:
    """Register ``doc._.sentiment`` and ``doc._.polarity`` (default ``None``) unless already
    registered, and ``span._.sentiment`` (:func:`span_sentiment`); a SettingsError when another
    package holds ``span._.sentiment``."""
    for name, cls in EXTENSIONS[:2]:
        if not cls.has_extension(name):
            cls.set_extension(name, default=None)
    current = Span.get_extension("sentiment")
    if current == (None, None, span_sentiment, _set_span_sentiment):
        return
    if current is not None and getattr(current[2], "__module__", None) != __name__:
        raise SettingsError("Span._.sentiment is already registered by another package "
                            f"(getter {current[2]!r}); lexiloom_sentiment needs that extension "
                            "for span scores: remove the other one (Span.remove_extension"
                            "('sentiment')) or do not use both in one process")
    Span.set_extension("sentiment", getter=span_sentiment, setter=_set_span_sentiment,
                       force=True)  # ours, from an earlier import of this module


class SentimentClassifier(TextCategorizer):
    """spaCy's ``TextCategorizer`` plus sentiment scores (see the module docstring)."""

    def __init__(self, vocab: Vocab, model: Model, name: str = SENTIMENT_FACTORY, *,
                 threshold: float = 0.0, scorer: Callable | None = textcat_score) -> None:
        super().__init__(vocab, model, name, threshold=threshold, scorer=scorer)
        register_extensions()
        self._fallback_head: Any = None
        self._token = f"{name}#{_PROCESS}#{next(_TOKENS)}"
        _LIVE[self._token] = weakref.ref(self, lambda _, token=self._token: _LIVE.pop(token, None))

    def predict(self, docs: Iterable[Doc]) -> Any:
        """The model's probabilities for ``docs``; unlike spaCy's textcat, a batch of only empty
        docs is scored by the model too, so a doc's scores never depend on its batch."""
        docs = list(docs)
        if not docs:
            return self.model.ops.alloc2f(0, len(self.labels))
        return self.model.ops.asarray(self.model.predict(docs))

    def set_annotations(self, docs: Iterable[Doc], scores: Any) -> None:
        """Set ``doc.cats``, ``doc._.sentiment``, ``doc._.polarity`` and sentence scores."""
        docs = list(docs)
        super().set_annotations(docs, scores)
        if not docs or not self.labels:
            return
        probs = numpy.asarray(self.model.ops.to_numpy(self.model.ops.asarray(scores)),
                              dtype="float32")
        values = self.sentiment_scores(probs)
        for doc, row, value in zip(docs, probs, values, strict=True):
            doc._.sentiment = float(value)
            doc._.polarity = self.labels[int(row.argmax())]
            doc.user_data[SCORED_BY] = self._token
        self._set_sentence_scores(docs)

    def score_spans(self, spans: Sequence[Span]) -> list[float]:
        """The sentiment score of each of ``spans`` (any spans, of any docs of this
        pipeline), each scored on its own text in one batch, and stored as its
        ``span._.sentiment``; a span covering its whole doc gets the doc's score."""
        spans = list(spans)
        whole = [span.start == 0 and span.end == len(span.doc)
                 and span.doc._.sentiment is not None for span in spans]
        parts = [span for span, is_whole in zip(spans, whole, strict=True) if not is_whole]
        scored = iter(())
        if parts:
            probs = numpy.asarray(self.model.ops.to_numpy(
                self.predict([span.as_doc() for span in parts])), dtype="float32")
            scored = iter(self.sentiment_scores(probs).tolist())
        values = [span.doc._.sentiment if is_whole else next(scored)
                  for span, is_whole in zip(spans, whole, strict=True)]
        for span, value in zip(spans, values, strict=True):
            _set_span_sentiment(span, float(value))
        return [float(value) for value in values]

    def sentiment_scores(self, probabilities: numpy.ndarray) -> numpy.ndarray:
        """The sentiment score in [-1, 1] of each row of ``probabilities`` (one column per
        label, in ``self.labels`` order)."""
        import torch

        scores = self._scoring_head().score(torch.from_numpy(probabilities), list(self.labels))
        return scores.detach().cpu().numpy()

    def initialize(self, get_examples: Callable[[], Iterable[Example]], *,
                   nlp: Language | None = None, labels: Iterable[str] | None = None,
                   positive_label: str | None = None) -> None:
        """spaCy's ``initialize``, then a check that a score can be derived from the labels, and
        lexiloom added to ``nlp.meta["requirements"]``."""
        super().initialize(get_examples, nlp=nlp, labels=labels, positive_label=positive_label)
        uniform = numpy.full((1, len(self.labels)), 1.0 / len(self.labels), dtype="float32")
        self.sentiment_scores(uniform)  # raises SettingsError for labels without polarity
        if nlp is not None:
            add_requirements(nlp)

    def _scoring_head(self) -> Any:
        module = get_module(self.model)
        head = getattr(module, "head", None)
        if head is not None and hasattr(head, "score"):
            return head
        if self._fallback_head is None:
            self._fallback_head = registry.heads.create("sentiment", input_size=1,
                                                        output_size=max(1, len(self.labels)))
        return self._fallback_head

    def _set_sentence_scores(self, docs: list[Doc]) -> None:
        sentences = [sent for doc in docs if doc.has_annotation("SENT_START")
                     for sent in doc.sents]
        if sentences:
            self.score_spans(sentences)


__all__ = ["EXTENSIONS", "SCORED_BY", "SentimentClassifier", "register_extensions",
           "span_sentiment"]
