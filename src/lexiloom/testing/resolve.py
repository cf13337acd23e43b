"""Turn the ``name_or_factory`` argument of a check into a factory, its defaults and a label."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

HOST_SETTINGS: tuple[str, ...] = ("input_size", "output_size")
"""Sizes the host passes to encoder and head factories; never treated as user settings."""

_SCALARS = (type(None), bool, int, float, str)


@dataclass(frozen=True)
class Resolved:
    """A component factory to check: ``factory(**host_sizes, **settings)`` builds one."""

    factory: Callable[..., Any]
    defaults: Mapping[str, Any]
    """The user settings and their defaults (from the registry, else the factory's signature)."""
    label: str
    """How messages name the component, e.g. ``tokenizer 'regex'``."""
    settings: dict[str, Any] = field(default_factory=dict)
    """The settings given to the check; the component is built with them."""

    @property
    def merged(self) -> dict[str, Any]:
        """The defaults overridden by the settings given to the check."""
        return {**self.defaults, **self.settings}

    def accepts(self, key: str) -> bool:
        """Whether ``key`` is a user setting of the component."""
        return key in self.defaults or key in self.settings


def resolve(kind: str, name_or_factory: Any, settings: Mapping[str, Any]) -> Resolved:
    """The factory of ``name_or_factory`` (a name registered in ``lexiloom.registry.<kind>`` or
    the factory itself) with its defaults; ``kind`` is the registry's plural name."""
    from lexiloom.registry import REGISTRIES

    registry = REGISTRIES[kind]
    if isinstance(name_or_factory, str):
        entry = registry.get(name_or_factory)
        return Resolved(entry.factory, dict(entry.defaults),
                        f"{registry.kind} {entry.name!r}", dict(settings))
    if not callable(name_or_factory):
        raise TypeError(f"expected a registered {registry.kind} name or a factory callable, not "
                        f"{name_or_factory!r}")
    factory = name_or_factory
    for entry in registry.entries():
        if entry.factory is factory:
            return Resolved(factory, dict(entry.defaults), f"{registry.kind} {entry.name!r}",
                            dict(settings))
    name = getattr(factory, "__qualname__", None) or repr(factory)
    return Resolved(factory, signature_defaults(factory), f"{registry.kind} factory {name}",
                    dict(settings))


def signature_defaults(factory: Callable[..., Any]) -> dict[str, Any]:
    """The keyword parameters of ``factory`` with JSON-scalar defaults (host sizes excluded)."""
    try:
        parameters = inspect.signature(factory).parameters.values()
    except (TypeError, ValueError):
        return {}
    return {
        p.name: p.default for p in parameters
        if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
        and p.default is not p.empty and isinstance(p.default, _SCALARS)
        and p.name not in HOST_SETTINGS
    }
