"""Corpora as token streams for training word vectors (Word2Vec, GloVe): read, tokenise, repeat.

>>> from lexiloom.vectors.streaming import TokenStream, count_words
>>> stream = TokenStream(["passage/train"], tokenizer="whitespace")      # doctest: +SKIP
>>> count_words(stream)                                                  # doctest: +SKIP

A :class:`TokenStream` is re-iterable: every pass re-reads the files, so memory does not depend on
the corpus size. Each document (a line of a plain-text file, a record of any registered corpus
format) becomes one list of token strings in the tokenizer's ``norm`` form.
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from lexiloom import registry
from lexiloom.corpora import detect_format, read_corpus
from lexiloom.errors import CorpusError

PLAIN_TEXT_FORMAT = "text"
BATCH_DOCUMENTS = 512
_BUILTIN_TOKENIZERS = "tokenizers"


class TokenStream:
    """A re-iterable of token lists (one per document) read from corpus files, streaming.

    ``paths``: files, directories or bundled corpus names (``passage/train``), read with
    :func:`lexiloom.corpora.read_corpus`; a file whose extension no corpus reader claims (such as
    WikiText's ``.tokens``) is read as plain text, one document per line. ``format`` forces a
    corpus format for every path. ``tokenizer`` and ``tokenizer_settings`` choose the tokenizer
    (default ``whitespace``); tokens are taken in their ``norm`` form.

    The paths, format and tokenizer are checked when the stream is created, so mistakes surface
    before any training starts.
    """

    def __init__(
        self,
        paths: Sequence[str | os.PathLike[str]],
        *,
        tokenizer: str = "whitespace",
        tokenizer_settings: dict[str, Any] | None = None,
        format: str | None = None,
        encoding: str = "utf-8",
    ) -> None:
        if isinstance(paths, (str, os.PathLike)):
            paths = [paths]
        if not paths:
            raise CorpusError("no corpus given; pass at least one file, directory or bundled "
                              "corpus name")
        self.paths = [os.fspath(p) for p in paths]
        self.tokenizer_name = tokenizer
        self.tokenizer_settings = dict(tokenizer_settings or {})
        self.encoding = encoding
        entry = registry.tokenizers.get(tokenizer)
        self.tokenizer = entry.create(**self.tokenizer_settings)
        self._split_lower = _whitespace_fast_path(entry, self.tokenizer)
        self.formats = [format or _format_of(p) for p in self.paths]
        for path, fmt in zip(self.paths, self.formats, strict=True):
            read_corpus(path, format=fmt, encoding=encoding)  # checks path, format, encoding

    def __iter__(self) -> Iterator[list[str]]:
        for path, fmt in zip(self.paths, self.formats, strict=True):
            texts = (record.text for record in read_corpus(path, format=fmt,
                                                           encoding=self.encoding))
            yield from self._tokenize(texts)

    def _tokenize(self, texts: Iterable[str]) -> Iterator[list[str]]:
        lower = self._split_lower
        if lower is not None:  # the built-in whitespace tokenizer, without Token objects
            for text in texts:
                if not text.isascii():
                    text = unicodedata.normalize("NFC", text)
                yield (text.lower() if lower else text).split()
            return
        batch: list[str] = []
        for text in texts:
            batch.append(text)
            if len(batch) >= BATCH_DOCUMENTS:
                yield from self._tokenize_batch(batch)
                batch = []
        if batch:
            yield from self._tokenize_batch(batch)

    def _tokenize_batch(self, texts: list[str]) -> Iterator[list[str]]:
        for tokens in self.tokenizer.tokenize_batch(texts):
            yield [token.norm for token in tokens]

    def __repr__(self) -> str:
        return f"TokenStream({self.paths!r}, tokenizer={self.tokenizer_name!r})"


def count_words(stream: Iterable[Sequence[str]]) -> int:
    """The number of tokens in one pass over ``stream``."""
    return sum(len(tokens) for tokens in stream)


def _format_of(path: str) -> str | None:
    """The corpus format for ``path``: detected, or plain text for an unclaimed file extension;
    ``None`` lets :func:`read_corpus` resolve bundled corpus names."""
    if not Path(path).exists():
        return None
    try:
        return detect_format(path)
    except CorpusError:
        if Path(path).is_file():
            return PLAIN_TEXT_FORMAT
        raise


def _whitespace_fast_path(entry: Any, tokenizer: Any) -> bool | None:
    """For the built-in ``whitespace`` tokenizer (norm = NFC, lowercased if asked, split on
    whitespace), whether to lowercase; ``None`` for any other tokenizer."""
    if entry.name != "whitespace" or entry.plugin != _BUILTIN_TOKENIZERS:
        return None
    config = tokenizer.to_config()
    if set(config) != {"lowercase"}:
        return None
    return bool(config["lowercase"])
