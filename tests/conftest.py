"""Shared test setup: every test sees only the built-in plugins and a pristine command line.

- Plugins installed in the environment stay out of the run (``LEXILOOM_PLUGINS=""``); strict mode
  is off (``LEXILOOM_STRICT_PLUGINS`` unset).
- Plugins are reset before and after each test, so a test that changes ``sys.path`` or the
  environment loads them afresh.
- The root click group ``lexiloom.cli.cli`` gets back, after each test, the commands and the
  "plugin commands added" flag it had when the session started, so commands added by fake plugins
  or by a module-scoped fixture do not leak into other tests.
- ``fake_dist`` (from :mod:`fakedist`) makes temporary plugin distributions visible without pip.
- Oracle tests (``@pytest.mark.oracle``, :mod:`oracles`): a skip fails under
  ``LEXILOOM_REQUIRE_ORACLES=1``; the summary counts them, says which kernels are built and
  prints the random-order seed (pytest-randomly) to repeat the run's order.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any

import pytest
from builtin_kernels import BUILT_IN_KERNELS
from fakedist import fake_dist  # noqa: F401  (fixture, re-exported for every test)
from oracles import (  # noqa: F401  (hooks, registered by being in this module)
    pytest_runtest_logreport,
    pytest_runtest_makereport,
    write_summary,
)

from lexiloom import plugins


def _cli_group() -> Any:
    """The root click group, or ``None`` while the command line cannot be imported."""
    try:
        from lexiloom.cli import cli
    except Exception:  # a broken command module: the CLI tests report it, not every test
        sys.modules.pop("lexiloom.cli", None)
        return None
    return cli


@pytest.fixture(scope="session", autouse=True)
def _cli_baseline() -> Iterator[tuple[dict[str, Any], Any] | None]:
    """The root group's commands before any test ran (session scope, so it is taken before any
    module-scoped fixture mounts a command)."""
    group = _cli_group()
    yield None if group is None else (dict(group.commands),
                                      group.__dict__.get("_plugin_commands_added"))


@pytest.fixture(autouse=True)
def _isolated_plugins(monkeypatch: pytest.MonkeyPatch,
                      _cli_baseline: tuple[dict[str, Any], Any] | None) -> Iterator[None]:
    monkeypatch.setenv(plugins.PLUGINS_ENV, "")
    monkeypatch.delenv(plugins.STRICT_ENV, raising=False)
    plugins.reset()
    yield
    plugins.reset()
    group = _cli_group()
    if group is not None and _cli_baseline is not None:
        commands, added = _cli_baseline
        group.commands.clear()
        group.commands.update(commands)
        if added is None:
            group.__dict__.pop("_plugin_commands_added", None)
        else:
            group._plugin_commands_added = added


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    seed = getattr(config.option, "randomly_seed", None)
    if seed is not None and config.pluginmanager.has_plugin("randomly"):
        terminalreporter.write_line(f"random order: repeat it with --randomly-seed={seed}")
    write_summary(terminalreporter)
    listing = ", ".join(f"{k.plugin} {'built' if k.built() else 'NOT BUILT'}"
                        for k in BUILT_IN_KERNELS)
    terminalreporter.write_line(f"compiled kernels: {listing}")
