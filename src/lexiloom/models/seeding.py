"""Deterministic parameter initialisation without touching torch's global random state."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from lexiloom.errors import SettingsError


def check_seed(seed: object, owner: str) -> int | None:
    """``seed`` if it is an integer or ``None``; else a SettingsError naming ``owner``."""
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
        raise SettingsError(f"{owner} setting 'seed' must be an integer or null, not {seed!r}")
    return seed


@contextlib.contextmanager
def seeded(seed: int | None) -> Iterator[None]:
    """Run the block with torch's CPU generator seeded by ``seed``, then restore its state.

    ``seed=None`` leaves the global generator alone (the block draws from it as usual, so
    ``torch.manual_seed(...)`` or spaCy's ``fix_random_seed`` make the result reproducible).
    With a seed the block's draws are fixed and the caller's random stream is unchanged::

        with seeded(3):
            layer = torch.nn.Linear(4, 2)      # same weights every time
    """
    if seed is None:
        yield
        return
    import torch

    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        yield
