"""Shared settings for the training tests: tiny models, one torch thread."""

from __future__ import annotations

from typing import Any

import pytest

TINY: dict[str, Any] = {
    "embedder": {"name": "trainable", "dim": 16},
    "encoder": {"name": "lstm", "hidden_size": 16},
}
"""Model overrides that keep a training run to a second or two."""


@pytest.fixture(autouse=True, scope="session")
def _one_torch_thread() -> None:
    import torch

    torch.set_num_threads(1)
