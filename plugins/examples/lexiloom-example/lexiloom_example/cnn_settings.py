"""The ``cnn`` encoder's user settings: defaults and validation (no torch here, so that
registration stays cheap)."""

from __future__ import annotations

from typing import Any

from lexiloom.errors import SettingsError

DESCRIPTION = ("Kim (2014) CNN: parallel 1-D convolutions (several window sizes) with "
               "max-over-time pooling; not causal")

ACTIVATIONS = ("relu", "tanh", "gelu")
"""The nonlinearities applied to the feature maps."""

DEFAULTS: dict[str, Any] = {
    "windows": [3, 4, 5],
    "filters": 100,
    "activation": "relu",
    "dropout": 0.5,
    "seed": None,
}
"""Every user setting and its default (``input_size`` is given by the host). Kim (2014) used
windows 3, 4, 5 with 100 filters each, ReLU and dropout 0.5."""

MAX_WINDOW = 64


def defaults() -> dict[str, Any]:
    """A fresh copy of :data:`DEFAULTS` (the window list is not shared)."""
    return {**DEFAULTS, "windows": list(DEFAULTS["windows"])}


def _positive_int(key: str, value: Any, *, limit: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise SettingsError(f"encoder 'cnn' setting {key!r} must be a positive integer, "
                            f"not {value!r}")
    if limit is not None and value > limit:
        raise SettingsError(f"encoder 'cnn' setting {key!r} must be at most {limit}, "
                            f"not {value!r}")
    return value


def validate(input_size: Any, settings: dict[str, Any]) -> dict[str, Any]:
    """Checked copies of ``settings`` (every key of :data:`DEFAULTS`); SettingsError names the
    setting and the values it accepts."""
    _positive_int("input_size", input_size)
    windows = settings["windows"]
    if isinstance(windows, int) and not isinstance(windows, bool):
        windows = [windows]
    if not isinstance(windows, list | tuple) or not windows:
        raise SettingsError(f"encoder 'cnn' setting 'windows' must be a non-empty list of "
                            f"window sizes such as [3, 4, 5], not {windows!r}")
    checked = [_positive_int("windows", w, limit=MAX_WINDOW) for w in windows]
    activation = settings["activation"]
    if activation not in ACTIVATIONS:
        raise SettingsError(f"encoder 'cnn' setting 'activation' must be one of "
                            f"{', '.join(ACTIVATIONS)}, not {activation!r}")
    dropout = settings["dropout"]
    if isinstance(dropout, bool) or not isinstance(dropout, int | float) or not 0 <= dropout < 1:
        raise SettingsError(f"encoder 'cnn' setting 'dropout' must be a number in [0, 1), "
                            f"not {dropout!r}")
    seed = settings["seed"]
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or seed < 0):
        raise SettingsError(f"encoder 'cnn' setting 'seed' must be a non-negative integer or "
                            f"null (random), not {seed!r}")
    return {"windows": checked, "filters": _positive_int("filters", settings["filters"]),
            "activation": activation, "dropout": float(dropout), "seed": seed}
