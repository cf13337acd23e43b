"""``spacy``: a language's rule-based tokenizer, from a blank spaCy pipeline.

spaCy is imported when the first tokenizer of this kind is built, never when the plugin loads.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from lexiloom.errors import SettingsError
from lexiloom.tokens import Token
from lexiloom_tokenizers.base import BaseTokenizer, check_bool
from lexiloom_tokenizers.languages import blank_pipeline
from lexiloom_tokenizers.normalize import normalize
from lexiloom_tokenizers.stop_words import StopWords, StopWordsSetting, canonical_setting, resolve

DEFAULTS: dict[str, Any] = {"lang": "en", "lowercase": False, "stop_words": None,
                            "spacy_norm": False}
DESCRIPTION = "spaCy's rule-based tokenizer for a language (spacy.blank(lang)); words only."


LONG_RUN = 1000
"""Characters without whitespace above which a run is cut into :data:`PIECE`-character pieces
before spaCy sees it: spaCy's prefix and suffix rules are quadratic in a token's length (100,000
apostrophes took minutes; found by benchmarks/fuzz.py). Such runs are not words (base64,
minified code, long CJK passages without spaces); their pieces become tokens."""
PIECE = 200
_LONG_RUN = re.compile(rf"(?<!\S)\S{{{LONG_RUN + 1},}}")  # anchored: linear on many runs


def pieces(text: str) -> Iterator[tuple[int, str]]:
    """``(offset, part)`` pairs covering ``text`` in order: runs of more than
    :data:`LONG_RUN` non-space characters cut into :data:`PIECE`-character parts, the text
    between them whole."""
    at = 0
    for run in _LONG_RUN.finditer(text):
        if run.start() > at:
            yield at, text[at:run.start()]
        for start in range(run.start(), run.end(), PIECE):
            yield start, text[start:min(start + PIECE, run.end())]
        at = run.end()
    if at < len(text):
        yield at, text[at:]


class SpacyTokenizer(BaseTokenizer):
    """The tokenizer of ``spacy.blank(lang)`` (built once per language and process).

    Whitespace tokens spaCy makes (runs of spaces, newlines) are not returned: they are not words.
    ``norm`` is NFC, lowercased if ``lowercase``; with ``spacy_norm`` it is spaCy's
    ``token.norm_`` (lowercase, with the language's norm exceptions: *n't* → *not*), the form
    lexiloom's classifiers read (vocab ``attr = "norm"``), so that word vectors trained on it
    match them; a norm with whitespace in it (*N.C.* → *North Carolina*) is the lowercased word
    instead, since a vectors file cannot hold it. ``stop_words``: ``None``/``false`` none,
    ``true`` spaCy's list for ``lang``, another language code that language's list, or a list
    of words; matching is case-insensitive on the norm. ``tokenize`` drops stop words,
    ``segment`` flags them.
    """

    name = "spacy"

    def __init__(
        self, lang: str = "en", lowercase: bool = False, stop_words: StopWordsSetting = None,
        spacy_norm: bool = False,
    ) -> None:
        if not isinstance(lang, str):
            raise SettingsError(f"spacy tokenizer setting 'lang' must be a language code such "
                                f"as 'en', not {lang!r}")
        self.lang = lang
        self.lowercase = check_bool(lowercase, tokenizer=self.name, setting="lowercase")
        self.spacy_norm = check_bool(spacy_norm, tokenizer=self.name, setting="spacy_norm")
        self.stop_words = canonical_setting(stop_words, tokenizer=self.name)
        self._nlp = blank_pipeline(lang)
        words = resolve(self.stop_words, lang=lang, tokenizer=self.name)
        self._stops = StopWords(words)

    def _tokens(self, doc: Any, offset: int = 0) -> list[Token]:
        tokens = []
        for spacy_token in doc:
            word = spacy_token.text
            if word.isspace():
                continue
            norm = self._norm(spacy_token)
            start = spacy_token.idx + offset
            tokens.append(Token(word, start, start + len(word), norm, norm in self._stops))
        return tokens

    def _norm(self, spacy_token: Any) -> str:
        if self.spacy_norm:
            norm = spacy_token.norm_
            if norm and not any(c.isspace() for c in norm):
                return normalize(norm, lowercase=False)
            return normalize(spacy_token.text, lowercase=True)
        return normalize(spacy_token.text, lowercase=self.lowercase)

    def segment(self, text: str) -> list[Token]:
        """spaCy's tokens of ``text`` except whitespace, stop words flagged (runs of more than
        :data:`LONG_RUN` characters without whitespace in :data:`PIECE`-character pieces)."""
        if not _LONG_RUN.search(text):
            return self._tokens(self._nlp.tokenizer(text))
        return [token for offset, part in pieces(text)
                for token in self._tokens(self._nlp.tokenizer(part), offset)]

    def tokenize(self, text: str) -> list[Token]:
        """``segment`` without stop words."""
        return [t for t in self.segment(text) if not t.is_stop]

    def tokenize_batch(self, texts: Iterable[str]) -> list[list[Token]]:
        """``tokenize`` over ``texts`` through spaCy's batched tokenizer."""
        texts = list(self.length_checked(texts))
        if any(_LONG_RUN.search(text) for text in texts):
            return [self.tokenize(text) for text in texts]
        return [
            [t for t in self._tokens(doc) if not t.is_stop]
            for doc in self._nlp.tokenizer.pipe(texts)
        ]

    def to_config(self) -> dict[str, Any]:
        return {"lang": self.lang, "lowercase": self.lowercase, "stop_words": self.stop_words,
                "spacy_norm": self.spacy_norm}
