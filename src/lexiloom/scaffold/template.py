"""What ``lexiloom plugin new`` knows about one component kind: its hook and its files."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class KindTemplate:
    """The files of a generated plugin of one kind, as :class:`string.Template` texts.

    ``files`` maps paths relative to the package folder (``__init__.py``, ``encoder.py``) to their
    source; ``test`` is the source of ``tests/test_<identifier>.py``. Placeholders: ``${name}``,
    ``${distribution}``, ``${package}``, ``${identifier}``, ``${camel}``, ``${kind}``,
    ``${requirement}``, ``${summary}`` and ``${listing_fixture}`` (the fixture of the tests that
    selects the plugin).
    """

    kind: str
    """The kind as given to ``--kind`` (``corpus-reader``)."""
    hook: str
    """The hook the plugin implements (``register_corpus_readers``)."""
    registered_as: str
    """The key of ``PluginRecord.registered`` the name appears under (``corpus_readers``)."""
    summary: str
    """One line describing the generated component (README, setup.py description)."""
    files: Mapping[str, str] = field(default_factory=dict)
    test: str = ""
