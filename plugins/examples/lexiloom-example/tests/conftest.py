"""Test setup for the installed example plugin: select only it (``LEXILOOM_PLUGINS=example``)
and reload plugins around each test."""

from __future__ import annotations

from collections.abc import Iterator
from importlib import metadata

import pytest

from lexiloom import plugins


def pytest_configure(config: pytest.Config) -> None:
    names = {ep.name for ep in metadata.entry_points(group="lexiloom")}
    if "example" not in names:
        raise pytest.UsageError("lexiloom-example is not installed: run "
                                "'pip install -e plugins/examples/lexiloom-example' first")


@pytest.fixture(autouse=True)
def _only_the_example_plugin(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv(plugins.PLUGINS_ENV, "example")
    monkeypatch.delenv(plugins.STRICT_ENV, raising=False)
    plugins.reset()
    yield
    plugins.reset()
