"""``KeyedVectors``: words and their vectors, queried like gensim's ``KeyedVectors``."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from lexiloom.errors import LexiloomError, SettingsError
from lexiloom.vectors import formats

if TYPE_CHECKING:
    from lexiloom.vectors.evaluation import AnalogyResult, WordPairsResult

Query = str | np.ndarray


class UnknownWordError(LexiloomError, KeyError):
    """A word that the vectors do not contain (also a ``KeyError``, like a dict lookup)."""

    def __init__(self, word: str, size: int) -> None:
        self.word = word
        super().__init__(
            f"word {word!r} is not in the vectors ({size} words); check its spelling and case "
            "(vectors are case-sensitive), or use vectors trained on a larger vocabulary")

    def __str__(self) -> str:
        return str(self.args[0])


class KeyedVectors:
    """Words and their vectors: ``kv["cat"]``, ``"cat" in kv``, ``kv.most_similar("cat")``.

    Row ``i`` of ``vectors`` (float32, shape (len(words), dim)) is the vector of ``words[i]``;
    ``counts`` are optional corpus frequencies. Similarities are cosines, and ``most_similar``,
    ``analogy`` and the evaluations follow gensim's semantics (3CosAdd, input words excluded).

    >>> kv = KeyedVectors(["a", "b", "c"], np.eye(3, dtype=np.float32))
    >>> kv.similarity("a", "b")
    0.0
    >>> [w for w, _ in kv.most_similar("a", topn=2)]
    ['b', 'c']

    Unit-normalised rows are computed once and cached; call :meth:`fill_norms` with
    ``force=True`` after changing ``vectors`` in place.
    """

    def __init__(self, words: Sequence[str], vectors: np.ndarray,
                 counts: Sequence[int] | None = None) -> None:
        array = np.asarray(vectors, dtype=np.float32)
        if array.ndim != 2 or array.shape[0] != len(words):
            raise SettingsError(f"{len(words)} words need vectors of shape ({len(words)}, dim), "
                                f"got {array.shape}")
        self.index_to_key: list[str] = list(words)
        self.key_to_index: dict[str, int] = {w: i for i, w in enumerate(self.index_to_key)}
        if len(self.key_to_index) != len(self.index_to_key):
            seen: set[str] = set()
            dupes = [w for w in self.index_to_key if w in seen or seen.add(w)]  # type: ignore
            raise SettingsError(f"duplicate words in KeyedVectors: {dupes[:5]!r}; each word "
                                "needs exactly one row")
        if counts is not None and len(counts) != len(self.index_to_key):
            raise SettingsError(f"{len(counts)} counts for {len(self.index_to_key)} words")
        self.vectors: np.ndarray = array
        self.counts: list[int] | None = None if counts is None else [int(c) for c in counts]
        self._norms: np.ndarray | None = None
        self._normed: np.ndarray | None = None

    # -- container ---------------------------------------------------------------------------
    @property
    def dim(self) -> int:
        """The vector size."""
        return int(self.vectors.shape[1])

    vector_size = dim  # gensim's name

    def __len__(self) -> int:
        return len(self.index_to_key)

    def __contains__(self, word: object) -> bool:
        return word in self.key_to_index

    def __iter__(self) -> Iterator[str]:
        return iter(self.index_to_key)

    def __getitem__(self, word: str | Sequence[str]) -> np.ndarray:
        """The vector of ``word`` (a view of its row), or stacked rows for a list of words."""
        if isinstance(word, str):
            return self.vectors[self.get_index(word)]
        return np.stack([self.vectors[self.get_index(w)] for w in word])

    def __repr__(self) -> str:
        return f"KeyedVectors({len(self)} words, dim={self.dim})"

    def get_index(self, word: str) -> int:
        """The row of ``word``; :class:`UnknownWordError` if absent."""
        try:
            return self.key_to_index[word]
        except (KeyError, TypeError):
            raise UnknownWordError(word, len(self)) from None

    def get_vector(self, word: str, norm: bool = False) -> np.ndarray:
        """The vector of ``word``; unit length with ``norm=True``."""
        index = self.get_index(word)
        return self.normed_vectors()[index] if norm else self.vectors[index]

    # -- similarity --------------------------------------------------------------------------
    def fill_norms(self, force: bool = False) -> None:
        """Compute (or with ``force``, recompute) the row norms and unit-length rows."""
        if self._normed is None or force:
            norms = np.linalg.norm(self.vectors, axis=1)
            safe = np.where(norms == 0, np.float32(1), norms).astype(np.float32)
            self._norms = safe
            self._normed = self.vectors / safe[:, None]

    def norms(self) -> np.ndarray:
        """Row lengths (zero rows reported as 1, so their similarities are 0)."""
        self.fill_norms()
        assert self._norms is not None
        return self._norms

    def normed_vectors(self) -> np.ndarray:
        """Unit-length rows (zero rows stay zero)."""
        self.fill_norms()
        assert self._normed is not None
        return self._normed

    def similarity(self, a: str, b: str) -> float:
        """Cosine similarity of ``a`` and ``b``."""
        normed = self.normed_vectors()
        return float(np.dot(normed[self.get_index(a)], normed[self.get_index(b)]))

    def most_similar(
        self,
        positive: Query | Sequence[Query] | None = None,
        negative: Query | Sequence[Query] | None = None,
        topn: int | None = 10,
        restrict_vocab: int | None = None,
    ) -> Any:
        """The ``topn`` words nearest (cosine) to the mean of the unit-length ``positive``
        vectors minus the ``negative`` ones, as ``[(word, similarity), ...]``, best first.

        Entries are words or vectors; input words are never returned. ``restrict_vocab`` searches
        only the first N words (the most frequent, in frequency-sorted vectors). With
        ``topn=None`` the similarities to every (searched) word are returned as an array.
        """
        positive = _as_list(positive)
        negative = _as_list(negative)
        if not positive and not negative:
            raise SettingsError("most_similar needs at least one positive or negative word")
        mean, exclude = self._combine(positive, negative)
        return self._nearest(mean, topn, restrict_vocab, exclude)

    def similar_by_vector(self, vector: np.ndarray, topn: int | None = 10,
                          restrict_vocab: int | None = None) -> Any:
        """The ``topn`` words nearest (cosine) to ``vector``."""
        return self.most_similar(positive=[np.asarray(vector)], topn=topn,
                                 restrict_vocab=restrict_vocab)

    def analogy(self, a: str, b: str, c: str, topn: int = 1,
                restrict_vocab: int | None = None) -> list[tuple[str, float]]:
        """``a`` is to ``b`` as ``c`` is to ...? (3CosAdd: nearest to b - a + c, inputs excluded).

        >>> # kv.analogy("man", "king", "woman") -> [("queen", 0.71)]
        """
        return self.most_similar(positive=[b, c], negative=[a], topn=topn,
                                 restrict_vocab=restrict_vocab)

    def _combine(self, positive: list[Query], negative: list[Query]
                 ) -> tuple[np.ndarray, list[int]]:
        normed = self.normed_vectors()
        total = np.zeros(self.dim, dtype=np.float64)
        exclude: list[int] = []
        for weight, items in ((1.0, positive), (-1.0, negative)):
            for item in items:
                if isinstance(item, str):
                    index = self.get_index(item)
                    exclude.append(index)
                    total += weight * normed[index]
                else:
                    vector = np.asarray(item, dtype=np.float32).reshape(-1)
                    if vector.shape != (self.dim,):
                        raise SettingsError(f"query vector of size {vector.size}; these vectors "
                                            f"have {self.dim} dimensions")
                    length = float(np.linalg.norm(vector))
                    total += weight * (vector / length if length else vector)
        total /= len(positive) + len(negative)
        length = float(np.linalg.norm(total))
        mean = (total / length if length else total).astype(np.float32)
        return mean, exclude

    def _nearest(self, mean: np.ndarray, topn: int | None, restrict_vocab: int | None,
                 exclude: list[int]) -> Any:
        end = len(self) if restrict_vocab is None else max(0, min(restrict_vocab, len(self)))
        dists = self.vectors[:end] @ mean / self.norms()[:end]
        if topn is None:
            return dists
        if isinstance(topn, bool) or not isinstance(topn, int) or topn < 0:
            raise SettingsError(f"topn must be a non-negative integer or None, not {topn!r}")
        scores = dists.copy()
        excluded = [i for i in exclude if i < end]
        scores[excluded] = -np.inf
        k = min(topn, end - len(set(excluded)))
        if k <= 0:
            return []
        best = np.argpartition(-scores, k - 1)[:k] if k < end else np.arange(end)
        best = best[np.argsort(-scores[best], kind="stable")][:k]
        return [(self.index_to_key[i], float(dists[i])) for i in best]

    # -- evaluation --------------------------------------------------------------------------
    def evaluate_word_analogies(
        self,
        path: str | os.PathLike[str],
        restrict_vocab: int = 30000,
        case_insensitive: bool = True,
    ) -> AnalogyResult:
        """Accuracy on a Google-format analogy file (see
        :func:`lexiloom.vectors.evaluation.evaluate_word_analogies`)."""
        from lexiloom.vectors.evaluation import evaluate_word_analogies

        return evaluate_word_analogies(self, path, restrict_vocab=restrict_vocab,
                                       case_insensitive=case_insensitive)

    def evaluate_word_pairs(
        self,
        path: str | os.PathLike[str],
        delimiter: str = "\t",
        restrict_vocab: int = 300000,
        case_insensitive: bool = True,
    ) -> WordPairsResult:
        """Pearson/Spearman against human similarity judgements (see
        :func:`lexiloom.vectors.evaluation.evaluate_word_pairs`)."""
        from lexiloom.vectors.evaluation import evaluate_word_pairs

        return evaluate_word_pairs(self, path, delimiter=delimiter, restrict_vocab=restrict_vocab,
                                   case_insensitive=case_insensitive)

    # -- files -------------------------------------------------------------------------------
    def save(self, path: str | os.PathLike[str], format: str | None = None) -> None:
        """Write the vectors atomically as ``"word2vec"`` text, ``"word2vec-binary"`` or
        ``"glove"`` (gzip-compressed when ``path`` ends in ``.gz``). Without ``format``, a
        ``.bin`` (``.bin.gz``) path gets word2vec binary and any other word2vec text, so
        :meth:`load` reads the file back by the same rule. (fastText's ``.bin`` needs subword
        vectors: :class:`~lexiloom.vectors.subwords.SubwordVectors`.)"""
        if format == "fasttext":
            raise SettingsError("a fastText .bin holds subword vectors (the fasttext embedder's "
                                "SubwordVectors); save these as word2vec text or binary")
        formats.write_vectors(path, self.index_to_key, self.vectors,
                              format or formats.format_for_path(path))

    @classmethod
    def load(
        cls,
        path: str | os.PathLike[str],
        format: str | None = None,
        limit: int | None = None,
        encoding: str = "utf-8",
    ) -> KeyedVectors:
        """Read a word2vec text/binary or GloVe file (format detected when ``None``; see
        :func:`lexiloom.vectors.formats.detect_format`); ``limit`` keeps the first N vectors.
        A fastText ``.bin`` (``format="fasttext"``, or detected by its magic number) gives
        :class:`~lexiloom.vectors.subwords.SubwordVectors` (``limit`` does not apply)."""
        from lexiloom import vectors
        from lexiloom.vectors import fasttext_bin

        if format == "fasttext" or (format is None and fasttext_bin.is_fasttext(path)):
            return vectors.SubwordVectors.load_fasttext(path)
        words, vectors = formats.read_vectors(path, format, limit=limit, encoding=encoding)
        return cls(words, vectors)


def _as_list(items: Query | Sequence[Query] | None) -> list[Query]:
    if items is None:
        return []
    if isinstance(items, str | np.ndarray):
        return [items]
    return list(items)
