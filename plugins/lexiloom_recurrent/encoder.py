"""The recurrent encoder shared by ``rnn``, ``lstm`` and ``gru``.

Batches with padding are packed (``pack_padded_sequence(enforce_sorted=False)``), so padding
never reaches a real position: a sequence's outputs do not depend on the other sequences in its
batch. A batch without padding (every length equal to the time dimension, as in truncated BPTT
chunks) runs unpacked, which is faster.

The carried ``state`` is ``h`` for RNN and GRU and the tuple ``(h, c)`` for LSTM, each of shape
``(num_layers, batch, hidden_size)`` (``num_layers * 2`` for bidirectional encoders, which carry no
state between calls). ``forward`` returns, per sequence, the state after its last real token.
"""

from __future__ import annotations

from typing import Any

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from lexiloom.errors import SettingsError
from lexiloom.models.seeding import seeded
from lexiloom.protocols import EncoderOutput
from lexiloom_recurrent.settings import DEFAULTS, validate

State = Any
"""``h`` (RNN, GRU) or ``(h, c)`` (LSTM), each ``(num_layers, batch, hidden_size)``."""

_MODULES = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}
_CELLS = {"rnn": torch.rnn_tanh_cell, "lstm": torch.lstm_cell, "gru": torch.gru_cell}


