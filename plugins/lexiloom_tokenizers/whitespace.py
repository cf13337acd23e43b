"""``whitespace``: tokens are the runs of non-whitespace characters."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from lexiloom.tokens import Token
from lexiloom_tokenizers.base import BaseTokenizer, check_bool
from lexiloom_tokenizers.normalize import normalize

DEFAULTS: dict[str, Any] = {"lowercase": False}
DESCRIPTION = "Split on whitespace; optional lowercasing of the norm."

_NON_SPACE = re.compile(r"\S+")


class WhitespaceTokenizer(BaseTokenizer):
    """Split on Unicode whitespace; ``norm`` is the NFC form, lowercased if ``lowercase``.

    >>> WhitespaceTokenizer(lowercase=True).tokenize("Hi  there")
    [Token(text='Hi', start=0, end=2, norm='hi', is_stop=False), \
Token(text='there', start=4, end=9, norm='there', is_stop=False)]
    """

    name = "whitespace"

    def __init__(self, lowercase: bool = False) -> None:
        self.lowercase = check_bool(lowercase, tokenizer=self.name, setting="lowercase")

    def segment(self, text: str) -> list[Token]:
        """Every non-whitespace run of ``text``."""
        return [
            Token(m.group(), m.start(), m.end(), normalize(m.group(), lowercase=self.lowercase))
            for m in _NON_SPACE.finditer(text)
        ]

    def detokenize(self, tokens: Sequence[str]) -> str:
        """``" ".join(tokens)``."""
        return " ".join(tokens)

    def to_config(self) -> dict[str, Any]:
        return {"lowercase": self.lowercase}
