"""Smoke test of ``benchmarks/inference.py --quick`` (skipped without ``../shared/corpora``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "benchmarks" / "inference.py"
CORPORA = Path(os.environ.get("LEXILOOM_CORPORA", REPO.parent / "shared" / "corpora"))


@pytest.mark.slow
def test_quick_protocol_measures_both_pipelines_and_the_int8_copy(tmp_path) -> None:
    if not (CORPORA / "sst2").is_dir():
        pytest.skip(f"SST-2 not found under {CORPORA} (set LEXILOOM_CORPORA)")
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick", "--quantize", "--threads", "1", "--corpora",
         str(CORPORA), "--json", str(tmp_path / "r.json")],
        capture_output=True, text=True, timeout=600, check=False,
        env={**os.environ, "LEXILOOM_PLUGINS": ""})
    assert result.returncode == 0, result.stderr[-3000:]
    for name in ("lexiloom", "spacy-bow", "lexiloom-int8"):
        assert f"| {name} |" in result.stdout
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert report["docs"] >= 400 and all(rate > 0 for rate in report["rates"].values())


def test_missing_corpora_are_reported(tmp_path) -> None:
    result = subprocess.run([sys.executable, str(SCRIPT), "--quick", "--corpora", str(tmp_path)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2 and "no corpora" in result.stderr