class RecurrentEncoder(nn.Module):
    """An Elman RNN (tanh), LSTM or GRU over a padded batch.

    >>> enc = RecurrentEncoder("gru", 8, hidden_size=16, seed=0)
    >>> out = enc(torch.zeros(2, 5, 8), torch.tensor([5, 3]))
    >>> out.states.shape, out.final.shape, out.state.shape
    (torch.Size([2, 5, 16]), torch.Size([2, 16]), torch.Size([1, 2, 16]))

    - ``states`` (batch, time, output_size) are the top layer's outputs, zero at padding;
      ``final`` (batch, output_size) is the output at each sequence's last real position
      (bidirectional: the forward direction's last real output joined to the backward
      direction's output at position 0); ``state`` is the carried state (``None`` when
      bidirectional).
    - ``dropout`` applies between stacked layers and to the outputs (``states``, ``final`` and
      ``step`` outputs), in training mode only; the carried state is never dropped out.
    - Zero-length sequences are allowed: their states and final are zeros and their carried
      state passes through unchanged.
    - ``seed`` fixes the initial weights without changing torch's global random stream;
      ``seed=None`` draws them from the global generator (``torch.manual_seed`` applies).
    """

    def __init__(
        self,
        cell: str,
        input_size: int,
        *,
        hidden_size: int = DEFAULTS["hidden_size"],
        num_layers: int = DEFAULTS["num_layers"],
        bidirectional: bool = DEFAULTS["bidirectional"],
        dropout: float = DEFAULTS["dropout"],
        seed: int | None = DEFAULTS["seed"],
    ) -> None:
        super().__init__()
        settings = validate(cell, input_size, {
            "hidden_size": hidden_size, "num_layers": num_layers,
            "bidirectional": bidirectional, "dropout": dropout, "seed": seed,
        })
        self.cell = cell
        self.input_size = input_size
        self.hidden_size = settings["hidden_size"]
        self.num_layers = settings["num_layers"]
        self.bidirectional = settings["bidirectional"]
        self.dropout_rate = settings["dropout"]
        self.seed = settings["seed"]
        self.directions = 2 if self.bidirectional else 1
        self.output_size = self.hidden_size * self.directions
        self.causal = not self.bidirectional
        options: dict[str, Any] = {"nonlinearity": "tanh"} if cell == "rnn" else {}
        with seeded(self.seed):
            self.rnn = _MODULES[cell](
                input_size, self.hidden_size, num_layers=self.num_layers, batch_first=True,
                bidirectional=self.bidirectional,
                dropout=self.dropout_rate if self.num_layers > 1 else 0.0, **options,
            )
        self.dropout = nn.Dropout(self.dropout_rate)

    # -- the contract ----------------------------------------------------------------------------

    def forward(
        self, inputs: torch.Tensor, lengths: torch.Tensor, state: State = None
    ) -> EncoderOutput:
        """Encode ``inputs`` (batch, time, input_size) whose true lengths are ``lengths``.

        ``state`` (causal encoders only) continues from a carried state, e.g. ``out.state`` of
        the previous chunk (truncated BPTT: pass ``detach_state(out.state)`` to cut the graph).
        """
        batch, time = self._check_inputs(inputs)
        lengths = self._check_lengths(lengths, batch, time)
        if state is not None and not self.causal:
            raise SettingsError("a bidirectional encoder cannot continue from a carried state; "
                                "use bidirectional=false to encode in chunks or step")
        if self.causal:
            state = self.initial_state(batch) if state is None else self._check_state(state, batch)
        real = torch.nonzero(lengths > 0).squeeze(1)
        if len(real) == 0:
            return EncoderOutput(inputs.new_zeros(batch, time, self.output_size),
                                 inputs.new_zeros(batch, self.output_size), state)
        everyone = len(real) == batch
        if everyone and int(lengths.min()) == time:  # no padding: skip packing (faster)
            out, new_state = self.rnn(inputs, state)
            out = self.dropout(out)
            return EncoderOutput(out, self._final(out, lengths),
                                 new_state if self.causal else None)
        index = real.to(inputs.device)
        packed = pack_padded_sequence(
            inputs if everyone else inputs.index_select(0, index),
            lengths if everyone else lengths.index_select(0, real),
            batch_first=True, enforce_sorted=False,
        )
        sub_state = state if everyone or state is None else _select(state, index)
        packed_out, new_state = self.rnn(packed, sub_state)
        out, _ = pad_packed_sequence(packed_out, batch_first=True, total_length=time)
        out = self.dropout(out)
        final = self._final(out, lengths if everyone else lengths.index_select(0, real))
        if not everyone:
            out = inputs.new_zeros(batch, time, self.output_size).index_copy(0, index, out)
            final = inputs.new_zeros(batch, self.output_size).index_copy(0, index, final)
            new_state = _merge(state, index, new_state) if self.causal else None
        return EncoderOutput(out, final, new_state if self.causal else None)

    def initial_state(self, batch_size: int) -> State:
        """Zeros: ``h`` or ``(h, c)`` of shape (num_layers, batch_size, hidden_size)."""
        self._require_causal("initial_state")
        weight = self.rnn.weight_hh_l0
        zeros = weight.new_zeros(self.num_layers, batch_size, self.hidden_size)
        return (zeros, zeros.clone()) if self.cell == "lstm" else zeros

    def step(self, inputs: torch.Tensor, state: State) -> tuple[torch.Tensor, State]:
        """Advance one token: ``inputs`` (batch, input_size) → ((batch, hidden_size), new state).

        Feeding a sequence token by token from ``initial_state`` reproduces ``forward``'s states.
        """
        self._require_causal("step")
        if inputs.dim() != 2 or inputs.shape[1] != self.input_size:
            raise SettingsError(f"step expects inputs of shape (batch, {self.input_size}), "
                                f"not {tuple(inputs.shape)}")
        if state is None:
            state = self.initial_state(inputs.shape[0])
        else:
            state = self._check_state(state, inputs.shape[0])
        if not self.training:
            # No dropout to apply: the cells directly (the module's sequence kernel is much
            # slower for one time step, e.g. oneDNN's LSTM on CPU).
            return self._step_cells(inputs, state)
        out, new_state = self.rnn(inputs.unsqueeze(1), state)
        return self.dropout(out.squeeze(1)), new_state

    def _step_cells(self, inputs: torch.Tensor, state: State) -> tuple[torch.Tensor, State]:
        """``step`` in evaluation mode, one cell call per layer (the same arithmetic)."""
        cell = _CELLS[self.cell]
        if self.cell == "lstm":
            hs, cs = [], []
            for layer, weights in enumerate(self.rnn.all_weights):
                h, c = cell(inputs, (state[0][layer], state[1][layer]), *weights)
                hs.append(h)
                cs.append(c)
                inputs = h
            return inputs, (torch.stack(hs), torch.stack(cs))
        hs = []
        for layer, weights in enumerate(self.rnn.all_weights):
            inputs = cell(inputs, state[layer], *weights)
            hs.append(inputs)
        return inputs, torch.stack(hs)

    # -- helpers -------------------------------------------------------------------------------

    @staticmethod
    def detach_state(state: State) -> State:
        """``state`` cut from the autograd graph (between chunks of truncated BPTT)."""
        if state is None:
            return None
        if isinstance(state, tuple):
            return tuple(s.detach() for s in state)
        return state.detach()

    def to_config(self) -> dict[str, Any]:
        """The user settings, accepted back by the registry factory."""
        return {"hidden_size": self.hidden_size, "num_layers": self.num_layers,
                "bidirectional": self.bidirectional, "dropout": self.dropout_rate,
                "seed": self.seed}

    def extra_repr(self) -> str:
        return f"cell={self.cell!r}, causal={self.causal}"

    def _final(self, out: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        rows = torch.arange(out.shape[0], device=out.device)
        last = out[rows, (lengths - 1).to(out.device)]
        if not self.bidirectional:
            return last
        return torch.cat([last[:, : self.hidden_size], out[:, 0, self.hidden_size:]], dim=1)

    def _check_inputs(self, inputs: torch.Tensor) -> tuple[int, int]:
        if inputs.dim() != 3 or inputs.shape[2] != self.input_size:
            raise SettingsError(f"encoder {self.cell!r} expects inputs of shape (batch, time, "
                                f"{self.input_size}), not {tuple(inputs.shape)}")
        return inputs.shape[0], inputs.shape[1]

    @staticmethod
    def _check_lengths(lengths: torch.Tensor, batch: int, time: int) -> torch.Tensor:
        lengths = torch.as_tensor(lengths).to("cpu", torch.int64)
        if lengths.shape != (batch,):
            raise SettingsError(f"lengths must have shape ({batch},), not {tuple(lengths.shape)}")
        if batch and (int(lengths.min()) < 0 or int(lengths.max()) > time):
            raise SettingsError(f"lengths must lie in [0, {time}] (the padded time dimension), "
                                f"got {lengths.tolist()}")
        return lengths

    def _check_state(self, state: State, batch: int) -> State:
        parts = state if isinstance(state, tuple) else (state,)
        want = (self.num_layers, batch, self.hidden_size)
        if len(parts) != (2 if self.cell == "lstm" else 1) or any(
                not isinstance(p, torch.Tensor) or tuple(p.shape) != want for p in parts):
            form = "a tuple (h, c)" if self.cell == "lstm" else "a tensor h"
            raise SettingsError(f"the carried state of this {self.cell} must be {form} of shape "
                                f"{want} (num_layers, batch, hidden_size)")
        return state

    def _require_causal(self, what: str) -> None:
        if not self.causal:
            raise SettingsError(f"{what} needs a causal encoder; this {self.cell} is "
                                "bidirectional (set bidirectional=false)")


def _select(state: State, index: torch.Tensor) -> State:
    if isinstance(state, tuple):
        return tuple(s.index_select(1, index) for s in state)
    return state.index_select(1, index)


def _merge(state: State, index: torch.Tensor, new: State) -> State:
    if isinstance(state, tuple):
        return tuple(s.index_copy(1, index, n) for s, n in zip(state, new, strict=True))
    return state.index_copy(1, index, new)
