"""Plain text as one stream of token ids: documents, ``<bos> ... <eos>`` framing.

A text file is read as *documents*: ``"file"`` (the whole file is one document; right for
character-level models, which read newlines as tokens) or ``"lines"`` (each non-empty line is one
document; right for word-level corpora such as Penn Treebank, one sentence per line);
``"auto"`` picks ``"file"`` for tokenizers that keep whitespace (``char``) and ``"lines"``
otherwise. Every document is framed ``<bos> tokens <eos>`` and the documents are concatenated, so
the model learns where texts start and end and generation can start from ``<bos>``. A ``<bos>``
is never a prediction target (it always follows ``<eos>``).

>>> ids = encode_documents(tokenizer, vocab, read_documents("input.txt", "file"))  # doctest: +SKIP
>>> ids = read_stream("input.txt", tokenizer, vocab, "file")                    # doctest: +SKIP

Long documents are tokenized in blocks of whole lines, so memory does not depend on the file
size beyond the ids themselves (4 bytes per token); tokenizers that never join tokens across a
newline (all the built-in ones) give the same tokens as on the whole text. Training cuts the
stream into parallel streams (:mod:`lexiloom.spacy.text_streams`); a generator scores a text
file through :func:`read_stream` too.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from lexiloom.corpora.bundled import resolve_corpus
from lexiloom.errors import CorpusError, SettingsError

if TYPE_CHECKING:
    import torch

    from lexiloom.protocols import Tokenizer
    from lexiloom.vocab import Vocab

DOCUMENTS = ("auto", "file", "lines")
BLOCK_CHARS = 1 << 16
"""Characters per tokenization block of a long document (whole lines are kept together)."""


def documents_mode(documents: str, tokenizer_name: str) -> str:
    """``"file"`` or ``"lines"``: ``documents`` with ``"auto"`` resolved for ``tokenizer_name``."""
    if documents not in DOCUMENTS:
        raise SettingsError(f"documents must be one of {', '.join(DOCUMENTS)}, not "
                            f"{documents!r}")
    if documents != "auto":
        return documents
    return "file" if tokenizer_name == "char" else "lines"


TEXT_FORMATS = ("text", "jsonl")
"""How a text-stream file is stored: plain text, or JSON Lines with the text in a field (each
record is one document)."""


def read_documents(path: str | os.PathLike[str], documents: str, *,
                   encoding: str = "utf-8", format: str = "text",
                   field: str = "text") -> Iterator[list[str]]:
    """The documents of the text file ``path`` (or a bundled corpus ``NAME/SPLIT``, e.g.
    ``passage/train``), each as a list of blocks (strings whose concatenation is the
    document). With ``format="jsonl"`` each line is a JSON object whose ``field`` holds one
    document (``documents`` then does not apply)."""
    if documents not in ("file", "lines"):
        raise SettingsError(f"documents must be 'file' or 'lines', not {documents!r}")
    if format not in TEXT_FORMATS:
        raise SettingsError(f"text format must be one of {', '.join(TEXT_FORMATS)}, not "
                            f"{format!r}")
    path, _ = resolve_corpus(path)
    if not path.is_file():
        raise CorpusError(f"{path}: not a text file; pass an existing plain-text file")
    if format == "jsonl":
        yield from _jsonl_documents(path, field, encoding)
        return
    try:
        with open(path, encoding=encoding, newline="") as fh:
            if documents == "lines":
                for line in fh:
                    if line.strip():
                        yield [line.rstrip("\r\n")]
                return
            block: list[str] = []
            size = 0
            blocks: list[str] = []
            for line in fh:
                block.append(line)
                size += len(line)
                if size >= BLOCK_CHARS:
                    blocks.append("".join(block))
                    block, size = [], 0
            if block:
                blocks.append("".join(block))
            if any(b.strip() for b in blocks):
                yield blocks
    except UnicodeDecodeError as err:
        raise CorpusError(f"{path}: not {encoding} text ({err.reason} at byte {err.start}); "
                          f"pass the right --encoding") from None


def _jsonl_documents(path: os.PathLike[str], field: str, encoding: str
                     ) -> Iterator[list[str]]:
    import json

    try:
        with open(path, encoding=encoding) as fh:
            for number, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as err:
                    raise CorpusError(f"{path}:{number}: not a JSON object ({err.msg}); write "
                                      f'one object per line, e.g. {{"{field}": "..."}}') from None
                text = record.get(field) if isinstance(record, dict) else None
                if not isinstance(text, str):
                    raise CorpusError(f"{path}:{number}: no text field {field!r}; set the "
                                      "reader's field to the key that holds the text")
                if text.strip():
                    yield [text]
    except UnicodeDecodeError as err:
        raise CorpusError(f"{path}: not {encoding} text ({err.reason} at byte {err.start}); "
                          f"pass the right --encoding") from None


def document_texts(path: str | os.PathLike[str], documents: str, *,
                   encoding: str = "utf-8", format: str = "text",
                   field: str = "text") -> Iterator[str]:
    """Every block of every document (for building a vocabulary: the token counts are those of
    the whole file)."""
    for blocks in read_documents(path, documents, encoding=encoding, format=format,
                                 field=field):
        yield from blocks


def encode_documents(tokenizer: Tokenizer, vocab: Vocab,
                     documents: Iterable[list[str]]) -> torch.Tensor:
    """One 1-D ``int64`` tensor: each document framed ``<bos> ... <eos>``, concatenated."""
    import array

    import torch

    ids = array.array("l")
    for blocks in documents:
        ids.append(vocab.bos_id)
        for block in blocks:
            ids.extend(vocab.encode(tokenizer.tokenize(block)))
        ids.append(vocab.eos_id)
    return torch.frombuffer(ids, dtype=torch.int64).clone() if len(ids) else \
        torch.zeros(0, dtype=torch.int64)


def read_stream(path: str | os.PathLike[str], tokenizer: Tokenizer, vocab: Vocab,
                documents: str, *, encoding: str = "utf-8", format: str = "text",
                field: str = "text") -> torch.Tensor:
    """The ids of the text file ``path`` (see :func:`encode_documents`); raises
    :class:`~lexiloom.errors.CorpusError` when it has no text."""
    ids = encode_documents(tokenizer, vocab, read_documents(path, documents, encoding=encoding,
                                                            format=format, field=field))
    if len(ids) < 3:
        raise CorpusError(f"{path}: the text file is empty; pass a file with text in it")
    return ids


__all__ = ["DOCUMENTS", "TEXT_FORMATS", "document_texts", "documents_mode", "encode_documents",
           "read_documents", "read_stream"]
