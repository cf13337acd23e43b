"""The example plugin is a real distribution: pip installs it into a fresh virtual environment
(beside the lexiloom of this one) and its own test suite passes there."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from venvs import make_venv, run_clean

pytestmark = pytest.mark.slow

EXAMPLE = Path(__file__).resolve().parents[2] / "plugins" / "examples" / "lexiloom-example"


def test_example_plugin_installs_with_pip_and_passes_its_own_tests(tmp_path) -> None:
    python = make_venv(tmp_path / "venv")
    source = tmp_path / "lexiloom-example"
    shutil.copytree(EXAMPLE, source, ignore=shutil.ignore_patterns("*.egg-info", "build",
                                                                    "__pycache__"))
    installed = run_clean([str(python), "-m", "pip", "install", "-q", "--no-deps",
                           "--no-build-isolation", "--no-index", str(source)])
    assert installed.returncode == 0, installed.stdout + installed.stderr
    listed = run_clean([str(python), "-c", "from lexiloom.cli import main; main()", "plugins",
                        "--json"], cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    assert '"lexiloom-example"' in listed.stdout
    (tmp_path / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    tests = run_clean([str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", "-c",
                       str(tmp_path / "pytest.ini"), "--rootdir", str(tmp_path),
                       str(source / "tests")], cwd=tmp_path)
    assert tests.returncode == 0, tests.stdout[-4000:] + tests.stderr[-2000:]
    assert " passed" in tests.stdout and "skipped" not in tests.stdout, tests.stdout[-2000:]
