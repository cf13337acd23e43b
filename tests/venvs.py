"""Helpers of the tests that install plugins with pip into a fresh virtual environment.

Import them as ``from venvs import make_venv, run_clean`` (``tests/`` is on ``sys.path``
through the rootdir conftest).

How the new environment sees this one's packages (lexiloom, torch, pytest, pip, setuptools):
:func:`make_venv` creates it without pip and without ``--system-site-packages``, then writes a
``.pth`` file into its ``site-packages`` that calls :func:`site.addsitedir` on each site directory
of the running interpreter. ``addsitedir`` also processes those directories' own ``.pth`` files,
so an editable lexiloom is found too. This works whether the tests run inside a virtual
environment (where ``--system-site-packages`` would expose the base interpreter's packages, not
this environment's) or outside any. Packages pip installs there go into the new environment only,
and come first on its ``sys.path``. The installs run with ``--no-build-isolation --no-index``:
setuptools (>= 70.1, which builds wheels itself) comes from the test extra, nothing is downloaded.
"""

from __future__ import annotations

import os
import site
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from lexiloom import plugins

PTH_NAME = "_lexiloom_parent_site.pth"


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


def parent_site_dirs() -> list[str]:
    """The running interpreter's site directories, in ``sys.path`` order (user site included
    when it is enabled)."""
    dirs = list(site.getsitepackages())
    if site.ENABLE_USER_SITE:
        dirs.append(site.getusersitepackages())
    on_path = [entry for entry in sys.path if entry in dirs]
    return on_path + [d for d in dirs if d not in on_path and os.path.isdir(d)]


def make_venv(folder: Path) -> Path:
    """A virtual environment at ``folder`` that sees this one's packages; its python. Skips the
    test when one cannot be made."""
    made = run_clean([sys.executable, "-m", "venv", "--without-pip", str(folder)])
    python = folder / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    if made.returncode != 0 or not python.exists():
        pytest.skip(f"cannot create a virtual environment: {made.stderr.strip()[-300:]}")
    purelib = run_clean([str(python), "-c",
                         "import sysconfig; print(sysconfig.get_path('purelib'))"])
    target = Path(purelib.stdout.strip())
    if purelib.returncode != 0 or not target.is_dir():
        pytest.skip(f"the virtual environment has no site-packages: {purelib.stderr[-300:]}")
    lines = [f"import site; site.addsitedir({d!r})" for d in parent_site_dirs()]
    (target / PTH_NAME).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return python
