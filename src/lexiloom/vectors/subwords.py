"""Subword vectors (fastText): a word's vector is the mean of its own row and the rows of its
hashed character n-grams, so that unseen and misspelled words get vectors too.

>>> from lexiloom.vectors.subwords import char_ngrams, fasttext_hash
>>> char_ngrams("cat", 3, 4)
['<ca', '<cat', 'cat', 'cat>', 'at>']
>>> fasttext_hash("<ca") % 2_000_000
916747

The n-grams and the hash are fastText's (``Dictionary::computeSubwords`` and the 32-bit FNV-1a
``Dictionary::hash``, bytes taken as signed chars), so the rows are where ``fasttext`` and
gensim's ``load_facebook_vectors`` look for them.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import numpy as np

from lexiloom.errors import SettingsError
from lexiloom.vectors.keyed import KeyedVectors, Query

BOW, EOW = "<", ">"
"""The marks fastText puts around a word before cutting its n-grams."""
EOS = "</s>"
"""fastText's end-of-line word, which gets no n-grams."""


def fasttext_hash(text: str) -> int:
    """fastText's 32-bit FNV-1a hash of the UTF-8 bytes of ``text`` (each byte sign-extended,
    as fastText's ``int8_t`` cast does)."""
    h = 2166136261
    for byte in text.encode("utf-8"):
        h = ((h ^ (byte | 0xFFFFFF00 if byte >= 128 else byte)) * 16777619) & 0xFFFFFFFF
    return h


def char_ngrams(word: str, minn: int, maxn: int) -> list[str]:
    """The character n-grams of ``<word>`` of ``minn`` to ``maxn`` characters, in fastText's
    order (by start, then length), without the single ``<`` and ``>``."""
    text = BOW + word + EOW
    grams: list[str] = []
    for start in range(len(text)):
        for n in range(1, maxn + 1):
            end = start + n
            if end > len(text):
                break
            if n >= minn and not (n == 1 and (start == 0 or end == len(text))):
                grams.append(text[start:end])
    return grams


def ngram_rows(word: str, minn: int, maxn: int, bucket: int) -> list[int]:
    """The bucket numbers of ``word``'s n-grams (``fasttext_hash % bucket``; none when
    ``bucket`` or ``maxn`` is 0, nor for fastText's end-of-line word ``</s>``)."""
    if bucket <= 0 or maxn <= 0 or word == EOS:
        return []
    return [fasttext_hash(gram) % bucket for gram in char_ngrams(word, minn, maxn)]


