"""The norm of a token: Unicode NFC, then optional accent stripping, then optional lowercasing."""

from __future__ import annotations

import unicodedata


def remove_accents(text: str) -> str:
    """Remove combining marks: NFKD, drop characters with a non-zero combining class, then NFC.

    NFKD also folds compatibility characters (``"ﬁ"`` becomes ``"fi"``, ``"²"`` becomes ``"2"``).
    Meant for Latin-script text: in scripts that write vowels or viramas as combining marks
    (Devanagari, Hebrew points, ...) it removes letters' parts too.

    >>> remove_accents("Crème brûlée")
    'Creme brulee'
    """
    decomposed = unicodedata.normalize("NFKD", text)
    kept = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", kept)


def normalize(text: str, *, strip_accents: bool = False, lowercase: bool = False) -> str:
    """The norm of ``text``: NFC, then accents stripped (if asked), then lowercased (if asked).

    >>> normalize("Ålesund", strip_accents=True, lowercase=True)
    'alesund'
    """
    norm = unicodedata.normalize("NFC", text)
    if strip_accents:
        norm = remove_accents(norm)
    if lowercase:
        norm = norm.lower()
    return norm


def is_punct_or_symbol(text: str) -> bool:
    """Whether ``text`` is made of punctuation (P*) and symbols (S*), with any combining marks
    (M*) on them, and has at least one of the former."""
    categories = {unicodedata.category(c)[0] for c in text}
    return bool(categories & {"P", "S"}) and categories <= {"P", "S", "M"}
