"""The heads' user settings: defaults and validation (no torch here).

Registration reads the defaults when lexiloom loads its plugins, so this module stays light.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lexiloom.errors import SettingsError

POOLINGS = ("last", "mean", "max", "attention", "final")
"""How a classification head summarises the positions of a sequence."""

CLASSIFICATION_DEFAULTS: dict[str, Any] = {
    "pooling": "max",
    "exclusive": True,
    "hidden_size": 0,
    "dropout": 0.0,
    "seed": None,
}
"""Every user setting of ``classification`` (``input_size``/``output_size`` come from the host)."""

SENTIMENT_DEFAULTS: dict[str, Any] = {
    "pooling": "max",
    "exclusive": True,
    "hidden_size": 0,
    "dropout": 0.0,
    "seed": None,
    "label_values": None,
}
"""Every user setting of ``sentiment``: the classification settings (``exclusive`` must stay true)
plus ``label_values``, an optional mapping of label → number for :meth:`score`."""

GENERATION_DEFAULTS: dict[str, Any] = {
    "projection_size": 0,
    "dropout": 0.0,
    "seed": None,
}
"""Every user setting of ``generation`` (``input_size`` = the encoder's output size and
``output_size`` = the vocabulary size come from the host). ``projection_size`` > 0 inserts a
linear projection (no activation) before the output layer, e.g. to match the embedding size for
weight tying; 0: none."""


def validate(owner: str, input_size: Any, output_size: Any,
             settings: dict[str, Any]) -> dict[str, Any]:
    """Checked copies of the classification ``settings`` of head ``owner``."""
    from lexiloom.models.seeding import check_seed

    where = f"head {owner!r}"
    _positive(where, "input_size", input_size)
    _positive(where, "output_size", output_size)
    pooling = settings["pooling"]
    if pooling not in POOLINGS:
        raise SettingsError(f"{where} setting 'pooling' must be one of {', '.join(POOLINGS)}, "
                            f"not {pooling!r}")
    if not isinstance(settings["exclusive"], bool):
        raise SettingsError(f"{where} setting 'exclusive' must be true or false, "
                            f"not {settings['exclusive']!r}")
    hidden = settings["hidden_size"]
    if isinstance(hidden, bool) or not isinstance(hidden, int) or hidden < 0:
        raise SettingsError(f"{where} setting 'hidden_size' must be a non-negative integer "
                            f"(0: no hidden layer), not {hidden!r}")
    dropout = settings["dropout"]
    if isinstance(dropout, bool) or not isinstance(dropout, (int, float)) or not 0 <= dropout < 1:
        raise SettingsError(f"{where} setting 'dropout' must be a number in [0, 1), "
                            f"not {dropout!r}")
    return {"pooling": pooling, "exclusive": settings["exclusive"], "hidden_size": hidden,
            "dropout": float(dropout), "seed": check_seed(settings["seed"], where)}


def validate_generation(input_size: Any, output_size: Any,
                        settings: dict[str, Any]) -> dict[str, Any]:
    """Checked copies of the ``generation`` head's ``settings``."""
    from lexiloom.models.seeding import check_seed

    where = "head 'generation'"
    _positive(where, "input_size", input_size)
    _positive(where, "output_size", output_size)
    projection = settings["projection_size"]
    if isinstance(projection, bool) or not isinstance(projection, int) or projection < 0:
        raise SettingsError(f"{where} setting 'projection_size' must be a non-negative integer "
                            f"(0: no projection), not {projection!r}")
    dropout = settings["dropout"]
    if isinstance(dropout, bool) or not isinstance(dropout, (int, float)) or not 0 <= dropout < 1:
        raise SettingsError(f"{where} setting 'dropout' must be a number in [0, 1), "
                            f"not {dropout!r}")
    return {"projection_size": projection, "dropout": float(dropout),
            "seed": check_seed(settings["seed"], where)}


def check_label_values(value: Any) -> dict[str, float] | None:
    """``label_values`` as a dict of label → float (or ``None``), else a SettingsError."""
    if value is None:
        return None
    if not isinstance(value, Mapping) or not value:
        raise SettingsError("head 'sentiment' setting 'label_values' must be a non-empty mapping "
                            f"of label to number (e.g. {{\"1\": 1, \"5\": 5}}), not {value!r}")
    checked = {}
    for label, number in value.items():
        if isinstance(number, bool) or not isinstance(number, (int, float)):
            raise SettingsError(f"head 'sentiment' setting 'label_values': the value of "
                                f"{label!r} must be a number, not {number!r}")
        checked[str(label)] = float(number)
    if len(checked) > 1 and min(checked.values()) == max(checked.values()):
        raise SettingsError("head 'sentiment' setting 'label_values' gives every label the "
                            "same value; give the labels different numbers")
    return checked


def _positive(where: str, key: str, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise SettingsError(f"{where} setting {key!r} must be a positive integer, not {value!r}")
