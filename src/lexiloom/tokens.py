"""The token record every tokenizer produces, the longest text one takes, and word-level
detokenisation."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import NamedTuple

from lexiloom.errors import InvalidTextError, TextTooLongError

MAX_LENGTH = 1_000_000
"""The most characters a tokenizer or corpus reader takes in one text: spaCy's default
``nlp.max_length`` (its parser and NER need about 1 GB of memory per 100,000 characters; a
lexiloom model's memory grows with the tokens of a text too). Longer texts are an error, not
silently truncated: split them, or raise the limit (a tokenizer's ``max_length`` attribute,
``read_corpus(max_length=...)``)."""


def check_length(text: str, max_length: int | None = MAX_LENGTH, *, what: str = "text") -> None:
    """A :class:`~lexiloom.errors.TextTooLongError` when ``text`` has more than ``max_length``
    characters (``None``: no limit)."""
    if max_length is not None and len(text) > max_length:
        raise TextTooLongError(f"{what} of {len(text):,} characters is longer than max_length "
                               f"({max_length:,}, spaCy's nlp.max_length rule); split it into "
                               "smaller texts or raise max_length")


_SURROGATE = re.compile("[\ud800-\udfff]")


def check_text(text: str, max_length: int | None = MAX_LENGTH, *, what: str = "text") -> None:
    """:func:`check_length`, and an :class:`~lexiloom.errors.InvalidTextError` when ``text``
    is not valid Unicode: a lone surrogate (from bytes decoded with ``surrogateescape`` or
    ``surrogatepass``) cannot be encoded as UTF-8, so spaCy and every file format reject it."""
    check_length(text, max_length, what=what)
    if not text.isascii():
        bad = _SURROGATE.search(text)
        if bad is not None:
            raise InvalidTextError(f"{what} is not valid Unicode: a lone surrogate "
                                   f"(U+{ord(bad.group()):04X}) at character {bad.start():,}; "
                                   "decode the input with errors='replace' (or 'strict' to find "
                                   "the bad bytes)")


class Token(NamedTuple):
    """One token of a text.

    ``text`` is exactly ``source[start:end]`` (the original characters); ``norm`` is the
    normalised form after the tokenizer's cleaning steps (lowercasing, accent stripping, ...), the
    form vocabularies usually index; ``is_stop`` flags a stop word of the tokenizer's list.
    """

    text: str
    start: int
    end: int
    norm: str
    is_stop: bool = False


_NO_SPACE_BEFORE = re.compile(r"^(?:[.,!?;:%)\]}»”’…]+|'s|'re|'ve|'ll|'d|'m|n't)$", re.IGNORECASE)
_NO_SPACE_AFTER = re.compile(r"^[(\[{«“‘$#]$")


def join_words(words: Iterable[str]) -> str:
    """Join word-level tokens into readable text (English-style spacing around punctuation).

    >>> join_words(["Hello", ",", "world", "!", "Do", "n't", "(", "ok", ")"])
    "Hello, world! Don't (ok)"
    """
    out: list[str] = []
    glue = True
    for word in words:
        if not word:
            continue
        if out and not glue and not _NO_SPACE_BEFORE.match(word):
            out.append(" ")
        out.append(word)
        glue = bool(_NO_SPACE_AFTER.match(word))
    return "".join(out)