def subword_table(words: Sequence[str], minn: int, maxn: int, bucket: int
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Every word's input rows, flattened: word ``i``'s are ``rows[offsets[i]:offsets[i+1]]``,
    its own row ``i`` first, then ``len(words) + b`` for each n-gram bucket ``b`` (int64
    offsets, uint32 rows)."""
    size = len(words)
    offsets = np.zeros(size + 1, dtype=np.int64)
    rows: list[int] = []
    for i, word in enumerate(words):
        rows.append(i)
        rows.extend(size + b for b in ngram_rows(word, minn, maxn, bucket))
        offsets[i + 1] = len(rows)
    return offsets, np.asarray(rows, dtype=np.uint32)


class SubwordVectors(KeyedVectors):
    """fastText vectors: ``vectors[i]`` is word ``i``'s full vector (the mean of its own row
    and its n-gram rows); any other word gets the mean of its n-gram rows (zeros when it has
    none), through ``kv["unseen"]``, :meth:`get_vector`, :meth:`similarity` and the queries of
    :meth:`most_similar`. ``"word" in kv`` still means "in the vocabulary".

    ``word_rows`` (one per word) and ``ngram_rows`` (``bucket`` rows) are the input matrix that
    fastText's ``.bin`` stores; ``output`` its output matrix (optional).
    """

    def __init__(self, words: Sequence[str], word_rows: np.ndarray, ngram_vectors: np.ndarray,
                 *, minn: int, maxn: int, counts: Sequence[int] | None = None,
                 output: np.ndarray | None = None, settings: dict[str, Any] | None = None
                 ) -> None:
        word_rows = np.asarray(word_rows, dtype=np.float32)
        ngram_vectors = np.asarray(ngram_vectors, dtype=np.float32)
        if word_rows.ndim != 2 or ngram_vectors.ndim != 2 or \
                word_rows.shape[1] != ngram_vectors.shape[1]:
            raise SettingsError(f"word rows {word_rows.shape} and n-gram rows "
                                f"{ngram_vectors.shape} need the same number of columns")
        if maxn and not 1 <= minn <= maxn:
            raise SettingsError(f"n-gram lengths: need 1 <= minn ({minn}) <= maxn ({maxn}), or "
                                "maxn = 0 for no n-grams")
        if maxn and not ngram_vectors.shape[0]:
            raise SettingsError(f"n-grams of {minn}-{maxn} characters need n-gram rows (a "
                                "bucket); give ngram_vectors rows, or maxn = 0 for no n-grams")
        self.word_rows = word_rows
        self.ngram_vectors = ngram_vectors
        self.minn, self.maxn = int(minn), int(maxn)
        self.output = output
        self.settings = dict(settings or {})
        super().__init__(words, self._full_vectors(words), counts)

    @property
    def bucket(self) -> int:
        """The number of n-gram rows."""
        return int(self.ngram_vectors.shape[0])

    def _full_vectors(self, words: Sequence[str]) -> np.ndarray:
        offsets, rows = subword_table(words, self.minn, self.maxn, self.bucket)
        size = len(words)
        out = np.empty_like(self.word_rows)
        chunk = 4096
        for first in range(0, size, chunk):
            last = min(first + chunk, size)
            lo, hi = offsets[first], offsets[last]
            picked = rows[lo:hi].astype(np.int64)
            own = picked < size  # each word's first row is its own: segments are never empty
            gathered = np.empty((hi - lo, self.word_rows.shape[1]), dtype=np.float32)
            gathered[own] = self.word_rows[picked[own]]
            gathered[~own] = self.ngram_vectors[picked[~own] - size]
            sums = np.add.reduceat(gathered, offsets[first:last] - lo, axis=0)
            out[first:last] = sums / np.diff(offsets[first:last + 1])[:, None]
        return out

    def word_vector(self, word: str) -> np.ndarray:
        """``word``'s vector: its row of :attr:`vectors` if known, else the mean of its n-gram
        rows (zeros when it has no n-gram)."""
        index = self.key_to_index.get(word)
        if index is not None:
            return self.vectors[index]
        rows = ngram_rows(word, self.minn, self.maxn, self.bucket)
        if not rows:
            return np.zeros(self.dim, dtype=np.float32)
        return self.ngram_vectors[rows].mean(axis=0)

    def __getitem__(self, word: str | Sequence[str]) -> np.ndarray:
        if isinstance(word, str):
            return self.word_vector(word)
        return np.stack([self.word_vector(w) for w in word])

    def get_vector(self, word: str, norm: bool = False) -> np.ndarray:
        if word in self.key_to_index:
            return super().get_vector(word, norm)
        vector = self.word_vector(word)
        length = float(np.linalg.norm(vector))
        return vector / length if norm and length else vector

    def similarity(self, a: str, b: str) -> float:
        va, vb = self.get_vector(a, norm=True), self.get_vector(b, norm=True)
        return float(np.dot(va, vb))

    def _combine(self, positive: list[Query], negative: list[Query]
                 ) -> tuple[np.ndarray, list[int]]:
        def known(items: list[Query]) -> list[Query]:
            return [item if not isinstance(item, str) or item in self.key_to_index
                    else self.word_vector(item) for item in items]

        return super()._combine(known(positive), known(negative))

    def __repr__(self) -> str:
        return (f"SubwordVectors({len(self)} words, {self.bucket} n-gram buckets, "
                f"n-grams {self.minn}-{self.maxn}, dim={self.dim})")

    # -- spaCy -------------------------------------------------------------------------------
    def to_spacy_vectors(self, rows: int | None = None, *, strings: Any = None,
                         name: str | None = None) -> Any:
        """These vectors as a spaCy floret-mode table (``Vectors(mode="floret")``, one hash
        per entry), in which spaCy's lookup (the mean of the rows of ``<word>`` and of its
        n-grams) gives every vocabulary word its vector here, up to rows that two entries
        share, and any other word a vector from its n-grams.

        Each vocabulary word's ``<word>`` entry gets its own row (averaged with the n-gram
        ``<word>`` of a short word, which spaCy counts twice), each n-gram its bucket's row;
        entries whose hashes meet share the mean of their rows. ``rows`` defaults to the power
        of two at least twice the number of entries; :attr:`spacy_fidelity` tells how close the
        table comes (mean cosine over the vocabulary). Vectors without n-grams (``maxn = 0``)
        become a plain spaCy table of the vocabulary."""
        from spacy.vectors import Vectors

        if self.maxn and self.minn < 2:
            raise SettingsError("spaCy's floret lookup counts the lone '<' and '>' as n-grams "
                                "when minn is 1, which fastText does not; train with minn >= 2 "
                                "to export to spaCy")
        if not self.maxn:  # no n-grams: a plain table is exact
            self.spacy_fidelity = 1.0
            return Vectors(strings=strings, data=self.vectors.copy(),
                           keys=list(self.index_to_key), name=name)
        minn, maxn = self.minn, self.maxn
        probe = Vectors(mode="floret", data=np.zeros((1, self.dim), np.float32), minn=minn,
                        maxn=maxn, hash_count=1, hash_seed=0)
        keys: list[str] = []
        values: list[np.ndarray] = []
        grams: dict[str, int] = {}
        for i, word in enumerate(self.index_to_key):
            full = BOW + word + EOW
            own = self.word_rows[i]
            for gram, bucket in zip(char_ngrams(word, self.minn, self.maxn),
                                    ngram_rows(word, self.minn, self.maxn, self.bucket),
                                    strict=True):
                if gram == full:  # spaCy's lookup counts <word> twice: as word and as n-gram
                    own = (own + self.ngram_vectors[bucket]) / 2
                else:
                    grams.setdefault(gram, bucket)
            keys.append(full)
            values.append(own)
        keys.extend(grams)
        table = np.concatenate([np.asarray(values, dtype=np.float32).reshape(-1, self.dim),
                                self.ngram_vectors[list(grams.values())]])
        size = rows or 1 << max(1, (2 * len(keys) - 1).bit_length())
        hashes = np.array([probe._get_ngram_hashes(key)[0] for key in keys], dtype=np.int64)
        hashes %= size
        data = np.zeros((size, self.dim), dtype=np.float32)
        counts = np.zeros(size, dtype=np.float32)
        np.add.at(data, hashes, table)
        np.add.at(counts, hashes, 1.0)
        data[counts > 0] /= counts[counts > 0, None]
        vectors = Vectors(strings=strings, data=data, mode="floret", minn=minn, maxn=maxn,
                          hash_count=1, hash_seed=0, name=name)
        if len(self):
            got = vectors.get_batch(self.index_to_key)
            got = np.asarray(got) / np.maximum(np.linalg.norm(got, axis=1, keepdims=True), 1e-12)
            self.spacy_fidelity = float((got * self.normed_vectors()).sum(axis=1).mean())
        return vectors

    # -- files -------------------------------------------------------------------------------
    def save(self, path: str | os.PathLike[str], format: str | None = None) -> None:
        """Write ``"fasttext"`` (fastText's ``.bin``: every row, readable by ``fasttext`` and
        gensim; the default for a ``.bin`` path) or any :class:`KeyedVectors` format (the full
        vectors of the vocabulary, like fastText's ``.vec``)."""
        from lexiloom.vectors import fasttext_bin, formats

        name = format or ("fasttext" if str(path).endswith(".bin") else
                          formats.format_for_path(path))
        if name == "fasttext":
            fasttext_bin.save(self, path)
        else:
            super().save(path, name)

    @classmethod
    def load_fasttext(cls, path: str | os.PathLike[str]) -> SubwordVectors:
        """Read a fastText ``.bin`` (an unsupervised model, not quantised)."""
        from lexiloom.vectors import fasttext_bin

        return cls(**fasttext_bin.load(path))
