"""Labelling texts with a trained pipeline: the records ``lexiloom classify`` and
``lexiloom sentiment`` print as JSON lines.

Schema (one object per text)::

    classify:  {"text": str, "cats": {label: score}, "label": str}
               multi-label components add "labels": [labels scoring >= the threshold]
    sentiment: the same plus "sentiment": float in [-1, 1] and "polarity": str

``label`` is the highest-scoring label. ``sentiment`` is ``doc._.sentiment`` when the component
sets it (``lexiloom_sentiment``), else P(positive) − P(negative) from labels named
positive/negative (also pos/neg, 1/0, case-insensitive); ``polarity`` is ``doc._.polarity`` or
the top label.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from lexiloom.errors import ModelFileError, SettingsError
from lexiloom.evaluation import component_kind
from lexiloom.scoring import predicted_label
from lexiloom.spacy.names import SENTIMENT_FACTORY
from lexiloom.training.classifier_scores import is_exclusive

_POSITIVE = ("positive", "pos", "1")
_NEGATIVE = ("negative", "neg", "0")


def choose_classifier(nlp: Any, component: str | None = None, *,
                      prefer: str | None = None) -> str:
    """The text classifier to use: ``component`` if given, else the first component made by
    factory ``prefer``, else the first text classifier."""
    names = [n for n in nlp.pipe_names if component_kind(nlp, n) == "classification"]
    if component is not None:
        if component not in names:
            raise SettingsError(f"the model has no text classifier {component!r}; its "
                                f"classifiers: {', '.join(names) or 'none'}")
        return component
    if not names:
        raise SettingsError(f"the model has no text classifier (components: "
                            f"{', '.join(nlp.pipe_names) or 'none'}); train one with "
                            f"'lexiloom train'")
    preferred = [n for n in names if nlp.get_pipe_meta(n).factory == prefer]
    return (preferred or names)[0]


def polarity_score(cats: dict[str, float]) -> float:
    """P(positive) − P(negative) from labels named by the positive/negative conventions."""
    lowered = {label.lower(): score for label, score in cats.items()}
    pos = next((lowered[k] for k in _POSITIVE if k in lowered), None)
    neg = next((lowered[k] for k in _NEGATIVE if k in lowered), None)
    if pos is None or neg is None:
        raise SettingsError(f"cannot derive a sentiment score from labels {sorted(cats)}; use a "
                            f"lexiloom_sentiment model or labels positive/negative")
    return max(-1.0, min(1.0, pos - neg))


def classify(nlp: Any, texts: Iterable[str], *, component: str | None = None,
             sentiment: bool = False, batch_size: int = 64) -> Iterator[dict[str, Any]]:
    """One record per text (see the module docstring for the schema)."""
    name = choose_classifier(nlp, component, prefer=SENTIMENT_FACTORY if sentiment else None)
    pipe = nlp.get_pipe(name)
    labels = list(pipe.labels)
    if not labels:
        raise ModelFileError(f"component {name!r} of the pipeline has no labels: the model is "
                             "corrupt or was never trained; train it again with lexiloom train")
    exclusive = is_exclusive(pipe)
    threshold = float((getattr(pipe, "cfg", {}) or {}).get("threshold", 0.5))
    others = [n for n in nlp.pipe_names if component_kind(nlp, n) == "classification"
              and n != name]
    for doc in nlp.pipe(texts, batch_size=batch_size, disable=others):
        cats = {label: float(doc.cats.get(label, 0.0)) for label in labels}
        record: dict[str, Any] = {"text": doc.text, "cats": cats,
                                  "label": predicted_label(cats, labels)}
        if not exclusive:
            record["labels"] = [lb for lb in labels if cats[lb] >= threshold]
        if sentiment:
            score = _extension(doc, "sentiment")
            record["sentiment"] = float(score) if score is not None else polarity_score(cats)
            polarity = _extension(doc, "polarity")
            record["polarity"] = polarity if polarity is not None else record["label"]
        yield record


def _extension(doc: Any, name: str) -> Any:
    return getattr(doc._, name) if doc.has_extension(name) else None


__all__ = ["choose_classifier", "classify", "polarity_score"]
