"""Scoring a spaCy text classifier component on a labelled corpus: the dev scores of the training
loop, and the ``classification`` scorer of :mod:`lexiloom.evaluation`.

>>> scores = score_classifier(nlp, "textcat", read_labelled("sentiment/dev"))  # doctest: +SKIP
>>> scores.accuracy                                                           # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any

from lexiloom.corpora.labelled import LabelledCorpus, check_labels
from lexiloom.scoring import ClassificationScores, score_classification


def is_exclusive(component: Any) -> bool:
    """Whether a text classifier predicts exactly one label per text."""
    cfg = getattr(component, "cfg", {}) or {}
    if "exclusive_classes" in cfg:
        return bool(cfg["exclusive_classes"])
    model = getattr(component, "model", None)
    attrs = getattr(model, "attrs", {}) or {}
    if "multi_label" in attrs:
        return not attrs["multi_label"]
    return type(component).__name__ != "MultiLabel_TextCategorizer"


def predict_cats(nlp: Any, name: str, texts: list[str], batch_size: int = 256) -> list[dict]:
    """``doc.cats`` of component ``name`` (run after the components before it) for ``texts``."""
    before = []
    for pipe_name, _ in nlp.pipeline:
        if pipe_name == name:
            break
        before.append(pipe_name)
    component = nlp.get_pipe(name)
    labels = list(component.labels)
    docs = (nlp.make_doc(t) for t in texts)
    for pipe_name in before:
        docs = nlp.get_pipe(pipe_name).pipe(docs, batch_size=batch_size)
    return [{label: float(doc.cats.get(label, 0.0)) for label in labels}
            for doc in component.pipe(docs, batch_size=batch_size)]


def score_classifier(nlp: Any, name: str, corpus: LabelledCorpus) -> ClassificationScores:
    """Classification scores of component ``name`` on ``corpus``."""
    component = nlp.get_pipe(name)
    labels = list(component.labels)
    exclusive = is_exclusive(component)
    check_labels(corpus, labels, f"component {name!r} of the model")
    predicted = predict_cats(nlp, name, corpus.texts)
    threshold = float((getattr(component, "cfg", {}) or {}).get("threshold", 0.5))
    return score_classification(corpus.gold, predicted, labels=labels, exclusive=exclusive,
                                threshold=threshold)


__all__ = ["is_exclusive", "predict_cats", "score_classifier"]
