"""Any lexiloom tokenizer as a spaCy tokenizer, usable from a spaCy config.

A spaCy config selects it through the registered function ``lexiloom.Tokenizer.v1`` (entry point
group ``spacy_tokenizers``)::

    [nlp.tokenizer]
    @tokenizers = "lexiloom.Tokenizer.v1"
    name = "char"

    [nlp.tokenizer.settings]
    lowercase = true

In Python, :func:`make_nlp` builds a blank pipeline with one. The split is lossless:
``doc.text == text`` for every text. The lexiloom tokenizer's ``segment`` gives the tokens; a
single space after a token becomes its trailing whitespace, and any other characters between
tokens become tokens of their own (whitespace runs and runs of other skipped characters). Token
norms go to ``token.norm_``; stop words to ``token.is_stop``.

``is_stop`` caveat: in spaCy it is an attribute of the vocabulary's lexeme, shared by every token
with the same text in every pipeline using that vocabulary. The adapter sets the lexeme flag of
each word it tokenizes to the lexiloom tokenizer's decision (stop-word decisions depend only on
a word's text, so they never conflict), which replaces spaCy's own language list for those words.

Importing this module imports neither spaCy nor torch (spaCy imports torch through thinc); spaCy
is imported when a tokenizer or pipeline is built.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lexiloom import atomic, registry
from lexiloom.corpora.docbin import SPACY_TOKENIZER
from lexiloom.errors import ModelFileError, SettingsError
from lexiloom.protocols import Tokenizer
from lexiloom.tokens import Token

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc
    from spacy.vocab import Vocab

REGISTERED_NAME = SPACY_TOKENIZER
"""The name of :func:`create_tokenizer` in spaCy's ``tokenizers`` registry (defined in the data
layer, which names it in configs without importing this module)."""


def create_tokenizer(
    name: str, settings: dict[str, Any] | None = None
) -> Callable[[Language], LexiloomSpacyTokenizer]:
    """spaCy's ``lexiloom.Tokenizer.v1``: a function building the adapter for a pipeline.

    ``name`` is a tokenizer in :data:`lexiloom.registry.tokenizers` and ``settings`` its
    settings. The tokenizer is built at once, so bad settings fail when the config is resolved.
    """
    tokenizer = _build(name, settings)

    def make(nlp: Language) -> LexiloomSpacyTokenizer:
        return LexiloomSpacyTokenizer(nlp.vocab, name, settings, tokenizer=tokenizer)

    return make


def make_nlp(
    lang: str = "en", tokenizer: str | None = None, settings: dict[str, Any] | None = None
) -> Language:
    """A blank spaCy pipeline for ``lang``, with the lexiloom tokenizer ``tokenizer`` if given.

    The tokenizer goes through the pipeline's config, so ``nlp.to_disk`` and ``spacy.load`` keep it.
    """
    import spacy

    config: dict[str, Any] = {}
    if tokenizer is not None:
        _build(tokenizer, settings)  # fail early, with a lexiloom error
        config = {"nlp": {"tokenizer": {"@tokenizers": REGISTERED_NAME, "name": tokenizer,
                                        "settings": dict(settings or {})}}}
    try:
        return spacy.blank(lang, config=config)
    except ImportError as err:
        raise SettingsError(
            f"cannot build a spaCy pipeline for language {lang!r} ({err}); use a spaCy "
            "language code, the name of a package under spacy.lang such as 'en' or 'de' "
            "(see https://spacy.io/usage/models#languages)"
        ) from None


class LexiloomSpacyTokenizer:
    """A spaCy tokenizer (``text -> Doc``) backed by a lexiloom tokenizer.

    Built from ``name`` and ``settings`` through :data:`lexiloom.registry.tokenizers` (or from
    an already built ``tokenizer`` with that name and settings). Serialises its name and settings
    as JSON, so they survive ``nlp.to_disk()`` and ``spacy.load()``.
    """

    def __init__(
        self,
        vocab: Vocab,
        name: str,
        settings: dict[str, Any] | None = None,
        *,
        tokenizer: Tokenizer | None = None,
    ) -> None:
        self.vocab = vocab
        self._set(name, settings, tokenizer)

    def _set(self, name: str, settings: dict[str, Any] | None,
             tokenizer: Tokenizer | None = None) -> None:
        self.tokenizer: Tokenizer = tokenizer if tokenizer is not None else _build(name, settings)
        self.name = name
        self.settings: dict[str, Any] = self.tokenizer.to_config()

    def __call__(self, text: str) -> Doc:
        """The ``Doc`` of ``text``; ``doc.text == text``."""
        from spacy.tokens import Doc

        words, spaces, found = _doc_words(text, self.tokenizer.segment(text))
        doc = Doc(self.vocab, words=words, spaces=spaces)
        stop_flags = [False] * len(words)
        for index, token in found:
            doc[index].norm_ = token.norm
            stop_flags[index] = token.is_stop
        for spacy_token, is_stop in zip(doc, stop_flags, strict=True):
            if spacy_token.is_stop != is_stop:
                self.vocab[spacy_token.text].is_stop = is_stop
        return doc

    def pipe(self, texts: Iterable[str], batch_size: int = 1000) -> Iterator[Doc]:
        """The ``Doc`` of each text, in order (``batch_size`` is accepted for spaCy's API)."""
        for text in texts:
            yield self(text)

    # -- serialisation -------------------------------------------------------------------------
    def to_bytes(self, *, exclude: Iterable[str] = ()) -> bytes:
        """The tokenizer name and settings as UTF-8 JSON."""
        payload = {"lexiloom_tokenizer": self.name, "settings": self.settings}
        return json.dumps(payload, sort_keys=True, ensure_ascii=False).encode("utf-8")

    def from_bytes(
        self, bytes_data: bytes, *, exclude: Iterable[str] = ()
    ) -> LexiloomSpacyTokenizer:
        """Rebuild from :meth:`to_bytes` output; returns ``self``."""
        name, settings = _parse(bytes_data, "the serialised lexiloom tokenizer")
        self._set(name, settings)
        return self

    def to_disk(self, path: str | os.PathLike[str], *, exclude: Iterable[str] = ()) -> None:
        """Write :meth:`to_bytes` to the file ``path`` (atomically)."""
        atomic.write_bytes(path, self.to_bytes(exclude=exclude))

    def from_disk(
        self, path: str | os.PathLike[str], *, exclude: Iterable[str] = ()
    ) -> LexiloomSpacyTokenizer:
        """Read a file written by :meth:`to_disk`; returns ``self``."""
        path = Path(path)
        try:
            data = path.read_bytes()
        except OSError as err:
            raise ModelFileError(f"{path}: cannot read the lexiloom tokenizer file "
                                 f"({err.strerror or err}); save the pipeline again") from None
        name, settings = _parse(data, str(path))
        self._set(name, settings)
        return self

    def __repr__(self) -> str:
        return f"LexiloomSpacyTokenizer({self.name!r}, {self.settings!r})"


def _build(name: str, settings: dict[str, Any] | None) -> Tokenizer:
    if settings is not None and not isinstance(settings, dict):
        raise SettingsError(f"the settings of lexiloom tokenizer {name!r} must be a mapping of "
                            f"setting names to values, not {settings!r}")
    return registry.tokenizers.create(name, **dict(settings or {}))


def _parse(data: bytes, where: str) -> tuple[str, dict[str, Any]]:
    try:
        payload = json.loads(data.decode("utf-8"))
        name, settings = payload["lexiloom_tokenizer"], payload["settings"]
        if not isinstance(name, str) or not isinstance(settings, dict):
            raise TypeError("wrong field types")
    except (UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError) as err:
        raise ModelFileError(
            f"{where}: not a lexiloom tokenizer file ({err}); save the pipeline again with "
            "nlp.to_disk()"
        ) from None
    return name, settings


def _doc_words(
    text: str, tokens: Iterable[Token]
) -> tuple[list[str], list[bool], list[tuple[int, Token]]]:
    """Words and trailing spaces covering ``text`` exactly, and (word index, token) pairs.

    Characters between tokens become words of their own (whitespace runs and other runs), except
    one ``" "`` right after a non-whitespace word, which becomes that word's trailing space.
    """
    words: list[str] = []
    spaces: list[bool] = []
    found: list[tuple[int, Token]] = []
    pos = 0

    def add_gap(gap: str) -> None:
        for run in _runs(gap):
            if run[0] == " " and words and not spaces[-1] and not words[-1].isspace():
                spaces[-1] = True
                run = run[1:]
            if run:
                words.append(run)
                spaces.append(False)

    for token in tokens:
        if token.start < pos or token.end <= token.start:
            continue  # overlapping or empty: breaks the Tokenizer contract; keep the text intact
        add_gap(text[pos:token.start])
        found.append((len(words), token))
        words.append(text[token.start:token.end])
        spaces.append(False)
        pos = token.end
    add_gap(text[pos:])
    return words, spaces, found


def _runs(gap: str) -> Iterator[str]:
    """``gap`` cut into maximal runs of whitespace and of other characters."""
    start = 0
    for i in range(1, len(gap) + 1):
        if i == len(gap) or gap[i].isspace() != gap[start].isspace():
            yield gap[start:i]
            start = i
