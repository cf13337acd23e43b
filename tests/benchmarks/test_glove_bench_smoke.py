"""Smoke test of ``benchmarks/glove.py --quick`` on a tiny generated corpus."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "glove.py"


def test_quick_glove_benchmark_prints_timing_memory_and_quality_rows(tmp_path):
    rnd = random.Random(0)
    words = ["king", "queen", "man", "woman", "boy", "girl", "paris", "france", "rome", "italy"]
    corpus = tmp_path / "tiny.txt"
    corpus.write_text("\n".join(" ".join(rnd.choice(words) for _ in range(12))
                                for _ in range(300)) + "\n", encoding="utf-8")
    analogies = tmp_path / "analogies.txt"
    analogies.write_text(": capitals\nparis france rome italy\nking queen man woman\n",
                         encoding="utf-8")
    pairs = tmp_path / "pairs.tsv"
    pairs.write_text("king\tqueen\t8.0\nman\twoman\t7.5\nparis\tboy\t1.0\nrome\tgirl\t0.5\n",
                     encoding="utf-8")
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick", "--corpus", str(corpus), "--workers", "1",
         "--analogies", str(analogies), "--pairs", str(pairs)],
        capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    table = result.stdout
    assert "| metric | lexiloom GloVe |" in table
    for row in ("counting wall s", "training wall s", "peak RSS MB", "analogy accuracy",
                "WordSim353 Spearman"):
        assert f"| {row}" in table
    assert "tiny.txt` (3,600 words)" in table and "epochs=2" in table
    assert "Machine:" in table


def test_missing_corpus_is_reported_without_a_traceback(tmp_path):
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick", "--corpus", str(tmp_path / "none.txt")],
        capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 2
    assert "not found" in result.stderr and "Traceback" not in result.stderr
