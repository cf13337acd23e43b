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

_loader: Callable[[], Any] | None = None
"""Loads the plugins that fill the registries; installed by :mod:`lexiloom.plugins` (the
registries are the lower layer and never import the loader)."""


def set_loader(loader: Callable[[], Any] | None) -> None:
    """Make every registry call ``loader()`` before answering (the plugin loader does this)."""
    global _loader
    _loader = loader

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
_SPACY_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+$")
_VERSIONED = re.compile(r"\.v[0-9]+$")

VERSION_KEY = "block-version"
"""The key of a ``{"name": ..., **settings}`` block that names the component's version (absent:
version 1, the only version before versions existed). It cannot clash with a setting (setting
names are Python identifiers) and, not starting with ``@``, a spaCy config can hold it."""

SPACY_FUNCTION_KEY = "@architectures"
"""The key of a spaCy config section that names a block by its versioned spaCy name."""

RESERVED_SPACY_NAMESPACES = ("spacy", "spacy-legacy", "spacy_legacy", "thinc")
"""Prefixes a block's spaCy name may not take: they name spaCy's and thinc's own functions."""

BLOCK_KINDS = ("embedders", "encoders", "heads")
"""The registries whose components are model blocks, each registered in spaCy's
``architectures`` under a versioned name (see :attr:`Entry.spacy_name`)."""


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
    version: int = 1
    spacy_name: str | None = None
    """For model blocks, the versioned name spaCy's ``architectures`` registry knows it by (e.g.
    ``lexiloom.LSTMEncoder.v1``); ``None`` for tokenizers and corpus readers."""

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
        self._entries: dict[str, Entry[T]] = {}  # newest version of each name
        self._versions: dict[tuple[str, int], Entry[T]] = {}

    def _ensure_loaded(self) -> None:
        if _loader is not None:
            _loader()

    def names(self) -> list[str]:
        """The registered names, sorted."""
        self._ensure_loaded()
        return sorted(self._entries)

    def get(self, name: str, version: int | None = None) -> Entry[T]:
        """The entry for ``name`` at ``version`` (default: its newest version);
        :class:`~lexiloom.errors.UnknownComponentError` lists the available names (or versions)
        when there is none."""
        self._ensure_loaded()
        try:
            newest = self._entries[name]
        except KeyError:
            raise UnknownComponentError(self.kind, name, self._entries) from None
        if version is None or version == newest.version:
            return newest
        try:
            return self._versions[name, version]
        except KeyError:
            have = ", ".join(str(v) for (n, v) in sorted(self._versions) if n == name)
            raise UnknownComponentError(
                self.kind, f"{name} version {version}", self._entries,
                hint=f"{self.kind} {name!r} has version(s) {have}; install the plugin release "
                     f"that provides version {version}") from None

    def get_spec(self, spec: Mapping[str, Any]) -> tuple[Entry[T], dict[str, Any]]:
        """The entry a ``{"name": ..., "block-version": ..., **settings}`` block names (no
        ``block-version``: version 1) and the block's settings. A block that also carries a
        config section's ``@architectures`` must name the same entry (else SettingsError: it
        would silently win or lose)."""
        if not isinstance(spec, Mapping) or not isinstance(spec.get("name"), str):
            raise SettingsError(f"the {self.kind} must be given as a mapping with a 'name' key "
                                f"naming a registered {self.kind}, not {spec!r}")
        version = spec.get(VERSION_KEY, 1)
        if isinstance(version, bool) or not isinstance(version, int) or version < 1:
            raise SettingsError(f"the {self.kind} {spec['name']!r} has an invalid "
                                f"{VERSION_KEY} {version!r}; it must be a positive integer")
        settings = {k: v for k, v in spec.items()
                    if k not in ("name", VERSION_KEY, SPACY_FUNCTION_KEY)}
        entry = self.get(spec["name"], version)
        named = spec.get(SPACY_FUNCTION_KEY)
        if named is not None and named != entry.spacy_name:
            raise SettingsError(f"the {self.kind} block names {spec['name']!r} (that is "
                                f"{entry.spacy_name!r}) but also {SPACY_FUNCTION_KEY} = "
                                f"{named!r}; give only one of them")
        return entry, settings

    def versions(self) -> list[Entry[T]]:
        """Every entry of every version, sorted by name then version."""
        self._ensure_loaded()
        return [self._versions[key] for key in sorted(self._versions)]

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

    def _has(self, name: str, version: int) -> bool:
        return (name, version) in self._versions

    def _spacy_owner(self, spacy_name: str | None) -> Entry[T] | None:
        if spacy_name is None:
            return None
        return next((e for e in self._versions.values() if e.spacy_name == spacy_name), None)

    def _add(self, entry: Entry[T]) -> None:
        self._versions[entry.name, entry.version] = entry
        newest = self._entries.get(entry.name)
        if newest is None or entry.version >= newest.version:
            self._entries[entry.name] = entry

    def _clear(self) -> None:
        self._entries.clear()
        self._versions.clear()


