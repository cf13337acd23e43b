"""Deliberately broken components, one fault each, built on the built-in plugins.

The conformance-kit tests pass their factories to ``lexiloom.testing`` and expect the fault to
be named. Each class changes exactly one behaviour of a working built-in.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import torch
from lexiloom_heads import make_classification
from lexiloom_heads.classification import ClassificationHead
from lexiloom_recurrent.encoder import RecurrentEncoder

from lexiloom.corpora.record import BadLines, Record
from lexiloom.models.seeding import seeded
from lexiloom.protocols import EncoderOutput
from lexiloom.tokens import Token
from lexiloom_readers.jsonl import JsonlReader
from lexiloom_readers.text import TextReader
from lexiloom_tokenizers.whitespace import WhitespaceTokenizer

# -- tokenizers --------------------------------------------------------------------------------


class OffByOneTokenizer(WhitespaceTokenizer):
    """Spans start one character late after the first token (a classic offset bug)."""

    def segment(self, text: str) -> list[Token]:
        tokens = super().segment(text)
        return [t if i == 0 else t._replace(start=t.start + 1, end=t.end + 1)
                for i, t in enumerate(tokens)]


class BatchDiffersTokenizer(WhitespaceTokenizer):
    """``tokenize_batch`` lowercases, ``tokenize`` does not."""

    def tokenize_batch(self, texts: Iterable[str]) -> list[list[Token]]:
        return [[t._replace(norm=t.norm.lower()) for t in self.tokenize(text)] for text in texts]


class LaxTokenizer(WhitespaceTokenizer):
    """Accepts any ``lowercase`` value (truthiness) instead of refusing non-booleans."""

    def __init__(self, lowercase: Any = False) -> None:
        self.lowercase = bool(lowercase)


class SwallowingTokenizer(WhitespaceTokenizer):
    """Swallows unknown settings through ``**options``."""

    def __init__(self, lowercase: bool = False, **options: Any) -> None:
        super().__init__(lowercase=lowercase)


class PathConfigTokenizer(WhitespaceTokenizer):
    """``to_config()`` holds a ``Path``, which JSON cannot store."""

    def __init__(self, lowercase: bool = False, stop_file: Any = None) -> None:
        super().__init__(lowercase=lowercase)
        self.stop_file = stop_file

    def to_config(self) -> dict[str, Any]:
        return {"lowercase": self.lowercase, "stop_file": Path("stop.txt")}


# -- encoders ----------------------------------------------------------------------------------


def make_gru(input_size: int, hidden_size: int = 8, num_layers: int = 1,
             bidirectional: bool = False, dropout: float = 0.0,
             seed: int | None = None) -> RecurrentEncoder:
    """A working GRU encoder (the base of the broken ones); accepts its whole ``to_config()``."""
    return RecurrentEncoder("gru", input_size, hidden_size=hidden_size, num_layers=num_layers,
                            bidirectional=bidirectional, dropout=dropout, seed=seed)


class WrongShapeEncoder(RecurrentEncoder):
    """``final`` misses its batch dimension (the mean over the batch)."""

    def forward(self, inputs: torch.Tensor, lengths: torch.Tensor,
                state: Any = None) -> EncoderOutput:
        out = super().forward(inputs, lengths, state)
        return out._replace(final=out.final.mean(0))


class PaddingLeakEncoder(RecurrentEncoder):
    """Adds the sum over all time positions, padding included, to every real state."""

    def forward(self, inputs: torch.Tensor, lengths: torch.Tensor,
                state: Any = None) -> EncoderOutput:
        out = super().forward(inputs, lengths, state)
        total = inputs.sum(dim=(1, 2)).unsqueeze(1)            # (batch, 1): padding leaks in
        real = (torch.arange(inputs.shape[1]) < lengths.unsqueeze(1)).unsqueeze(-1)
        return out._replace(states=(out.states + total.unsqueeze(1)) * real,
                            final=out.final + total)


class SteppingDriftEncoder(RecurrentEncoder):
    """``step`` adds a constant to its output: stepping disagrees with the full pass."""

    def step(self, inputs: torch.Tensor, state: Any) -> tuple[torch.Tensor, Any]:
        out, new_state = super().step(inputs, state)
        return out + 0.1, new_state


class StateIgnoringEncoder(RecurrentEncoder):
    """``forward`` drops the carried state it is given (restarts every chunk)."""

    def forward(self, inputs: torch.Tensor, lengths: torch.Tensor,
                state: Any = None) -> EncoderOutput:
        return super().forward(inputs, lengths, None)


class NoisyEncoder(RecurrentEncoder):
    """Adds tiny noise of 1e-4 (seeded anew each call) to its outputs."""

    def forward(self, inputs: torch.Tensor, lengths: torch.Tensor,
                state: Any = None) -> EncoderOutput:
        out = super().forward(inputs, lengths, state)
        noise = torch.rand(out.states.shape, generator=torch.Generator().manual_seed(
            random.randrange(2**31))) * 1e-4
        return out._replace(states=out.states + noise * (out.states != 0))


def encoder_factory(cls: type[RecurrentEncoder]) -> Any:
    """A factory with :func:`make_gru`'s settings building ``cls`` (a GRU)."""

    def factory(input_size: int, hidden_size: int = 8, num_layers: int = 1,
                bidirectional: bool = False, dropout: float = 0.0,
                seed: int | None = None) -> Any:
        return cls("gru", input_size, hidden_size=hidden_size, num_layers=num_layers,
                   bidirectional=bidirectional, dropout=dropout, seed=seed)

    factory.__qualname__ = f"make_{cls.__name__}"
    return factory


