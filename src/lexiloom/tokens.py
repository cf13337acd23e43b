"""The token record every tokenizer produces, and word-level detokenisation."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import NamedTuple


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