def check_registration(name: Any, factory: Any, description: Any, defaults: Any,
                       version: Any = 1, spacy_name: Any = None,
                       kind: str | None = None) -> str | None:
    """Why a ``register(...)`` call is invalid, or ``None`` when it is fine (``kind``: the
    registry's plural name, for the block-only options ``version`` and ``spacy_name``)."""
    if not isinstance(name, str) or not _NAME.match(name):
        return f"invalid component name {name!r} (letters, digits, '_', '.', '-'; no spaces)"
    block = kind is None or kind in BLOCK_KINDS
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        return f"the version of {name!r} must be a positive integer, not {version!r}"
    if not block and (version != 1 or spacy_name is not None):
        return (f"version and spacy_name apply to model blocks (embedders, encoders, heads), "
                f"not to {kind}; remove them from the registration of {name!r}")
    if isinstance(spacy_name, str) and spacy_name.split(".")[0] in RESERVED_SPACY_NAMESPACES:
        return (f"the spacy_name of {name!r} may not start with "
                f"{spacy_name.split('.')[0]!r}: that namespace is spaCy's; use your own, such as "
                "'acme.CNNEncoder'")
    if spacy_name is not None and not (isinstance(spacy_name, str) and _SPACY_NAME.match(
            spacy_name) and not _VERSIONED.search(spacy_name)):
        return (f"the spacy_name of {name!r} must be a dotted name without its version, such as "
                f"'acme.CNNEncoder' (the version is added: 'acme.CNNEncoder.v1'), "
                f"not {spacy_name!r}")
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


def spacy_name_for(registry: Registry[Any], name: str, version: int = 1,
                   stem: str | None = None) -> str | None:
    """The versioned spaCy name of block ``name``: ``{stem}.v{version}``, the stem defaulting to
    ``lexiloom.`` + the name in CamelCase + the kind (``cnn`` encoder: ``lexiloom.CnnEncoder``).
    ``None`` for kinds that are not model blocks."""
    if registry.plural not in BLOCK_KINDS:
        return None
    if stem is None:
        camel = "".join(part[:1].upper() + part[1:] for part in re.split(r"[^A-Za-z0-9]+", name))
        stem = f"lexiloom.{camel}{registry.kind.title().replace(' ', '')}"
    return f"{stem}.v{version}"


def make_entry(
    registry: Registry[Any],
    name: str,
    factory: Callable[..., Any],
    description: str,
    defaults: Mapping[str, Any] | None,
    plugin: str,
    version: int = 1,
    spacy_name: str | None = None,
) -> Entry[Any]:
    """An :class:`Entry` for ``registry`` with read-only defaults; ``spacy_name`` is the stem
    of its versioned spaCy name (see :func:`spacy_name_for`)."""
    return Entry(
        kind=registry.kind,
        name=name,
        factory=factory,
        description=description,
        defaults=MappingProxyType(dict(defaults or {})),
        plugin=plugin,
        host_settings=registry.host_settings,
        version=version,
        spacy_name=spacy_name_for(registry, name, version, spacy_name),
    )
