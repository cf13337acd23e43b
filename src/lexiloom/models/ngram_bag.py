"""A sparse linear model over hashed token n-grams: the features of spaCy's ``TextCatBOW`` and
fastText's ``wordNgrams``, as a torch module that a text classifier adds to its recurrent
logits, so both parts train together.

Every n-gram of 1 to ``size`` token ids is hashed into one of ``buckets`` rows of a weight table
with one column per label; a text's n-gram logits are the sum of its n-grams' rows (padding and
n-grams that would cross a text's end contribute nothing). The table starts at zero, so an
untrained bag adds nothing: the model starts as its recurrent part alone.

``lr_scale`` multiplies the learning rate of the bag's weights (thinc's ``lr_scale``, applied by
:class:`lexiloom.spacy.torch_shim.InPlaceUpdateShim`). Under Adam each weight moves by about the
learning rate per update whatever its gradient, and a sparse n-gram weight is updated only in
the batches whose texts contain its n-gram, so at the rate that suits the recurrent part (0.001)
the bag learns too little before early stopping ends a small-data run; fastText trains the same
features with SGD at 0.1 to 1.0.
"""

from __future__ import annotations

import torch
from torch import nn

from lexiloom.errors import SettingsError

MAX_SIZE = 4
"""The longest n-grams a bag hashes (fastText's ``wordNgrams`` rarely helps beyond 3)."""

_MULTIPLIER = 0x5BD1E995  # MurmurHash2's mixing constant
_MASK = 0xFFFFFFFF  # the hash is kept to 32 bits, so no int64 product ever overflows
_SEEDS = (0, 0x27D4EB2F, 0x165667B1, 0x1B873593, 0x68E31DA4)  # one per n-gram length


class NgramBag(nn.Module):
    """``forward(ids, lengths)`` → (batch, n_labels): the summed weights of each text's hashed
    n-grams of 1 to ``size`` tokens (``ids`` padded with anything past ``lengths``)."""

    def __init__(self, n_labels: int, *, size: int = 2, buckets: int = 2**18,
                 lr_scale: float = 10.0) -> None:
        super().__init__()
        check_settings(size, buckets, lr_scale)
        self.size = size
        self.buckets = buckets
        self.lr_scale = float(lr_scale)
        self.table = nn.EmbeddingBag(buckets + 1, n_labels, mode="sum", padding_idx=buckets)
        nn.init.zeros_(self.table.weight)

    @property
    def n_labels(self) -> int:
        return int(self.table.embedding_dim)

    def features(self, ids: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        """The hashed n-gram rows (batch, size x time); the padding row where there is none.
        The hash (:func:`ngram_hash`) stays within 32 bits, so it is the same on every platform
        and device (no signed overflow)."""
        ids = ids.long()
        batch, time = ids.shape
        positions = torch.arange(time, device=ids.device)
        lengths = lengths.to(ids.device).long().unsqueeze(1)
        rows = []
        for n in range(1, self.size + 1):
            if n > time:
                break
            span = time - n + 1
            hashed = torch.full((batch, span), _SEEDS[n], dtype=torch.long, device=ids.device)
            for k in range(n):
                hashed = ((hashed ^ ids[:, k:k + span]) * _MULTIPLIER) & _MASK
                hashed = hashed ^ (hashed >> 29)
            bucket = torch.remainder(hashed, self.buckets)
            inside = positions[:span].unsqueeze(0) + n <= lengths
            rows.append(torch.where(inside, bucket, torch.full_like(bucket, self.buckets)))
        return torch.cat(rows, dim=1)

    def forward(self, ids: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        return self.table(self.features(ids, lengths))

    def resize_output(self, new_size: int) -> None:
        """Grow to ``new_size`` labels in place; new labels' weights start at zero."""
        old = self.table
        if new_size == old.embedding_dim:
            return
        if new_size < old.embedding_dim:
            raise SettingsError(f"cannot shrink the n-gram bag from {old.embedding_dim} to "
                                f"{new_size} labels; build a new model instead")
        grown = nn.EmbeddingBag(old.num_embeddings, new_size, mode="sum",
                                padding_idx=self.buckets, device=old.weight.device,
                                dtype=old.weight.dtype)
        with torch.no_grad():
            grown.weight.zero_()
            grown.weight[:, : old.embedding_dim] = old.weight
        self.table = grown


def ngram_hash(ids: list[int]) -> int:
    """The 32-bit hash :meth:`NgramBag.features` gives the n-gram of token ``ids`` (ids below
    2**31), in plain Python: the reference the tensor code is tested against."""
    hashed = _SEEDS[len(ids)]
    for token in ids:
        hashed = ((hashed ^ token) * _MULTIPLIER) & _MASK
        hashed ^= hashed >> 29
    return hashed


def check_settings(size: object, buckets: object, lr_scale: object = 1.0) -> None:
    """SettingsError unless ``size`` is 1 to :data:`MAX_SIZE`, ``buckets`` a positive int and
    ``lr_scale`` a positive number."""
    if isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= MAX_SIZE:
        raise SettingsError(f"ngram_size must be an integer from 1 to {MAX_SIZE} (0 in the "
                            f"architecture: no n-gram part), not {size!r}")
    if isinstance(buckets, bool) or not isinstance(buckets, int) or buckets < 1:
        raise SettingsError(f"ngram_buckets must be a positive integer (e.g. 262144), not "
                            f"{buckets!r}")
    if isinstance(lr_scale, bool) or not isinstance(lr_scale, int | float) or not lr_scale > 0:
        raise SettingsError(f"ngram_lr_scale must be a positive number (e.g. 10.0), not "
                            f"{lr_scale!r}")


__all__ = ["MAX_SIZE", "NgramBag", "check_settings", "ngram_hash"]
