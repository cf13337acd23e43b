"""``-o key=value`` settings: parsing, typing against a component's defaults, routing to components.

Every command selects components with ``--tokenizer/--embedder/--encoder/--head NAME`` and
configures them with repeated ``-o key=value``. With several components selected, a bare key goes
to the one component that declares it; ``-o encoder.hidden_size=256`` names the component kind.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import click

from lexiloom.errors import SettingsError
from lexiloom.registry import Entry

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def settings_option(func: Any) -> Any:
    """The repeatable ``-o/--option key=value`` click option (parameter name ``options``)."""
    return click.option(
        "-o", "--option", "options", multiple=True, metavar="KEY=VALUE",
        help="A component setting, repeatable (e.g. -o lowercase=true). With several components, "
             "prefix the kind: -o tokenizer.lowercase=true.",
    )(func)


def coerce(entry: Entry[Any], key: str, raw: str) -> Any:
    """Convert the string ``raw`` to the type of ``entry``'s default for ``key``.

    Booleans accept true/false/yes/no/1/0; ints and floats parse as such; strings stay as given;
    settings defaulting to ``None``, lists or dicts take JSON (falling back to the plain string).
    """
    default = entry.defaults.get(key)
    where = f"{entry.kind} {entry.name!r} setting {key!r}"
    if isinstance(default, bool):
        low = raw.strip().lower()
        if low in _TRUE:
            return True
        if low in _FALSE:
            return False
        raise SettingsError(f"{where} must be true or false, not {raw!r}")
    if isinstance(default, int):
        try:
            return int(raw)
        except ValueError:
            raise SettingsError(f"{where} must be an integer, not {raw!r}") from None
    if isinstance(default, float):
        try:
            return float(raw)
        except ValueError:
            raise SettingsError(f"{where} must be a number, not {raw!r}") from None
    if isinstance(default, str):
        return raw
    try:
        return json.loads(raw)
    except json.JSONDecodeError:
        return raw


def route_settings(
    options: Sequence[str], selected: Mapping[str, Entry[Any]]
) -> dict[str, dict[str, Any]]:
    """Split ``key=value`` options among the ``selected`` components (kind -> entry).

    Returns kind -> settings. Raises :class:`~lexiloom.errors.SettingsError` for a malformed
    option, a key no selected component declares, or a bare key two components declare.
    """
    routed: dict[str, dict[str, Any]] = {kind: {} for kind in selected}
    for option in options:
        key, sep, raw = option.partition("=")
        key = key.strip()
        if not sep or not key:
            raise SettingsError(f"option {option!r} is not KEY=VALUE (e.g. -o lowercase=true)")
        kind, dot, name = key.partition(".")
        if dot and kind in selected:
            targets = [kind]
            key = name
        else:
            targets = [k for k, e in selected.items() if key in e.defaults]
        if not targets:
            known = "; ".join(f"{e.kind} {e.name!r}: {', '.join(sorted(e.defaults)) or 'none'}"
                              for e in selected.values()) or "no component is selected"
            raise SettingsError(f"no selected component has a setting {key!r} ({known})")
        if len(targets) > 1:
            raise SettingsError(f"setting {key!r} is ambiguous; prefix the kind, e.g. "
                                f"-o {targets[0]}.{key}={raw}")
        entry = selected[targets[0]]
        if key not in entry.defaults:
            raise SettingsError(f"{entry.kind} {entry.name!r} has no setting {key!r}; its "
                                f"settings are: {', '.join(sorted(entry.defaults)) or 'none'}")
        routed[targets[0]][key] = coerce(entry, key, raw)
    return routed
