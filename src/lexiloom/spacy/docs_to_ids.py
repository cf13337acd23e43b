"""spaCy ``Doc`` objects to the padded id arrays a lexiloom torch model reads, and the
vocabulary behind them.

The token string a model sees is chosen by the architecture's ``vocab.attr`` setting:
``"norm"`` (``token.norm_``, spaCy's normalised form, lowercase for most languages),
``"lower"`` (``token.lower_``) or ``"orth"`` (``token.text``, the original characters). The same
form is used to build the vocabulary, so pretrained vectors must be keyed by that form.

An empty ``Doc`` is encoded as one ``<pad>`` token (length 1), so every text gets a prediction
and encoders never see a zero-length sequence.

Importing this module imports neither spaCy nor torch.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy

from lexiloom.errors import CorpusError, SettingsError
from lexiloom.vocab import Vocab

if TYPE_CHECKING:
    from spacy.tokens import Doc
    from spacy.vocab import Vocab as SpacyVocab

TOKEN_ATTRS: dict[str, str] = {"norm": "norm_", "lower": "lower_", "orth": "text"}
"""The ``vocab.attr`` settings and the spaCy token attribute each one reads."""

VOCAB_DEFAULTS: dict[str, Any] = {"min_count": 1, "max_size": 50000, "attr": "norm"}
"""The architecture's default ``vocab`` settings."""


def check_vocab_settings(settings: dict[str, Any] | None) -> dict[str, Any]:
    """``settings`` merged over :data:`VOCAB_DEFAULTS`, validated (SettingsError otherwise)."""
    settings = dict(settings or {})
    unknown = sorted(set(settings) - set(VOCAB_DEFAULTS))
    if unknown:
        raise SettingsError(f"vocab has no setting {', '.join(map(repr, unknown))}; its settings "
                            f"are: {', '.join(sorted(VOCAB_DEFAULTS))}")
    merged = {**VOCAB_DEFAULTS, **settings}
    if merged["attr"] not in TOKEN_ATTRS:
        raise SettingsError(f"vocab attr must be one of {', '.join(TOKEN_ATTRS)}, not "
                            f"{merged['attr']!r}")
    min_count, max_size = merged["min_count"], merged["max_size"]
    if isinstance(min_count, bool) or not isinstance(min_count, int) or min_count < 1:
        raise SettingsError(f"vocab min_count must be a positive integer, not {min_count!r}")
    if max_size is not None and (isinstance(max_size, bool) or not isinstance(max_size, int)
                                 or max_size < 0):
        raise SettingsError(f"vocab max_size must be a non-negative integer or null, not "
                            f"{max_size!r}")
    return merged


def vocab_form(attr: str) -> str:
    """The :class:`~lexiloom.vocab.Vocab` ``form`` recorded for token attribute ``attr``."""
    return "text" if attr == "orth" else "norm"


def token_strings(doc: Doc, attr: str) -> list[str]:
    """The strings of ``doc``'s tokens under ``attr`` (see :data:`TOKEN_ATTRS`)."""
    name = TOKEN_ATTRS[attr]
    return [getattr(token, name) for token in doc]


def docs_to_arrays(
    docs: Sequence[Doc], vocab: Vocab, attr: str
) -> tuple[numpy.ndarray, numpy.ndarray]:
    """Padded ids (batch, time) int64 with ``<pad>`` = 0, and true lengths (batch,) int64.

    An empty doc becomes one ``<pad>`` (length 1); ``time`` is the longest length (at least 1).
    The tokens are read as spaCy's string hashes (``Doc.to_array``) and looked up in a sorted
    index of the vocabulary's hashes, with no Python object per token.
    """
    from spacy.attrs import LOWER, NORM, ORTH

    keys, values = _hash_index(vocab, attr)
    column = {"norm": NORM, "lower": LOWER, "orth": ORTH}[attr]
    hashes = [doc.to_array(column) if len(doc) else _NO_HASHES for doc in docs]
    sizes = numpy.array([len(h) for h in hashes], dtype="int64")
    lengths = numpy.maximum(sizes, 1)
    ids = numpy.full((len(docs), int(lengths.max(initial=1))), vocab.pad_id, dtype="int64")
    flat = numpy.concatenate(hashes) if hashes else _NO_HASHES
    if len(flat):
        where = numpy.minimum(numpy.searchsorted(keys, flat), len(keys) - 1)
        found = numpy.where(keys[where] == flat, values[where], vocab.unk_id)
        ids[numpy.arange(ids.shape[1]) < sizes[:, None]] = found
    return ids, lengths


_NO_HASHES = numpy.zeros(0, dtype="uint64")


