"""The component contracts: what a plugin's factory must return for each kind.

These are :class:`typing.Protocol` classes: a component satisfies one by having the attributes and
methods below, with no base class to inherit. ``lexiloom.testing`` checks them at run time.
Torch types are named in annotations only, so importing this module does not import torch.

The data flow they implement::

    text --Tokenizer--> tokens --Vocab--> ids --Embedder layer--> vectors
         --Encoder--> per-position states + final state --Head--> logits
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol, runtime_checkable

if TYPE_CHECKING:  # annotations only: the protocols sit in the core, below tokens and corpora
    import torch

    from lexiloom.corpora.record import BadLines, Record
    from lexiloom.tokens import Token
    from lexiloom.vocab import Vocab


@runtime_checkable
class Tokenizer(Protocol):
    """Text to tokens that remember where they came from.

    Example::

        tok = registry.tokenizers.create("regex", lowercase=True, stop_words="en")
        tok.tokenize("The Cat sat.")   # [Token('Cat', 4, 7, 'cat'), Token('sat', 8, 11, 'sat'),
                                       #  Token('.', 11, 12, '.')]
        tok.segment("The Cat sat.")    # the same plus Token('The', 0, 3, 'the', is_stop=True)
        tok.detokenize(["the", "cat", "sat", "."])   # 'the cat sat.'

    Contract: for every token ``t`` of ``tokenize(text)`` or ``segment(text)``,
    ``text[t.start:t.end] == t.text``; tokens are in order and do not overlap;
    ``tokenize_batch(texts)`` equals ``[tokenize(t) for t in texts]``; ``to_config()`` is
    JSON-serialisable and ``factory(**to_config())`` builds an equal tokenizer.
    """

    def tokenize(self, text: str) -> list[Token]:
        """The tokens a model consumes; cleaning steps may drop some (stop words, punctuation)."""
        ...

    def tokenize_batch(self, texts: Iterable[str]) -> list[list[Token]]:
        """``tokenize`` over many texts (may be faster than a loop)."""
        ...

    def segment(self, text: str) -> list[Token]:
        """Every token found, nothing dropped: removed stop words are flagged ``is_stop``.

        Used where the text must be reproduced exactly (a spaCy ``Doc``); characters between tokens
        (whitespace, or anything the tokenizer skips) are not tokens.
        """
        ...

    def detokenize(self, tokens: Sequence[str]) -> str:
        """Join token strings back into text (generation prints with it)."""
        ...

    def to_config(self) -> dict[str, Any]:
        """The tokenizer's settings, JSON-serialisable, accepted back by its factory."""
        ...


@runtime_checkable
class Embedder(Protocol):
    """The model's input layer, and the word vectors behind it.

    Example::

        emb = registry.embedders.create("trainable", dim=100)
        layer = emb.build(vocab)              # torch.nn.Module
        vectors = layer(ids)                  # (batch, time) long -> (batch, time, 100)

    Contract: ``build(vocab)`` returns a module mapping ids of ``vocab`` (``<pad>`` = 0 maps to a
    zero vector) to vectors of size ``dim``; rows are random, or initialised from the vectors the
    embedder was given (``trainable`` decides whether they are fine-tuned). Embedders that can learn
    vectors (Word2Vec, GloVe, fastText) also implement :class:`VectorTrainer`.

    Optional: ``vocabulary_words(form) -> list[str]``, words the embedder has vectors for (in the
    vocabulary ``form``, ``"norm"`` or ``"text"``); a text classifier appends them to the
    vocabulary it builds from its training corpus, so words unseen in training keep their
    vectors (``pretrained`` offers its file's words).
    """

    dim: int

    def build(self, vocab: Vocab) -> torch.nn.Module:
        """The input layer for ``vocab``."""
        ...

    def to_config(self) -> dict[str, Any]:
        """The embedder's settings, JSON-serialisable, accepted back by its factory."""
        ...


@runtime_checkable
class VectorTrainer(Protocol):
    """An embedder that learns word vectors from token streams (Word2Vec, GloVe, fastText)."""

    def fit(self, sentences: Iterable[Sequence[str]], *, seed: int | None = None) -> Any:
        """Learn vectors from ``sentences`` (re-iterable) and return them as ``KeyedVectors``."""
        ...


