"""Helpers of the tests that install plugins with pip into a fresh virtual environment.

Import them as ``from venvs import make_venv, run_clean`` (``tests/`` is on ``sys.path``
through the rootdir conftest).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from lexiloom import plugins


def clean_env() -> dict[str, str]:
    """This environment without the plugin selection, strict mode and ``PYTEST_ADDOPTS``, so a
    subprocess loads every installed plugin and runs pytest with its own options."""
    env = dict(os.environ)
    for name in (plugins.PLUGINS_ENV, plugins.STRICT_ENV, "PYTEST_ADDOPTS"):
        env.pop(name, None)
    return env


def run_clean(command: list[str], **options: Any) -> subprocess.CompletedProcess[str]:
    """Run ``command`` (output captured as text, 300 s at most) in :func:`clean_env`."""
    return subprocess.run(command, capture_output=True, text=True, timeout=300,
                          env=clean_env(), **options)


def make_venv(folder: Path) -> Path:
    """A virtual environment at ``folder`` seeing this one's packages (lexiloom, torch, pytest,
    pip); its python. Skips the test when one cannot be made."""
    made = run_clean([sys.executable, "-m", "venv", "--system-site-packages", "--without-pip",
                      str(folder)])
    python = folder / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    if made.returncode != 0 or not python.exists():
        pytest.skip(f"cannot create a virtual environment: {made.stderr.strip()[-300:]}")
    return python
