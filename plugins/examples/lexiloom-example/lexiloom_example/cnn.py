"""``cnn``: the convolutional sentence encoder of Kim (2014), "Convolutional Neural Networks for
Sentence Classification".

Several 1-D convolutions run in parallel over the embedded tokens, one per window size, each
with ``filters`` output channels; their feature maps are concatenated (``output_size = filters *
len(windows)``) and max-pooled over time into one vector per text.
"""

from __future__ import annotations

from typing import Any

import torch
from torch import nn
from torch.nn import functional

from lexiloom.errors import SettingsError
from lexiloom.protocols import EncoderOutput
from lexiloom_example.cnn_settings import DEFAULTS, validate

_ACTIVATIONS = {"relu": torch.relu, "tanh": torch.tanh, "gelu": functional.gelu}


class CNNEncoder(nn.Module):
    """Parallel 1-D convolutions with max-over-time pooling over a padded batch.

    >>> enc = CNNEncoder(8, windows=[2, 3], filters=4, seed=0)
    >>> out = enc(torch.zeros(2, 5, 8), torch.tensor([5, 3]))
    >>> out.states.shape, out.final.shape, out.state
    (torch.Size([2, 5, 8]), torch.Size([2, 8]), None)

    - ``states`` (batch, time, output_size): the activated feature maps of every window size,
      concatenated, computed with "same" padding (window ``k`` sees ``(k - 1) // 2`` positions
      before and the rest after), zero at padded positions.
    - ``final`` (batch, output_size): max-over-time pooling of the feature maps over each
      text's real positions only (padded positions count as ``-inf``); zeros for an empty text.
    - Padded input positions are zeroed before convolving, so a real position's result is the
      same whatever the padding holds and however long the batch is (the convolution's own
      zero padding and the batch's padding look alike).
    - ``dropout`` applies to ``states`` and ``final`` in training mode only (Kim used 0.5 on
      the pooled vector).
    - Not causal: a window reaches into the future, so there is no ``step``.
    - ``seed`` fixes the initial weights without changing torch's global random stream;
      ``seed=None`` draws them from the global generator.
    """

    causal = False

    def __init__(
        self,
        input_size: int,
        *,
        windows: list[int] = DEFAULTS["windows"],
        filters: int = DEFAULTS["filters"],
        activation: str = DEFAULTS["activation"],
        dropout: float = DEFAULTS["dropout"],
        seed: int | None = DEFAULTS["seed"],
    ) -> None:
        super().__init__()
        settings = validate(input_size, {"windows": windows, "filters": filters,
                                         "activation": activation, "dropout": dropout,
                                         "seed": seed})
        self.input_size = input_size
        self.windows: list[int] = settings["windows"]
        self.filters: int = settings["filters"]
        self.activation: str = settings["activation"]
        self.dropout_rate: float = settings["dropout"]
        self.seed: int | None = settings["seed"]
        self.output_size = self.filters * len(self.windows)
        with torch.random.fork_rng(devices=[], enabled=self.seed is not None):
            if self.seed is not None:
                torch.manual_seed(self.seed)
            self.convs = nn.ModuleList(
                nn.Conv1d(input_size, self.filters, window) for window in self.windows
            )
        self.dropout = nn.Dropout(self.dropout_rate)

    # -- the contract ----------------------------------------------------------------------------

    def forward(
        self, inputs: torch.Tensor, lengths: torch.Tensor, state: Any = None
    ) -> EncoderOutput:
        """Encode ``inputs`` (batch, time, input_size) whose true lengths are ``lengths``."""
        if state is not None:
            raise SettingsError("encoder 'cnn' is not causal and carries no state between "
                                "calls; pass state=None (use lstm/gru/rnn to encode in chunks)")
        batch, time = self._check_inputs(inputs)
        lengths = self._check_lengths(lengths, batch, time)
        if time == 0:
            return EncoderOutput(inputs.new_zeros(batch, 0, self.output_size),
                                 inputs.new_zeros(batch, self.output_size), None)
        mask = (torch.arange(time).unsqueeze(0) < lengths.unsqueeze(1)).to(inputs.device)
        channels = (inputs * mask.unsqueeze(2).to(inputs.dtype)).transpose(1, 2)
        act = _ACTIVATIONS[self.activation]
        maps = []
        for window, conv in zip(self.windows, self.convs, strict=True):
            before = (window - 1) // 2
            padded = functional.pad(channels, (before, window - 1 - before))
            maps.append(act(conv(padded)))
        states = torch.cat(maps, dim=1).transpose(1, 2)  # (batch, time, output_size)
        keep = mask.unsqueeze(2)
        pooled = states.masked_fill(~keep, float("-inf")).amax(dim=1)
        final = pooled.masked_fill(~mask.any(dim=1, keepdim=True), 0.0)  # empty texts: zeros
        states = states.masked_fill(~keep, 0.0)
        return EncoderOutput(self.dropout(states), self.dropout(final), None)

    def initial_state(self, batch_size: int) -> Any:
        """Not available: ``cnn`` is not causal."""
        raise SettingsError("encoder 'cnn' is not causal: it has no initial state to step "
                            "from; use a causal encoder (lstm, gru, rnn) for generation")

    def step(self, inputs: torch.Tensor, state: Any) -> tuple[torch.Tensor, Any]:
        """Not available: ``cnn`` is not causal."""
        raise SettingsError("encoder 'cnn' is not causal: it cannot advance one token at a "
                            "time; use a causal encoder (lstm, gru, rnn) for generation")

    # -- helpers -------------------------------------------------------------------------------

    def to_config(self) -> dict[str, Any]:
        """The user settings, accepted back by the registry factory."""
        return {"windows": list(self.windows), "filters": self.filters,
                "activation": self.activation, "dropout": self.dropout_rate, "seed": self.seed}

    def extra_repr(self) -> str:
        return (f"windows={self.windows}, filters={self.filters}, "
                f"activation={self.activation!r}, causal=False")

    def _check_inputs(self, inputs: torch.Tensor) -> tuple[int, int]:
        if inputs.dim() != 3 or inputs.shape[2] != self.input_size:
            raise SettingsError(f"encoder 'cnn' expects inputs of shape (batch, time, "
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
