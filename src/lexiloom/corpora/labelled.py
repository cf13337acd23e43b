"""Labelled corpora for training and scoring: records checked and mapped to label names, as a
stream (:func:`labelled_records`) or read once into memory (:func:`read_labelled`).

>>> data = read_labelled("sentiment/train")                        # doctest: +SKIP
>>> data.labels, len(data.texts)                                   # doctest: +SKIP
(['negative', 'positive'], 280)
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from lexiloom.corpora.reading import read_corpus
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


def labelled_records(
    path: str | os.PathLike[str],
    *,
    format: str | None = None,
    encoding: str = "utf-8",
    label_map: Mapping[str, str] | None = None,
    exclusive: bool = True,
    reader: Mapping[str, Any] | None = None,
) -> Iterator[tuple[str, tuple[str, ...]]]:
    """Stream ``(text, labels)`` pairs of a labelled corpus, ``label_map`` (raw label → name)
    applied to every label.

    Raises :class:`~lexiloom.errors.CorpusError` for a missing path (from the reader), an empty
    corpus, a text without a label, or (``exclusive``) a text with several labels.
    """
    label_map = dict(label_map or {})
    records = read_corpus(path, format=format, encoding=encoding, **dict(reader or {}))
    number = 0
    for number, record in enumerate(records, 1):
        labels = tuple(dict.fromkeys(label_map.get(lb, lb) for lb in record.labels))
        if not labels:
            raise CorpusError(f"{path}: record {number} has no label; every training or "
                              f"evaluation text needs one (check --format and the label field)")
        if exclusive and len(labels) > 1:
            raise CorpusError(f"{path}: record {number} has {len(labels)} labels {list(labels)}; "
                              f"pass --multi-label to train a multi-label classifier")
        yield record.text, labels
    if not number:
        raise CorpusError(f"{path}: the corpus is empty; pass a corpus with labelled texts")


def read_labelled(
    path: str | os.PathLike[str],
    *,
    format: str | None = None,
    encoding: str = "utf-8",
    label_map: Mapping[str, str] | None = None,
    exclusive: bool = True,
    reader: Mapping[str, Any] | None = None,
) -> LabelledCorpus:
    """The whole labelled corpus at ``path`` in memory (:func:`labelled_records`)."""
    pairs = list(labelled_records(path, format=format, encoding=encoding, label_map=label_map,
                                  exclusive=exclusive, reader=reader))
    return LabelledCorpus(str(path), [text for text, _ in pairs], [gold for _, gold in pairs])


def check_labels(corpus: LabelledCorpus, known: Sequence[str], what: str) -> None:
    """Raise :class:`~lexiloom.errors.CorpusError` when ``corpus`` has labels not in ``known``."""
    unknown = sorted(set(corpus.labels) - set(known))
    if unknown:
        raise CorpusError(
            f"{corpus.path}: labels {', '.join(unknown)} are not labels of {what} "
            f"({', '.join(known) or 'none'}); map them with --label-map FILE or use a corpus "
            f"with the same labels")


__all__ = ["LabelledCorpus", "check_labels", "labelled_records", "read_labelled"]
