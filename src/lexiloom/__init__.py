"""lexiloom: plugin-based classic neural NLP (word vectors, recurrent networks) for spaCy.

Importing lexiloom is cheap: it loads neither torch nor spaCy. Components come from
:mod:`lexiloom.registry`; plugins implement the hooks in :mod:`lexiloom.hookspecs` with
:data:`hookimpl`.
"""

from __future__ import annotations

from typing import Any

import pluggy

from lexiloom import registry
from lexiloom.errors import LexiloomError

__version__ = "0.1.0"

hookimpl = pluggy.HookimplMarker("lexiloom")
"""Marker for hook implementations: ``@lexiloom.hookimpl``."""


def train(*args: Any, **kwargs: Any) -> Any:
    """Train a pipeline: :func:`lexiloom.training.train` (imported on first call, so importing
    lexiloom stays cheap)."""
    from lexiloom.training import train as _train

    return _train(*args, **kwargs)


__all__ = ["LexiloomError", "__version__", "hookimpl", "registry", "train"]
