"""The ``lexiloom_sentiment`` component: text classification whose labels are polarities.

A subclass of spaCy's ``TextCategorizer`` (exclusive labels), so ``update``, ``initialize``,
scoring (``cats_score`` etc.) and serialization are spaCy's. On top of ``doc.cats`` (the labels
keep their original names) it sets:

- ``doc._.sentiment``: a score in [-1, 1] by the ``sentiment`` head's rule: P(positive) −
  P(negative), or the probability-weighted value of the head's ``label_values`` (e.g. star
  ratings mapped linearly to [-1, 1]);
- ``doc._.polarity``: the most probable label;
- ``span._.sentiment`` for every sentence, when the doc has sentence boundaries
  (``doc.has_annotation("SENT_START")``, e.g. after a ``sentencizer``): each sentence is scored
  on its own.

When the model's head is not a ``sentiment`` head (e.g. ``classification``), the score uses a
default ``sentiment`` head's rule. Labels from which no score can be derived are refused at
``initialize`` with a :class:`~lexiloom.errors.SettingsError` naming the fix.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy
from spacy.language import Language
from spacy.pipeline.textcat import TextCategorizer, textcat_score
from spacy.tokens import Doc, Span
from spacy.training import Example
from spacy.vocab import Vocab
from thinc.api import Model

from lexiloom import registry
from lexiloom.spacy.architectures import get_module
from lexiloom.spacy.names import SENTIMENT_FACTORY
from lexiloom.spacy.requirements import add_requirements

EXTENSIONS = (("sentiment", Doc), ("polarity", Doc), ("sentiment", Span))
"""The extension attributes the component sets (``doc._.sentiment`` etc.)."""


def register_extensions() -> None:
    """Register ``doc._.sentiment``, ``doc._.polarity`` and ``span._.sentiment`` (default
    ``None``) unless already registered."""
    for name, cls in EXTENSIONS:
        if not cls.has_extension(name):
            cls.set_extension(name, default=None)


class SentimentClassifier(TextCategorizer):
    """spaCy's ``TextCategorizer`` plus sentiment scores (see the module docstring)."""

    def __init__(self, vocab: Vocab, model: Model, name: str = SENTIMENT_FACTORY, *,
                 threshold: float = 0.0, scorer: Callable | None = textcat_score) -> None:
        super().__init__(vocab, model, name, threshold=threshold, scorer=scorer)
        register_extensions()
        self._fallback_head: Any = None

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
        self._set_sentence_scores(docs)

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
        sentences: list[Span] = []
        for doc in docs:
            if not doc.has_annotation("SENT_START"):
                continue
            for sent in doc.sents:
                if sent.start == 0 and sent.end == len(doc):
                    sent._.sentiment = doc._.sentiment
                else:
                    sentences.append(sent)
        if not sentences:
            return
        sent_docs = [sent.as_doc() for sent in sentences]
        probs = numpy.asarray(self.model.ops.to_numpy(self.predict(sent_docs)), dtype="float32")
        for sent, value in zip(sentences, self.sentiment_scores(probs), strict=True):
            sent._.sentiment = float(value)


__all__ = ["EXTENSIONS", "SentimentClassifier", "register_extensions"]
