"""``new_plugin``: write a complete, installable plugin distribution for one component kind."""

from __future__ import annotations

import os
from collections.abc import Collection
from pathlib import Path
from string import Template

from lexiloom.atomic import atomic_path
from lexiloom.errors import LexiloomError, SettingsError
from lexiloom.scaffold.names import PluginNames, plugin_names
from lexiloom.scaffold.template import KindTemplate
from lexiloom.scaffold.templates import TEMPLATES, common

KINDS: tuple[str, ...] = tuple(TEMPLATES)
"""The kinds ``new_plugin`` can generate."""


def lexiloom_requirement() -> str:
    """What generated plugins require: this lexiloom's minor version up to the next major one
    (``lexiloom>=0.1,<1`` for 0.1.x)."""
    from lexiloom import __version__

    major, minor = (int(part) for part in __version__.split(".")[:2])
    return f"lexiloom>={major}.{minor},<{major + 1}"


def plugin_files(name: str, kind: str) -> dict[str, str]:
    """The files of the plugin ``name`` of ``kind``: relative path -> text (nothing written)."""
    names = plugin_names(name)
    template = _template(kind)
    values = {
        "name": names.name,
        "distribution": names.distribution,
        "package": names.package,
        "identifier": names.identifier,
        "camel": names.camel,
        "kind": kind,
        "requirement": lexiloom_requirement(),
        "listing_fixture": common.LISTING_FIXTURE.rstrip("\n") + "\n",
    }
    values["summary"] = Template(template.summary).substitute(values)

    def render(text: str) -> str:
        return Template(text).substitute(values)

    files = {
        "setup.py": render(common.SETUP),
        "pyproject.toml": render(common.PYPROJECT),
        "README.md": render(common.README),
        f"tests/test_{names.identifier}.py": render(template.test),
    }
    for relative, text in template.files.items():
        files[f"{names.package}/{relative}"] = render(text)
    return files


def new_plugin(name: str, kind: str = "tokenizer", directory: str | os.PathLike[str] = ".",
               *, taken_commands: Collection[str] | None = None) -> Path:
    """Write the distribution ``lexiloom-NAME/`` into ``directory`` and return its path.

    It holds ``setup.py`` (entry point group ``lexiloom``), ``pyproject.toml``, ``README.md``,
    the package ``lexiloom_NAME/`` with a ``@lexiloom.hookimpl`` registering a working component
    of ``kind`` (one of :data:`KINDS`) named NAME, and ``tests/`` running lexiloom's conformance
    kit on it. Raises :class:`~lexiloom.errors.SettingsError` for an invalid name or kind, or a
    name lexiloom already uses, and :class:`~lexiloom.errors.LexiloomError` when the target
    exists. The folder appears complete or not at all. ``taken_commands``: the command names
    a ``command`` plugin may not use (the command line passes its own; default: the commands the
    loaded plugins have added to a mounted command line).
    """
    names = plugin_names(name)
    _template(kind)
    _check_name_is_free(names, kind, taken_commands)
    target = Path(directory) / names.distribution
    if target.exists() or target.is_symlink():
        raise LexiloomError(f"{target} already exists; choose another name or --dir, or remove "
                            "it first")
    files = plugin_files(names.name, kind)
    with atomic_path(target) as tmp:
        for relative, text in files.items():
            path = tmp / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    return target


def _template(kind: str) -> KindTemplate:
    try:
        return TEMPLATES[kind]
    except (KeyError, TypeError):
        raise SettingsError(f"unknown plugin kind {kind!r}; choose one of "
                            f"{', '.join(KINDS)}") from None


def _check_name_is_free(names: PluginNames, kind: str,
                        taken_commands: Collection[str] | None) -> None:
    """Refuse names the generated plugin could not load under: a built-in entry-point name, or a
    name its kind already has (a component, or a command of the command line)."""
    from lexiloom import plugins

    records = plugins.records()
    for record in records:
        if record.builtin and record.name == names.name:
            raise SettingsError(f"{names.name!r} is the name of the built-in plugin "
                                f"{record.describe()}; choose another name")
    template = TEMPLATES[kind]
    if template.registered_as == "commands":
        taken = set(taken_commands if taken_commands is not None else
                    (c for r in records for c in r.registered.get("commands", [])))
    else:
        from lexiloom.registry import REGISTRIES

        taken = set(REGISTRIES[template.registered_as].names())
    if names.name in taken:
        article = "an" if kind[0] in "aeiou" else "a"
        raise SettingsError(f"lexiloom already has {article} {kind} named {names.name!r}; choose "
                            "another name")
