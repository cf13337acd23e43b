"""``char``: every character is a token, whitespace and newlines included."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from lexiloom.tokens import Token
from lexiloom_tokenizers.base import BaseTokenizer, check_bool
from lexiloom_tokenizers.normalize import normalize

DEFAULTS: dict[str, Any] = {"lowercase": False}
DESCRIPTION = "Every character (whitespace included) is a token, for character-level models."


class CharTokenizer(BaseTokenizer):
    """One token per code point; ``norm`` is its NFC form, lowercased if ``lowercase``.

    ``detokenize`` is ``"".join``, so ``detokenize([t.text for t in tokenize(s)]) == s``.
    """

    name = "char"

    def __init__(self, lowercase: bool = False) -> None:
        self.lowercase = check_bool(lowercase, tokenizer=self.name, setting="lowercase")

    def segment(self, text: str) -> list[Token]:
        """Every character of ``text``."""
        lowercase = self.lowercase
        return [
            Token(c, i, i + 1, normalize(c, lowercase=lowercase)) for i, c in enumerate(text)
        ]

    def detokenize(self, tokens: Sequence[str]) -> str:
        """``"".join(tokens)``."""
        return "".join(tokens)

    def to_config(self) -> dict[str, Any]:
        return {"lowercase": self.lowercase}
