"""The import layers of ``.importlinter`` (docs/architecture.md, "Boundaries"): the source keeps
them, and the contracts do catch an upward import and a cycle inside a package.

Each check runs ``lint-imports`` in a subprocess on a source tree put first on ``PYTHONPATH``
(grimp finds the package the way Python would import it): the checkout's ``src/``, or a copy of
``lexiloom`` with one bad import added.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("importlinter", reason="import-linter is not installed (pip install -e "
                    "'.[test]' installs it)")

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / ".importlinter"
SOURCE = ROOT / "src" / "lexiloom"
LINT_IMPORTS = ("import sys; from importlinter.cli import lint_imports_command; "
                "sys.exit(lint_imports_command())")


def lint_imports(src: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``lint-imports`` with the project's contracts over the package ``lexiloom`` under ``src``."""
    env = {**os.environ, "COLUMNS": "200", "PYTHONPATH": os.pathsep.join(
        [str(src), *filter(None, [os.environ.get("PYTHONPATH")])])}
    return subprocess.run(
        [sys.executable, "-c", LINT_IMPORTS, "--no-cache", "--no-logo", str(CONFIG)],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=120, check=False)


def copy_with(tmp_path: Path, module: str, line: str) -> Path:
    """A copy of ``src/lexiloom`` whose ``module`` (a path under it) ends with ``line``."""
    src = tmp_path / "src"
    shutil.copytree(SOURCE, src / "lexiloom", ignore=shutil.ignore_patterns("__pycache__"))
    with open(src / "lexiloom" / module, "a", encoding="utf-8") as fh:
        fh.write(f"\n{line}\n")
    return src


def test_the_source_keeps_every_contract(tmp_path: Path) -> None:
    result = lint_imports(ROOT / "src", tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_an_upward_import_breaks_the_layers_contract(tmp_path: Path) -> None:
    src = copy_with(tmp_path, "vocab.py", "import lexiloom.cli  # the data layer reaching up")
    result = lint_imports(src, tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Imports flow down the layers, from the command line to the core BROKEN" in result.stdout
    assert "lexiloom.vocab is not allowed to import lexiloom.cli" in result.stdout


def test_a_cycle_inside_a_layer_breaks_the_acyclic_contract(tmp_path: Path) -> None:
    # training.api imports training.pipeline; the reverse import closes a cycle inside the
    # training package, which the layers contract alone allows.
    src = copy_with(tmp_path, "training/pipeline.py", "import lexiloom.training.api")
    result = lint_imports(src, tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "No import cycles inside any package of lexiloom BROKEN" in result.stdout
    assert "No cycles are allowed in lexiloom.training." in result.stdout
    assert "is not allowed to import" not in result.stdout  # the layers contract is kept
