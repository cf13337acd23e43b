"""The ``example_plugin`` fixture (import ``example_plugin_fixture``):
``plugins/examples/lexiloom-example`` "installed" without pip.

It writes a ``lexiloom_example-0.1.0.dist-info`` (entry point ``example = lexiloom_example`` in
group ``lexiloom``, ``Requires-Dist: lexiloom>=0.1``, as ``setup.py`` declares) with
:func:`fakedist.fake_dist`, puts the example's source folder on ``sys.path`` and selects the
plugin (``LEXILOOM_PLUGINS=example``). :data:`PYTHONPATH` gives a subprocess the same view.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from lexiloom import plugins

REPO = Path(__file__).resolve().parents[2]
EXAMPLE_DIR = REPO / "plugins" / "examples" / "lexiloom-example"
"""The example distribution's folder (its ``setup.py`` and the ``lexiloom_example`` package)."""


@dataclass
class ExamplePlugin:
    """Where the fake installation lives."""

    dist_root: Path
    """The folder holding the ``.dist-info``."""

    @property
    def pythonpath(self) -> str:
        """``PYTHONPATH`` for a subprocess that should see the plugin."""
        parts = [str(self.dist_root), str(EXAMPLE_DIR), os.environ.get("PYTHONPATH", "")]
        return os.pathsep.join(p for p in parts if p)


def _forget_example_modules() -> None:
    for name in [m for m in sys.modules if m == "lexiloom_example"
                 or m.startswith("lexiloom_example.")]:
        del sys.modules[name]


@pytest.fixture(name="example_plugin")
def example_plugin_fixture(fake_dist, monkeypatch: pytest.MonkeyPatch) -> Iterator[ExamplePlugin]:
    """The example plugin, installed for this test and selected; undone afterwards."""
    dist = fake_dist("lexiloom-example", {}, version="0.1.0",
                     entry_points={"example": "lexiloom_example"})
    metadata = dist.dist_info / "METADATA"
    metadata.write_text(metadata.read_text(encoding="utf-8") + "Requires-Dist: lexiloom>=0.1\n",
                        encoding="utf-8")
    monkeypatch.syspath_prepend(str(EXAMPLE_DIR))
    monkeypatch.setenv(plugins.PLUGINS_ENV, "example")
    _forget_example_modules()
    importlib.invalidate_caches()
    plugins.reset()
    yield ExamplePlugin(dist.root)
    _forget_example_modules()
    plugins.reset()
