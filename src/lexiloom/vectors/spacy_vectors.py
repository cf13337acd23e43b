"""Word vectors inside spaCy: ``nlp.vocab.vectors``, and a loadable pipeline directory.

After :func:`add_to_vocab`, ``token.vector``, ``doc.vector``, ``doc.similarity`` and spaCy
models configured with ``include_static_vectors = true`` use these vectors. spaCy is imported
only when a function here is called.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from lexiloom import atomic, manifest
from lexiloom.errors import SettingsError
from lexiloom.vectors.keyed import KeyedVectors


def add_to_vocab(nlp_or_vocab: Any, kv: KeyedVectors, *, name: str | None = None) -> Any:
    """Replace the vectors table of a spaCy ``Language`` or ``Vocab`` with ``kv``; return the
    ``Vocab``.

    Every word becomes a lexeme, and ``vocab[word].vector`` is its row of ``kv.vectors``.
    Subword vectors (:class:`~lexiloom.vectors.subwords.SubwordVectors`) become spaCy's
    floret-mode table instead (:meth:`~lexiloom.vectors.subwords.SubwordVectors.to_spacy_vectors`),
    so that every word, seen or not, gets a vector. ``name`` names the table (spaCy records it
    in the pipeline's meta; default ``"<lang>_lexiloom.vectors"``).
    """
    from spacy.vectors import Vectors

    from lexiloom.vectors.subwords import SubwordVectors

    vocab = getattr(nlp_or_vocab, "vocab", nlp_or_vocab)
    if not hasattr(vocab, "strings") or not hasattr(vocab, "vectors"):
        raise SettingsError(f"expected a spaCy Language or Vocab, got {type(nlp_or_vocab)!r}")
    for word in kv.index_to_key:
        vocab[word]
    name = name or f"{vocab.lang or 'xx'}_lexiloom.vectors"
    if isinstance(kv, SubwordVectors):
        vocab.vectors = kv.to_spacy_vectors(strings=vocab.strings, name=name)
    else:
        vocab.vectors = Vectors(strings=vocab.strings, data=kv.vectors.copy(),
                                keys=list(kv.index_to_key), name=name)
    meta = getattr(nlp_or_vocab, "meta", None)
    if isinstance(meta, dict):
        meta.setdefault("vectors", {})["name"] = vocab.vectors.name
    return vocab


def to_spacy_pipeline(
    kv: KeyedVectors,
    out_dir: str | os.PathLike[str],
    lang: str = "en",
    *,
    name: str | None = None,
) -> Path:
    """Write a blank spaCy pipeline for ``lang`` holding ``kv`` as its vectors to ``out_dir``
    (atomically: a failure leaves no half-written directory), with a ``manifest.json`` of its
    files that lexiloom's loaders check; ``spacy.load(out_dir)`` loads it.
    """
    import spacy

    try:
        nlp = spacy.blank(lang)
    except (ImportError, KeyError, ValueError, OSError) as err:
        raise SettingsError(f"spaCy has no language {lang!r} ({err}); use a code such as "
                            "'en', 'de' or 'xx' (multi-language)") from None
    add_to_vocab(nlp, kv, name=name)
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise SettingsError(f"{out} exists and is not a directory; choose another OUT_DIR")
    with atomic.atomic_path(out) as tmp:
        nlp.to_disk(tmp)
        manifest.write_tree(tmp)
    return out
