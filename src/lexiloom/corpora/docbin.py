"""Conversion of a corpus to spaCy ``DocBin`` files (``.spacy``) ready for ``spacy train``.

Memory: a ``DocBin`` is one compressed blob, so conversion holds the whole corpus (its records
and their tokenised docs) in memory; the source file is still read as a stream. Split very
large corpora into several files first.

Crash safety: the docs are tokenised in chunks (``chunk_size`` documents), each saved in
``OUT.checkpoint/`` with a checksum sidecar as it is done; a conversion killed part way and run
again with ``resume=True`` (``lexiloom corpora convert --resume``) reuses the chunks that are
whole and tokenises the rest. The checkpoint is removed once the outputs are written, and an
``flock`` on it makes a second conversion to the same output fail at once.
"""

from __future__ import annotations

import gzip
import json
import os
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lexiloom import atomic, manifest
from lexiloom.atomic import write_bytes
from lexiloom.corpora.reading import corpus_files, corpus_format, read_corpus
from lexiloom.corpora.record import BadLines, Record
from lexiloom.errors import CorpusError, LexiloomError, ModelFileError, SettingsError

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import DocBin


@dataclass(frozen=True)
class DocBinConversion:
    """What :func:`convert_to_docbin` wrote."""

    train_path: Path
    train: int
    dev_path: Path | None
    dev: int
    labels: tuple[str, ...]
    exclusive: bool
    """True when every document has exactly one label (spaCy's ``textcat``); otherwise the
    data is multi-label (``textcat_multilabel``)."""
    skipped: int = 0

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable form (paths as strings)."""
        return {"train_path": str(self.train_path), "train": self.train,
                "dev_path": None if self.dev_path is None else str(self.dev_path),
                "dev": self.dev, "labels": list(self.labels), "exclusive": self.exclusive,
                "skipped": self.skipped}


def corpus_labels(records: Iterable[Record]) -> tuple[str, ...]:
    """Every label used by ``records``, sorted."""
    return tuple(sorted({label for record in records for label in record.labels}))


def is_exclusive(records: Iterable[Record]) -> bool:
    """Whether every record has exactly one label (mutually exclusive classes)."""
    return all(len(record.labels) == 1 for record in records)


def blank_nlp(lang: str = "en", config: dict[str, Any] | None = None) -> Language:
    """``spacy.blank(lang, config=config)``, with :class:`~lexiloom.errors.SettingsError` for
    unknown codes."""
    import spacy

    try:
        return spacy.blank(lang, config=config or {})
    except LexiloomError:  # from the tokenizer the config names
        raise
    except (ImportError, KeyError, ValueError):
        raise SettingsError(f"unknown spaCy language {lang!r}; use a code such as 'en', 'de' or "
                            f"'xx' (multi-language)") from None


def to_docbin(
    records: Sequence[Record],
    *,
    nlp: Language | None = None,
    lang: str = "en",
    labels: Sequence[str] | None = None,
) -> DocBin:
    """A ``DocBin`` of ``records`` tokenised by ``nlp`` (default ``spacy.blank(lang)``).

    Each ``doc.cats`` holds every label of ``labels`` (default: the records' labels, sorted):
    1.0 for the record's labels, 0.0 for the others.
    """
    from spacy.tokens import DocBin

    nlp = nlp if nlp is not None else blank_nlp(lang)
    labels = corpus_labels(records) if labels is None else tuple(labels)
    doc_bin = DocBin(store_user_data=False)
    for record in records:
        doc = nlp.make_doc(record.text)
        doc.cats = {label: 1.0 if label in record.labels else 0.0 for label in labels}
        doc_bin.add(doc)
    return doc_bin


CHUNK_SIZE = 10_000
"""Documents per checkpointed chunk of a conversion."""
FINGERPRINT = "fingerprint.json"


def checkpoint_dir(out_path: str | os.PathLike[str]) -> Path:
    """The checkpoint folder of a conversion writing ``out_path``: ``out_path.checkpoint``."""
    out = Path(out_path)
    return out.with_name(out.name + ".checkpoint")


def _start(folder: Path, fingerprint: dict[str, Any], resume: bool) -> None:
    """Check a resumed conversion is the same one; otherwise start a fresh checkpoint."""
    path = folder / FINGERPRINT
    if resume:
        try:
            saved = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as err:
            raise ModelFileError(f"{path}: unreadable ({err}); run without --resume") from None
        differ = sorted(k for k in {*saved, *fingerprint} if saved.get(k) != fingerprint.get(k))
        if differ:
            raise SettingsError(f"--resume: the checkpoint in {folder} is of another conversion "
                                f"(its {', '.join(differ)} differ); give the same corpus and "
                                "options, or drop --resume to start again")
        return
    for old in folder.glob("*.spacy*"):
        old.unlink()
    atomic.write_text(path, json.dumps(fingerprint))


def _chunked_docbin(folder: Path, split: str, records: Sequence[Record], nlp: Language,
                    labels: Sequence[str], chunk_size: int) -> DocBin:
    """``to_docbin(records)``, tokenised ``chunk_size`` records at a time; each chunk is saved
    in ``folder`` (with a checksum sidecar) or, when a whole one is there, read back."""
    from spacy.tokens import DocBin

    merged = DocBin(store_user_data=False)
    for number, start in enumerate(range(0, len(records), chunk_size)):
        chunk = folder / f"{split}-{number:06d}.spacy"
        if chunk.is_file() and manifest.sidecar_path(chunk).is_file():
            manifest.verify_sidecar(chunk)
            part = DocBin(store_user_data=False).from_bytes(chunk.read_bytes())
        else:
            part = to_docbin(records[start:start + chunk_size], nlp=nlp, labels=labels)
            write_bytes(chunk, part.to_bytes())
            atomic.write_text(manifest.sidecar_path(chunk), manifest.sidecar_text(chunk))
        merged.merge(part)
    return merged


def write_docbin(doc_bin: DocBin, path: str | os.PathLike[str]) -> None:
    """Write ``doc_bin`` to ``path`` atomically (gzip-compressed again if it ends in ``.gz``)."""
    data = doc_bin.to_bytes()
    write_bytes(path, gzip.compress(data) if Path(path).suffix.lower() == ".gz" else data)


def split_records(
    records: Sequence[Record], dev_fraction: float, seed: int = 0
) -> tuple[list[Record], list[Record]]:
    """A deterministic shuffled train/dev split: ``round(len * dev_fraction)`` dev records (at
    least one, and at least one left for training), each split in the original order."""
    if not 0.0 < dev_fraction < 1.0:
        raise SettingsError(f"dev_fraction must be between 0 and 1 (exclusive), not "
                            f"{dev_fraction}; e.g. --dev-fraction 0.1")
    if len(records) < 2:
        raise CorpusError(f"cannot split {len(records)} document(s) into train and dev; add "
                          f"documents or drop --dev")
    n_dev = min(max(1, round(len(records) * dev_fraction)), len(records) - 1)
    order = list(range(len(records)))
    random.Random(seed).shuffle(order)
    dev_ids = set(order[:n_dev])
    train = [r for i, r in enumerate(records) if i not in dev_ids]
    dev = [r for i, r in enumerate(records) if i in dev_ids]
    return train, dev


SPACY_TOKENIZER = "lexiloom.Tokenizer.v1"
"""The name of lexiloom's spaCy tokenizer (:func:`lexiloom.spacy.tokenizer.create_tokenizer`) in
spaCy's ``tokenizers`` registry, defined here once (``lexiloom.spacy.tokenizer.REGISTERED_NAME``
imports it). The corpora sit below the spaCy layer and do not import it: spaCy finds the function
through its ``spacy_tokenizers`` entry point, as it does for a config that names it."""


def make_pipeline(
    lang: str = "en", tokenizer: str | None = None, tokenizer_settings: dict[str, Any] | None = None
) -> Language:
    """The pipeline that tokenises for conversion: ``spacy.blank(lang)``, or with the lexiloom
    tokenizer ``tokenizer`` as ``nlp.tokenizer`` (selected in the pipeline's config, like
    ``lexiloom.spacy.tokenizer.make_nlp`` does; bad settings raise the tokenizer's own
    :class:`~lexiloom.errors.LexiloomError`)."""
    if tokenizer is None:
        if tokenizer_settings:
            raise SettingsError("tokenizer settings given without a tokenizer; add --tokenizer "
                                "NAME")
        return blank_nlp(lang)
    config = {"nlp": {"tokenizer": {"@tokenizers": SPACY_TOKENIZER, "name": tokenizer,
                                    "settings": dict(tokenizer_settings or {})}}}
    return blank_nlp(lang, config)


def convert_to_docbin(
    in_path: str | os.PathLike[str],
    out_path: str | os.PathLike[str],
    *,
    dev_path: str | os.PathLike[str] | None = None,
    dev_fraction: float = 0.1,
    seed: int = 0,
    lang: str = "en",
    tokenizer: str | None = None,
    tokenizer_settings: dict[str, Any] | None = None,
    format: str | None = None,
    encoding: str = "utf-8",
    skip_bad_lines: bool = False,
    bad_lines: BadLines | None = None,
    resume: bool = False,
    chunk_size: int = CHUNK_SIZE,
    **settings: Any,
) -> DocBinConversion:
    """Read the corpus at ``in_path`` and write it as ``DocBin`` file(s) for ``spacy train``.

    With ``dev_path``, a shuffled ``dev_fraction`` of the documents (deterministic for a
    ``seed``) goes there and the rest to ``out_path``. Both files carry every label in
    ``doc.cats``. ``format``, ``encoding``, ``skip_bad_lines``, ``bad_lines`` and ``settings``
    go to :func:`~lexiloom.corpora.read_corpus`. The corpus is held in memory (see the module
    docstring). Writes are atomic; an empty corpus raises :class:`~lexiloom.errors.CorpusError`.
    ``resume`` continues a conversion that was killed (see the module docstring).
    """
    if isinstance(chunk_size, bool) or not isinstance(chunk_size, int) or chunk_size < 1:
        raise SettingsError(f"chunk_size must be a positive number of documents, not "
                            f"{chunk_size!r}")
    folder = checkpoint_dir(out_path)
    if resume and not (folder / FINGERPRINT).is_file():
        raise ModelFileError(f"{folder}: nothing to resume (no checkpoint of a conversion "
                             f"writing {out_path}); run without --resume")
    bad_lines = bad_lines or BadLines(skip=skip_bad_lines)
    nlp = make_pipeline(lang, tokenizer, tokenizer_settings)
    if dev_path is not None and not 0.0 < dev_fraction < 1.0:
        split_records([], dev_fraction)  # raises the SettingsError
    if dev_path is not None and Path(dev_path).resolve() == Path(out_path).resolve():
        raise SettingsError(f"the dev file and the output file are the same ({out_path}); "
                            "give --dev another path")
    records = list(read_corpus(in_path, format=format, encoding=encoding, bad_lines=bad_lines,
                               **settings))
    if not records:
        skipped = f" ({bad_lines.skipped} bad lines skipped)" if bad_lines.skipped else ""
        raise CorpusError(f"{in_path} contains no documents{skipped}; check the path and "
                          f"--format")
    labels = corpus_labels(records)
    exclusive = bool(labels) and is_exclusive(records)
    train, dev = (records, []) if dev_path is None else split_records(records, dev_fraction, seed)
    fingerprint = {"in": corpus_files(in_path), "out": str(out_path),
                   "dev": None if dev_path is None else str(dev_path),
                   "dev_fraction": dev_fraction, "seed": seed, "lang": lang,
                   "tokenizer": [tokenizer, tokenizer_settings or {}],
                   "format": corpus_format(in_path, format)[1],
                   "encoding": encoding, "settings": settings, "chunk_size": chunk_size,
                   "records": len(records)}
    with atomic.exclusive(folder, "lexiloom corpora convert"):
        _start(folder, json.loads(json.dumps(fingerprint, default=str)), resume)
        outputs = [("train", train, out_path)] + ([("dev", dev, dev_path)] if dev_path else [])
        for split, part, path in outputs:
            write_docbin(_chunked_docbin(folder, split, part, nlp, labels, chunk_size), path)
        atomic.remove_tree(folder)
    return DocBinConversion(
        train_path=Path(out_path), train=len(train),
        dev_path=None if dev_path is None else Path(dev_path), dev=len(dev),
        labels=labels, exclusive=exclusive, skipped=bad_lines.skipped,
    )
