"""The bridge from lexiloom's plugin registries to spaCy's ``architectures`` registry.

pluggy finds the plugins; this module registers every embedder, encoder and head they return,
at every version, under its versioned spaCy name (:attr:`lexiloom.registry.Entry.spacy_name`:
``lexiloom.LSTMEncoder.v1``, ``lexiloom.TrainableEmbedder.v1``, ``lexiloom.ClassificationHead.v1``,
a third-party ``cnn`` encoder as ``lexiloom.CnnEncoder.v1`` unless it chose a ``spacy_name``)::

    [components.textcat.model.encoder]
    @architectures = "lexiloom.LSTMEncoder.v1"
    hidden_size = 256

A registered function returns a :class:`Block`: a lazy, JSON-able description (kind, name,
version, settings). Nothing is built, trained or read while a config is resolved; the parent
architecture builds the torch modules in its ``initialize``. The function's signature is made
from the block's declared defaults, so ``spacy init fill-config`` writes them and spaCy rejects a
setting the block does not declare.

When the names are registered: on import of this module, which every lexiloom parent
architecture imports (``lexiloom.TextClassifier.v2``), and again whenever the plugins are
reloaded (:func:`lexiloom.plugins.on_load`). spaCy looks a parent up before its sub-blocks, so a
fresh ``spacy train`` process finds every installed plugin's blocks with no entry point of the
plugin's own: the import of the parent is the trigger.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from spacy.util import registry as spacy_registry

from lexiloom import plugins, registry
from lexiloom.errors import SettingsError
from lexiloom.registry import BLOCK_KINDS, VERSION_KEY, Entry

PARENT_SETTINGS: dict[str, tuple[str, ...]] = {"heads": ("exclusive",)}
"""Block settings the parent architecture sets (a classifier's ``exclusive_classes``), left out
of the block's spaCy signature so that a filled config cannot contradict the parent."""


@dataclass(frozen=True)
class Block:
    """A model block chosen in a config: which registered component, at which version, with
    which settings. Cheap to make; the parent architecture builds it."""

    kind: str
    """The registry's plural name: ``embedders``, ``encoders`` or ``heads``."""
    name: str
    version: int = 1
    settings: Mapping[str, Any] = field(default_factory=dict, hash=False)

    @property
    def entry(self) -> Entry[Any]:
        """The registry entry this block names."""
        return registry.REGISTRIES[self.kind].get(self.name, self.version)

    def to_spec(self) -> dict[str, Any]:
        """The ``{"name": ..., **settings}`` block the model code builds from (with
        ``block-version`` when it is not 1)."""
        spec = {"name": self.name, **self.settings}
        if self.version != 1:
            spec[VERSION_KEY] = self.version
        return spec


def block_function(entry: Entry[Any]) -> Callable[..., Block]:
    """The spaCy function of ``entry``: keyword arguments = the block's user settings with their
    declared defaults; returns a :class:`Block`."""
    plural = registry_plural(entry)
    skipped = PARENT_SETTINGS.get(plural, ())
    parameters = [
        inspect.Parameter(key, inspect.Parameter.KEYWORD_ONLY, default=_plain(value),
                          annotation=_annotation(value))
        for key, value in entry.defaults.items() if key not in skipped
    ]
    signature = inspect.Signature(parameters, return_annotation=Block)

    def make_block(**settings: Any) -> Block:
        try:
            signature.bind(**settings)
        except TypeError as err:
            known = ", ".join(p.name for p in parameters) or "none"
            raise SettingsError(f"{entry.spacy_name}: {err}; its settings are: {known}") from None
        return Block(plural, entry.name, entry.version, dict(settings))

    make_block.__signature__ = signature
    make_block.lexiloom_block = True  # type: ignore[attr-defined]
    make_block.__name__ = make_block.__qualname__ = (entry.spacy_name or entry.name).replace(
        ".", "_")
    make_block.__doc__ = (f"{entry.description or entry.name} ({entry.kind} {entry.name!r} "
                          f"version {entry.version} of plugin {entry.plugin!r}).")
    return make_block


def register_blocks() -> list[str]:
    """Register every loaded block, every version, in spaCy's ``architectures`` (idempotent);
    returns the names registered."""
    names = []
    records = None
    for plural in BLOCK_KINDS:
        for entry in registry.REGISTRIES[plural].versions():
            if entry.spacy_name is None:
                continue
            if _taken_by_another(entry.spacy_name):
                records = records or {r.name: r for r in plugins.ensure_loaded().records}
                if entry.plugin in records:
                    records[entry.plugin].fail(
                        f"spaCy name {entry.spacy_name!r} of {entry.kind} {entry.name!r} is "
                        "already a spaCy architecture that is not a lexiloom block; pass "
                        "another spacy_name")
                continue
            spacy_registry.architectures.register(entry.spacy_name, func=block_function(entry))
            names.append(entry.spacy_name)
    return names


def _taken_by_another(name: str) -> bool:
    """Whether spaCy's ``architectures`` already has ``name`` for something other than a
    lexiloom block (a block never replaces spaCy's or another package's function)."""
    if not spacy_registry.has("architectures", name):
        return False
    try:
        existing = spacy_registry.get("architectures", name)
    except Exception:  # an entry point that fails to load: not ours to replace
        return True
    return not getattr(existing, "lexiloom_block", False)


def _annotation(default: Any) -> Any:
    """The type ``spacy debug config`` checks a setting against: its default's type for plain
    values (an int default accepts ints; a float default ints and floats), else ``Any``."""
    if isinstance(default, bool):
        return bool
    if isinstance(default, int):
        return int
    if isinstance(default, float):
        return float
    if isinstance(default, str):
        return str
    return Any


def block_section(kind: str, spec: Mapping[str, Any]) -> dict[str, Any]:
    """The config section (``{"@architectures": ..., **settings}``) of a ``{"name": ...}``
    block of registry ``kind``; the inverse of :func:`spec_of_section`."""
    entry, settings = registry.REGISTRIES[kind].get_spec(spec)
    return {"@architectures": entry.spacy_name, **settings}


def spec_of_section(kind: str, section: Mapping[str, Any]) -> dict[str, Any]:
    """The ``{"name": ...}`` block of an unresolved config section that names a lexiloom block
    of registry ``kind`` by its spaCy name."""
    spacy_name = section.get("@architectures")
    for entry in registry.REGISTRIES[kind].versions():
        if entry.spacy_name == spacy_name:
            settings = {k: v for k, v in section.items() if k != "@architectures"}
            return Block(kind, entry.name, entry.version, settings).to_spec()
    known = ", ".join(e.spacy_name or "" for e in registry.REGISTRIES[kind].versions())
    raise SettingsError(f"{spacy_name!r} is not a registered lexiloom "
                        f"{registry.REGISTRIES[kind].kind}; known: {known}")


def as_block(value: Any, kind: str, where: str) -> Block:
    """``value`` when it is a :class:`Block` of registry ``kind``, else a SettingsError that
    says how to write the section."""
    if isinstance(value, Block) and value.kind == kind:
        return value
    singular = registry.REGISTRIES[kind].kind
    example = {"embedders": "lexiloom.TrainableEmbedder.v1", "encoders": "lexiloom.LSTMEncoder.v1",
               "heads": "lexiloom.ClassificationHead.v1"}[kind]
    got = (f"a {value.kind[:-1]} block ({value.name!r})" if isinstance(value, Block)
           else repr(value))
    raise SettingsError(
        f"{where} must be a registered lexiloom {singular} section such as "
        f'@architectures = "{example}", not {got}; run \'lexiloom plugins\' for the names '
        "(the {name = ...} form is lexiloom.TextClassifier.v1's)")


def registry_plural(entry: Entry[Any]) -> str:
    """The plural registry name of ``entry`` (``encoders`` for an encoder)."""
    return next(p for p, r in registry.REGISTRIES.items() if r.kind == entry.kind)


def _plain(value: Any) -> Any:
    """A default as a config can hold it (read-only mappings as dicts, tuples as lists)."""
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return value


plugins.on_load(register_blocks)  # again whenever the plugins are reloaded
plugins.ensure_loaded()  # loading runs the callback (or it ran above, if loaded already)

__all__ = [
    "PARENT_SETTINGS",
    "Block",
    "as_block",
    "block_function",
    "block_section",
    "register_blocks",
    "spec_of_section",
]
