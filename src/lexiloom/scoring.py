"""Classification scores in pure Python: accuracy, macro P/R/F1, per-label table, confusion matrix.

>>> s = score_classification([("a",), ("b",), ("b",)], [{"a": .9, "b": .1}, {"a": .6, "b": .4},
...                          {"a": .2, "b": .8}], labels=["a", "b"])
>>> round(s.accuracy, 3), s.confusion
(0.667, [[1, 0], [1, 1]])

Exclusive (one label per text): the prediction is the highest-scoring label; accuracy is the
share of texts whose prediction is their gold label; the confusion matrix has gold labels as rows
and predictions as columns. Multi-label: a label is predicted when its score is at least
``threshold``; accuracy is the share of texts whose predicted label set equals the gold set
(exact match) and there is no confusion matrix. Precision, recall and F1 are per label, and the
macro averages are their unweighted means over the labels (a label never predicted has
precision 0; F1 is 0 when precision + recall is 0).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from lexiloom.errors import CorpusError


@dataclass(frozen=True)
class LabelScores:
    """Precision, recall, F1 and support (gold count) of one label."""

    precision: float
    recall: float
    f1: float
    support: int


@dataclass(frozen=True)
class ClassificationScores:
    """Scores of one classifier over a corpus (see the module docstring for the definitions)."""

    labels: list[str]
    documents: int
    accuracy: float
    macro_precision: float
    macro_recall: float
    macro_f1: float
    per_label: dict[str, LabelScores]
    exclusive: bool
    confusion: list[list[int]] | None = field(default=None)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable form."""
        return {
            "labels": list(self.labels), "documents": self.documents, "exclusive": self.exclusive,
            "accuracy": self.accuracy, "macro_precision": self.macro_precision,
            "macro_recall": self.macro_recall, "macro_f1": self.macro_f1,
            "per_label": {k: vars(v).copy() for k, v in self.per_label.items()},
            "confusion": self.confusion,
        }

    def format_table(self) -> str:
        """The scores as a plain-text report: summary, per-label table, confusion matrix."""
        lines = [f"documents {self.documents}   accuracy {self.accuracy:.4f}   macro P "
                 f"{self.macro_precision:.4f}  R {self.macro_recall:.4f}  F1 {self.macro_f1:.4f}",
                 ""]
        width = max([5, *(len(label) for label in self.labels)])
        lines.append(f"{'label':<{width}}  {'P':>6}  {'R':>6}  {'F1':>6}  {'support':>7}")
        for label in self.labels:
            s = self.per_label[label]
            lines.append(f"{label:<{width}}  {s.precision:6.3f}  {s.recall:6.3f}  {s.f1:6.3f}  "
                         f"{s.support:7d}")
        if self.confusion is not None:
            lines += ["", "confusion (rows: gold, columns: predicted)"]
            cell = max([6, *(len(label) for label in self.labels)])
            lines.append(" " * width + "  " + "  ".join(f"{lb:>{cell}}" for lb in self.labels))
            for label, row in zip(self.labels, self.confusion, strict=True):
                lines.append(f"{label:<{width}}  " + "  ".join(f"{n:>{cell}d}" for n in row))
        return "\n".join(lines)


def predicted_label(cats: Mapping[str, float], labels: Sequence[str]) -> str:
    """The highest-scoring of ``labels`` in ``cats`` (ties: the first in ``labels``)."""
    return max(labels, key=lambda label: (cats.get(label, 0.0), -labels.index(label)))


def score_classification(
    gold: Iterable[Sequence[str]],
    predicted: Iterable[Mapping[str, float]],
    *,
    labels: Sequence[str],
    exclusive: bool = True,
    threshold: float = 0.5,
) -> ClassificationScores:
    """Score ``predicted`` label scores (one mapping per text) against ``gold`` label tuples.

    Raises :class:`~lexiloom.errors.CorpusError` when there are no texts, when the two sequences
    differ in length, or when a gold label is not in ``labels``.
    """
    labels = list(labels)
    index = {label: i for i, label in enumerate(labels)}
    gold_list = [tuple(g) for g in gold]
    pred_list = list(predicted)
    if not gold_list:
        raise CorpusError("cannot score an empty corpus; pass a corpus with labelled texts")
    if len(gold_list) != len(pred_list):
        raise CorpusError(f"{len(gold_list)} gold records but {len(pred_list)} predictions")
    unknown = sorted({lb for g in gold_list for lb in g} - set(labels))
    if unknown:
        raise CorpusError(f"gold labels {unknown} are not among the scored labels {labels}")
    tp = [0] * len(labels)
    fp = [0] * len(labels)
    fn = [0] * len(labels)
    correct = 0
    confusion = [[0] * len(labels) for _ in labels] if exclusive else None
    for gold_labels, cats in zip(gold_list, pred_list, strict=True):
        if exclusive:
            guess = {predicted_label(cats, labels)}
        else:
            guess = {label for label in labels if cats.get(label, 0.0) >= threshold}
        truth = set(gold_labels)
        correct += guess == truth
        if confusion is not None and len(truth) == 1:
            (t,), (p,) = truth, guess
            confusion[index[t]][index[p]] += 1
        for label in labels:
            i = index[label]
            if label in guess and label in truth:
                tp[i] += 1
            elif label in guess:
                fp[i] += 1
            elif label in truth:
                fn[i] += 1
    per_label = {}
    for label, i in index.items():
        p = tp[i] / (tp[i] + fp[i]) if tp[i] + fp[i] else 0.0
        r = tp[i] / (tp[i] + fn[i]) if tp[i] + fn[i] else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        per_label[label] = LabelScores(p, r, f, tp[i] + fn[i])
    n = len(labels) or 1
    return ClassificationScores(
        labels=labels, documents=len(gold_list), accuracy=correct / len(gold_list),
        macro_precision=sum(s.precision for s in per_label.values()) / n,
        macro_recall=sum(s.recall for s in per_label.values()) / n,
        macro_f1=sum(s.f1 for s in per_label.values()) / n,
        per_label=per_label, exclusive=exclusive, confusion=confusion,
    )


__all__ = ["ClassificationScores", "LabelScores", "predicted_label", "score_classification"]
