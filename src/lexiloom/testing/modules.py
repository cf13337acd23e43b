"""The checks torch-module components share: ``determinism`` and ``round_trip``.

``build(global_seed, seed)`` makes the module under check (in eval mode) with torch's global
generator seeded by ``global_seed`` and, when the component has a ``seed`` setting, that setting
set to ``seed``; ``run(module)`` returns its outputs on the kit's fixed inputs by name.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from lexiloom.testing.faults import FaultCollector, Problems
from lexiloom.testing.resolve import Resolved
from lexiloom.testing.tensors import (
    built_with_seed,
    difference,
    eval_mode,
    load_state_bytes,
    state_bytes,
)

if TYPE_CHECKING:
    import torch

Build = Callable[[int, int], Any]
Run = Callable[[Any], Mapping[str, "torch.Tensor"]]

SEED = 1234
"""The ``seed`` setting the checks use when the component has one."""


def first_build(resolved: Resolved, make: Callable[[dict[str, Any]], Any]) -> Any:
    """The module under check: ``make`` of the merged settings, with torch's global generator
    seeded by 0, in eval mode."""
    return eval_mode(built_with_seed(lambda: make(resolved.merged), 0))


def builder(resolved: Resolved, make: Callable[[dict[str, Any]], Any]) -> tuple[Build, bool]:
    """The ``build`` of ``resolved`` and whether the component has a ``seed`` setting:
    ``make(settings)`` makes the module from the merged settings (``seed`` set when it has one).
    """
    has_seed = resolved.accepts("seed")

    def build(global_seed: int, seed: int) -> Any:
        settings = {**resolved.merged, **({"seed": seed} if has_seed else {})}
        return eval_mode(built_with_seed(lambda: make(settings), global_seed))

    return build, has_seed


def run_module_checks(faults: FaultCollector, build: Build, run: Run, atol: float,
                      has_seed: bool) -> None:
    """Run ``determinism`` and ``round_trip`` of the module ``build`` makes, into ``faults``."""
    faults.run("determinism", lambda: determinism(build, run, atol, has_seed))
    faults.run("round_trip", lambda: round_trip(build, run, atol, has_seed))


def compare(expected: Mapping[str, Any], got: Mapping[str, Any], atol: float) -> str | None:
    """The first output of ``got`` that differs from ``expected`` (with why), or ``None``."""
    for name, value in expected.items():
        problem = difference(value, got[name], atol)
        if problem:
            return f"{name}: {problem}"
    return None


def determinism(build: Build, run: Run, atol: float, has_seed: bool) -> Problems:
    """Same outputs for the same input twice (eval mode), and for two builds under one seed."""
    first = build(1, SEED)
    outputs = run(first)
    problem = compare(outputs, run(first), atol)
    if problem:
        yield f"the same input twice (eval mode) gave different outputs ({problem}); eval-mode " \
              "outputs must not be random"
        return
    if has_seed:
        how = f"the seed setting ({SEED}) under different torch.manual_seed values"
        second = build(2, SEED)
    else:
        how = "the same torch.manual_seed"
        second = build(1, SEED)
    problem = compare(outputs, run(second), atol)
    if problem:
        yield f"two builds with {how} gave different outputs ({problem}); draw every random " \
              "number from torch's generator (seeded by the seed setting when there is one)"


def round_trip(build: Build, run: Run, atol: float, has_seed: bool) -> Problems:
    """``state_dict`` → safetensors bytes → a fresh build (other seeds) → identical outputs."""
    original = build(1, SEED)
    outputs = run(original)
    data = state_bytes(original)
    fresh = build(99, SEED + 1 if has_seed else SEED)
    try:
        load_state_bytes(fresh, data)
    except RuntimeError as err:
        yield f"a fresh build cannot load the saved state_dict ({' '.join(str(err).split())})"
        return
    problem = compare(outputs, run(fresh), atol)
    if problem:
        yield f"after state_dict → safetensors → load_state_dict into a fresh build the " \
              f"outputs drift ({problem}); keep every tensor that affects outputs in the " \
              "state_dict (a parameter or a persistent buffer)"
