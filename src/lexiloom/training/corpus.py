"""Labelled corpora for training and scoring: records read once, checked, mapped to label names.

>>> data = read_labelled("sentiment/train")                        # doctest: +SKIP
>>> data.labels, len(data.texts)                                   # doctest: +SKIP
(['negative', 'positive'], 280)
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from lexiloom.corpora import read_corpus
from lexiloom.errors import CorpusError


@dataclass(frozen=True)
class LabelledCorpus:
    """The texts of a corpus, their label tuples, and the sorted set of labels seen."""

    path: str
    texts: list[str]
    gold: list[tuple[str, ...]]

    @property
    def labels(self) -> list[str]:
        """Every label that occurs, sorted."""
        return sorted({label for labels in self.gold for label in labels})


def read_labelled(
    path: str | os.PathLike[str],
    *,
    format: str | None = None,
    encoding: str = "utf-8",
    label_map: Mapping[str, str] | None = None,
    exclusive: bool = True,
    reader: Mapping[str, Any] | None = None,
) -> LabelledCorpus:
    """Read a labelled corpus, applying ``label_map`` (raw label → name) to every label.

    Raises :class:`~lexiloom.errors.CorpusError` for a missing path (from the reader), an empty
    corpus, a text without a label, or (``exclusive``) a text with several labels.
    """
    label_map = dict(label_map or {})
    texts: list[str] = []
    gold: list[tuple[str, ...]] = []
    records = read_corpus(path, format=format, encoding=encoding, **dict(reader or {}))
    for number, record in enumerate(records, 1):
        labels = tuple(dict.fromkeys(label_map.get(lb, lb) for lb in record.labels))
        if not labels:
            raise CorpusError(f"{path}: record {number} has no label; every training or "
                              f"evaluation text needs one (check --format and the label field)")
        if exclusive and len(labels) > 1:
            raise CorpusError(f"{path}: record {number} has {len(labels)} labels {list(labels)}; "
                              f"pass --multi-label to train a multi-label classifier")
        texts.append(record.text)
        gold.append(labels)
    if not texts:
        raise CorpusError(f"{path}: the corpus is empty; pass a corpus with labelled texts")
    return LabelledCorpus(str(path), texts, gold)


def check_labels(corpus: LabelledCorpus, known: Sequence[str], what: str) -> None:
    """Raise :class:`~lexiloom.errors.CorpusError` when ``corpus`` has labels not in ``known``."""
    unknown = sorted(set(corpus.labels) - set(known))
    if unknown:
        raise CorpusError(
            f"{corpus.path}: labels {', '.join(unknown)} are not labels of {what} "
            f"({', '.join(known) or 'none'}); map them with --label-map FILE or use a corpus "
            f"with the same labels")


def to_examples(nlp: Any, corpus: LabelledCorpus, labels: Sequence[str]) -> list[Any]:
    """spaCy ``Example`` objects whose reference ``doc.cats`` covers every one of ``labels``."""
    from spacy.training import Example

    examples = []
    for text, gold in zip(corpus.texts, corpus.gold, strict=True):
        doc = nlp.make_doc(text)
        cats = {label: float(label in gold) for label in labels}
        examples.append(Example.from_dict(doc, {"cats": cats}))
    return examples


__all__ = ["LabelledCorpus", "check_labels", "read_labelled", "to_examples"]
