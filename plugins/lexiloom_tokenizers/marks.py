"""Combining marks stay with the character they modify.

Python's ``\\w`` does not match combining marks (Unicode categories Mn, Mc, Me), so a pattern such
as ``\\w+`` would cut ``"e\\u0301te"`` (decomposed "éte") or Devanagari words at every accent or
vowel sign. :func:`glue_marks` gives the regex tokenizer a stand-in text of the same length in
which each mark is replaced by the character it follows, so matches never separate them; a
match that still starts with such a mark (after a one-character alternative like ``[^\\w\\s]``)
joins the match before it (:func:`starts_with_glued_mark`).
"""

from __future__ import annotations

import functools
import re
import unicodedata

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def _mark_class(code_points: range | list[int]) -> re.Pattern[str]:
    ranges: list[list[int]] = []
    for cp in code_points:
        if unicodedata.category(chr(cp))[0] == "M":
            if ranges and ranges[-1][1] == cp - 1:
                ranges[-1][1] = cp
            else:
                ranges.append([cp, cp])
    parts = (re.escape(chr(a)) + ("-" + re.escape(chr(b)) if b > a else "") for a, b in ranges)
    return re.compile("[" + "".join(parts) + "]")


@functools.cache
def _bmp_marks() -> re.Pattern[str]:
    # One class for the Basic Multilingual Plane keeps the search a fast bitmap lookup.
    return _mark_class(range(0x10000))


@functools.cache
def _astral_marks() -> re.Pattern[str]:
    # Marks beyond the BMP live in plane 1 and in plane 14 (variation selectors supplement).
    return _mark_class([*range(0x10000, 0x20000), *range(0xE0000, 0xE1000)])


def has_marks(text: str) -> bool:
    """Whether ``text`` contains a combining mark."""
    if text.isascii():
        return False
    if _bmp_marks().search(text):
        return True
    return bool(_ASTRAL.search(text) and _astral_marks().search(text))


def glue_marks(text: str) -> str:
    """``text`` with every combining mark that follows a non-space character replaced by that
    character (same length, same offsets).

    >>> glue_marks("e\\u0301t\\u00e9.")
    'eet\\xe9.'
    """
    if not has_marks(text):
        return text
    chars = list(text)
    for i in range(1, len(chars)):
        if unicodedata.category(chars[i])[0] == "M" and not chars[i - 1].isspace():
            chars[i] = chars[i - 1]
    return "".join(chars)


def starts_with_glued_mark(text: str, index: int) -> bool:
    """Whether ``text[index]`` is a combining mark following a non-space character."""
    return (
        0 < index < len(text)
        and unicodedata.category(text[index])[0] == "M"
        and not text[index - 1].isspace()
    )
