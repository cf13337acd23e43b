"""Acceptance: every kind ``lexiloom plugin new`` generates installs with pip and passes its own
tests, and those tests fail once the plugin's ``@lexiloom.hookimpl`` is removed.

One virtual environment for the module (``--system-site-packages``: lexiloom, torch and pytest
come from this environment), every kind installed into it at once, and each phase (as generated,
then with the hook markers deleted) one pytest subprocess over all generated test suites, with
``LEXILOOM_PLUGINS`` unset. Results are read per plugin from a JUnit XML report.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from venvs import make_venv, run_clean

from lexiloom.scaffold import KINDS, new_plugin, plugin_names

pytestmark = pytest.mark.slow

HOOK_MARKER = "@lexiloom.hookimpl\n"


@dataclass
class Workspace:
    root: Path
    python: Path
    plugins: dict[str, Path]
    """kind -> the generated distribution folder."""


@dataclass
class Outcome:
    passed: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


@dataclass
class Run:
    outcomes: dict[str, Outcome]
    output: str

    def of(self, kind: str) -> Outcome:
        return self.outcomes.get(kind, Outcome())


def plugin_name(kind: str) -> str:
    return f"accept-{kind}"


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    root = tmp_path_factory.mktemp("generated-plugins")
    python = make_venv(root / "venv")
    if run_clean([str(python), "-m", "pip", "--version"]).returncode != 0:
        pytest.skip("pip is not importable from the virtual environment")
    source = root / "src"
    generated = {kind: new_plugin(plugin_name(kind), kind, source) for kind in KINDS}
    editable = [arg for folder in generated.values() for arg in ("-e", str(folder))]
    installed = run_clean([str(python), "-m", "pip", "install", "-q", "--no-deps",
                           "--no-build-isolation", "--no-index", *editable])
    assert installed.returncode == 0, installed.stdout + installed.stderr
    (root / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    return Workspace(root, python, generated)


def run_generated_tests(ws: Workspace, label: str) -> Run:
    """Run every generated test suite in one pytest subprocess of the venv."""
    report = ws.root / f"{label}.xml"
    result = run_clean(
        [str(ws.python), "-m", "pytest", "-p", "no:cacheprovider", "-q", "-c",
         str(ws.root / "pytest.ini"), "--rootdir", str(ws.root), f"--junitxml={report}",
         *(str(folder / "tests") for folder in ws.plugins.values())],
        cwd=ws.root,
    )
    output = result.stdout[-6000:] + result.stderr[-2000:]
    assert report.exists(), output
    modules = {f"test_{plugin_names(plugin_name(kind)).identifier}": kind for kind in KINDS}
    outcomes: dict[str, Outcome] = {}
    for case in ET.parse(report).iter("testcase"):
        module = case.get("classname", "").rsplit(".", 1)[-1]
        kind = modules.get(module)
        assert kind is not None, f"unexpected test module {module!r}"
        outcome = outcomes.setdefault(kind, Outcome())
        failed = any(child.tag in ("failure", "error") for child in case)
        skipped = any(child.tag == "skipped" for child in case)
        assert not skipped, f"{module}::{case.get('name')} was skipped:\n{output}"
        (outcome.failed if failed else outcome.passed).append(case.get("name", ""))
    return Run(outcomes, output)


@pytest.fixture(scope="module")
def as_generated(workspace: Workspace) -> Run:
    return run_generated_tests(workspace, "as-generated")


@pytest.fixture(scope="module")
def without_hookimpl(workspace: Workspace, as_generated: Run) -> Run:
    """The same suites after deleting each plugin's ``@lexiloom.hookimpl`` line (in place: the
    plugins are installed editable), so this runs after ``as_generated``."""
    for kind, folder in workspace.plugins.items():
        init = folder / plugin_names(plugin_name(kind)).package / "__init__.py"
        source = init.read_text(encoding="utf-8")
        assert source.count(HOOK_MARKER) == 1
        init.write_text(source.replace(HOOK_MARKER, ""), encoding="utf-8")
    return run_generated_tests(workspace, "without-hookimpl")


@pytest.mark.parametrize("kind", KINDS)
def test_generated_plugin_installed_with_pip_passes_its_own_tests(kind, as_generated):
    outcome = as_generated.of(kind)
    assert outcome.failed == [], as_generated.output
    assert len(outcome.passed) >= 3, as_generated.output
    assert any("registers_its" in name for name in outcome.passed)


@pytest.mark.parametrize("kind", KINDS)
def test_generated_plugin_tests_fail_once_its_hookimpl_is_removed(kind, without_hookimpl):
    outcome = without_hookimpl.of(kind)
    assert outcome.failed, f"{kind}: no test failed without the hook marker\n" + (
        without_hookimpl.output)
    assert any("registers_its" in name for name in outcome.failed)
