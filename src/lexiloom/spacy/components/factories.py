"""spaCy factories of lexiloom's components; the module the ``spacy_factories`` entry point
names, so spaCy imports it whenever it builds a pipeline.

It stays light: it imports spaCy's ``Language`` (already loaded by then) and nothing from torch
or the component implementations, which load when a component is created.

``lexiloom_sentiment``: see :class:`lexiloom.spacy.components.sentiment.SentimentClassifier`.
Its default model is ``lexiloom.TextClassifier.v4`` with the ``sentiment`` head::

    nlp.add_pipe("lexiloom_sentiment")
    nlp.add_pipe("lexiloom_sentiment",
                 config={"model": {"encoder": {"@architectures": "lexiloom.GRUEncoder.v1"}}})
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from spacy.language import Language

from lexiloom.spacy.names import ARCHITECTURE_V4, SENTIMENT_FACTORY

if TYPE_CHECKING:
    from thinc.api import Model


DEFAULT_SENTIMENT_MODEL: dict[str, Any] = {
    "@architectures": ARCHITECTURE_V4,
    "exclusive_classes": True,
    "nO": None,
    # Registered blocks with their own defaults (trainable: dim 100; lstm: hidden 128;
    # sentiment: max pooling) and v4's n-gram part (bigrams, 262144 buckets); `spacy init
    # fill-config` writes them out.
    "embedder": {"@architectures": "lexiloom.TrainableEmbedder.v1"},
    "encoder": {"@architectures": "lexiloom.LSTMEncoder.v1"},
    "head": {"@architectures": "lexiloom.SentimentHead.v1"},
    "vocab": {"min_count": 1, "max_size": 50000, "attr": "norm"},
    "vocab_corpus": None,
    # one shared loss, as the shipped configs: from scratch separate losses train longer for
    # the same accuracy; set it true with include_static_vectors (docs/spacy.md)
    "ngram_separate_loss": False,
}
"""The model of ``lexiloom_sentiment`` unless its config says otherwise."""

SCORE_WEIGHTS: dict[str, float | None] = {
    "cats_score": 1.0, "cats_score_desc": None, "cats_micro_p": None, "cats_micro_r": None,
    "cats_micro_f": None, "cats_macro_p": None, "cats_macro_r": None, "cats_macro_f": None,
    "cats_macro_auc": None, "cats_f_per_type": None,
}


@Language.factory(
    SENTIMENT_FACTORY,
    assigns=["doc.cats", "doc._.sentiment", "doc._.polarity", "span._.sentiment"],
    default_config={
        "threshold": 0.0,
        "model": DEFAULT_SENTIMENT_MODEL,
        "scorer": {"@scorers": "spacy.textcat_scorer.v2"},
    },
    default_score_weights=SCORE_WEIGHTS,
)
def make_sentiment(nlp: Language, name: str, model: Model, threshold: float,
                   scorer: Callable | None) -> Any:
    """Create a ``lexiloom_sentiment`` component (a ``SentimentClassifier``)."""
    from lexiloom.spacy.components.sentiment import SentimentClassifier

    return SentimentClassifier(nlp.vocab, model, name, threshold=threshold, scorer=scorer)


__all__ = ["DEFAULT_SENTIMENT_MODEL", "SENTIMENT_FACTORY", "make_sentiment"]
