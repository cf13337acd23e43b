"""Held-out evaluation of a language model: cross-entropy (nats per token) and perplexity.

>>> score = evaluate_language_model(model, [vocab.encode(tokens, bos=True)])   # doctest: +SKIP
>>> score.cross_entropy, score.perplexity, score.tokens
(1.52, 4.57, 110000)

Each stream of ids is read left to right in chunks of ``chunk_size``, the encoder state carried
from chunk to chunk, so the result equals one pass over the whole stream: every id after the
first is predicted from all the ids before it in its stream. Perplexity is
``exp(cross_entropy)``; a model that spreads its probability evenly over V ids scores V.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import torch

from lexiloom.errors import CorpusError, SettingsError

if TYPE_CHECKING:
    from lexiloom.models.language_model import LanguageModel


@dataclass(frozen=True)
class LanguageModelScore:
    """``cross_entropy``: mean negative log-likelihood in nats per predicted token;
    ``perplexity``: ``exp(cross_entropy)``; ``tokens``: how many tokens were predicted."""

    cross_entropy: float
    perplexity: float
    tokens: int

    def to_dict(self) -> dict[str, float | int]:
        """The scores as a JSON-serialisable mapping."""
        return {"cross_entropy": self.cross_entropy, "perplexity": self.perplexity,
                "tokens": self.tokens}

    def format_table(self) -> str:
        """One line: tokens predicted, cross-entropy and perplexity."""
        return (f"tokens {self.tokens}   cross-entropy {self.cross_entropy:.4f} nats/token   "
                f"perplexity {self.perplexity:.2f}")


def perplexity(cross_entropy: float) -> float:
    """``exp(cross_entropy)`` (``inf`` when it overflows)."""
    try:
        return math.exp(cross_entropy)
    except OverflowError:
        return math.inf


def evaluate_language_model(model: LanguageModel, streams: Iterable[Sequence[int]], *,
                            chunk_size: int = 256,
                            ignore_ids: Sequence[int] = ()) -> LanguageModelScore:
    """Cross-entropy and perplexity of ``model`` on held-out ``streams`` of token ids.

    A :class:`~lexiloom.models.bilm.BidirectionalLM` is scored by its ``score_streams``
    instead (windows of ``chunk_size``, both directions).

    Each stream (e.g. a whole text encoded with ``bos=True``) starts from the encoder's initial
    state; its first id is context only. Streams shorter than two ids predict nothing. Targets
    in ``ignore_ids`` are read but not scored (e.g. ``<bos>`` inside a stream of concatenated
    documents: it always follows ``<eos>``). Raises :class:`~lexiloom.errors.CorpusError` when
    nothing at all is predicted.
    """
    if isinstance(chunk_size, bool) or not isinstance(chunk_size, int) or chunk_size < 1:
        raise SettingsError(f"chunk_size must be a positive integer, not {chunk_size!r}")
    if getattr(model, "bidirectional", False):  # a BidirectionalLM: windows, both directions
        return model.score_streams(streams, chunk_size=chunk_size, ignore_ids=ignore_ids)
    total, count = 0.0, 0
    ignored = torch.as_tensor(list(ignore_ids), dtype=torch.long)
    device = next(model.parameters()).device
    with evaluating(model):
        for ids in checked_streams(streams, model.vocab_size):
            state = None
            for start in range(0, len(ids) - 1, chunk_size):
                inputs = ids[start:start + chunk_size]
                targets = ids[start + 1:start + 1 + len(inputs)]
                inputs = inputs[:len(targets)]
                logits, state = model(inputs[None].to(device), torch.tensor([len(inputs)]),
                                      state)
                keep = ~torch.isin(targets, ignored) if len(ignored) else None
                losses = torch.nn.functional.cross_entropy(
                    logits[0].float(), targets.to(device), reduction="none")
                if keep is not None:
                    losses = losses[keep.to(device)]
                total += float(losses.sum())
                count += len(losses)
    return score_of(total, count)


@contextlib.contextmanager
def evaluating(model: torch.nn.Module) -> Iterator[None]:
    """``model`` in evaluation mode without gradients for the block, its mode restored after."""
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            yield
    finally:
        model.train(was_training)


def checked_streams(streams: Iterable[Sequence[int] | torch.Tensor],
                    vocab_size: int) -> Iterator[torch.Tensor]:
    """Each stream as a flat ``int64`` tensor; SettingsError for one that is not flat or holds
    an id outside ``[0, vocab_size)``."""
    for stream in streams:
        ids = (stream.to(torch.long) if isinstance(stream, torch.Tensor)
               else torch.as_tensor(list(stream), dtype=torch.long))
        if ids.dim() != 1:
            raise SettingsError("each stream must be a flat sequence of token ids")
        if len(ids) and (int(ids.min()) < 0 or int(ids.max()) >= vocab_size):
            raise SettingsError(f"token ids must lie in [0, {vocab_size}) (the model's "
                                "vocabulary); encode the text with its vocab")
        yield ids


def score_of(total: float, count: int) -> LanguageModelScore:
    """The score of ``count`` predictions whose negative log-likelihoods sum to ``total``;
    CorpusError when there were none."""
    if count == 0:
        raise CorpusError("no tokens to evaluate: the held-out text needs at least two tokens "
                          "in one stream; give a longer text")
    cross_entropy = total / count
    return LanguageModelScore(cross_entropy, perplexity(cross_entropy), count)


__all__ = ["LanguageModelScore", "checked_streams", "evaluate_language_model", "evaluating",
           "perplexity", "score_of"]
