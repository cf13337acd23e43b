"""The fixed, deterministic inputs the checks feed to components (small, so checks are fast)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lexiloom.corpora.record import Record

if TYPE_CHECKING:
    import torch

    from lexiloom.vocab import Vocab

TEXTS: tuple[str, ...] = (
    "The cat sat on the mat.",
    "",
    "   \t  ",
    "Héllo, wörld! Ça va? naïve café",
    "line one\nline two\r\nline three\n",
    "Don't stop—it's 3.14 (or 42%)... right?!",
    "日本語のテキスト と 中文 and Ελληνικά",
    "emoji 🙂👍🏽 and symbols Ω≈ç√ — «quoted»",
    "  leading and trailing  ",
    "a",
    "!!!???...",
    "tab\tseparated\tvalues, e-mail: a@b.org",
)
"""Tokenizer inputs: ordinary prose, empty, whitespace-only, accents, newlines (also ``\\r\\n``),
punctuation, CJK and Greek scripts, emoji (with a skin-tone modifier), one character."""

WORDS: tuple[str, ...] = ("the", "cat", "sat", "on", "mat", "café", "日本", "!")
"""The words of the embedder checks' vocabulary (ids 4..11 after the four specials)."""

HOST_INPUT_SIZE = 6
"""The ``input_size`` the kit gives encoder and head factories."""

HOST_OUTPUT_SIZE = 5
"""The ``output_size`` the kit gives head factories."""

LENGTHS: tuple[int, ...] = (5, 3, 1, 4)
"""True lengths of the padded batch (the longest fills the time dimension)."""


def vocab() -> Vocab:
    """A small vocabulary of :data:`WORDS`."""
    from lexiloom.vocab import Vocab

    return Vocab(WORDS, form="text")


def ids() -> tuple[torch.Tensor, torch.Tensor]:
    """A padded batch of token ids (unknown id 1 included) and its true lengths."""
    import torch

    rows = [[4, 5, 6, 1, 11], [9, 10, 7, 0, 0], [8, 0, 0, 0, 0], [2, 4, 5, 3, 0]]
    return torch.tensor(rows, dtype=torch.long), torch.tensor(LENGTHS)


def vectors(size: int = HOST_INPUT_SIZE, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """A padded batch (len(LENGTHS), max(LENGTHS), size) of floats with both signs, zeros at
    padded positions, and its true lengths."""
    import torch

    generator = torch.Generator().manual_seed(seed)
    lengths = torch.tensor(LENGTHS)
    inputs = torch.randn(len(LENGTHS), max(LENGTHS), size, generator=generator)
    return inputs * mask(lengths, max(LENGTHS)).unsqueeze(-1), lengths


def mask(lengths: torch.Tensor, time: int) -> torch.Tensor:
    """(batch, time) float mask: 1 at real positions, 0 at padding."""
    import torch

    return (torch.arange(time).unsqueeze(0) < lengths.unsqueeze(1)).float()


RECORD_TIERS: tuple[tuple[str, tuple[Record, ...]], ...] = (
    ("records with zero, one and several labels", (
        Record("The cat sat on the mat.", ("pos",)),
        Record("Héllo wörld, ça va? 🙂", ("neg", "pos")),
        Record("日本語のテキスト", ()),
        Record('She said "hi", then left; a|b', ("neg",)),
    )),
    ("records with one label each", (
        Record("The cat sat on the mat.", ("pos",)),
        Record("Héllo wörld, ça va? 🙂", ("neg",)),
        Record("日本語のテキスト", ("pos",)),
        Record('She said "hi", then left; a|b', ("neg",)),
    )),
    ("records without labels", (
        Record("The cat sat on the mat."),
        Record("Héllo wörld, ça va? 🙂"),
        Record("日本語のテキスト"),
        Record('She said "hi", then left; a|b'),
    )),
)
"""Corpus reader samples, richest first: the write→read check uses the richest one the writer
accepts (a writer may refuse records its format cannot hold)."""
