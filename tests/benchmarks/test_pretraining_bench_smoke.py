"""Smoke test of ``benchmarks/pretraining.py --quick`` (skipped without ``../shared/corpora``):
pretraining on a slice of WikiText-2, then the defaults from scratch and from it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "benchmarks" / "pretraining.py"
CORPORA = Path(os.environ.get("LEXILOOM_CORPORA", REPO.parent / "shared" / "corpora"))


@pytest.mark.slow
def test_quick_pretraining_benchmark_reports_every_system(tmp_path) -> None:
    if not all((CORPORA / name).is_dir() for name in ("wikitext-2", "sst2", "trec")):
        pytest.skip(f"WikiText-2/SST-2/TREC not found under {CORPORA} (set LEXILOOM_CORPORA)")
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick", "--corpora", str(CORPORA), "--datasets",
         "trec", "--systems", "lexiloom,lexiloom-pretrained,lexiloom-vectors", "--threads", "1"],
        capture_output=True, text=True, timeout=600, check=False,
        env={**os.environ, "LEXILOOM_PLUGINS": ""})
    assert result.returncode == 0, result.stderr[-3000:]
    assert "pretraining (language model): " in result.stdout
    assert "21 updates" in result.stdout
    assert "pretraining (word vectors): " in result.stdout
    for system in ("lexiloom", "lexiloom-pretrained", "lexiloom-vectors"):
        assert f"| trec | {system} |" in result.stdout


def test_missing_text_is_reported(tmp_path) -> None:
    result = subprocess.run([sys.executable, str(SCRIPT), "--corpora", str(tmp_path)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2 and "wiki.train.tokens not found" in result.stdout
