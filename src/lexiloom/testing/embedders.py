"""``check_embedder``: the :class:`~lexiloom.protocols.Embedder` contract, checked."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from lexiloom.testing import modules
from lexiloom.testing.faults import FaultCollector, Problems
from lexiloom.testing.resolve import resolve
from lexiloom.testing.samples import ids, vocab
from lexiloom.testing.settings import run_settings_checks
from lexiloom.testing.tensors import (
    ATOL,
    built_with_seed,
    difference,
    eval_mode,
    single_thread,
)


def check_embedder(name_or_factory: Any, *, skip: Iterable[str] = (), atol: float = ATOL,
                   **settings: Any) -> None:
    """Check an embedder (a registered name or its factory) built with ``settings``, and the
    input layer it builds for a small vocabulary.

    Checks ``protocol``, ``shape``, ``dtype``, ``padding``, ``batch``, ``determinism``,
    ``round_trip``, ``json_settings`` and ``bad_settings`` (see ``docs/testing.md``); floats
    agree within ``atol``; ``skip`` names checks not to run. Raises
    :class:`~lexiloom.testing.ConformanceError` listing every fault.
    """
    import torch

    resolved = resolve("embedders", name_or_factory, settings)
    faults = FaultCollector(resolved.label, skip)
    built, made = faults.construct(lambda: _embedder_and_layer(resolved.factory(**resolved.merged)),
                                   "factory(**settings).build(vocab)", resolved.merged)
    if not built:
        return
    emb, layer = made
    build, has_seed = modules.builder(resolved, lambda s: resolved.factory(**s).build(vocab()))
    with torch.no_grad(), single_thread():
        faults.require("protocol", lambda: _protocol(emb, layer))
        faults.require("shape", lambda: _shape(emb, layer))
        faults.run("dtype", lambda: _dtype(layer))
        faults.run("padding", lambda: _padding(layer))
        faults.run("batch", lambda: _batch(layer, atol))
        modules.run_module_checks(faults, build, _outputs, atol, has_seed)
    run_settings_checks(faults, resolved, emb, {})
    faults.raise_if_any()


def _embedder_and_layer(emb: Any) -> tuple[Any, Any]:
    """The embedder and the layer it builds for the kit's vocabulary (seeded, eval mode)."""
    return emb, eval_mode(built_with_seed(lambda: emb.build(vocab()), 0))


def _outputs(layer: Any) -> dict[str, Any]:
    batch, _ = ids()
    return {"vectors": layer(batch)}


def _protocol(emb: Any, layer: Any) -> Problems:
    import torch

    dim = getattr(emb, "dim", None)
    if isinstance(dim, bool) or not isinstance(dim, int) or dim < 1:
        yield f"dim must be a positive int, not {dim!r}"
    if not callable(getattr(emb, "to_config", None)):
        yield "the embedder has no to_config() method"
    if not isinstance(layer, torch.nn.Module):
        yield f"build(vocab) returned {type(layer).__name__}, not a torch.nn.Module"


def _shape(emb: Any, layer: Any) -> Problems:
    batch, _ = ids()
    out = layer(batch)
    want = (*batch.shape, emb.dim)
    if tuple(out.shape) != want:
        yield f"the layer maps ids of shape {tuple(batch.shape)} to {tuple(out.shape)}, " \
              f"expected {want} (batch, time, dim={emb.dim})"


def _dtype(layer: Any) -> Problems:
    batch, _ = ids()
    out = layer(batch)
    if not out.dtype.is_floating_point:
        yield f"the layer returns {out.dtype} vectors, not floating point"


def _padding(layer: Any) -> Problems:
    batch, _ = ids()
    out = layer(batch)
    pad = out[batch == 0]
    if pad.numel() and pad.abs().max().item() != 0.0:
        yield f"<pad> (id 0) maps to a non-zero vector (max |value| {pad.abs().max().item():.3g})" \
              "; the padding row must be zeros (e.g. padding_idx=0)"


def _batch(layer: Any, atol: float) -> Problems:
    batch, _ = ids()
    out = layer(batch)
    for i in range(batch.shape[0]):
        problem = difference(out[i], layer(batch[i:i + 1])[0], atol)
        if problem:
            yield f"row {i} looked up alone and in a batch differs ({problem}); the layer must " \
                  "map each id independently of the batch"
            return
