"""Seeding and capturing every random number generator training uses.

Python's ``random``, numpy's global generator (thinc's dropout masks) and torch's CPU generator
(dropout in torch modules) are seeded together; :func:`capture` and :func:`restore` save and
restore all three so a resumed run continues with the same random stream.
"""

from __future__ import annotations

import random
from typing import Any


def seed_everything(seed: int) -> None:
    """Seed Python, numpy, torch and thinc (``thinc.api.fix_random_seed``) with ``seed``."""
    from thinc.api import fix_random_seed

    fix_random_seed(seed)
    random.seed(seed)


def capture() -> dict[str, Any]:
    """The state of every generator, JSON-serialisable."""
    import numpy
    import torch

    version, internal, gauss = random.getstate()
    name, keys, pos, has_gauss, cached = numpy.random.get_state()
    return {
        "python": [version, list(internal), gauss],
        "numpy": [name, keys.tolist(), int(pos), int(has_gauss), float(cached)],
        "torch": torch.get_rng_state().tolist(),
    }


def restore(state: dict[str, Any]) -> None:
    """Put every generator back to a state from :func:`capture`."""
    import numpy
    import torch

    version, internal, gauss = state["python"]
    random.setstate((version, tuple(internal), gauss))
    name, keys, pos, has_gauss, cached = state["numpy"]
    numpy.random.set_state((name, numpy.asarray(keys, dtype=numpy.uint32), pos, has_gauss,
                            cached))
    torch.set_rng_state(torch.tensor(state["torch"], dtype=torch.uint8))


__all__ = ["capture", "restore", "seed_everything"]
