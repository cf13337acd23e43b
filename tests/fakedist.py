"""Temporary plugin distributions, visible to ``importlib.metadata`` without pip.

``fake_dist(name, modules, entry_points=...)`` writes ``<name>-<version>.dist-info/`` (``METADATA``
and ``entry_points.txt``) and the plugin's module files into a fresh folder under ``tmp_path``,
puts that folder first on ``sys.path`` and resets the plugin host, exactly as if the distribution
had been installed. After the test, its modules leave ``sys.modules`` and ``sys.path`` is restored::

    def test_my_plugin(fake_dist):
        fake_dist(
            "lexiloom-shout",
            {"lexiloom_shout.py": '''
                import lexiloom

                @lexiloom.hookimpl
                def register_tokenizers(register):
                    register("shout", ShoutTokenizer)
             '''},
            entry_points={"shout": "lexiloom_shout"},
        )
        os.environ["LEXILOOM_PLUGINS"] = "shout"    # better: monkeypatch.setenv
        assert "shout" in lexiloom.registry.tokenizers.names()

Module sources are dedented, so they can be written as indented triple-quoted strings.
"""

from __future__ import annotations

import importlib
import re
import sys
import textwrap
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from lexiloom import plugins


@dataclass
class FakeDist:
    """A distribution written by :func:`fake_dist`."""

    name: str
    version: str
    root: Path
    """The folder put on ``sys.path`` (module files and the ``.dist-info`` folder)."""
    dist_info: Path
    modules: list[str] = field(default_factory=list)
    """Dotted names of the modules written (cleared from ``sys.modules`` afterwards)."""


MakeFakeDist = Callable[..., FakeDist]


def _module_name(relative: str) -> str:
    parts = Path(relative).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _entry_points_text(groups: Mapping[str, Mapping[str, str]]) -> str:
    blocks = []
    for group, entries in groups.items():
        lines = [f"[{group}]"] + [f"{name} = {target}" for name, target in entries.items()]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


def write_fake_dist(
    base: Path,
    name: str,
    modules: Mapping[str, str],
    *,
    version: str = "1.0.0",
    entry_points: Mapping[str, str] | None = None,
    other_entry_points: Mapping[str, Mapping[str, str]] | None = None,
    requires: Sequence[str] = (),
) -> FakeDist:
    """Write the distribution ``name`` into a new folder under ``base`` (no ``sys.path`` change).

    ``modules`` maps file paths relative to the distribution root (``"mytok.py"``,
    ``"pkg/__init__.py"``) to their source; ``entry_points`` maps entry-point names of group
    ``lexiloom`` to their targets; ``other_entry_points`` adds other groups (e.g.
    ``{"spacy_factories": {...}}``); ``requires`` adds ``Requires-Dist`` lines (e.g.
    ``["lexiloom>=0.1,<1"]``).
    """
    root = base / re.sub(r"[^A-Za-z0-9_.-]", "_", f"{name}-{version}")
    root.mkdir(parents=True)
    dist_info = root / f"{re.sub(r'[-_.]+', '_', name)}-{version}.dist-info"
    dist_info.mkdir()
    requires_dist = "".join(f"Requires-Dist: {line}\n" for line in requires)
    (dist_info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n{requires_dist}",
        encoding="utf-8",
    )
    groups: dict[str, Mapping[str, str]] = {}
    if entry_points:
        groups[plugins.ENTRY_POINT_GROUP] = entry_points
    groups.update(other_entry_points or {})
    (dist_info / "entry_points.txt").write_text(_entry_points_text(groups), encoding="utf-8")
    written = []
    for relative, source in modules.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(source).lstrip("\n"), encoding="utf-8")
        written.append(_module_name(relative))
    # RECORD, as pip writes it: the file list importlib.metadata reads (Distribution.files).
    listed = [*modules, *(f"{dist_info.name}/{f}" for f in ("METADATA", "entry_points.txt"))]
    (dist_info / "RECORD").write_text("".join(f"{f},,\n" for f in listed)
                                      + f"{dist_info.name}/RECORD,,\n", encoding="utf-8")
    return FakeDist(name, version, root, dist_info, written)


class FakeDists:
    """Distributions "installed" for a while: :meth:`make` adds one, :meth:`close` forgets all.

    ``sys.path`` changes go through ``monkeypatch``, which restores it when it is undone.
    """

    def __init__(self, base: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.base = base
        self.monkeypatch = monkeypatch
        self.made: list[FakeDist] = []

    def make(self, name: str, modules: Mapping[str, str], **options: Any) -> FakeDist:
        """Write a distribution (see :func:`write_fake_dist`), put it first on ``sys.path``,
        invalidate the import caches and reset the plugins."""
        dist = write_fake_dist(self.base, name, modules, **options)
        self.made.append(dist)
        self.monkeypatch.syspath_prepend(str(dist.root))
        importlib.invalidate_caches()
        plugins.reset()
        return dist

    def close(self) -> None:
        """Remove every module of the distributions from ``sys.modules`` and reset the plugins."""
        for dist in self.made:
            for module_name in dist.modules:
                sys.modules.pop(module_name, None)
            for module_name, module in list(sys.modules.items()):
                location = getattr(module, "__file__", None)
                if location and Path(location).is_relative_to(dist.root):
                    del sys.modules[module_name]
        self.made.clear()
        importlib.invalidate_caches()
        plugins.reset()


@pytest.fixture
def fake_dist(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[MakeFakeDist]:
    """Factory fixture: ``fake_dist(name, modules, *, version, entry_points,
    other_entry_points, requires)`` "installs" a distribution for this test (see
    :func:`write_fake_dist`) and returns its :class:`FakeDist`. Everything is undone after the test.
    """
    dists = FakeDists(tmp_path / "fake-dists", monkeypatch)
    yield dists.make
    dists.close()


def install(fake_dist, dist: str, entry_point: str, source: str, version: str = "1.0.0"):
    """A fake distribution ``dist`` with one plugin module exposed as ``entry_point``."""
    module = "plug_" + dist.replace("-", "_")
    return fake_dist(dist, {f"{module}.py": source}, version=version,
                     entry_points={entry_point: module})


def load_all(monkeypatch: pytest.MonkeyPatch) -> None:
    """Select every installed plugin (``LEXILOOM_PLUGINS`` unset)."""
    monkeypatch.delenv(plugins.PLUGINS_ENV, raising=False)
    plugins.reset()
