"""``char_ngrams``: words cut into character n-grams, with fastText's word boundary markers.

fastText represents a word by the bag of its character n-grams: ``where`` with ``n`` from 3 to 5
becomes ``<wh``, ``whe``, ``her``, ``ere``, ``re>``, ``<whe``, ... and the whole word ``<where>``.
Those n-grams overlap, and a lexiloom tokenizer may not emit overlapping tokens (the Tokenizer
contract: ``text[t.start:t.end] == t.text``, tokens in order, no overlap; a spaCy ``Doc`` is built
from them). So this tokenizer does two things:

- ``tokenize`` / ``segment`` cut each word into **consecutive, non-overlapping n-grams** of its
  marked form (``<where>`` → ``<wh`` + ``ere>``): every token's ``text`` is the span of the word
  it covers (``wh``, ``ere``) and its ``norm`` is the n-gram with its markers (``<wh``,
  ``ere>``), which is what vocabularies index and models see. The marked word (length + 2) is
  cut into the fewest pieces of at most ``n_max`` characters, as evenly as possible, so pieces
  have ``n_min`` to ``n_max`` characters whenever ``n_max >= 2 * n_min - 1`` (always with the
  defaults 3 and 5); a word whose marked form has at most ``n_max`` characters is one token
  (``a`` → ``<a>``). Because a word's first and last pieces carry the markers, prefixes and
  suffixes are tokens of their own (``<un``, ``ing>``), which is what helps a classifier with
  rare and misspelt words.
- :meth:`CharNgramTokenizer.ngrams` / :meth:`CharNgramTokenizer.bags` give the full, overlapping
  fastText bag of every word (with the whole word when ``words`` is true), for models that sum
  n-gram vectors per word. Every token's ``norm`` belongs to its word's bag (under the condition
  above).

Words are runs of word characters (``\\w+``) and single other non-space characters (punctuation).
``lowercase`` lowercases the norms and the bags; ``words`` only changes the bags.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from lexiloom.errors import SettingsError
from lexiloom.tokens import Token, join_words

DESCRIPTION = ("Words cut into consecutive character n-grams with fastText's <word> markers; "
               "the full overlapping n-gram bags via ngrams()/bags()")

DEFAULTS: dict[str, Any] = {"n_min": 3, "n_max": 5, "lowercase": True, "words": True}
"""Every user setting and its default."""

BOW, EOW = "<", ">"
"""fastText's word boundary markers."""

MAX_N = 32
_WORD = re.compile(r"\w+|[^\w\s]")


