"""Plain text as one stream of token ids, and that stream as parallel streams for truncated BPTT.

A text file is read as *documents*: ``"file"`` (the whole file is one document; right for
character-level models, which read newlines as tokens) or ``"lines"`` (each non-empty line is one
document; right for word-level corpora such as Penn Treebank, one sentence per line);
``"auto"`` picks ``"file"`` for tokenizers that keep whitespace (``char``) and ``"lines"``
otherwise. Every document is framed ``<bos> tokens <eos>`` and the documents are concatenated, so
the model learns where texts start and end and generation can start from ``<bos>``. A ``<bos>``
is never a prediction target (it always follows ``<eos>``): :data:`IGNORED_TARGETS`.

>>> ids = encode_documents(tokenizer, vocab, read_documents("input.txt", "file"))  # doctest: +SKIP
>>> streams = ParallelStreams(ids, batch=64, bptt=128)                         # doctest: +SKIP
>>> inputs, targets = streams.chunk(0)          # (64, 128) each              # doctest: +SKIP

Long documents are tokenized in blocks of whole lines, so memory does not depend on the file
size beyond the ids themselves (4 bytes per token); tokenizers that never join tokens across a
newline (all the built-in ones) give the same tokens as on the whole text.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

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


def read_documents(path: str | os.PathLike[str], documents: str, *,
                   encoding: str = "utf-8") -> Iterator[list[str]]:
    """The documents of the text file ``path`` (or a bundled corpus ``NAME/SPLIT``, e.g.
    ``passage/train``), each as a list of blocks (strings whose concatenation is the
    document)."""
    from lexiloom.corpora.bundled import resolve_corpus

    if documents not in ("file", "lines"):
        raise SettingsError(f"documents must be 'file' or 'lines', not {documents!r}")
    path, _ = resolve_corpus(path)
    if not path.is_file():
        raise CorpusError(f"{path}: not a text file; pass an existing plain-text file")
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


def document_texts(path: str | os.PathLike[str], documents: str, *,
                   encoding: str = "utf-8") -> Iterator[str]:
    """Every block of every document (for building a vocabulary: the token counts are those of
    the whole file)."""
    for blocks in read_documents(path, documents, encoding=encoding):
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
                documents: str, *, encoding: str = "utf-8") -> torch.Tensor:
    """The ids of the text file ``path`` (see :func:`encode_documents`); raises
    :class:`~lexiloom.errors.CorpusError` when it has no text."""
    ids = encode_documents(tokenizer, vocab, read_documents(path, documents, encoding=encoding))
    if len(ids) < 3:
        raise CorpusError(f"{path}: the text file is empty; pass a file with text in it")
    return ids


class ParallelStreams:
    """``ids`` cut into ``batch`` contiguous streams, read in chunks of ``bptt`` tokens.

    Stream ``b`` is ``ids[b * n : (b + 1) * n + 1]`` with ``n = (len(ids) - 1) // batch``
    (the few tokens left over are dropped). Chunk ``i`` holds positions ``i * bptt`` up to
    ``(i + 1) * bptt`` of every stream as inputs and the next token of each as targets, so the
    state after chunk ``i`` is the right start for chunk ``i + 1`` (truncated BPTT).
    """

    def __init__(self, ids: torch.Tensor, *, batch: int, bptt: int) -> None:
        for name, value in (("batch", batch), ("bptt", bptt)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise SettingsError(f"{name} must be a positive integer, not {value!r}")
        per_stream = (len(ids) - 1) // batch
        if per_stream < 1:
            raise CorpusError(f"the training text has {len(ids)} tokens, too few for {batch} "
                              f"parallel streams; use a smaller batch size or more text")
        self.batch, self.bptt, self.length = batch, bptt, per_stream
        self.inputs = ids[:batch * per_stream].view(batch, per_stream)
        self.targets = ids[1:batch * per_stream + 1].view(batch, per_stream)

    def __len__(self) -> int:
        """The number of chunks."""
        return -(-self.length // self.bptt)

    def chunk(self, index: int) -> tuple[torch.Tensor, torch.Tensor]:
        """``(inputs, targets)`` of chunk ``index``, each ``(batch, <= bptt)``."""
        start = index * self.bptt
        return (self.inputs[:, start:start + self.bptt],
                self.targets[:, start:start + self.bptt])

    @property
    def tokens(self) -> int:
        """Tokens read per epoch."""
        return self.batch * self.length


def carried_state_tensors(state: Any) -> dict[str, torch.Tensor]:
    """A carried encoder state (a tensor or a tuple of tensors) as named tensors."""
    import torch

    if state is None:
        return {}
    parts = state if isinstance(state, tuple) else (state,)
    tensors = {f"state{i}": part.detach().cpu().contiguous() for i, part in enumerate(parts)}
    tensors["tuple"] = torch.tensor(int(isinstance(state, tuple)))
    return tensors


def state_from_tensors(tensors: dict[str, torch.Tensor]) -> Any:
    """The inverse of :func:`carried_state_tensors`."""
    if not tensors:
        return None
    parts = tuple(tensors[f"state{i}"] for i in range(len(tensors) - 1))
    return parts if int(tensors["tuple"]) else parts[0]


__all__ = ["DOCUMENTS", "ParallelStreams", "carried_state_tensors", "document_texts",
           "documents_mode", "encode_documents", "read_documents", "read_stream",
           "state_from_tensors"]
