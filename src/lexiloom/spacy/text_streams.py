"""Text streams in spaCy's training config: truncated back-propagation through time (BPTT) over
parallel streams, expressed as a corpus and a batcher.

``lexiloom.TextStreams.v1`` reads a text file (plain text, or JSON Lines with a text field; a
bundled ``NAME/SPLIT`` too) as the documents of a ``lexiloom_generator`` component, encodes them
with that component's tokenizer and vocabulary (characters, words or subwords: the component's
units) into one stream of ids framed ``<bos> ... <eos>`` per document, cuts it into ``streams``
contiguous streams and yields it in chunks of ``bptt`` tokens, **stream-major**: chunk 0 of
stream 0, chunk 0 of stream 1, ..., chunk 0 of stream ``streams - 1``, chunk 1 of stream 0, ...
Each chunk is a spaCy ``Example`` over an empty doc whose reference ``user_data[CHUNK]`` is a
:class:`Chunk` (component, stream, index, ids). ``lexiloom.stream_batcher.v1`` keeps that order
and puts the chunks of one position into one batch, so an update sees chunk ``i`` of every
stream and the component carries each stream's state from chunk ``i - 1``::

    [corpora.train]
    @readers = "lexiloom.TextStreams.v1"
    path = ${paths.train}
    component = "generator"
    streams = 64
    bptt = 128

    [training]
    max_epochs = -1          # spaCy shuffles the corpus when max_epochs >= 0

    [training.batcher]
    @batchers = "lexiloom.stream_batcher.v1"

Each call reads the file again (spaCy calls the corpus once per epoch when ``max_epochs`` is
-1); the encoded ids are kept while the component's vocabulary stays the same.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from lexiloom.corpora.text_stream import TEXT_FORMATS, document_texts, read_stream
from lexiloom.errors import CorpusError, SettingsError
from lexiloom.spacy.names import (
    GENERATOR_FACTORY,
    INTERLEAVED_READER,
    STREAM_BATCHER,
    TEXT_STREAMS_READER,
)

if TYPE_CHECKING:
    import numpy
    from spacy.language import Language
    from spacy.training import Example

CHUNK = "lexiloom_chunk"
"""The reference doc's ``user_data`` key of a stream chunk."""


@dataclass(frozen=True)
class Chunk:
    """Chunk ``index`` of stream ``stream`` (of ``streams``) for the generator ``component``:
    ``ids`` are its input tokens followed by the target of the last one (so ``len(ids) - 1``
    tokens are predicted)."""

    component: str
    stream: int
    streams: int
    index: int
    ids: numpy.ndarray


def chunk_of(example: Example) -> Chunk | None:
    """The stream chunk ``example`` carries, or ``None`` for an ordinary example."""
    chunk = example.reference.user_data.get(CHUNK)
    return chunk if isinstance(chunk, Chunk) else None


def stream_layout(length: int, streams: int) -> int:
    """Tokens per stream when ``length`` ids are cut into ``streams`` contiguous streams
    (stream ``b`` predicts ids ``b * n + 1`` to ``(b + 1) * n``; the few left over are
    dropped)."""
    per_stream = (length - 1) // streams
    if per_stream < 1:
        raise CorpusError(f"the text has {length} tokens, too few for {streams} parallel "
                          "streams; use fewer streams (--batch-size) or more text")
    return per_stream


