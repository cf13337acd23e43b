"""Smoke test of ``benchmarks/reader_streaming.py`` at ~5 MB: it runs, counts every record and the
reading process stays far below the 200 MB memory goal."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "reader_streaming.py"
PEAK_RSS_LIMIT_MB = 200


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_reader_streaming_benchmark_counts_records_within_the_memory_goal(
        tmp_path: Path, fmt: str) -> None:
    out = subprocess.run(
        [sys.executable, str(SCRIPT), "--size-mb", "5", "--format", fmt, "--json", "--keep",
         "--dir", str(tmp_path)],
        capture_output=True, text=True, check=True, timeout=300,
    )
    row = json.loads(out.stdout)["rows"][0]
    path = Path(row["path"])
    data_lines = path.read_bytes().count(b"\n") - (1 if fmt == "csv" else 0)  # csv: header
    assert row["records"] == row["written"] == data_lines > 0
    assert 4.5 < path.stat().st_size / 1e6 < 5.5
    assert 0 < row["baseline_rss_mb"] <= row["peak_rss_mb"] < PEAK_RSS_LIMIT_MB


def test_reader_streaming_benchmark_prints_a_table(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, str(SCRIPT), "--size-mb", "0.2", "--format", "text", "--dir",
         str(tmp_path)],
        capture_output=True, text=True, check=True, timeout=300,
    )
    assert "| format | file size | records | seconds | MB/s | peak RSS (MB)" in out.stdout
    assert "| text |" in out.stdout
    assert list(tmp_path.iterdir()) == []  # generated files are removed without --keep
