"""The settings checks every kind shares: ``json_settings`` and ``bad_settings``."""

from __future__ import annotations

import inspect
import json
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from lexiloom.errors import LexiloomError
from lexiloom.testing.faults import FaultCollector, Problems, describe_error
from lexiloom.testing.resolve import Resolved

UNKNOWN_SETTING = "no_such_setting_xyz"
"""The keyword the ``bad_settings`` check passes to see that unknown settings are refused."""

WRONG_VALUES: tuple[tuple[type, Any], ...] = (
    (bool, "maybe"),
    (int, "many"),
    (float, "much"),
    (str, ["not", "a", "string"]),
)
"""The value of the wrong type tried for a setting, by the type of its default (``bool`` before
``int``: a bool is an int in Python). Settings whose default is ``None``, a list or a mapping
are not tried: their type is not known."""

ACCEPTED_ERRORS = (LexiloomError, TypeError, ValueError)
"""The errors ``bad_settings`` accepts (``SettingsError`` is preferred), if they name the
setting."""


def wrong_value(default: Any) -> tuple[bool, Any]:
    """``(True, value)`` with a value of the wrong type for ``default``, else ``(False, None)``."""
    for kind, value in WRONG_VALUES:
        if isinstance(default, kind):
            return True, value
    return False, None


def json_settings(
    resolved: Resolved,
    component: Any,
    host: Mapping[str, Any],
    same: Callable[[Any, Any], Problems] | None = None,
) -> Problems:
    """Defaults and ``to_config()`` survive ``json.dumps``/``json.loads``; the factory rebuilds an
    equal component from the JSON copy (equal ``to_config()``, and ``same(old, new)`` finds no
    difference)."""
    try:
        json.dumps(dict(resolved.defaults))
    except (TypeError, ValueError) as err:
        yield f"the defaults are not JSON-serialisable ({describe_error(err)}); use only " \
              "strings, numbers, booleans, null, lists and objects"
    to_config = getattr(component, "to_config", None)
    if not callable(to_config):
        source = dict(resolved.merged)
        what = "the settings"
    else:
        source = to_config()
        what = "to_config()"
        if not isinstance(source, dict):
            yield f"to_config() returned {type(source).__name__}, not a dict of settings"
            return
    try:
        copy = json.loads(json.dumps(source))
    except (TypeError, ValueError) as err:
        yield f"{what} is not JSON-serialisable ({describe_error(err)}): {source!r}"
        return
    try:
        rebuilt = resolved.factory(**host, **copy)
    except Exception as err:
        yield f"the factory rejects {what} after a JSON round trip ({describe_error(err)}); " \
              f"settings: {copy!r}"
        return
    if callable(to_config):
        again = rebuilt.to_config()
        if _as_json(again) != copy:
            yield f"rebuilding from to_config() gives a different to_config(): {copy!r} became " \
                  f"{again!r}"
    if same is not None:
        yield from same(component, rebuilt)


def run_settings_checks(
    faults: FaultCollector,
    resolved: Resolved,
    component: Any,
    host: Mapping[str, Any],
    same: Callable[[Any, Any], Problems] | None = None,
) -> None:
    """Run ``json_settings`` and ``bad_settings`` of ``component`` into ``faults``."""
    faults.run("json_settings", lambda: json_settings(resolved, component, host, same))
    faults.run("bad_settings", lambda: bad_settings(resolved, host))


def bad_settings(resolved: Resolved, host: Mapping[str, Any]) -> Problems:
    """An unknown keyword, and a wrong-typed value for each setting whose default is a bool,
    int, float or str, make the factory raise an error naming the setting.

    An unknown keyword the factory's signature does not take passes without a call: Python
    refuses it with a TypeError (and the registry with a SettingsError before that). Factories
    taking ``**kwargs`` must refuse it themselves."""
    base = {**host, **resolved.merged}
    if _binds(resolved.factory, {**base, UNKNOWN_SETTING: 1}):
        yield from _refused(resolved, {**base, UNKNOWN_SETTING: 1}, UNKNOWN_SETTING,
                            "the unknown setting")
    for key, default in sorted(resolved.defaults.items()):
        known, value = wrong_value(default)
        if known:
            yield from _refused(resolved, {**base, key: value}, key,
                                f"{key}={value!r} (default {default!r})")


def _binds(factory: Callable[..., Any], settings: dict[str, Any]) -> bool:
    """Whether ``factory``'s signature takes ``settings`` (Python refuses the call otherwise,
    with a TypeError, which is a clear enough refusal of an unknown keyword)."""
    try:
        inspect.signature(factory).bind(**settings)
    except TypeError:
        return False
    except ValueError:  # no signature to inspect: call it and see
        return True
    return True


def _refused(resolved: Resolved, settings: dict[str, Any], key: str, what: str) -> Iterator[str]:
    try:
        resolved.factory(**settings)
    except ACCEPTED_ERRORS as err:
        if key not in str(err):
            yield f"{what} raised {describe_error(err)}, which does not name the setting " \
                  f"{key!r}; raise lexiloom.errors.SettingsError naming it and the fix"
        return
    except Exception as err:
        yield f"{what} raised {describe_error(err)}; raise lexiloom.errors.SettingsError " \
              "naming the setting and the fix"
        return
    yield f"{what} was accepted silently; validate settings in the factory and raise " \
          f"lexiloom.errors.SettingsError naming {key!r}"


def _as_json(value: Any) -> Any:
    try:
        return json.loads(json.dumps(value))
    except (TypeError, ValueError):
        return value
