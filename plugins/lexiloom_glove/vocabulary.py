"""The GloVe vocabulary: word counts over a corpus, pruned like the reference ``vocab_count``."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from lexiloom.errors import CorpusError


@dataclass
class Vocabulary:
    """The kept words, most frequent first (ties alphabetical), with their counts.

    ``index`` maps each word to its row; ``total_words`` counts every token read (kept or not).
    """

    words: list[str]
    counts: list[int]
    total_words: int

    @property
    def index(self) -> dict[str, int]:
        """word -> row."""
        return {word: i for i, word in enumerate(self.words)}

    def __len__(self) -> int:
        return len(self.words)


def count_vocabulary(
    sentences: Iterable[Sequence[Any]],
    *,
    min_count: int = 5,
    max_vocab_size: int | None = None,
    on_progress: Callable[[int], Any] | None = None,
    report_every: int = 1 << 20,
) -> Vocabulary:
    """Count the tokens of ``sentences`` and keep the words seen at least ``min_count`` times,
    at most the ``max_vocab_size`` most frequent ones (``None``: no limit).

    Tokens are strings, or objects with a ``norm`` attribute (:class:`lexiloom.tokens.Token`).
    Raises :class:`~lexiloom.errors.CorpusError` when no word is kept.
    """
    counter: Counter[str] = Counter()
    total = 0
    next_report = report_every
    for sentence in sentences:
        if isinstance(sentence, str):
            raise CorpusError("each sentence must be a list of tokens, not a string; split the "
                              "text into tokens first (e.g. text.split()) or use a TokenStream")
        if sentence and not isinstance(sentence[0], str):
            sentence = [getattr(t, "norm", t) for t in sentence]
        counter.update(sentence)
        total += len(sentence)
        if on_progress is not None and total >= next_report:
            on_progress(total)
            next_report = total + report_every
    if on_progress is not None:
        on_progress(total)
    kept = sorted((w for w, c in counter.items() if c >= min_count), key=lambda w: (-counter[w], w))
    if max_vocab_size is not None:
        kept = kept[:max_vocab_size]
    if not kept:
        raise CorpusError(
            f"no word occurs at least min_count={min_count} times in the corpus ({total} tokens); "
            "lower min_count or give a larger corpus")
    return Vocabulary(kept, [counter[w] for w in kept], total)
