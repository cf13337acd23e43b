"""Helpers of the command-line tests: run ``lexiloom`` through click's test runner and check
that a user error is one ``Error: ...`` line.

Import them as ``from cli_helpers import run, assert_one_line_error`` (``tests/`` is on
``sys.path`` through the rootdir conftest).
"""

from __future__ import annotations

from click.testing import CliRunner, Result

from lexiloom.cli import cli


def run(*args: object, input: str | bytes | None = None) -> Result:
    """``lexiloom ARGS...`` (each argument as ``str``) with ``input`` on stdin."""
    return CliRunner().invoke(cli, [str(arg) for arg in args], input=input)


def assert_one_line_error(result: Result) -> str:
    """Assert ``result`` failed with one ``Error: ...`` line and no traceback; return the line."""
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith("Error: "), result.output
    return lines[0]
