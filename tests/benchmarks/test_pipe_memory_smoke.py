"""Smoke test of ``benchmarks/pipe_memory.py``: a short stream through ``nlp.pipe`` reports
its RSS samples, and memory does not grow with the number of documents."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "pipe_memory.py"


@pytest.mark.slow
def test_memory_stays_flat_over_a_short_stream():
    result = subprocess.run([sys.executable, str(SCRIPT), "--docs", "12000", "--every", "2000",
                             "--json"], capture_output=True, text=True, timeout=600, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout)
    assert report["docs"] == 12000 and len(report["samples"]) >= 6
    assert report["rss_end_mb"] - report["rss_start_mb"] < 50, report["samples"]
