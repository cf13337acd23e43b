"""The bidirectional language model: the pretraining objective of a classifier's encoder.

``embedding(ids)`` → dropout → a **bidirectional** encoder; at each position the forward half of
the state (which has read the tokens up to it) predicts the next token and the backward half
(which has read the tokens from it to the end) predicts the previous one, as in ELMo. Nothing
leaks: neither half has seen the token it predicts. Both predictions use an adaptive softmax
(:class:`torch.nn.AdaptiveLogSoftmaxWithLoss`, Grave et al. 2017): the frequent words get a full
softmax, the rare ones two smaller clusters, so a 30,000-word vocabulary costs about what 2,000
would. Its embedding and encoder have the names and shapes of a text classifier's with the same
blocks, so :mod:`lexiloom.spacy.init_encoder` copies them into one (embedding rows by word).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import torch
from torch import nn

from lexiloom.errors import SettingsError
from lexiloom.models.assembly import build_input

if TYPE_CHECKING:
    from lexiloom.models.perplexity import LanguageModelScore
    from lexiloom.vocab import Vocab

OBJECTIVE = "bidirectional"
"""The generator's ``objective`` setting that builds this model."""

CUTOFFS = (2000, 10000)
"""Where the adaptive softmax's clusters start (ids below 2,000 are the head), clipped to the
vocabulary; a vocabulary sorted by frequency (as :meth:`~lexiloom.vocab.Vocab.build` makes
it) puts the frequent words in the head."""