def _int_setting(key: str, value: Any, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= MAX_N:
        raise SettingsError(f"char_ngrams tokenizer setting {key!r} must be an integer from "
                            f"{low} to {MAX_N}, not {value!r}")
    return value


def _bool_setting(key: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise SettingsError(f"char_ngrams tokenizer setting {key!r} must be true or false, "
                            f"not {value!r}")
    return value


def piece_sizes(length: int, n_max: int) -> list[int]:
    """Sizes of the pieces a marked word of ``length`` characters is cut into: the fewest pieces
    of at most ``n_max``, larger ones first, differing by at most one.

    >>> piece_sizes(7, 5), piece_sizes(5, 5), piece_sizes(13, 5)
    ([4, 3], [5], [5, 4, 4])
    """
    count = -(-length // n_max)
    small, extra = divmod(length, count)
    return [small + 1] * extra + [small] * (count - extra)


class CharNgramTokenizer:
    """Character n-gram tokenizer (see the module docstring for the design).

    >>> tok = CharNgramTokenizer()
    >>> [(t.text, t.norm) for t in tok.tokenize("Unhappily, no.")]
    [('Unh', '<unh'), ('appi', 'appi'), ('ly', 'ly>'), (',', '<,>'), ('no', '<no>'), ('.', '<.>')]
    >>> tok.ngrams("where")[:6]
    ['<where>', '<wh', '<whe', '<wher', 'whe', 'wher']
    >>> tok.detokenize(["<unh", "appi", "ly>", "<,>", "<no>", "<.>"])
    'unhappily, no.'
    """

    name = "char_ngrams"

    def __init__(self, n_min: int = 3, n_max: int = 5, lowercase: bool = True,
                 words: bool = True) -> None:
        self.n_min = _int_setting("n_min", n_min, 1)
        self.n_max = _int_setting("n_max", n_max, 3)
        if self.n_max < self.n_min:
            raise SettingsError(f"char_ngrams tokenizer setting 'n_max' ({n_max}) must be at "
                                f"least 'n_min' ({n_min}); raise n_max or lower n_min")
        self.lowercase = _bool_setting("lowercase", lowercase)
        self.words = _bool_setting("words", words)

    # -- the Tokenizer contract ------------------------------------------------------------------

    def segment(self, text: str) -> list[Token]:
        """Every word of ``text`` cut into consecutive n-gram tokens (nothing is dropped)."""
        tokens: list[Token] = []
        for match in _WORD.finditer(text):
            word, start = match.group(), match.start()
            sizes = piece_sizes(len(word) + 2, self.n_max)
            offset, last = 0, len(sizes) - 1
            for index, size in enumerate(sizes):
                width = size - (index == 0) - (index == last)  # the markers are not in the text
                piece = word[offset:offset + width]
                norm = ((BOW if index == 0 else "") + self._fold(piece)
                        + (EOW if index == last else ""))
                tokens.append(Token(piece, start + offset, start + offset + width, norm))
                offset += width
        return tokens

    def tokenize(self, text: str) -> list[Token]:
        """The same as :meth:`segment`: n-gram tokens are never dropped."""
        return self.segment(text)

    def tokenize_batch(self, texts: Iterable[str]) -> list[list[Token]]:
        """``[self.tokenize(t) for t in texts]``."""
        return [self.tokenize(text) for text in texts]

    def detokenize(self, tokens: Sequence[str]) -> str:
        """Join n-gram norms back into words: a piece starting with ``<`` starts a word, one
        ending with ``>`` ends it; the markers are removed and words are joined with English
        spacing around punctuation. Unmarked pieces continue the current word."""
        words: list[str] = []
        open_word = False
        for token in tokens:
            if not token:
                continue
            starts = token.startswith(BOW) and len(token) > 1
            ends = token.endswith(EOW) and len(token) > 1
            body = token[1 if starts else 0: len(token) - (1 if ends else 0)]
            if starts or not open_word:
                words.append(body)
            else:
                words[-1] += body
            open_word = not ends
        return join_words(words)

    def to_config(self) -> dict[str, Any]:
        """The settings, JSON-serialisable, accepted back by the factory."""
        return {"n_min": self.n_min, "n_max": self.n_max, "lowercase": self.lowercase,
                "words": self.words}

    # -- the fastText bags ----------------------------------------------------------------------

    def ngrams(self, word: str) -> list[str]:
        """fastText's bag of ``word``: the whole marked word first (if ``words``), then every
        n-gram of the marked word with ``n_min <= n <= n_max``, by start position then length,
        without repeats."""
        marked = BOW + self._fold(word) + EOW
        bag = [marked] if self.words else []
        for start in range(len(marked)):
            for n in range(self.n_min, self.n_max + 1):
                if start + n <= len(marked):
                    bag.append(marked[start:start + n])
        return list(dict.fromkeys(bag))

    def bags(self, text: str) -> list[list[str]]:
        """The n-gram bag (:meth:`ngrams`) of each word of ``text``, in order."""
        return [self.ngrams(match.group()) for match in _WORD.finditer(text)]

    # -- helpers ---------------------------------------------------------------------------------

    def _fold(self, text: str) -> str:
        return text.lower() if self.lowercase else text

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self.to_config() == other.to_config()  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash((type(self).__name__, tuple(sorted(self.to_config().items()))))

    def __repr__(self) -> str:
        settings = ", ".join(f"{k}={v!r}" for k, v in self.to_config().items())
        return f"CharNgramTokenizer({settings})"
