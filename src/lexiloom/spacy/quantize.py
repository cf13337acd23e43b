"""Quantizing the lexiloom models inside a spaCy pipeline (``lexiloom quantize``).

:func:`quantize_pipeline` marks every lexiloom torch module of the pipeline's components (the
text classifiers, ``lexiloom.Tok2Vec.v1``) to be saved as int8 (:mod:`lexiloom.models.quantize`)
and gives them, in memory, the weights the saved file will load, so ``nlp`` predicts as the
quantized copy does. Save it with ``nlp.to_disk``; ``spacy.load`` gives the quantized model.
"""

from __future__ import annotations

from typing import Any

from lexiloom.errors import SettingsError
from lexiloom.spacy.torch_shim import InPlaceUpdateShim


def lexiloom_modules(nlp: Any) -> dict[str, Any]:
    """``{component name: torch module}`` for every component whose model holds a lexiloom
    module (initialised)."""
    found = {}
    for name, component in nlp.components:
        model = getattr(component, "model", None)
        if model is None or not hasattr(model, "walk"):
            continue
        for node in model.walk():
            for shim in node.shims:
                if isinstance(shim, InPlaceUpdateShim) and shim._model is not None:
                    found[name] = shim._model
    return found


def quantize_pipeline(nlp: Any) -> list[str]:
    """Mark every lexiloom module of ``nlp`` for int8 storage and round its weights to what the
    saved file holds; returns the names of the components changed. A pipeline without lexiloom
    models is a SettingsError."""
    from lexiloom.models.quantize import SCHEME, round_trip

    modules = lexiloom_modules(nlp)
    if not modules:
        raise SettingsError("the pipeline has no trained lexiloom model to quantize (no "
                            "lexiloom text classifier or token encoder)")
    for module in modules.values():
        round_trip(module)
        module.lexiloom_quantized = SCHEME
    return sorted(modules)


__all__ = ["lexiloom_modules", "quantize_pipeline"]
