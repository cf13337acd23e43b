"""``lexiloom quantize MODEL OUT``: a copy of a trained pipeline whose lexiloom models are stored
as int8 (:mod:`lexiloom.spacy.quantize`), with the sizes and, given a labelled corpus, how well
the copy agrees with the original.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lexiloom.corpora.labelled import check_labels, read_labelled
from lexiloom.errors import SettingsError
from lexiloom.training.classifier_scores import is_exclusive, predict_cats, score_classifier
from lexiloom.training.pipeline import load_pipeline, resolve_model_dir, save_pipeline


@dataclass
class ComponentReport:
    """One quantized component: its model file's bytes before and after, and on the check
    corpus the share of texts given the same labels and both accuracies."""

    name: str
    bytes_before: int
    bytes_after: int
    agreement: float | None = None
    accuracy_before: float | None = None
    accuracy_after: float | None = None

    @property
    def ratio(self) -> float:
        return self.bytes_after / self.bytes_before if self.bytes_before else 1.0


@dataclass
class QuantizeReport:
    """What :func:`quantize_model` wrote and measured."""

    out: Path
    components: list[ComponentReport] = field(default_factory=list)
    documents: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {"out": str(self.out), "documents": self.documents,
                "components": [{**vars(c), "ratio": c.ratio} for c in self.components]}


def quantize_model(model: str | os.PathLike[str], out: str | os.PathLike[str], *,
                   check: str | None = None, format: str | None = None,
                   label_map: dict[str, str] | None = None) -> QuantizeReport:
    """Write the int8 copy of ``model`` (a training directory or pipeline) to ``out``
    (atomically, with a manifest); with ``check`` (a labelled corpus), score both on it."""
    from lexiloom.spacy.quantize import quantize_pipeline

    source = resolve_model_dir(model)
    target = Path(out).resolve()
    for protected in {source.resolve(), Path(model).resolve()}:
        if target == protected or protected.is_relative_to(target) \
                or target.is_relative_to(protected):
            raise SettingsError(f"OUT ({out}) would overwrite or sit inside MODEL ({model}); "
                                "choose another folder for the quantized copy")
    nlp = load_pipeline(source)
    corpus = None if check is None else read_labelled(check, format=format,
                                                      label_map=label_map)
    if corpus is not None:  # before anything is written
        for name, _ in nlp.components:
            if _classifies(nlp, name):
                check_labels(corpus, list(nlp.get_pipe(name).labels),
                             f"component {name!r} of the model")
    names = quantize_pipeline(nlp)
    save_pipeline(nlp, out)
    report = QuantizeReport(Path(out), documents=0 if corpus is None else len(corpus.texts))
    copy = load_pipeline(out) if corpus is not None else None
    original = load_pipeline(source) if corpus is not None else None
    for name in names:
        entry = ComponentReport(name, _size(source / name), _size(Path(out) / name))
        if corpus is not None and _classifies(original, name):
            entry.agreement = _agreement(original, copy, name, corpus.texts)
            entry.accuracy_before = score_classifier(original, name, corpus).accuracy
            entry.accuracy_after = score_classifier(copy, name, corpus).accuracy
        report.components.append(entry)
    return report


def _classifies(nlp: Any, name: str) -> bool:
    from lexiloom.spacy.names import CLASSIFIER_FACTORIES

    return nlp.get_pipe_meta(name).factory in CLASSIFIER_FACTORIES


def _agreement(a: Any, b: Any, name: str, texts: list[str]) -> float:
    """The share of ``texts`` given the same labels by component ``name`` of ``a`` and ``b``
    (the top label when exclusive, else the labels at probability 0.5 or more)."""
    exclusive = is_exclusive(a.get_pipe(name))
    same = 0
    for x, y in zip(predict_cats(a, name, texts), predict_cats(b, name, texts), strict=True):
        if exclusive:
            same += max(x, key=x.get) == max(y, key=y.get)
        else:
            same += {k for k, v in x.items() if v >= 0.5} == {k for k, v in y.items() if v >= 0.5}
    return same / len(texts) if texts else 1.0


def _size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


__all__ = ["ComponentReport", "QuantizeReport", "quantize_model"]