class EncoderOutput(NamedTuple):
    """What an encoder returns for a padded batch.

    ``states``: (batch, time, output_size), zero at padded positions; ``final``: (batch,
    output_size), the summary at each sequence's true end (last real position; for bidirectional
    encoders the concatenation of both directions' ends); ``state``: the carried state (causal
    encoders) to pass to :meth:`Encoder.step` or to the next chunk, else ``None``.
    """

    states: torch.Tensor
    final: torch.Tensor
    state: Any = None


@runtime_checkable
class Encoder(Protocol):
    """A sequence model over a padded batch (a ``torch.nn.Module``).

    Example::

        enc = registry.encoders.create("lstm", input_size=100, hidden_size=128)
        out = enc(vectors, lengths)            # EncoderOutput(states, final, state)

    Contract: padding never changes a real position's result (a sequence's outputs do not depend
    on the other sequences in its batch). ``causal`` encoders can advance one token at a time:
    feeding a sequence through ``step`` from ``initial_state`` gives the same states as the full
    pass, and ``forward(..., state=s)`` continues from a carried state (truncated BPTT).
    """

    output_size: int
    causal: bool

    def forward(
        self, inputs: torch.Tensor, lengths: torch.Tensor, state: Any = None
    ) -> EncoderOutput:
        """Encode ``inputs`` (batch, time, input_size) with true ``lengths`` (batch,)."""
        ...

    def initial_state(self, batch_size: int) -> Any:
        """The state before the first token (causal encoders)."""
        ...

    def step(self, inputs: torch.Tensor, state: Any) -> tuple[torch.Tensor, Any]:
        """Advance one position: (batch, input_size) -> ((batch, output_size), new state)."""
        ...


@runtime_checkable
class Head(Protocol):
    """From encoder states to **logits** (never probabilities).

    Example::

        head = registry.heads.create("classification", input_size=128, output_size=3,
                                     pooling="mean", exclusive=True)
        logits = head(out.states, lengths, out.final)   # (batch, 3)
        probs = head.probabilities(logits)     # softmax (exclusive) or sigmoid (multi-label)

    Contract: classification heads pool over time (``per_position = False``, logits of shape
    (batch, output_size)); generation heads predict every position (``per_position = True``,
    (batch, time, output_size)). ``probabilities`` applies the head's output activation so that
    a loss on probabilities (spaCy's ``scores - truths``) reaches the logits unchanged.
    """

    output_size: int
    per_position: bool

    def forward(
        self, states: torch.Tensor, lengths: torch.Tensor, final: torch.Tensor | None = None
    ) -> torch.Tensor:
        """Logits from ``states`` (batch, time, input_size); ``final`` is the encoder's final
        state (batch, input_size), which a head may pool with instead of ``states``."""
        ...

    def probabilities(self, logits: torch.Tensor) -> torch.Tensor:
        """The head's activation over ``logits``."""
        ...


@runtime_checkable
class CorpusReader(Protocol):
    """Reads (and, where the format allows, writes) a corpus file format.

    Example::

        reader = registry.corpus_readers.create("jsonl", text_field="text")
        for record in reader.read(Path("train.jsonl")):
            print(record.text, record.labels)

    Contract: ``read`` streams records (memory independent of the file size, unless the
    format's documentation says otherwise); a malformed record is reported through ``bad_lines``
    with its file and line; ``write`` followed by ``read`` gives the same records for every record
    the format can represent.
    """

    extensions: tuple[str, ...]

    def read(
        self, path: Path, *, encoding: str = "utf-8", bad_lines: BadLines | None = None
    ) -> Iterator[Record]:
        """Stream the records of ``path``."""
        ...

    def write(self, records: Iterable[Record], path: Path, *, encoding: str = "utf-8") -> int:
        """Write ``records`` to ``path`` (atomically); return how many were written."""
        ...


__all__ = [
    "CorpusReader",
    "Embedder",
    "Encoder",
    "EncoderOutput",
    "Head",
    "Tokenizer",
    "VectorTrainer",
]
