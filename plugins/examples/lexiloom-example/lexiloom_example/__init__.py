"""lexiloom-example: a third-party lexiloom plugin.

It registers, through the public hooks only:

- encoder ``cnn``: Kim (2014) parallel 1-D convolutions with max-over-time pooling
  (:class:`lexiloom_example.cnn.CNNEncoder`);
- tokenizer ``char_ngrams``: words cut into character n-grams with fastText's ``<``/``>`` word
  boundary markers (:class:`lexiloom_example.char_ngrams.CharNgramTokenizer`).

Importing this package imports neither torch nor spaCy (``lexiloom plugins`` loads every
plugin): the encoder's module, which needs torch, is imported when an encoder is built.
"""

from __future__ import annotations

from typing import Any

import lexiloom
from lexiloom_example import char_ngrams, cnn_settings

__version__ = "0.1.0"


def make_cnn(
    input_size: int,
    windows: list[int] = cnn_settings.DEFAULTS["windows"],
    filters: int = cnn_settings.DEFAULTS["filters"],
    activation: str = cnn_settings.DEFAULTS["activation"],
    dropout: float = cnn_settings.DEFAULTS["dropout"],
    seed: int | None = cnn_settings.DEFAULTS["seed"],
) -> Any:
    """Build a ``cnn`` encoder (see :class:`lexiloom_example.cnn.CNNEncoder`)."""
    from lexiloom_example.cnn import CNNEncoder

    return CNNEncoder(input_size, windows=windows, filters=filters, activation=activation,
                      dropout=dropout, seed=seed)


@lexiloom.hookimpl
def register_encoders(register: Any) -> None:
    """Register ``cnn`` with every user setting's default."""
    register("cnn", make_cnn, description=cnn_settings.DESCRIPTION,
             defaults=cnn_settings.defaults())


@lexiloom.hookimpl
def register_tokenizers(register: Any) -> None:
    """Register ``char_ngrams`` with every user setting's default."""
    register("char_ngrams", char_ngrams.CharNgramTokenizer, description=char_ngrams.DESCRIPTION,
             defaults=dict(char_ngrams.DEFAULTS))


__all__ = ["__version__", "make_cnn", "register_encoders", "register_tokenizers"]
