"""The ``trainable`` embedder: random word embeddings learned with the model."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lexiloom.errors import SettingsError

if TYPE_CHECKING:
    import torch

    from lexiloom.vocab import Vocab

TRAINABLE_DEFAULTS: dict[str, Any] = {"dim": 100, "seed": None, "init_std": 1.0}


def check_seed(seed: Any) -> int | None:
    """``seed`` if it is an integer or ``None``, else a SettingsError."""
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
        raise SettingsError(f"seed must be an integer or null, not {seed!r}")
    return seed


class TrainableEmbedder:
    """Rows drawn from a normal distribution with standard deviation ``init_std`` (seeded by
    ``seed``), ``<pad>`` zero, all fine-tuned.

    ``init_std=1.0`` is torch's ``nn.Embedding`` default: inputs of unit scale, which recurrent
    encoders trained from scratch need (word2vec's tiny ±0.5/dim start slowed a character
    language model by more than 0.05 nats/char at a fixed budget).

    >>> TrainableEmbedder(dim=50).to_config()
    {'dim': 50, 'seed': None, 'init_std': 1.0}
    """

    def __init__(self, dim: int = 100, seed: int | None = None, init_std: float = 1.0) -> None:
        if isinstance(dim, bool) or not isinstance(dim, int) or dim < 1:
            raise SettingsError(f"embedder 'trainable' setting 'dim' must be a positive integer, "
                                f"not {dim!r}")
        if isinstance(init_std, bool) or not isinstance(init_std, (int, float)) \
                or not init_std > 0:
            raise SettingsError(f"embedder 'trainable' setting 'init_std' must be a positive "
                                f"number, not {init_std!r}")
        self.dim = dim
        self.seed = check_seed(seed)
        self.init_std = float(init_std)

    def build(self, vocab: Vocab) -> torch.nn.Module:
        """A ``torch.nn.Embedding`` of ``len(vocab)`` random rows (``<pad>`` = 0 is zeros)."""
        from lexiloom.vectors.layer import embedding_layer

        return embedding_layer(vocab, self.dim, None, trainable=True, seed=self.seed,
                               init_std=self.init_std)

    def to_config(self) -> dict[str, Any]:
        """The settings, accepted back by the constructor."""
        return {"dim": self.dim, "seed": self.seed, "init_std": self.init_std}

    def __repr__(self) -> str:
        return (f"TrainableEmbedder(dim={self.dim}, seed={self.seed}, "
                f"init_std={self.init_std})")
