"""Scoring a spaCy pipeline's lexiloom components on a labelled corpus.

>>> from lexiloom.evaluation import evaluate
>>> report = evaluate("out/", "sentiment/test")                 # doctest: +SKIP
>>> report["textcat"].accuracy                                   # doctest: +SKIP

Each component has a *kind* (:func:`component_kind`), and :data:`SCORERS` maps a kind to the
function that scores it; text classifiers (spaCy ``textcat``/``textcat_multilabel`` and
``lexiloom_sentiment``) are kind ``"classification"`` and are scored on a labelled corpus;
``lexiloom_generator`` language models are kind ``"generation"`` and are scored (cross-entropy
and perplexity) on a plain-text file read as in training, or on a labelled corpus's texts.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from lexiloom.corpora.labelled import LabelledCorpus, read_labelled
from lexiloom.errors import CorpusError, SettingsError
from lexiloom.spacy.names import CLASSIFIER_FACTORIES, GENERATOR_FACTORY
from lexiloom.training.classifier_scores import score_classifier
from lexiloom.training.pipeline import load_pipeline


def component_kind(nlp: Any, name: str) -> str | None:
    """What kind of scorable component ``name`` is (``"classification"`` or
    ``"generation"``), or ``None``."""
    factory = nlp.get_pipe_meta(name).factory
    if factory in CLASSIFIER_FACTORIES:
        return "classification"
    if factory == GENERATOR_FACTORY:
        return "generation"
    return None


def score_generator(nlp: Any, name: str, corpus: LabelledCorpus | TextFile) -> Any:
    """Cross-entropy and perplexity of the generator ``name`` on a text file (read as in
    training) or on a labelled corpus's texts (each its own stream)."""
    generator = nlp.get_pipe(name)
    if isinstance(corpus, TextFile):
        return generator.evaluate_file(corpus.path, encoding=corpus.encoding)
    return generator.perplexity(corpus.texts)


@dataclass(frozen=True)
class TextFile:
    """A plain-text file to score language models on."""

    path: str
    encoding: str = "utf-8"


SCORERS: dict[str, Callable[[Any, str, Any], Any]] = {
    "classification": score_classifier,
    "generation": score_generator,
}
"""Component kind → scorer ``(nlp, component name, corpus) -> scores with .to_dict()`` and
``.format_table()``."""


def scorable_components(nlp: Any) -> list[str]:
    """Names of the components :data:`SCORERS` can score, in pipeline order."""
    return [name for name in nlp.pipe_names if component_kind(nlp, name) in SCORERS]


def evaluate_pipeline(
    nlp: Any,
    corpus: LabelledCorpus | TextFile,
    *,
    component: str | None = None,
) -> dict[str, Any]:
    """Scores of every scorable component of ``nlp`` (or only ``component``) on ``corpus``."""
    names = selected_components(nlp, component)
    if isinstance(corpus, TextFile) and any(component_kind(nlp, name) != "generation"
                                            for name in names):
        raise SettingsError("text classifiers are scored on a labelled corpus, not a plain "
                            "text file; pass one (or --component with a generator)")
    return {name: SCORERS[component_kind(nlp, name) or ""](nlp, name, corpus) for name in names}


def selected_components(nlp: Any, component: str | None = None) -> list[str]:
    """The components to score: ``component`` (checked), else every scorable one."""
    names = scorable_components(nlp)
    if component is not None:
        if component not in nlp.pipe_names:
            raise SettingsError(f"the model has no component {component!r}; its components: "
                                f"{', '.join(nlp.pipe_names) or 'none'}")
        if component not in names:
            raise SettingsError(f"component {component!r} cannot be scored; scorable: "
                                f"{', '.join(names) or 'none'}")
        names = [component]
    if not names:
        raise SettingsError("the model has no component lexiloom can score (text classifiers: "
                            f"{', '.join(CLASSIFIER_FACTORIES)}; language models: "
                            f"{GENERATOR_FACTORY})")
    return names


def evaluate(
    model: str | os.PathLike[str],
    corpus: str | os.PathLike[str],
    *,
    component: str | None = None,
    format: str | None = None,
    encoding: str = "utf-8",
    label_map: Mapping[str, str] | None = None,
    reader: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Load ``model`` (a training directory or a pipeline) and score it on ``corpus``.

    Returns component name → scores (:class:`~lexiloom.scoring.ClassificationScores` for text
    classifiers, :class:`~lexiloom.models.perplexity.LanguageModelScore` for generators). When
    every component scored is a generator, ``corpus`` is a plain-text file. Bad input raises a
    :class:`~lexiloom.errors.LexiloomError`: a missing model or corpus, an empty corpus, labels
    the model does not know.
    """
    nlp = load_pipeline(model)
    names = selected_components(nlp, component)
    if all(component_kind(nlp, name) == "generation" for name in names) and format is None:
        return evaluate_pipeline(nlp, TextFile(os.fspath(corpus), encoding),
                                 component=component)
    data = read_labelled(corpus, format=format, encoding=encoding, label_map=label_map,
                         exclusive=False, reader=reader)
    if not data.texts:
        raise CorpusError(f"{corpus}: the corpus is empty; pass a corpus with labelled texts")
    return evaluate_pipeline(nlp, data, component=component)


__all__ = ["SCORERS", "TextFile", "component_kind", "evaluate", "evaluate_pipeline",
           "scorable_components", "score_classifier", "score_generator", "selected_components"]
