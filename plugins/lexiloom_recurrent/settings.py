"""The recurrent encoders' user settings: defaults and validation (no torch here).

Registration reads :data:`DEFAULTS` when lexiloom loads its plugins, so this module stays light.
"""

from __future__ import annotations

from typing import Any

from lexiloom.errors import SettingsError

CELLS = ("rnn", "lstm", "gru")
"""The cell types: Elman RNN (tanh), LSTM, GRU."""

DEFAULTS: dict[str, Any] = {
    "hidden_size": 128,
    "num_layers": 1,
    "bidirectional": False,
    "dropout": 0.0,
    "seed": None,
}
"""Every user setting and its default (``input_size`` is given by the host)."""


def positive_int(owner: str, key: str, value: Any) -> int:
    """``value`` if it is an integer ≥ 1, else a SettingsError naming the setting."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise SettingsError(f"{owner} setting {key!r} must be a positive integer, not {value!r}")
    return value


def dropout_rate(owner: str, value: Any) -> float:
    """``value`` as a float in [0, 1), else a SettingsError."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value < 1:
        raise SettingsError(f"{owner} setting 'dropout' must be a number in [0, 1), not {value!r}")
    return float(value)


def flag(owner: str, key: str, value: Any) -> bool:
    """``value`` if it is a bool, else a SettingsError."""
    if not isinstance(value, bool):
        raise SettingsError(f"{owner} setting {key!r} must be true or false, not {value!r}")
    return value


def validate(cell: str, input_size: Any, settings: dict[str, Any]) -> dict[str, Any]:
    """Checked copies of ``settings`` (every key of :data:`DEFAULTS`) for encoder ``cell``."""
    if cell not in CELLS:
        raise SettingsError(f"unknown recurrent cell {cell!r}; use one of {', '.join(CELLS)}")
    owner = f"encoder {cell!r}"
    from lexiloom.models.seeding import check_seed

    positive_int(owner, "input_size", input_size)
    return {
        "hidden_size": positive_int(owner, "hidden_size", settings["hidden_size"]),
        "num_layers": positive_int(owner, "num_layers", settings["num_layers"]),
        "bidirectional": flag(owner, "bidirectional", settings["bidirectional"]),
        "dropout": dropout_rate(owner, settings["dropout"]),
        "seed": check_seed(settings["seed"], owner),
    }