class BidirectionalLM(nn.Module):
    """Token ids to the log-likelihood of each token from both sides (see the module docstring).

    ``nll(ids, lengths)`` gives the summed negative log-likelihood and the number of predictions
    of a padded batch (ids (batch, time) with ``<pad>`` = 0, true ``lengths``): positions
    ``0..len-2`` predict the next token, ``1..len-1`` the previous one, so a text of n tokens
    makes ``2 (n - 1)`` predictions. Targets in ``ignore_ids`` are read but not scored.
    """

    bidirectional = True

    def __init__(self, embedding: nn.Module, encoder: nn.Module, vocab_size: int, *,
                 dropout: float = 0.0) -> None:
        super().__init__()
        if not getattr(encoder, "bidirectional", False) or getattr(encoder, "causal", True):
            raise SettingsError("objective 'bidirectional' needs a bidirectional encoder; set the "
                                "encoder's bidirectional=true")
        if int(getattr(encoder, "num_layers", 1)) != 1:
            # a second bidirectional layer's forward half reads the first layer's backward
            # outputs, which have seen the very token it must predict
            raise SettingsError("objective 'bidirectional' needs a one-layer encoder (in a "
                                "stacked bidirectional encoder each half sees the words the other "
                                "half predicts); set the encoder's num_layers=1")
        if isinstance(dropout, bool) or not isinstance(dropout, (int, float)) \
                or not 0 <= dropout < 1:
            raise SettingsError(f"language model setting 'dropout' must be a number in [0, 1), "
                                f"not {dropout!r}")
        if vocab_size < 3:
            raise SettingsError("a bidirectional language model needs a vocabulary of at least "
                                "one word besides the special tokens")
        self.embedding = embedding
        self.input_dropout = nn.Dropout(float(dropout))
        self.encoder = encoder
        self.half = int(encoder.output_size) // 2
        cutoffs = [c for c in CUTOFFS if c < vocab_size - 1] or [max(1, vocab_size // 2)]
        self.next_words = nn.AdaptiveLogSoftmaxWithLoss(self.half, vocab_size, cutoffs,
                                                        div_value=4.0)
        self.previous_words = nn.AdaptiveLogSoftmaxWithLoss(self.half, vocab_size, cutoffs,
                                                            div_value=4.0)
        self.dropout_rate = float(dropout)
        self.settings: dict[str, Any] = {}
        """The ``build_bidirectional_lm`` arguments (without the vocabulary)."""

    @property
    def dropout(self) -> nn.Dropout:
        """The embedding dropout (the generator sets its rate per update)."""
        return self.input_dropout

    @property
    def vocab_size(self) -> int:
        """The number of ids the model predicts over."""
        return int(self.next_words.n_classes)

    def nll(self, ids: torch.Tensor, lengths: torch.Tensor,
            ignore_ids: Sequence[int] = ()) -> tuple[torch.Tensor, int]:
        """``(summed negative log-likelihood, number of predictions)`` of a padded batch."""
        lengths = torch.as_tensor(lengths).to(torch.long)
        states = self.encoder(self.input_dropout(self.embedding(ids)), lengths).states
        time = ids.shape[1]
        positions = torch.arange(time, device=ids.device)[None, :]
        real = positions < lengths.to(ids.device)[:, None]
        keep = torch.ones_like(ids, dtype=torch.bool)
        for special in ignore_ids:
            keep &= ids != special
        total = states.new_zeros(())
        count = 0
        # forward half at t predicts ids[t + 1]; backward half at t + 1 predicts ids[t]
        both = real[:, 1:] & real[:, :-1]
        for head, source, targets, scored in (
                (self.next_words, states[:, :-1, :self.half], ids[:, 1:], both & keep[:, 1:]),
                (self.previous_words, states[:, 1:, self.half:], ids[:, :-1],
                 both & keep[:, :-1])):
            if not bool(scored.any()):
                continue
            out = head(source[scored], targets[scored])
            total = total - out.output.sum()
            count += int(scored.sum())
        return total, count

    def score_streams(self, streams: Iterable[Sequence[int] | torch.Tensor], *,
                      chunk_size: int = 256,
                      ignore_ids: Sequence[int] = ()) -> LanguageModelScore:
        """Cross-entropy (nats per prediction, both directions) and perplexity on ``streams``
        of ids, each read in windows of ``chunk_size`` + 1 tokens that overlap by one (no state
        crosses a window; every neighbouring pair is scored once each way)."""
        from lexiloom.models.perplexity import checked_streams, evaluating, score_of

        total, count = 0.0, 0
        device = next(self.parameters()).device
        with evaluating(self):
            for ids in checked_streams(streams, self.vocab_size):
                # windows overlap by one token, so every neighbouring pair is scored once
                for start in range(0, max(len(ids) - 1, 1), chunk_size):
                    window = ids[start:start + chunk_size + 1][None].to(device)
                    nll, n = self.nll(window, torch.tensor([window.shape[1]]), ignore_ids)
                    total += float(nll)
                    count += n
        return score_of(total, count)


def build_bidirectional_lm(vocab: Vocab, *, embedder: Mapping[str, Any],
                           encoder: Mapping[str, Any], head: Mapping[str, Any] | None = None,
                           dropout: float = 0.0, tie_weights: bool = False,
                           objective: str = OBJECTIVE) -> BidirectionalLM:
    """A :class:`BidirectionalLM` over ``vocab`` from ``{"name": ..., **settings}`` blocks.

    ``head`` must be ``None`` or the generator's default ``{"name": "generation"}`` (the model's
    outputs are its own adaptive softmaxes) and ``tie_weights`` false: a setting that would
    have no effect is an error.
    """
    if objective != OBJECTIVE:
        raise SettingsError(f"build_bidirectional_lm builds objective {OBJECTIVE!r}, not "
                            f"{objective!r}")
    if head is not None and (head.get("name") != "generation"
                             or set(head) - {"name", "projection_size", "dropout", "seed"}
                             or head.get("projection_size") or head.get("dropout")):
        raise SettingsError("objective 'bidirectional' predicts with its own adaptive softmax: "
                            "remove the head settings (or use objective 'next')")
    if tie_weights:
        raise SettingsError("objective 'bidirectional' cannot tie weights (its outputs are "
                            "adaptive softmaxes); set tie_weights=false")
    parts = build_input(vocab, embedder, encoder)
    if not getattr(parts.encoder, "bidirectional", False):
        raise SettingsError("objective 'bidirectional' needs a bidirectional encoder (the "
                            "classifier's BiGRU); set the encoder's bidirectional=true")
    module = BidirectionalLM(parts.embedding, parts.encoder, len(vocab), dropout=dropout)
    module.settings = {"objective": OBJECTIVE, "embedder": parts.embedder_spec,
                       "encoder": parts.encoder_spec, "dropout": float(dropout)}
    return module


__all__ = ["CUTOFFS", "OBJECTIVE", "BidirectionalLM", "build_bidirectional_lm"]
