"""Scaffolding for plugin authors: ``lexiloom plugin new`` writes a complete plugin distribution.

>>> from lexiloom.scaffold import new_plugin
>>> new_plugin("shout", "tokenizer", "/tmp")           # doctest: +SKIP
PosixPath('/tmp/lexiloom-shout')

The templates (one module per kind in :mod:`lexiloom.scaffold.templates`) are Python string
constants, so the package needs no data files. :mod:`lexiloom.scaffold.docs` keeps the hook and
protocol reference in ``docs/plugins.md`` equal to the docstrings it documents.
"""

from lexiloom.scaffold.names import PluginNames, plugin_names
from lexiloom.scaffold.writer import KINDS, lexiloom_requirement, new_plugin, plugin_files

__all__ = [
    "KINDS",
    "PluginNames",
    "lexiloom_requirement",
    "new_plugin",
    "plugin_files",
    "plugin_names",
]