def _hash_index(vocab: Vocab, attr: str) -> tuple[numpy.ndarray, numpy.ndarray]:
    """The vocabulary's spaCy string keys (the hash, or the symbol id of spaCy's built-in
    symbols such as "number"), sorted, and the id of each (cached on ``vocab`` until its size
    changes)."""
    from spacy.strings import get_string_id

    cache = vocab.__dict__.setdefault("_lexiloom_hash_index", {})
    cached = cache.get(attr)
    if cached is None or cached[0] != len(vocab):
        words = vocab.decode(range(len(vocab)), skip_special=False)
        hashes = numpy.array([get_string_id(word) for word in words], dtype="uint64")
        order = numpy.argsort(hashes, kind="stable")
        cached = (len(vocab), hashes[order], order.astype("int64"))
        cache[attr] = cached
    return cached[1], cached[2]


KEY_ATTRS: dict[str, str] = {"norm": "norm", "lower": "lower", "orth": "orth"}
"""The spaCy token attribute whose hash keys ``nlp.vocab.vectors`` under each ``vocab.attr``."""


def static_vectors(docs: Sequence[Doc], attr: str, width: int) -> numpy.ndarray:
    """Padded static vectors (batch, time, width) float32 from each doc's ``vocab.vectors`` (spaCy's
    ``[initialize] vectors``), looked up by the token form ``attr`` reads; a token without a
    vector, padding and an empty doc's single position are zeros."""
    lengths = [max(len(doc), 1) for doc in docs]
    out = numpy.zeros((len(docs), max(lengths, default=1), width), dtype="float32")
    name = KEY_ATTRS[attr]
    for i, doc in enumerate(docs):
        if len(doc):
            table = doc.vocab.vectors
            keys = [getattr(token, name) for token in doc]
            rows = _host(table.get_batch(keys))
            if table.mode == "default":  # get_batch reads a missing key's row -1 as the last
                rows = numpy.where((_host(table.find(keys=keys)) < 0)[:, None], 0.0, rows)
            out[i, : len(doc)] = rows
    return out


def vector_coverage(docs: Sequence[Doc], attr: str) -> float:
    """The share of ``docs``' tokens (under ``attr``) that their vocab's vectors have (1.0 for
    floret vectors, which cover every string)."""
    name = KEY_ATTRS[attr]
    keys = [getattr(token, name) for doc in docs for token in doc]
    if not keys:
        return 1.0
    table = docs[0].vocab.vectors
    if table.mode != "default":
        return 1.0
    return float((_host(table.find(keys=keys)) >= 0).mean())


def _host(array: Any) -> numpy.ndarray:
    """``array`` as a numpy array (a cupy array is copied to the host)."""
    return array.get() if hasattr(array, "get") else numpy.asarray(array)


def build_vocab(docs: Iterable[Doc], settings: dict[str, Any]) -> Vocab:
    """A vocabulary of ``docs``' tokens under ``settings`` (``min_count``, ``max_size``,
    ``attr``)."""
    attr = settings["attr"]
    return Vocab.build((token_strings(doc, attr) for doc in docs),
                       min_count=settings["min_count"], max_size=settings["max_size"],
                       form=vocab_form(attr))


def corpus_docs(path: str | os.PathLike[str], spacy_vocab: SpacyVocab) -> Iterator[Doc]:
    """The documents of a vocabulary corpus: a spaCy ``DocBin`` (``.spacy``) as tokenised there,
    or any corpus :func:`lexiloom.corpora.read_corpus` reads, tokenised by ``spacy.blank`` for
    ``spacy_vocab``'s language.

    A pipeline with another tokenizer should pass a DocBin made with it (``lexiloom corpora
    convert --tokenizer ...``) so the vocabulary's tokens match the ones the model sees.
    """
    resolved = Path(path)
    if resolved.suffix == ".spacy" or (resolved.is_dir() and any(resolved.glob("*.spacy"))):
        yield from _docbin_docs(resolved, spacy_vocab)
        return
    import spacy

    from lexiloom.corpora import read_corpus

    nlp = spacy.blank(spacy_vocab.lang or "xx")
    texts = (record.text for record in read_corpus(path))
    yield from nlp.tokenizer.pipe(texts)


def _docbin_docs(path: Path, spacy_vocab: SpacyVocab) -> Iterator[Doc]:
    from spacy.tokens import DocBin

    files = sorted(path.glob("**/*.spacy")) if path.is_dir() else [path]
    if not path.exists():
        raise CorpusError(f"vocabulary corpus {path} does not exist; fix vocab_corpus in the "
                          f"model config")
    for file in files:
        try:
            doc_bin = DocBin().from_disk(file)
        except (OSError, ValueError) as err:
            raise CorpusError(f"{file}: not a readable spaCy DocBin ({err}); re-create it with "
                              f"'lexiloom corpora convert'") from None
        yield from doc_bin.get_docs(spacy_vocab)
