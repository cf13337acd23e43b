"""Shared test setup: every test sees only the built-in plugins and a pristine command line.

- Plugins installed in the environment stay out of the run (``LEXILOOM_PLUGINS=""``); strict mode
  is off (``LEXILOOM_STRICT_PLUGINS`` unset).
- Plugins are reset before and after each test, so a test that changes ``sys.path`` or the
  environment loads them afresh.
- The root click group ``lexiloom.cli.cli`` gets its commands and its "plugin commands added" flag
  back after each test, so commands added by fake plugins do not leak into other tests.
- ``fake_dist`` (from :mod:`fakedist`) makes temporary plugin distributions visible without pip.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any

import pytest
from fakedist import fake_dist  # noqa: F401  (fixture, re-exported for every test)

from lexiloom import plugins


def _cli_group() -> Any:
    """The root click group, or ``None`` while the command line cannot be imported."""
    try:
        from lexiloom.cli import cli
    except Exception:  # a broken command module: the CLI tests report it, not every test
        sys.modules.pop("lexiloom.cli", None)
        return None
    return cli


@pytest.fixture(autouse=True)
def _isolated_plugins(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv(plugins.PLUGINS_ENV, "")
    monkeypatch.delenv(plugins.STRICT_ENV, raising=False)
    plugins.reset()
    group = _cli_group()
    saved = None
    if group is not None:
        saved = (dict(group.commands), group.__dict__.get("_plugin_commands_added"))
    yield
    plugins.reset()
    if group is not None and saved is not None:
        commands, added = saved
        group.commands.clear()
        group.commands.update(commands)
        if added is None:
            group.__dict__.pop("_plugin_commands_added", None)
        else:
            group._plugin_commands_added = added
