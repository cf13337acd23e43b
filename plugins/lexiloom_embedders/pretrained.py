"""The ``pretrained`` embedder: word embeddings from a vectors file trained elsewhere."""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lexiloom.errors import SettingsError
from lexiloom_embedders.trainable import check_seed

if TYPE_CHECKING:
    import torch

    from lexiloom.vectors import KeyedVectors
    from lexiloom.vocab import Vocab

PRETRAINED_DEFAULTS: dict[str, Any] = {
    "path": None,
    "format": None,
    "limit": None,
    "trainable": False,
    "seed": None,
    "extend_vocab": True,
}


class PretrainedEmbedder:
    """Rows copied from the vectors in ``path`` (word2vec text/binary or GloVe; ``format``
    detected when ``None``; ``limit`` keeps the first N vectors). Vocabulary words missing from
    the file get random rows (seeded by ``seed``); ``trainable`` fine-tunes all rows.
    ``extend_vocab`` offers the file's words to a classifier's vocabulary
    (:meth:`vocabulary_words`), so words never seen in training keep their vectors.

    The file is checked to exist when the embedder is made, read on first use (``dim`` reads
    only its first line); ``vectors`` is the loaded :class:`~lexiloom.vectors.KeyedVectors`.
    """

    def __init__(self, path: str | os.PathLike[str] | None = None, format: str | None = None,
                 limit: int | None = None, trainable: bool = False,
                 seed: int | None = None, extend_vocab: bool = True) -> None:
        if path is None or str(path) == "":
            raise SettingsError("embedder 'pretrained' needs a vectors file: set path (e.g. "
                                "-o path=vectors.txt) to a word2vec text/binary or GloVe file")
        self.path = Path(path)
        if not self.path.is_file() or not os.access(self.path, os.R_OK):
            why = "does not exist" if not self.path.exists() else "is not a readable file"
            raise SettingsError(f"embedder 'pretrained': vectors file {self.path} {why}; set "
                                "path to an existing word2vec or GloVe file")
        if format is not None:
            from lexiloom.vectors.formats import normalize_format

            format = normalize_format(format)
        if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int)
                                  or limit < 1):
            raise SettingsError(f"embedder 'pretrained' setting 'limit' must be a positive "
                                f"integer or null, not {limit!r}")
        if not isinstance(trainable, bool):
            raise SettingsError(f"embedder 'pretrained' setting 'trainable' must be true or "
                                f"false, not {trainable!r}")
        if not isinstance(extend_vocab, bool):
            raise SettingsError(f"embedder 'pretrained' setting 'extend_vocab' must be true or "
                                f"false, not {extend_vocab!r}")
        self.extend_vocab = extend_vocab
        self.format = format
        self.limit = limit
        self.trainable = trainable
        self.seed = check_seed(seed)
        self._vectors: KeyedVectors | None = None
        self._dim: int | None = None

    @property
    def vectors(self) -> KeyedVectors:
        """The vectors of ``path``, loaded on first access."""
        if self._vectors is None:
            self._vectors = _load(self.path, self.format, self.limit)
            self._dim = self._vectors.dim
        return self._vectors

    @property
    def dim(self) -> int:
        """The vector size (from the file's first line; the file is not loaded for it)."""
        if self._dim is None:
            self._dim = _peek_dim(self.path, self.format)
        return self._dim

    def build(self, vocab: Vocab) -> torch.nn.Module:
        """A ``torch.nn.Embedding`` for ``vocab`` initialised from the file's vectors."""
        from lexiloom.vectors.layer import embedding_layer

        return embedding_layer(vocab, self.dim, self.vectors, trainable=self.trainable,
                               seed=self.seed)

    def vocabulary_words(self, form: str) -> list[str]:
        """The file's words, in file order, that a vocabulary of ``form`` can hold (for
        ``norm``, the lowercase ones); none when ``extend_vocab`` is off."""
        if not self.extend_vocab:
            return []
        words = self.vectors.index_to_key
        return [w for w in words if w == w.lower()] if form == "norm" else list(words)

    def to_config(self) -> dict[str, Any]:
        """The settings, accepted back by the constructor."""
        return {"path": str(self.path), "format": self.format, "limit": self.limit,
                "trainable": self.trainable, "seed": self.seed,
                "extend_vocab": self.extend_vocab}

    def __repr__(self) -> str:
        return f"PretrainedEmbedder(path={str(self.path)!r}, trainable={self.trainable})"


def _load(path: Path, format: str | None, limit: int | None) -> KeyedVectors:
    """The vectors of ``path``, loaded once per file version (the vocabulary and the layer of
    one classifier both read them)."""
    stat = path.stat()
    return _load_cached(str(path.resolve()), stat.st_mtime_ns, stat.st_size, format, limit)


@functools.lru_cache(maxsize=2)
def _load_cached(path: str, mtime_ns: int, size: int, format: str | None,
                 limit: int | None) -> KeyedVectors:
    from lexiloom.vectors import KeyedVectors

    return KeyedVectors.load(path, format=format, limit=limit)


def _peek_dim(path: Path, format: str | None) -> int:
    """The dimension, from the header or first row only (``limit=0`` reads nothing more)."""
    from lexiloom.vectors.formats import read_vectors

    return int(read_vectors(path, format, limit=0)[1].shape[1])
