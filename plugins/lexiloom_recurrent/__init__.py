"""Built-in recurrent encoders: ``rnn`` (Elman, tanh), ``lstm`` and ``gru``.

One class, :class:`lexiloom_recurrent.encoder.RecurrentEncoder`, parameterised by the cell type.
Unidirectional encoders are causal and can be stepped one token at a time with a carried state.
Importing this package does not import torch; the factories do, when an encoder is built.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import lexiloom
from lexiloom_recurrent.settings import CELLS, DEFAULTS

DESCRIPTIONS = {
    "rnn": "Elman recurrent network (tanh) over padded batches; causal stepping",
    "lstm": "LSTM over padded batches; bidirectional optional; causal stepping",
    "gru": "GRU over padded batches; bidirectional optional; causal stepping",
}


def encoder_factory(cell: str) -> Callable[..., Any]:
    """The registry factory of encoder ``cell``: ``factory(input_size=..., **settings)``."""

    def factory(
        input_size: int,
        hidden_size: int = DEFAULTS["hidden_size"],
        num_layers: int = DEFAULTS["num_layers"],
        bidirectional: bool = DEFAULTS["bidirectional"],
        dropout: float = DEFAULTS["dropout"],
        seed: int | None = DEFAULTS["seed"],
    ) -> Any:
        from lexiloom_recurrent.encoder import RecurrentEncoder

        return RecurrentEncoder(cell, input_size, hidden_size=hidden_size,
                                num_layers=num_layers, bidirectional=bidirectional,
                                dropout=dropout, seed=seed)

    factory.__name__ = factory.__qualname__ = f"make_{cell}"
    factory.__doc__ = f"Build a {cell.upper()} encoder (see RecurrentEncoder)."
    return factory


@lexiloom.hookimpl
def register_encoders(register: Any) -> None:
    """Register ``rnn``, ``lstm`` and ``gru`` with every user setting's default (in spaCy:
    ``lexiloom.RNNEncoder.v1``, ``lexiloom.LSTMEncoder.v1``, ``lexiloom.GRUEncoder.v1``)."""
    for cell in CELLS:
        register(cell, encoder_factory(cell), description=DESCRIPTIONS[cell],
                 defaults=dict(DEFAULTS), spacy_name=f"lexiloom.{cell.upper()}Encoder")


__all__ = ["encoder_factory", "register_encoders"]
