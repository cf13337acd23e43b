"""Smoke test of ``benchmarks/threads.py --quick``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "threads.py"


def test_quick_benchmark_prints_a_row_with_speeds():
    result = subprocess.run([sys.executable, str(SCRIPT), "--quick"], capture_output=True,
                            text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    rows = [line for line in result.stdout.splitlines() if line.startswith("| 0 | 1 |")]
    assert len(rows) == 1, result.stdout
    cells = [c.strip() for c in rows[0].strip("|").split("|")]
    assert float(cells[2]) > 0 and cells[3] == "1.00"
    assert float(cells[4].replace(",", "")) > 0 and cells[5] == "1.00"
    assert "usable cores" in result.stdout


def test_bad_arguments_are_refused():
    result = subprocess.run([sys.executable, str(SCRIPT), "--threads", "0"], capture_output=True,
                            text=True, timeout=60, check=False)
    assert result.returncode == 2 and "must be positive" in result.stderr
