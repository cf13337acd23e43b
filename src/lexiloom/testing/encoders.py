"""``check_encoder``: the :class:`~lexiloom.protocols.Encoder` contract, checked."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from lexiloom.testing import modules
from lexiloom.testing.faults import FaultCollector, Problems
from lexiloom.testing.resolve import resolve
from lexiloom.testing.samples import HOST_INPUT_SIZE, LENGTHS, vectors
from lexiloom.testing.settings import run_settings_checks
from lexiloom.testing.tensors import (
    ATOL,
    difference,
    single_thread,
)

HOST = {"input_size": HOST_INPUT_SIZE}
"""The host sizes the kit gives encoder factories."""


def check_encoder(name_or_factory: Any, *, skip: Iterable[str] = (), atol: float = ATOL,
                  **settings: Any) -> None:
    """Check an encoder (a registered name or its factory) built with ``settings`` and
    ``input_size=6``.

    Checks ``protocol``, ``shape``, ``dtype``, ``batch``, ``padding``, ``step`` and
    ``carried_state`` (causal encoders), ``determinism``, ``round_trip``, ``json_settings`` and
    ``bad_settings`` (see ``docs/testing.md``); floats agree within ``atol``; ``skip`` names
    checks not to run. Raises :class:`~lexiloom.testing.ConformanceError` listing every fault.
    """
    import torch

    resolved = resolve("encoders", name_or_factory, settings)
    faults = FaultCollector(resolved.label, skip)

    def make(merged: dict[str, Any]) -> Any:
        return resolved.factory(**HOST, **merged)

    built, enc = faults.construct(
        lambda: modules.first_build(resolved, make),
        f"factory(input_size={HOST_INPUT_SIZE}, **settings)", resolved.merged)
    if not built:
        return
    build, has_seed = modules.builder(resolved, make)
    with torch.no_grad(), single_thread():
        faults.require("protocol", lambda: _protocol(enc))
        faults.require("shape", lambda: _shape(enc))
        faults.run("dtype", lambda: _dtype(enc))
        faults.run("batch", lambda: _batch(enc, atol))
        faults.run("padding", lambda: _padding(enc, atol))
        if enc.causal:
            faults.run("step", lambda: _step(enc, atol))
            faults.run("carried_state", lambda: _carried_state(enc, atol))
        modules.run_module_checks(faults, build, _outputs, atol, has_seed)
    run_settings_checks(faults, resolved, enc, HOST)
    faults.raise_if_any()


def _outputs(enc: Any) -> dict[str, Any]:
    inputs, lengths = vectors()
    out = enc(inputs, lengths)
    return {"states": out.states, "final": out.final}


def _protocol(enc: Any) -> Problems:
    import torch

    if not isinstance(enc, torch.nn.Module):
        yield f"{type(enc).__name__} is not a torch.nn.Module"
    size = getattr(enc, "output_size", None)
    if isinstance(size, bool) or not isinstance(size, int) or size < 1:
        yield f"output_size must be a positive int, not {size!r}"
    causal = getattr(enc, "causal", None)
    if not isinstance(causal, bool):
        yield f"causal must be True or False, not {causal!r}"
    elif causal:
        missing = [m for m in ("initial_state", "step") if not callable(getattr(enc, m, None))]
        if missing:
            yield f"a causal encoder needs {' and '.join(missing)}()"


def _shape(enc: Any) -> Problems:
    inputs, lengths = vectors()
    out = enc(inputs, lengths)
    if not all(hasattr(out, field) for field in ("states", "final", "state")):
        yield f"forward returned {type(out).__name__}, not an EncoderOutput(states, final, state)"
        return
    batch, time = inputs.shape[:2]
    want = {"states": (batch, time, enc.output_size), "final": (batch, enc.output_size)}
    for field, shape in want.items():
        got = tuple(getattr(out, field).shape)
        if got != shape:
            yield f"{field} has shape {got}, expected {shape} (batch={batch}, time={time}, " \
                  f"output_size={enc.output_size})"
    if enc.causal and out.state is None:
        yield "a causal encoder returned state=None; return the carried state to continue from"


def _dtype(enc: Any) -> Problems:
    inputs, lengths = vectors()
    out = enc(inputs, lengths)
    for field in ("states", "final"):
        dtype = getattr(out, field).dtype
        if dtype != inputs.dtype:
            yield f"{field} is {dtype} for {inputs.dtype} inputs; keep the inputs' float type"


def _batch(enc: Any, atol: float) -> Problems:
    inputs, lengths = vectors()
    out = enc(inputs, lengths)
    for i, length in enumerate(LENGTHS):
        alone = enc(inputs[i:i + 1, :length], lengths[i:i + 1])
        for field, batched, single in (("states", out.states[i, :length], alone.states[0]),
                                       ("final", out.final[i], alone.final[0])):
            problem = difference(batched, single, atol)
            if problem:
                yield f"sequence {i} (length {length}) encoded alone and in a padded batch " \
                      f"disagree in {field} ({problem}); a sequence's outputs must not depend " \
                      "on the other sequences of its batch"
                return


def _padding(enc: Any, atol: float) -> Problems:
    import torch

    inputs, lengths = vectors()
    out = enc(inputs, lengths)
    time = inputs.shape[1]
    for i, length in enumerate(LENGTHS):
        if length < time and out.states[i, length:].abs().max().item() > atol:
            yield f"states of sequence {i} are not zero at its padded positions {length}..." \
                  f"{time - 1}; zero them (EncoderOutput.states contract)"
            return
    noise = torch.randn(inputs.shape, generator=torch.Generator().manual_seed(7)) * 100.0
    real = (torch.arange(time).unsqueeze(0) < lengths.unsqueeze(1)).unsqueeze(-1)
    variants = {
        "garbage values at padded positions": torch.where(real, inputs, noise),
        "three more padded positions": torch.cat([inputs, inputs.new_zeros(len(LENGTHS), 3,
                                                                           inputs.shape[2])], 1),
    }
    for what, padded in variants.items():
        other = enc(padded, lengths)
        for field, a, b in (("states", out.states, other.states[:, :time]),
                            ("final", out.final, other.final)):
            problem = difference(a * real if field == "states" else a,
                                 b * real if field == "states" else b, atol)
            if problem:
                yield f"{what} changed {field} at real positions ({problem}); padding must " \
                      "never reach a real position's result (mask it, or pack the batch)"
                return


def _flat(state: Any) -> list[Any]:
    if state is None:
        return []
    if isinstance(state, (tuple, list)):
        return [t for part in state for t in _flat(part)]
    return [state]


def _full_batch(enc: Any) -> tuple[Any, Any]:
    import torch

    inputs = torch.randn(2, 5, HOST_INPUT_SIZE, generator=torch.Generator().manual_seed(3))
    return inputs, torch.tensor([5, 5])


def _step(enc: Any, atol: float) -> Problems:
    inputs, lengths = _full_batch(enc)
    full = enc(inputs, lengths)
    state = enc.initial_state(inputs.shape[0])
    for t in range(inputs.shape[1]):
        output, state = enc.step(inputs[:, t], state)
        problem = difference(full.states[:, t], output, atol)
        if problem:
            yield f"step() at position {t} disagrees with forward()'s states ({problem}); " \
                  "stepping from initial_state() must reproduce the full pass"
            return
    for a, b in zip(_flat(full.state), _flat(state), strict=False):
        problem = difference(a, b, atol)
        if problem:
            yield f"the state after stepping through the sequence differs from forward()'s " \
                  f"carried state ({problem})"
            return
    if len(_flat(full.state)) != len(_flat(state)):
        yield "step() and forward() return carried states of different structure"


def _carried_state(enc: Any, atol: float) -> Problems:
    import torch

    inputs, lengths = _full_batch(enc)
    full = enc(inputs, lengths)
    split = 2
    head = enc(inputs[:, :split], torch.full_like(lengths, split))
    tail = enc(inputs[:, split:], lengths - split, state=head.state)
    for field, a, b in (("states", full.states[:, split:], tail.states),
                        ("final", full.final, tail.final)):
        problem = difference(a, b, atol)
        if problem:
            yield f"forward(second chunk, state=first chunk's state) disagrees with one pass " \
                  f"over the whole sequence in {field} ({problem}); continue from the carried " \
                  "state"
            return
    for a, b in zip(_flat(full.state), _flat(tail.state), strict=False):
        problem = difference(a, b, atol)
        if problem:
            yield f"the carried state after two chunks differs from one pass's ({problem})"
            return
