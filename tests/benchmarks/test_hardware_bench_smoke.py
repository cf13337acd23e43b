"""Smoke test of ``benchmarks/hardware.py --quick``: the three limits, positive numbers."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "hardware.py"


def test_quick_run_prints_flops_bandwidth_and_random_rows_for_one_thread():
    result = subprocess.run([sys.executable, str(SCRIPT), "--quick", "--threads", "1"],
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    match = re.fullmatch(r"1 thread\(s\): peak (\d+) GFLOP/s .*memory ([\d.]+) GB/s .*random "
                         r"rows ([\d.]+) M/s .*\n", result.stdout)
    assert match, result.stdout
    assert all(float(x) > 0 for x in match.groups())
