"""Typed registries of components, filled by plugins through the ``register_*`` hooks.

>>> from lexiloom import registry
>>> registry.tokenizers.names()                       # doctest: +SKIP
['char', 'regex', 'spacy', 'whitespace']
>>> tok = registry.tokenizers.create("regex", lowercase=True)
>>> [t.norm for t in tok.tokenize("Hello, World")]
['hello', ',', 'world']

Plugins load on first use of any registry (see :mod:`lexiloom.plugins`).
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Generic, TypeVar

from lexiloom.errors import SettingsError, UnknownComponentError

T = TypeVar("T")

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")


@dataclass(frozen=True)
class Entry(Generic[T]):
    """One registered component: what ``register(name, factory, ...)`` was given, and by whom."""

    kind: str
    name: str
    factory: Callable[..., T]
    description: str = ""
    defaults: Mapping[str, Any] = field(default_factory=dict)
    plugin: str = ""
    host_settings: tuple[str, ...] = ()

    def create(self, **settings: Any) -> T:
        """Build the component from its defaults overridden by ``settings``.

        Raises :class:`~lexiloom.errors.SettingsError` for a setting the component does not declare
        or a value its factory rejects.
        """
        unknown = sorted(set(settings) - set(self.defaults) - set(self.host_settings))
        if unknown:
            known = ", ".join(sorted(self.defaults)) or "none"
            raise SettingsError(
                f"{self.kind} {self.name!r} has no setting {', '.join(map(repr, unknown))}; "
                f"its settings are: {known}"
            )
        merged = {**self.defaults, **settings}
        try:
            return self.factory(**merged)
        except SettingsError:
            raise
        except (TypeError, ValueError) as err:
            raise SettingsError(f"cannot build {self.kind} {self.name!r}: {err}") from err


class Registry(Generic[T]):
    """Components of one kind by name: ``names()``, ``get(name)``, ``create(name, **settings)``."""

    def __init__(self, kind: str, plural: str, host_settings: tuple[str, ...] = ()) -> None:
        self.kind = kind
        self.plural = plural
        self.host_settings = host_settings
        self._entries: dict[str, Entry[T]] = {}

    def _ensure_loaded(self) -> None:
        from lexiloom import plugins

        plugins.ensure_loaded()

    def names(self) -> list[str]:
        """The registered names, sorted."""
        self._ensure_loaded()
        return sorted(self._entries)

    def get(self, name: str) -> Entry[T]:
        """The entry for ``name``; :class:`~lexiloom.errors.UnknownComponentError` lists the
        available names when there is none."""
        self._ensure_loaded()
        try:
            return self._entries[name]
        except KeyError:
            raise UnknownComponentError(self.kind, name, self._entries) from None

    def create(self, name: str, **settings: Any) -> T:
        """Build component ``name`` with ``settings`` (see :meth:`Entry.create`)."""
        return self.get(name).create(**settings)

    def entries(self) -> list[Entry[T]]:
        """Every entry, sorted by name."""
        self._ensure_loaded()
        return [self._entries[n] for n in sorted(self._entries)]

    def __contains__(self, name: object) -> bool:
        self._ensure_loaded()
        return name in self._entries

    def __iter__(self) -> Iterator[str]:
        return iter(self.names())

    def __len__(self) -> int:
        self._ensure_loaded()
        return len(self._entries)

    def __repr__(self) -> str:
        return f"<Registry {self.plural}: {len(self._entries)} loaded>"

    # Used by the plugin loader only.
    def _owner(self, name: str) -> str | None:
        entry = self._entries.get(name)
        return entry.plugin if entry else None

    def _add(self, entry: Entry[T]) -> None:
        self._entries[entry.name] = entry

    def _clear(self) -> None:
        self._entries.clear()


def check_registration(name: Any, factory: Any, description: Any, defaults: Any) -> str | None:
    """Why a ``register(...)`` call is invalid, or ``None`` when it is fine."""
    if not isinstance(name, str) or not _NAME.match(name):
        return f"invalid component name {name!r} (letters, digits, '_', '.', '-'; no spaces)"
    if not callable(factory):
        return f"the factory of {name!r} is not callable: {factory!r}"
    if not isinstance(description, str):
        return f"the description of {name!r} must be a string"
    if defaults is not None and not isinstance(defaults, Mapping):
        return f"the defaults of {name!r} must be a mapping of setting names to values"
    bad = [k for k in defaults or {} if not (isinstance(k, str) and k.isidentifier())]
    if bad:
        return f"the setting names of {name!r} must be Python identifiers, not {bad!r}"
    missing = _unaccepted_keywords(factory, defaults or {})
    if missing:
        return (f"the factory of {name!r} does not accept the setting(s) {', '.join(missing)} "
                "declared in its defaults; add them as keyword arguments")
    return None


def _unaccepted_keywords(factory: Callable[..., Any], names: Iterable[str]) -> list[str]:
    """The ``names`` that ``factory`` cannot take as keyword arguments (none if unknowable)."""
    try:
        parameters = inspect.signature(factory).parameters.values()
    except (TypeError, ValueError):  # no signature (some builtins): trust the plugin
        return []
    if any(p.kind is p.VAR_KEYWORD for p in parameters):
        return []
    accepted = {p.name for p in parameters if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)}
    return sorted(set(names) - accepted)


tokenizers: Registry[Any] = Registry("tokenizer", "tokenizers")
embedders: Registry[Any] = Registry("embedder", "embedders")
encoders: Registry[Any] = Registry("encoder", "encoders", ("input_size",))
heads: Registry[Any] = Registry("head", "heads", ("input_size", "output_size"))
corpus_readers: Registry[Any] = Registry("corpus reader", "corpus_readers")

REGISTRIES: dict[str, Registry[Any]] = {
    r.plural: r for r in (tokenizers, embedders, encoders, heads, corpus_readers)
}
"""Every registry by its plural name, as used in ``lexiloom plugins --json``."""


def make_entry(
    registry: Registry[Any],
    name: str,
    factory: Callable[..., Any],
    description: str,
    defaults: Mapping[str, Any] | None,
    plugin: str,
) -> Entry[Any]:
    """An :class:`Entry` for ``registry`` with read-only defaults."""
    return Entry(
        kind=registry.kind,
        name=name,
        factory=factory,
        description=description,
        defaults=MappingProxyType(dict(defaults or {})),
        plugin=plugin,
        host_settings=registry.host_settings,
    )
