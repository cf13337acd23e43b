"""CI cannot pass with an oracle test skipped: under ``LEXILOOM_REQUIRE_ORACLES=1`` the skip of an
``@pytest.mark.oracle`` test is a failure, and the summary counts the oracle tests."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from oracles import REQUIRE_ORACLES_ENV
from venvs import clean_env

TESTS = Path(__file__).resolve().parent

SUITE = '''
import pytest
from oracles import reference


@pytest.mark.oracle
def test_compares_with_a_missing_reference():
    reference("lexiloom_no_such_reference_module")


@pytest.mark.oracle
def test_compares_with_an_installed_reference():
    assert reference("json").dumps(1) == "1"


@pytest.mark.oracle
def test_compares_on_a_missing_corpus():
    pytest.skip("corpus not found (set LEXILOOM_CORPORA)")


def test_ordinary_skip():
    pytest.skip("not an oracle")
'''

CONFTEST = f'''
import sys
sys.path.insert(0, {str(TESTS)!r})
from oracles import pytest_runtest_logreport, pytest_runtest_makereport, write_summary


def pytest_terminal_summary(terminalreporter):
    write_summary(terminalreporter)
'''


def run_suite(tmp_path: Path, required: bool) -> subprocess.CompletedProcess[str]:
    (tmp_path / "test_suite.py").write_text(SUITE, encoding="utf-8")
    (tmp_path / "conftest.py").write_text(textwrap.dedent(CONFTEST), encoding="utf-8")
    (tmp_path / "pytest.ini").write_text("[pytest]\nmarkers =\n    oracle: x\n", encoding="utf-8")
    env = clean_env()
    env.pop(REQUIRE_ORACLES_ENV, None)
    if required:
        env[REQUIRE_ORACLES_ENV] = "1"
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:randomly",
                           "-p", "no:cacheprovider", "-rs", str(tmp_path)], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120, env=env)


def test_a_skipped_oracle_test_fails_when_oracles_are_required(tmp_path):
    result = run_suite(tmp_path, required=True)
    assert result.returncode == 1, result.stdout
    assert "1 failed, 1 passed, 2 skipped" in result.stdout  # a missing corpus stays a skip
    assert f"{REQUIRE_ORACLES_ENV}=1 requires it to run" in result.stdout
    assert "'lexiloom_no_such_reference_module' is not installed" in result.stdout
    assert "oracle tests (gensim, scipy, fastText) (required): 1 passed, 1 skipped, 1 failed" \
        in result.stdout


def test_without_the_requirement_the_skip_is_reported_with_its_fix(tmp_path):
    result = run_suite(tmp_path, required=False)
    assert result.returncode == 0, result.stdout
    assert "1 passed, 3 skipped" in result.stdout
    assert "pip install -c constraints.txt -e '.[test]'" in result.stdout
    assert "oracle tests (gensim, scipy, fastText): 1 passed, 2 skipped, 0 failed" in result.stdout
