"""lexiloom: plugin-based classic neural NLP (word vectors, recurrent networks) for spaCy.

Importing lexiloom is cheap: it loads neither torch nor spaCy. Components come from
:mod:`lexiloom.registry`; plugins implement the hooks in :mod:`lexiloom.hookspecs` with
:data:`hookimpl`.
"""

from __future__ import annotations

import importlib
from typing import Any

import pluggy

from lexiloom import plugins as _plugins  # noqa: F401  (installs the registries' loader)
from lexiloom import registry
from lexiloom.errors import LexiloomError
from lexiloom.version import __version__

hookimpl = pluggy.HookimplMarker("lexiloom")
"""Marker for hook implementations: ``@lexiloom.hookimpl``."""


def train(*args: Any, **kwargs: Any) -> Any:
    """Train a pipeline: :func:`lexiloom.training.train` (imported on first call, so importing
    lexiloom stays cheap)."""
    # Looked up at call time: the package root sits below every layer and imports none of them.
    return importlib.import_module("lexiloom.training").train(*args, **kwargs)


__all__ = ["LexiloomError", "__version__", "hookimpl", "registry", "train"]