class TextStreamCorpus:
    """``lexiloom.TextStreams.v1`` (see the module docstring)."""

    def __init__(self, path: str | os.PathLike[str], *, component: str, streams: int,
                 bptt: int, format: str = "text", field: str = "text",
                 encoding: str = "utf-8") -> None:
        for name, value in (("streams", streams), ("bptt", bptt)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise SettingsError(f"{TEXT_STREAMS_READER}: {name} must be a positive "
                                    f"integer, not {value!r}")
        if format not in TEXT_FORMATS:
            raise SettingsError(f"{TEXT_STREAMS_READER}: format must be one of "
                                f"{', '.join(TEXT_FORMATS)}, not {format!r}")
        self.path, self.component = str(path), component
        self.streams, self.bptt = streams, bptt
        self.format, self.field, self.encoding = format, field, encoding
        self._cached: tuple[Any, Any] | None = None

    def generator(self, nlp: Language) -> Any:
        """The ``lexiloom_generator`` component this corpus feeds."""
        if self.component not in nlp.pipe_names:
            raise SettingsError(f"{TEXT_STREAMS_READER}: the pipeline has no component "
                                f"{self.component!r}; set the reader's component to the name "
                                f"of its {GENERATOR_FACTORY} (pipeline: "
                                f"{', '.join(nlp.pipe_names) or 'empty'})")
        pipe = nlp.get_pipe(self.component)
        if not hasattr(pipe, "token_vocab"):
            raise SettingsError(f"{TEXT_STREAMS_READER}: component {self.component!r} is not a "
                                f"{GENERATOR_FACTORY}")
        return pipe

    def texts(self, documents: str) -> Iterator[str]:
        """The text of the file (blocks of its documents, read as ``documents``), for building
        the vocabulary."""
        return document_texts(self.path, documents, encoding=self.encoding,
                              format=self.format, field=self.field)

    def stream_texts(self, component: str, documents: str) -> Iterator[str] | None:
        """The text for ``component``'s vocabulary: :meth:`texts` when this corpus feeds it,
        else ``None`` (how a generator's ``initialize`` finds its training text)."""
        return self.texts(documents) if component == self.component else None

    def ids(self, generator: Any) -> numpy.ndarray:
        """The whole file as one stream of ids of ``generator``'s vocabulary."""
        vocab = generator.token_vocab
        if vocab is None:
            raise SettingsError(f"{TEXT_STREAMS_READER}: the {self.component!r} component has "
                                "no vocabulary yet; initialize the pipeline first (nlp."
                                "initialize, or spacy train / lexiloom train), with the "
                                "generator before the components that read this corpus in "
                                "[nlp] pipeline")
        key = (id(vocab), len(vocab), generator.tokenizer_name, generator.documents)
        if self._cached is None or self._cached[0] != key:
            ids = read_stream(self.path, generator.tokenizer, vocab, generator.documents,
                              encoding=self.encoding, format=self.format, field=self.field)
            self._cached = (key, ids.numpy().astype("int32"))
        return self._cached[1]

    def chunks_per_stream(self, generator: Any) -> int:
        """How many chunks each stream has (updates per epoch)."""
        per_stream = stream_layout(len(self.ids(generator)), self.streams)
        return -(-per_stream // self.bptt)

    def __call__(self, nlp: Language) -> Iterator[Example]:
        from spacy.tokens import Doc
        from spacy.training import Example

        generator = self.generator(nlp)
        ids = self.ids(generator)
        per_stream = stream_layout(len(ids), self.streams)
        for index in range(-(-per_stream // self.bptt)):
            start = index * self.bptt
            stop = min(start + self.bptt, per_stream)
            for stream in range(self.streams):
                offset = stream * per_stream
                reference = Doc(nlp.vocab)
                reference.user_data[CHUNK] = Chunk(
                    self.component, stream, self.streams, index,
                    ids[offset + start:offset + stop + 1])
                yield Example(Doc(nlp.vocab), reference)


def text_streams_v1(path: str, component: str = "generator", streams: int = 64,
                    bptt: int = 128, format: str = "text", field: str = "text",
                    encoding: str = "utf-8") -> Callable[[Language], Iterator[Example]]:
    """``lexiloom.TextStreams.v1``: the text at ``path`` (``format`` ``text`` or ``jsonl``
    with the text under ``field``) as ``streams`` parallel streams of the ``component``
    generator's ids, yielded stream-major in chunks of ``bptt`` tokens."""
    return TextStreamCorpus(path, component=component, streams=streams, bptt=bptt,
                            format=format, field=field, encoding=encoding)


class InterleavedCorpus:
    """``lexiloom.Interleaved.v1`` (see :func:`interleaved_v1`)."""

    def __init__(self, streams: Callable[[Language], Iterable[Example]],
                 documents: Callable[[Language], Iterable[Example]],
                 documents_per_step: int) -> None:
        if isinstance(documents_per_step, bool) or not isinstance(documents_per_step, int) \
                or documents_per_step < 1:
            raise SettingsError(f"{INTERLEAVED_READER}: documents_per_step must be a positive "
                                f"integer, not {documents_per_step!r}")
        self.streams, self.documents = streams, documents
        self.documents_per_step = documents_per_step

    def stream_texts(self, component: str, documents: str) -> Iterator[str] | None:
        """The stream corpus's text for ``component`` (its vocabulary)."""
        texts = getattr(self.streams, "stream_texts", None)
        return texts(component, documents) if callable(texts) else None

    def __call__(self, nlp: Language) -> Iterator[Example]:
        docs = iter(self.documents(nlp))
        position: Any = None
        chunks: list[Example] = []

        def some_documents() -> Iterator[Example]:
            for _ in range(self.documents_per_step):
                example = next(docs, None)
                if example is None:
                    return
                yield example

        for example in self.streams(nlp):
            chunk = chunk_of(example)
            key = None if chunk is None else chunk.index
            if chunks and key != position:
                yield from some_documents()
                yield from chunks
                chunks = []
            chunks.append(example)
            position = key
        yield from some_documents()
        yield from chunks
        yield from docs


def interleaved_v1(streams: Callable[[Language], Iterable[Example]],
                   documents: Callable[[Language], Iterable[Example]],
                   documents_per_step: int = 32) -> InterleavedCorpus:
    """``lexiloom.Interleaved.v1``: one training corpus for a pipeline with a generator and
    components that learn from documents (a ``textcat``): ``documents_per_step`` examples of
    ``documents``, then the chunks of the next stream position of ``streams``, and so on (the
    rest of the longer corpus at the end). With ``lexiloom.stream_batcher.v1`` each batch holds
    either documents or chunks, so each update trains the components that have annotations in
    it (spaCy's components skip batches whose docs are empty, the generator skips documents).
    Its ``stream_texts`` builds the generator's vocabulary from ``streams`` alone."""
    return InterleavedCorpus(streams, documents, documents_per_step)


def stream_batcher_v1(size: int = 64) -> Callable[[Iterable[Example]], Iterator[list[Example]]]:
    """``lexiloom.stream_batcher.v1``: batches in corpus order. The chunks of one position
    (the same component and chunk index, consecutive in a stream-major corpus) form one batch;
    other examples between them are grouped ``size`` at a time."""
    if isinstance(size, bool) or not isinstance(size, int) or size < 1:
        raise SettingsError(f"{STREAM_BATCHER}: size must be a positive integer, not {size!r}")

    def batch(examples: Iterable[Example]) -> Iterator[list[Example]]:
        current: list[Example] = []
        position: Any = None
        for example in examples:
            chunk = chunk_of(example)
            key = (chunk.component, chunk.index) if chunk is not None else None
            if current and (key != position or (key is None and len(current) >= size)):
                yield current
                current = []
            current.append(example)
            position = key
        if current:
            yield current

    return batch


__all__ = ["CHUNK", "Chunk", "InterleavedCorpus", "TextStreamCorpus", "chunk_of",
           "interleaved_v1", "stream_batcher_v1", "stream_layout", "text_streams_v1"]
