"""``regex``: tokens are the matches of a regular expression, with optional cleaning."""

from __future__ import annotations

import re
from typing import Any

from lexiloom.errors import SettingsError
from lexiloom.tokens import Token
from lexiloom_tokenizers.base import BaseTokenizer, check_bool
from lexiloom_tokenizers.marks import glue_marks, starts_with_glued_mark
from lexiloom_tokenizers.normalize import is_punct_or_symbol, normalize
from lexiloom_tokenizers.stop_words import StopWords, StopWordsSetting, canonical_setting, resolve

WORD_PATTERN = r"\w+(?:['’]\w+)*|[^\w\s]"
"""Words (letters, digits, ``_``) with inner apostrophes, or one other non-space character."""

DEFAULTS: dict[str, Any] = {
    "pattern": WORD_PATTERN,
    "lowercase": False,
    "strip_accents": False,
    "strip_punct": False,
    "stop_words": None,
}
DESCRIPTION = "Regular-expression matches (words and punctuation by default) with cleaning options."

# Texts on which a pattern's empty matches show up (at the start, the end, boundaries).
_PROBES = ("", "a", "a b", "Ab1 ,.;-'’\n\té漢 _", " x ")


def compile_pattern(pattern: Any) -> re.Pattern[str]:
    """Compile a token pattern; :class:`SettingsError` if it is invalid or matches ``""``."""
    if not isinstance(pattern, str) or not pattern:
        raise SettingsError(
            f"regex tokenizer setting 'pattern' must be a non-empty regular expression, "
            f"not {pattern!r}; the default is {WORD_PATTERN!r}"
        )
    try:
        compiled = re.compile(pattern)
    except re.error as err:
        raise SettingsError(
            f"regex tokenizer pattern {pattern!r} is not a valid regular expression ({err}); "
            "fix it following Python's re syntax"
        ) from None
    if any(m.end() == m.start() for probe in _PROBES for m in compiled.finditer(probe)):
        raise SettingsError(
            f"regex tokenizer pattern {pattern!r} can match the empty string, which would make "
            "empty tokens; make every alternative consume a character (e.g. '+' instead of '*')"
        )
    return compiled


class RegexTokenizer(BaseTokenizer):
    """Tokens are the non-overlapping matches of ``pattern``; text between matches is skipped.

    ``norm`` is NFC, then accents stripped (``strip_accents``), then lowercased (``lowercase``).
    ``tokenize`` drops stop words and, with ``strip_punct``, tokens made only of punctuation and
    symbols; ``segment`` keeps them all, stop words flagged ``is_stop``. Stop words match
    case-insensitively on the norm. The pattern sees each combining mark as the character it
    follows and a match starting with such a mark joins the match it touches (see
    :mod:`.marks`), so a token never splits a character from its accents. An empty
    match (possible only in texts unlike the probes used to validate the pattern) is never a
    token.

    >>> tok = RegexTokenizer(lowercase=True, stop_words=["the"])
    >>> [t.norm for t in tok.tokenize("The cat's toy.")]
    ["cat's", 'toy', '.']
    """

    name = "regex"

    def __init__(
        self,
        pattern: str = WORD_PATTERN,
        lowercase: bool = False,
        strip_accents: bool = False,
        strip_punct: bool = False,
        stop_words: StopWordsSetting = None,
    ) -> None:
        self._regex = compile_pattern(pattern)
        self.pattern = pattern
        self.lowercase = check_bool(lowercase, tokenizer=self.name, setting="lowercase")
        self.strip_accents = check_bool(strip_accents, tokenizer=self.name,
                                        setting="strip_accents")
        self.strip_punct = check_bool(strip_punct, tokenizer=self.name, setting="strip_punct")
        self.stop_words = canonical_setting(stop_words, tokenizer=self.name)
        words = resolve(self.stop_words, lang=None, tokenizer=self.name)
        self._stops = StopWords(words, strip_accents=self.strip_accents)

    def segment(self, text: str) -> list[Token]:
        """Every match of the pattern, stop words flagged."""
        return [self._token(text, start, end) for start, end in self._spans(text)]

    def _spans(self, text: str) -> list[tuple[int, int]]:
        spans: list[tuple[int, int]] = []
        for match in self._regex.finditer(glue_marks(text)):
            start, end = match.span()
            if start == end:
                continue
            if spans and spans[-1][1] == start and starts_with_glued_mark(text, start):
                spans[-1] = (spans[-1][0], end)  # e.g. a symbol and its variation selector
            else:
                spans.append((start, end))
        return spans

    def _token(self, text: str, start: int, end: int) -> Token:
        word = text[start:end]
        norm = normalize(word, strip_accents=self.strip_accents, lowercase=self.lowercase)
        return Token(word, start, end, norm, norm in self._stops)

    def tokenize(self, text: str) -> list[Token]:
        """``segment`` without stop words, without tokens whose norm is empty (a lone accent
        with ``strip_accents``) and, with ``strip_punct``, without punctuation/symbols."""
        return [
            t for t in self.segment(text)
            if t.norm and not t.is_stop
            and not (self.strip_punct and is_punct_or_symbol(t.text))
        ]

    def to_config(self) -> dict[str, Any]:
        return {
            "pattern": self.pattern,
            "lowercase": self.lowercase,
            "strip_accents": self.strip_accents,
            "strip_punct": self.strip_punct,
            "stop_words": self.stop_words,
        }
