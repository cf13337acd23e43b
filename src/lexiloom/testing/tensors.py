"""Tensor helpers of the checks: tolerant comparison, seeded building, safetensors round trips.

Torch is imported inside the functions: importing :mod:`lexiloom.testing` stays cheap.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import torch

ATOL = 1e-5
"""The default float tolerance: ``a`` and ``b`` agree when ``|a - b| <= atol + atol * |b|``."""


def difference(a: torch.Tensor, b: torch.Tensor, atol: float) -> str | None:
    """Why ``a`` and ``b`` disagree (shape or values beyond ``atol``), or ``None``."""
    import torch

    if tuple(a.shape) != tuple(b.shape):
        return f"shapes differ: {tuple(a.shape)} vs {tuple(b.shape)}"
    a, b = a.detach().double(), b.detach().double()
    if torch.allclose(a, b, atol=atol, rtol=atol, equal_nan=True):
        return None
    return f"values differ by up to {(a - b).abs().nan_to_num(float('inf')).max().item():.3g} " \
           f"(tolerance {atol:g})"


def built_with_seed(build: Callable[[], Any], global_seed: int) -> Any:
    """``build()`` with torch's global generator seeded by ``global_seed`` (its state is
    restored afterwards, so the caller's random stream is unchanged)."""
    import torch

    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(global_seed)
        return build()


def state_bytes(module: torch.nn.Module) -> bytes:
    """``module.state_dict()`` as safetensors bytes (tensors copied, so tied weights work)."""
    from safetensors.torch import save

    tensors = {}
    for key, value in module.state_dict().items():
        if not hasattr(value, "detach"):
            raise TypeError(f"state_dict entry {key!r} is a {type(value).__name__}, not a tensor; "
                            "keep only tensors in the state_dict")
        tensors[key] = value.detach().clone().contiguous()
    return save(tensors)


def load_state_bytes(module: torch.nn.Module, data: bytes) -> None:
    """Load safetensors ``data`` (from :func:`state_bytes`) into ``module`` (strictly)."""
    from safetensors.torch import load

    module.load_state_dict(load(data), strict=True)


def eval_mode(module: Any) -> Any:
    """``module`` switched to eval mode (dropout off) when it is a torch module."""
    if hasattr(module, "eval") and callable(module.eval):
        module.eval()
    return module


@contextlib.contextmanager
def single_thread() -> Iterator[None]:
    """Run the block with torch on one thread (restored afterwards).

    The kit's inputs are tiny: extra threads only add overhead, and on a busy machine some
    kernels (bidirectional LSTMs) slow down a hundredfold waiting for them.
    """
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)
