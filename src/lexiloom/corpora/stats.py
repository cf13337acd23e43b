"""Corpus statistics: documents, tokens, label distribution and length percentiles, streaming."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from lexiloom.corpora.record import Record

PERCENTILES = (50, 90, 99)


@dataclass(frozen=True)
class LengthStats:
    """Document lengths in tokens: nearest-rank percentiles, maximum and mean."""

    p50: int = 0
    p90: int = 0
    p99: int = 0
    max: int = 0
    mean: float = 0.0


@dataclass(frozen=True)
class CorpusStats:
    """What :func:`corpus_stats` measured."""

    documents: int
    tokens: int
    characters: int
    labels: dict[str, int] = field(hash=False)
    """Documents per label, most frequent first (ties alphabetical)."""
    unlabelled: int
    """Documents without any label."""
    multi_labelled: int
    """Documents with more than one label."""
    lengths: LengthStats
    tokenizer: str

    @property
    def exclusive(self) -> bool:
        """Whether every document has exactly one label (single-label classification)."""
        return self.documents > 0 and self.unlabelled == 0 and self.multi_labelled == 0

    def label_share(self, label: str) -> float:
        """The fraction of documents that carry ``label`` (0 to 1)."""
        return self.labels.get(label, 0) / self.documents if self.documents else 0.0

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable form (the ``lexiloom corpora info --json`` schema)."""
        return {
            "documents": self.documents,
            "tokens": self.tokens,
            "characters": self.characters,
            "tokenizer": self.tokenizer,
            "labels": [{"label": label, "documents": count,
                        "percent": round(100 * self.label_share(label), 2)}
                       for label, count in self.labels.items()],
            "unlabelled": self.unlabelled,
            "multi_labelled": self.multi_labelled,
            "exclusive": self.exclusive,
            "length": {"p50": self.lengths.p50, "p90": self.lengths.p90,
                       "p99": self.lengths.p99, "max": self.lengths.max,
                       "mean": round(self.lengths.mean, 2)},
        }


def _percentile(histogram: Counter[int], total: int, q: float) -> int:
    """Nearest-rank percentile ``q`` (0-100) of ``total`` values counted in ``histogram``."""
    rank = max(1, math.ceil(q / 100 * total))
    seen = 0
    for value in sorted(histogram):
        seen += histogram[value]
        if seen >= rank:
            return value
    return 0


def _counter(tokenizer: Any) -> tuple[Callable[[str], int], str]:
    if tokenizer is None or isinstance(tokenizer, str):
        from lexiloom import registry

        name = tokenizer or "whitespace"
        tok = registry.tokenizers.create(name)
        return (lambda text: len(tok.tokenize(text))), name
    return (lambda text: len(tokenizer.tokenize(text))), type(tokenizer).__name__


def corpus_stats(
    records: Iterable[Record],
    tokenizer: Any = None,
    *,
    progress: Callable[[int], None] | None = None,
) -> CorpusStats:
    """Count documents, tokens, characters and labels of ``records`` in one streaming pass.

    ``tokenizer`` is a :class:`~lexiloom.protocols.Tokenizer`, a registered tokenizer name, or
    ``None`` for ``whitespace``. Memory holds one count per distinct length and label, not the
    corpus. ``progress`` is called with the number of documents read so far, every 10,000.
    """
    count_tokens, name = _counter(tokenizer)
    labels: Counter[str] = Counter()
    lengths: Counter[int] = Counter()
    documents = tokens = characters = unlabelled = multi = 0
    for record in records:
        n = count_tokens(record.text)
        documents += 1
        tokens += n
        characters += len(record.text)
        lengths[n] += 1
        labels.update(set(record.labels))
        unlabelled += not record.labels
        multi += len(set(record.labels)) > 1
        if progress is not None and documents % 10_000 == 0:
            progress(documents)
    length_stats = LengthStats(
        *(_percentile(lengths, documents, q) for q in PERCENTILES),
        max=max(lengths, default=0),
        mean=tokens / documents if documents else 0.0,
    )
    ordered = dict(sorted(labels.items(), key=lambda item: (-item[1], item[0])))
    return CorpusStats(documents, tokens, characters, ordered, unlabelled, multi, length_stats,
                       name)
