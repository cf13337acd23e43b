"""Labelled corpora in spaCy's training config: ``lexiloom.Corpus.v1`` reads any format lexiloom
reads (JSONL, CSV/TSV, fastText, SST/TREC, folders, DocBin, bundled ``NAME/SPLIT``) as spaCy
``Example`` objects, and ``lexiloom.vocab_from_corpus.v1`` builds the vocabulary of every
lexiloom text classifier from the whole training corpus before ``initialize``::

    [corpora.train]
    @readers = "lexiloom.Corpus.v1"
    path = ${paths.train}
    labels = ["negative", "positive"]

    [initialize.before_init]
    @callbacks = "lexiloom.vocab_from_corpus.v1"

``lexiloom train`` writes both, so ``spacy train OUT/config.cfg`` reads the same data. Both are
registered through spaCy's entry points (``spacy_readers``, ``spacy_callbacks``).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from lexiloom.corpora.labelled import labelled_records
from lexiloom.errors import CorpusError
from lexiloom.spacy.names import CORPUS_READER, VOCAB_CALLBACK

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.training import Example


class LabelledCorpusReader:
    """Calling it with ``nlp`` streams the corpus as ``Example`` objects whose reference
    ``doc.cats`` gives every one of ``labels`` (1.0 for the text's labels, else 0.0), so spaCy's
    classifiers see no label as missing. Each call reads the file again."""

    def __init__(self, path: str | os.PathLike[str], *, format: str | None = None,
                 encoding: str = "utf-8", reader: Mapping[str, Any] | None = None,
                 label_map: Mapping[str, str] | None = None,
                 labels: Sequence[str] | None = None, exclusive: bool = True,
                 limit: int = 0) -> None:
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 0:
            raise CorpusError(f"{CORPUS_READER}: limit must be 0 (all) or a positive number of "
                              f"texts, not {limit!r}")
        self.path = str(path)
        self.settings = {"format": format, "encoding": encoding, "reader": dict(reader or {}),
                         "label_map": dict(label_map or {}), "exclusive": exclusive}
        self.limit = limit
        self._labels = list(labels) if labels else None

    def records(self) -> Iterator[tuple[str, tuple[str, ...]]]:
        """The ``(text, labels)`` pairs, up to ``limit``."""
        for number, pair in enumerate(labelled_records(self.path, **self.settings), 1):
            yield pair
            if number == self.limit:
                return

    @property
    def labels(self) -> list[str]:
        """The labels every example's ``cats`` covers: as configured, else every label of the
        corpus, sorted (read once)."""
        if self._labels is None:
            self._labels = sorted({label for _, gold in self.records() for label in gold})
        return self._labels

    def __call__(self, nlp: Language) -> Iterator[Example]:
        from spacy.training import Example

        labels = self.labels
        known = set(labels)
        for text, gold in self.records():
            unknown = [label for label in gold if label not in known]
            if unknown:
                raise CorpusError(
                    f"{self.path}: label(s) {', '.join(unknown)} are not among the configured "
                    f"labels ({', '.join(labels)}); map them with label_map (--label-map) or "
                    "add them to the reader's labels")
            doc = nlp.make_doc(text)
            # the same tokens with the cats: Example.from_dict builds it with a Python loop over
            # the tokens, a fifth of a classifier's training time
            reference = doc.copy()
            reference.cats = {label: float(label in gold) for label in labels}
            yield Example(doc, reference)


def labelled_corpus_v1(path: str, format: str | None = None, encoding: str = "utf-8",
                       reader: dict[str, Any] = {},  # noqa: B006  (spaCy fills config dicts)
                       label_map: dict[str, str] = {},  # noqa: B006
                       labels: list[str] | None = None, exclusive: bool = True,
                       limit: int = 0) -> Callable[[Language], Iterator[Example]]:
    """``lexiloom.Corpus.v1``: the labelled corpus at ``path`` (read with ``format``,
    ``encoding`` and the format's ``reader`` settings; raw labels renamed by ``label_map``) as
    spaCy examples with ``cats`` over ``labels`` (default: the corpus's own labels). With
    ``exclusive``, a text with several labels is an error; ``limit`` > 0 reads that many."""
    return LabelledCorpusReader(path, format=format, encoding=encoding, reader=reader,
                                label_map=label_map, labels=labels, exclusive=exclusive,
                                limit=limit)


def make_vocab_from_corpus(
    then: Callable[[Language], Language] | None = None,
) -> Callable[[Language], Language]:
    """``lexiloom.vocab_from_corpus.v1``: a ``before_init`` callback that reads the training
    corpus (``[training] train_corpus``) once and installs, in every lexiloom text classifier
    not yet initialized, the vocabulary built from all of it (``initialize`` alone sees 10
    examples). Classifiers loaded from another pipeline (``source``) keep theirs. ``then`` is
    another ``before_init`` callback to run first (``[initialize.before_init.then]``), so a
    config's own callback is kept."""
    def install(nlp: Language) -> Language:
        if then is not None:
            nlp = then(nlp)
        from spacy.util import resolve_dot_names

        from lexiloom.spacy.architectures import build_vocab_for, get_module, set_vocab

        models = [proc.model for _, proc in nlp.pipeline
                  if callable(getattr(getattr(proc, "model", None), "attrs", {}).get("set_vocab"))
                  and get_module(proc.model) is None]
        if not models:
            return nlp
        config = nlp.config.interpolate()
        (corpus,) = resolve_dot_names(config, [config["training"]["train_corpus"]])
        docs = [example.reference for example in corpus(nlp)]
        for model in models:
            set_vocab(model, build_vocab_for(model, docs))
        return nlp

    return install


__all__ = ["CORPUS_READER", "VOCAB_CALLBACK", "LabelledCorpusReader", "labelled_corpus_v1",
           "make_vocab_from_corpus"]