def make_unseeded_encoder(input_size: int, hidden_size: int = 8, num_layers: int = 1,
                          bidirectional: bool = False, dropout: float = 0.0,
                          seed: int | None = None) -> RecurrentEncoder:
    """Ignores ``seed`` and torch's generator: weights come from Python's ``random``."""
    return make_gru(input_size, hidden_size, num_layers, bidirectional, dropout,
                    seed=random.randrange(2**31))


# -- heads -------------------------------------------------------------------------------------


class TimeLogitsHead(ClassificationHead):
    """Claims to be pooled but returns one row of logits per position."""

    def forward(self, states: torch.Tensor, lengths: torch.Tensor,
                final: torch.Tensor | None = None) -> torch.Tensor:
        return self.output(states)


class DriftingHead(ClassificationHead):
    """Adds a random offset kept outside the ``state_dict`` (a non-persistent buffer)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        with seeded(self.seed):
            offset = torch.randn(self.output.out_features)
        self.register_buffer("offset", offset, persistent=False)

    def forward(self, states: torch.Tensor, lengths: torch.Tensor,
                final: torch.Tensor | None = None) -> torch.Tensor:
        return super().forward(states, lengths, final) + self.offset


def head_factory(cls: type[ClassificationHead]) -> Any:
    """A factory with the ``classification`` head's settings building ``cls``."""

    def factory(input_size: int, output_size: int, pooling: str = "mean",
                exclusive: bool = True, hidden_size: int = 0, dropout: float = 0.0,
                seed: int | None = None) -> Any:
        return cls(input_size, output_size, pooling=pooling, exclusive=exclusive,
                   hidden_size=hidden_size, dropout=dropout, seed=seed)

    factory.__qualname__ = f"make_{cls.__name__}"
    return factory


def make_unmasked_max_head(input_size: int, output_size: int, pooling: str = "max",
                           exclusive: bool = True, hidden_size: int = 0, dropout: float = 0.0,
                           seed: int | None = None) -> Any:
    """Max-pools over every position, padding included (zeros beat negative real values)."""
    head = make_classification(input_size, output_size, pooling=pooling, exclusive=exclusive,
                               hidden_size=hidden_size, dropout=dropout, seed=seed)

    def forward(states: torch.Tensor, lengths: torch.Tensor,
                final: torch.Tensor | None = None) -> torch.Tensor:
        return head.output(states.max(dim=1).values)

    head.forward = forward
    return head


# -- embedders ---------------------------------------------------------------------------------


class NonZeroPadEmbedder:
    """A trainable embedder whose ``<pad>`` row is random like every other row."""

    def __init__(self, dim: int = 4, seed: int | None = None) -> None:
        self.dim = dim
        self.seed = seed

    def build(self, vocab: Any) -> torch.nn.Module:
        with seeded(self.seed):
            return torch.nn.Embedding(len(vocab), self.dim)

    def to_config(self) -> dict[str, Any]:
        return {"dim": self.dim, "seed": self.seed}


# -- corpus readers ----------------------------------------------------------------------------


class FirstLabelJsonlReader(JsonlReader):
    """Writes only the first label of each record (the others are lost)."""

    def write(self, records: Iterable[Record], path: Path, *, encoding: str = "utf-8") -> int:
        return super().write((Record(r.text, r.labels[:1]) for r in records), path,
                             encoding=encoding)


class StrictTextReader(TextReader):
    """Reads with its own ``BadLines()``: ``skip=True`` from the caller is ignored."""

    def read(self, path: Path, *, encoding: str = "utf-8",
             bad_lines: BadLines | None = None) -> Any:
        return super().read(path, encoding=encoding, bad_lines=None)


OFF_BY_ONE_PLUGIN = '''
import lexiloom
from lexiloom_tokenizers.whitespace import WhitespaceTokenizer


class OffByOne(WhitespaceTokenizer):
    def segment(self, text):
        return [t._replace(start=t.start + 1, end=t.end + 1) for t in super().segment(text)]


@lexiloom.hookimpl
def register_tokenizers(register):
    register("off-by-one", OffByOne, description="spans one character late",
             defaults={"lowercase": False})
'''
"""A third-party plugin module registering the off-by-one tokenizer as ``off-by-one``."""
