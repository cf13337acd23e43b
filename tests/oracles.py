"""Oracle tests: lexiloom's results compared with a reference implementation (gensim, scipy,
fastText), all three in the test extra.

Mark such a test ``@pytest.mark.oracle`` and import the reference with :func:`reference`. Without
the reference the test is skipped with a reason naming the install command; under
``LEXILOOM_REQUIRE_ORACLES=1`` (set by ``.ci/run``) the hooks below, which the conftest imports,
turn that skip into a failure, so CI cannot pass without running them. :func:`write_summary`
counts the oracle tests of the run at its end.
"""

from __future__ import annotations

import os
from collections import Counter
from types import ModuleType
from typing import Any

import pytest

REQUIRE_ORACLES_ENV = "LEXILOOM_REQUIRE_ORACLES"
INSTALL_HINT = "python3 -m pip install -c constraints.txt -e '.[test]'"


_outcomes: dict[str, str] = {}
"""nodeid -> outcome of each oracle test (its first phase that did not pass, else its call)."""


def oracles_required() -> bool:
    """Whether a skipped oracle test fails the run (``LEXILOOM_REQUIRE_ORACLES=1``)."""
    return os.environ.get(REQUIRE_ORACLES_ENV, "") == "1"


def reference(module: str) -> ModuleType:
    """The reference implementation ``module`` (e.g. ``"gensim.models"``), or a skip that says
    it is missing and how to install it."""
    return pytest.importorskip(module,
                               reason=f"oracle {module!r} is not installed ({INSTALL_HINT})")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Any:
    report = yield
    if item.get_closest_marker("oracle") is None or not report.skipped or not oracles_required():
        return report
    reason = str(report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr)
    if INSTALL_HINT in reason:  # a missing reference (reference()), not e.g. a missing corpus
        report.outcome = "failed"
        report.longrepr = (f"oracle test skipped, but {REQUIRE_ORACLES_ENV}=1 requires it to run: "
                           f"{reason}")
    return report


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if "oracle" in report.keywords and (report.when == "call" or not report.passed):
        _outcomes.setdefault(report.nodeid, report.outcome)


def write_summary(terminalreporter: Any) -> None:
    """One line: how many oracle tests passed, skipped and failed (nothing if none ran)."""
    if not _outcomes:
        return
    counts = Counter(_outcomes.values())
    listing = ", ".join(f"{counts[o]} {o}" for o in ("passed", "skipped", "failed"))
    required = " (required)" if oracles_required() else ""
    terminalreporter.write_line(f"oracle tests (gensim, scipy, fastText){required}: {listing}")
