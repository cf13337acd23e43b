"""The packages a saved pipeline with lexiloom models needs, for ``meta.json``'s
``requirements`` (which ``spacy package`` turns into the package's ``install_requires``).

spaCy does not fill ``requirements`` by itself when a pipeline is saved. :func:`add_requirements`
lists ``lexiloom`` and the distribution of every plugin that provides an embedder, encoder or
head used by a ``lexiloom.TextClassifier.v1`` model in the pipeline, each with spaCy's
compatible-version range (``lexiloom>=0.1.0,<0.2.0``), and merges them into ``nlp.meta``.

It runs automatically when a ``lexiloom_sentiment`` component is initialized, and from configs
through the callback ``lexiloom.add_requirements.v1``::

    [initialize.after_init]
    @callbacks = "lexiloom.add_requirements.v1"

Call it yourself before ``nlp.to_disk`` for a ``textcat`` built in Python.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from lexiloom import plugins, registry
from lexiloom.spacy.names import BLOCK_PARTS

if TYPE_CHECKING:
    from spacy.language import Language

CALLBACK = "lexiloom.add_requirements.v1"


def pipeline_requirements(nlp: Language) -> list[str]:
    """The requirements of ``nlp``'s lexiloom models (empty when it has none), sorted."""
    specs = [node.attrs["lexiloom_spec"]
             for _, component in nlp.components
             for node in _model_nodes(component)]
    if not specs:
        return []
    import lexiloom

    found = {"lexiloom": _versioned("lexiloom", lexiloom.__version__)}
    records = {record.name: record for record in plugins.records()}
    for spec in specs:
        for part, kind in ((p, k) for p, k in BLOCK_PARTS if p in spec):
            entry, _ = registry.REGISTRIES[kind].get_spec(spec[part])
            record = records.get(entry.plugin)
            if record is not None and record.distribution:
                found.setdefault(_key(record.distribution),
                                 _versioned(record.distribution, record.version))
    return sorted(found.values())


def add_requirements(nlp: Language) -> list[str]:
    """Merge :func:`pipeline_requirements` into ``nlp.meta["requirements"]`` (an existing entry
    for the same package is kept) and return the merged list."""
    existing = list(nlp.meta.get("requirements") or [])
    names = {_key(_name_of(req)) for req in existing}
    for requirement in pipeline_requirements(nlp):
        if _key(_name_of(requirement)) not in names:
            existing.append(requirement)
    nlp.meta["requirements"] = existing
    return existing


def make_add_requirements() -> Callable[[Language], Language]:
    """spaCy callback ``lexiloom.add_requirements.v1`` (for ``[initialize.after_init]``)."""

    def after_init(nlp: Language) -> Language:
        add_requirements(nlp)
        return nlp

    return after_init


def register_callback() -> None:
    """Register :func:`make_add_requirements` in spaCy's ``callbacks`` registry (idempotent)."""
    import catalogue
    from spacy.util import registry as spacy_registry

    try:
        spacy_registry.callbacks.get(CALLBACK)
    except catalogue.RegistryError:
        spacy_registry.callbacks.register(CALLBACK, func=make_add_requirements)


def _model_nodes(component: Any) -> list[Any]:
    model = getattr(component, "model", None)
    if model is None or not hasattr(model, "walk"):
        return []
    return [node for node in model.walk() if "lexiloom_spec" in node.attrs]


def _versioned(name: str, version: str | None) -> str:
    if not version:
        return name
    from spacy.util import get_minor_version_range

    return f"{name}{get_minor_version_range(version)}"


def _name_of(requirement: str) -> str:
    for index, char in enumerate(requirement):
        if char in "<>=!~;[ ":
            return requirement[:index]
    return requirement


def _key(name: str) -> str:
    return name.lower().replace("_", "-")
