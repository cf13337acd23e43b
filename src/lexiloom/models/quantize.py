"""Weight-only int8 quantization of a module's state for storage.

Every floating-point tensor of two or more dimensions with at least :data:`MIN_ELEMENTS`
elements is stored as int8 codes and float32 scales: symmetric, one scale per row (the first
dimension) when rows are :data:`MIN_ROW` values or longer, else one per column (an n-gram table
with one column per label would otherwise spend more on scales than on codes). ``code =
round(w / scale)`` in [-127, 127], ``scale = max |w| / 127`` over the row or column, so the
largest weight of each comes back exactly and every other within half a step. Biases, norms and
small tensors stay float32. Loading dequantizes to float32: the model computes as before,
from weights within a step of the trained ones (torch's own ``torch.ao.quantization`` kernels
are deprecated for removal; this needs none). Quantizing dequantized weights again gives the
same codes.

Importing this module imports torch.
"""

from __future__ import annotations

import torch

SCHEME = "int8-symmetric"
"""The name saved with a quantized state (what :func:`dequantize_state` reads)."""

MIN_ELEMENTS = 1024
MIN_ROW = 16
CODES = ".int8"
SCALES = ".scale"


def quantize_state(state: dict[str, torch.Tensor]) -> tuple[dict[str, torch.Tensor],
                                                             dict[str, int]]:
    """The stored form of ``state``: each quantized tensor ``name`` as ``name.int8`` and
    ``name.scale``, the rest unchanged; and ``{name: axis}`` (0: a scale per row, 1: per
    column) for the quantized ones."""
    stored: dict[str, torch.Tensor] = {}
    axes: dict[str, int] = {}
    for name, tensor in state.items():
        if not _quantizable(tensor):
            stored[name] = tensor
            continue
        axis = 0 if tensor.shape[-1] >= MIN_ROW else 1
        codes, scales = _quantize(tensor.detach().float(), axis)
        stored[name + CODES], stored[name + SCALES] = codes, scales
        axes[name] = axis
    return stored, axes


def dequantize_state(stored: dict[str, torch.Tensor],
                     axes: dict[str, int]) -> dict[str, torch.Tensor]:
    """The float32 state of :func:`quantize_state`'s output."""
    state = {name: tensor for name, tensor in stored.items()
             if not any(name == q + CODES or name == q + SCALES for q in axes)}
    for name, axis in axes.items():
        codes, scales = stored[name + CODES], stored[name + SCALES]
        state[name] = codes.float() * _broadcast(scales, codes, axis)
    return state


def round_trip(module: torch.nn.Module) -> None:
    """Replace ``module``'s weights, in place, by what loading its quantized state gives."""
    state = module.state_dict()
    stored, axes = quantize_state(state)
    restored = dequantize_state(stored, axes)
    with torch.no_grad():
        for name in axes:
            state[name].copy_(restored[name].to(state[name].dtype))


def _quantizable(tensor: torch.Tensor) -> bool:
    return tensor.is_floating_point() and tensor.dim() >= 2 and tensor.numel() >= MIN_ELEMENTS


def _quantize(weights: torch.Tensor, axis: int) -> tuple[torch.Tensor, torch.Tensor]:
    flat = weights.reshape(weights.shape[0], -1) if axis == 0 else \
        weights.reshape(-1, weights.shape[-1])
    peak = flat.abs().amax(dim=1 - axis)
    scales = torch.where(peak > 0, peak / 127.0, torch.ones_like(peak))
    codes = torch.round(flat / (scales.unsqueeze(1) if axis == 0 else scales.unsqueeze(0)))
    return codes.clamp(-127, 127).to(torch.int8).reshape(weights.shape), scales.contiguous()


def _broadcast(scales: torch.Tensor, codes: torch.Tensor, axis: int) -> torch.Tensor:
    shape = [1] * codes.dim()
    shape[0 if axis == 0 else -1] = -1
    return scales.reshape(shape)


__all__ = ["SCHEME", "dequantize_state", "quantize_state", "round_trip"]
