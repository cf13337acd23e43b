"""What enters a compiled kernel, checked at the Python boundary.

A C kernel trusts the arrays it is handed: a wrong dtype reinterprets bytes, an index out of
range reads or writes outside an array, a wrong count can make a loop spin with the GIL
released. The kernels defend themselves too (a ``ValueError``), but the plugins that call them
check every array and number first with these helpers, so that both the kernel and the Python
fallback see only what they can take, and a caller's mistake is a
:class:`~lexiloom.errors.KernelInputError` naming the array and what was wrong:

>>> import numpy as np
>>> ids = array("ids", np.array([0, 5], dtype=np.int32), np.int32)
>>> in_range("ids", ids, 0, 3)
Traceback (most recent call last):
...
lexiloom.errors.KernelInputError: ids: 5 at position 1 is out of range [0, 3)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from lexiloom.errors import KernelInputError


def array(name: str, value: Any, dtype: Any, *, ndim: int = 1, writable: bool = False,
          shape: tuple[int | None, ...] | None = None) -> np.ndarray:
    """``value`` (an ndarray or any buffer, such as ``array.array``) as an ndarray without a
    copy, after checking its dtype (exactly), number of dimensions, C-contiguity, writability
    and ``shape`` (``None`` for a free dimension)."""
    try:
        view = value if isinstance(value, np.ndarray) else np.asarray(memoryview(value))
    except TypeError:
        raise KernelInputError(f"{name}: expected an array, got {type(value).__name__}") \
            from None
    wanted = np.dtype(dtype)
    if view.dtype != wanted:
        raise KernelInputError(f"{name}: dtype {view.dtype}, {wanted} expected")
    if view.ndim != ndim:
        raise KernelInputError(f"{name}: {view.ndim} dimensions, {ndim} expected")
    if not view.flags.c_contiguous:
        raise KernelInputError(f"{name}: not C-contiguous; pass np.ascontiguousarray({name})")
    if not view.flags.aligned:
        raise KernelInputError(f"{name}: not aligned to its items; pass {name}.copy()")
    if writable and not view.flags.writeable:
        raise KernelInputError(f"{name}: read-only, but the kernel writes to it")
    if shape is not None and any(want is not None and got != want
                                 for got, want in zip(view.shape, shape, strict=False)):
        expected = ", ".join("any" if want is None else str(want) for want in shape)
        raise KernelInputError(f"{name}: shape {view.shape}, ({expected}) expected")
    return view


def apart(arrays: dict[str, np.ndarray | None]) -> None:
    """No two of ``arrays`` (name: array, ``None`` skipped) share memory: an index array that
    aliases an array the kernel writes would change under it while it runs."""
    present = [(name, value) for name, value in arrays.items() if value is not None]
    for i, (name, value) in enumerate(present):
        for other, other_value in present[i + 1:]:
            if value.size and other_value.size and np.may_share_memory(value, other_value):
                raise KernelInputError(f"{name} and {other} share memory; pass copies")


def in_range(name: str, values: np.ndarray, low: int, high: int) -> None:
    """Every value in ``[low, high)``; otherwise the first one that is not, and where."""
    if values.size == 0:
        return
    bad = (values < low) | (values >= high)
    if bad.any():
        where = int(np.flatnonzero(bad.ravel())[0])
        raise KernelInputError(f"{name}: {values.ravel()[where]} at position {where} is out of "
                               f"range [{low}, {high})")


def offsets(name: str, values: np.ndarray, *, start: int | None, end: int) -> None:
    """``values`` rise (never fall) from ``start`` (when given, else from 0 or more) and stay
    at or below ``end``: offsets that cut an array of ``end`` items into slices."""
    if values.size == 0:
        return
    if start is not None and values[0] != start:
        raise KernelInputError(f"{name}: starts at {values[0]}, not {start}")
    if values[0] < 0 or values[-1] > end:
        raise KernelInputError(f"{name}: offsets must lie in [0, {end}]")
    falls = np.flatnonzero(np.diff(values) < 0)
    if falls.size:
        raise KernelInputError(f"{name}: falls at position {int(falls[0]) + 1}; offsets must not "
                               "decrease")


def integer(name: str, value: Any, low: int, high: int | None = None) -> int:
    """``value`` as an int in ``[low, high]`` (``high`` ``None``: no upper bound)."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise KernelInputError(f"{name}: expected an integer, got {value!r}")
    if value < low or (high is not None and value > high):
        bound = f"[{low}, {high}]" if high is not None else f"at least {low}"
        raise KernelInputError(f"{name}: {value} is out of range ({bound})")
    return int(value)


def number(name: str, value: Any) -> float:
    """``value`` as a finite float."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) \
            or not np.isfinite(value):
        raise KernelInputError(f"{name}: expected a finite number, got {value!r}")
    return float(value)


__all__ = ["apart", "array", "in_range", "integer", "number", "offsets"]
