"""``check_head``: the :class:`~lexiloom.protocols.Head` contract, checked."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from lexiloom.testing import modules
from lexiloom.testing.faults import FaultCollector, Problems
from lexiloom.testing.resolve import resolve
from lexiloom.testing.samples import HOST_INPUT_SIZE, HOST_OUTPUT_SIZE, LENGTHS, vectors
from lexiloom.testing.settings import run_settings_checks
from lexiloom.testing.tensors import (
    ATOL,
    difference,
    single_thread,
)

HOST = {"input_size": HOST_INPUT_SIZE, "output_size": HOST_OUTPUT_SIZE}
"""The host sizes the kit gives head factories."""


def check_head(name_or_factory: Any, *, skip: Iterable[str] = (), atol: float = ATOL,
               **settings: Any) -> None:
    """Check a head (a registered name or its factory) built with ``settings``,
    ``input_size=6`` and ``output_size=5``.

    Checks ``protocol``, ``shape``, ``dtype``, ``batch``, ``padding``, ``determinism``,
    ``round_trip``, ``json_settings`` and ``bad_settings`` (see ``docs/testing.md``); floats
    agree within ``atol``; ``skip`` names checks not to run. Raises
    :class:`~lexiloom.testing.ConformanceError` listing every fault.
    """
    import torch

    resolved = resolve("heads", name_or_factory, settings)
    faults = FaultCollector(resolved.label, skip)

    def make(merged: dict[str, Any]) -> Any:
        return resolved.factory(**HOST, **merged)

    built, head = faults.construct(
        lambda: modules.first_build(resolved, make),
        f"factory(input_size={HOST_INPUT_SIZE}, output_size={HOST_OUTPUT_SIZE}, **settings)",
        resolved.merged)
    if not built:
        return
    build, has_seed = modules.builder(resolved, make)
    with torch.no_grad(), single_thread():
        faults.require("protocol", lambda: _protocol(head))
        faults.require("shape", lambda: _shape(head))
        faults.run("dtype", lambda: _dtype(head))
        faults.run("batch", lambda: _batch(head, atol))
        faults.run("padding", lambda: _padding(head, atol))
        modules.run_module_checks(faults, build, _outputs, atol, has_seed)
    run_settings_checks(faults, resolved, head, HOST)
    faults.raise_if_any()


def _inputs(extra_padding: int = 0) -> tuple[Any, Any, Any]:
    """Encoder-like states (zero at padding), lengths, and the final state at each true end."""
    import torch

    states, lengths = vectors(seed=5)
    final = states[torch.arange(len(LENGTHS)), lengths - 1]
    if extra_padding:
        states = torch.cat([states, states.new_zeros(len(LENGTHS), extra_padding,
                                                     states.shape[2])], 1)
    return states, lengths, final


def _real(head: Any, logits: Any, lengths: Any) -> Any:
    """Logits at real positions only (per-position heads; padded positions are meaningless)."""
    if not head.per_position:
        return logits
    import torch

    time = logits.shape[1]
    return logits * (torch.arange(time).unsqueeze(0) < lengths.unsqueeze(1)).unsqueeze(-1)


def _outputs(head: Any) -> dict[str, Any]:
    states, lengths, final = _inputs()
    return {"logits": _real(head, head(states, lengths, final), lengths)}


def _protocol(head: Any) -> Problems:
    import torch

    if not isinstance(head, torch.nn.Module):
        yield f"{type(head).__name__} is not a torch.nn.Module"
    size = getattr(head, "output_size", None)
    if size != HOST_OUTPUT_SIZE or isinstance(size, bool):
        yield f"output_size is {size!r}, but the host asked for output_size={HOST_OUTPUT_SIZE}"
    per_position = getattr(head, "per_position", None)
    if not isinstance(per_position, bool):
        yield f"per_position must be True or False, not {per_position!r}"
    if not callable(getattr(head, "probabilities", None)):
        yield "the head has no probabilities(logits) method"
        return
    states, lengths, final = _inputs()
    logits = head(states, lengths, final)
    probs = head.probabilities(logits)
    if tuple(probs.shape) != tuple(logits.shape):
        yield f"probabilities(logits) has shape {tuple(probs.shape)}, logits " \
              f"{tuple(logits.shape)}; apply the activation elementwise or over the last axis"
    elif not bool(((probs >= 0) & (probs <= 1)).all()):
        yield "probabilities(logits) has values outside [0, 1]; forward must return logits " \
              "and probabilities() the activation"


def _shape(head: Any) -> Problems:
    states, lengths, final = _inputs()
    logits = head(states, lengths, final)
    batch, time = states.shape[:2]
    if head.per_position:
        want, kind = (batch, time, HOST_OUTPUT_SIZE), "per-position head: (batch, time, " \
                                                      "output_size)"
    else:
        want, kind = (batch, HOST_OUTPUT_SIZE), "pooled head: (batch, output_size)"
    if tuple(logits.shape) != want:
        yield f"logits have shape {tuple(logits.shape)}, expected {want} ({kind}; " \
              f"batch={batch}, time={time})"


def _dtype(head: Any) -> Problems:
    states, lengths, final = _inputs()
    logits = head(states, lengths, final)
    if logits.dtype != states.dtype:
        yield f"logits are {logits.dtype} for {states.dtype} states; keep the states' float type"


def _batch(head: Any, atol: float) -> Problems:
    states, lengths, final = _inputs()
    logits = head(states, lengths, final)
    for i, length in enumerate(LENGTHS):
        alone = head(states[i:i + 1, :length], lengths[i:i + 1], final[i:i + 1])
        batched = logits[i, :length] if head.per_position else logits[i]
        problem = difference(batched, alone[0], atol)
        if problem:
            yield f"sequence {i} (length {length}) alone and in a padded batch gives different " \
                  f"logits ({problem}); a sequence's logits must not depend on the rest of the " \
                  "batch"
            return


def _padding(head: Any, atol: float) -> Problems:
    states, lengths, final = _inputs()
    logits = _real(head, head(states, lengths, final), lengths)
    wider, _, _ = _inputs(extra_padding=3)
    padded = _real(head, head(wider, lengths, final), lengths)
    if head.per_position:
        padded = padded[:, : states.shape[1]]
    problem = difference(logits, padded, atol)
    if problem:
        yield f"three more (zero) padded positions changed the logits of real positions " \
              f"({problem}); mask padded positions by lengths (e.g. before max or mean pooling)"
