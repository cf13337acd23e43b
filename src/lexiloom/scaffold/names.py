"""The names of a new plugin: its distribution, package, entry point and component."""

from __future__ import annotations

import re
from dataclasses import dataclass

from lexiloom.errors import SettingsError

MAX_LENGTH = 30
"""The longest plugin name accepted (without the ``lexiloom-`` prefix)."""

_PREFIX = re.compile(r"^lexiloom[-_.\s]+", re.IGNORECASE)
_SEPARATORS = re.compile(r"[-_.\s]+")
_VALID = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")


@dataclass(frozen=True)
class PluginNames:
    """Every name derived from the plugin name ``name`` (e.g. ``"shout-tok"``)."""

    name: str
    """The normalised name: the entry-point, component and command name (``shout-tok``)."""

    @property
    def distribution(self) -> str:
        """The distribution (``pip install``) name: ``lexiloom-shout-tok``."""
        return f"lexiloom-{self.name}"

    @property
    def identifier(self) -> str:
        """The name as a Python identifier: ``shout_tok`` (as in ``tests/test_shout_tok.py``)."""
        return self.name.replace("-", "_")

    @property
    def package(self) -> str:
        """The import package: ``lexiloom_shout_tok``."""
        return "lexiloom_" + self.identifier

    @property
    def camel(self) -> str:
        """The name in CamelCase, for class names: ``ShoutTok``."""
        return "".join(part.capitalize() for part in self.name.split("-"))


def plugin_names(raw: str) -> PluginNames:
    """Normalise ``raw`` (``"Shout_Tok"``, ``"lexiloom-shout-tok"``) to :class:`PluginNames`.

    Lowercased; runs of ``-``, ``_``, ``.`` and spaces become one ``-``; a leading ``lexiloom-``
    is dropped. Raises :class:`~lexiloom.errors.SettingsError` unless the result starts with a
    letter and holds only letters, digits and single hyphens.
    """
    if not isinstance(raw, str):
        raise SettingsError(f"the plugin name must be a string, not {raw!r}")
    name = _SEPARATORS.sub("-", _PREFIX.sub("", raw.strip()).lower()).strip("-")
    if not name or name == "lexiloom":
        raise SettingsError(f"invalid plugin name {raw!r}: give the name without the "
                            "'lexiloom-' prefix, e.g. 'shout' for lexiloom-shout")
    if len(name) > MAX_LENGTH:
        raise SettingsError(f"invalid plugin name {raw!r}: at most {MAX_LENGTH} characters; "
                            "choose a shorter name")
    if not _VALID.match(name):
        raise SettingsError(f"invalid plugin name {raw!r}: use letters, digits and hyphens, "
                            "starting with a letter (e.g. 'shout' or 'tab-reader')")
    return PluginNames(name)
