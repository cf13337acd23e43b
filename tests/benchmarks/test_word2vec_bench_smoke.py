"""Smoke test of ``benchmarks/word2vec_vs_gensim.py --quick`` on a tiny generated corpus."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import pytest
from oracles import reference

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "word2vec_vs_gensim.py"


@pytest.mark.oracle
def test_quick_benchmark_prints_a_table_with_ratios_for_cbow_and_skip_gram(tmp_path):
    reference("gensim")
    rnd = random.Random(0)
    words = ["king", "queen", "man", "woman", "boy", "girl", "paris", "france", "rome", "italy"]
    lines = [" ".join(rnd.choice(words) for _ in range(12)) for _ in range(300)]
    corpus = tmp_path / "tiny.txt"
    corpus.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick", "--corpus", str(corpus), "--workers", "1"],
        capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    table = result.stdout
    assert "| mode | tool | words/s |" in table
    for mode in ("cbow", "sg"):
        assert f"| {mode} | lexiloom |" in table
        assert f"| {mode} | gensim |" in table
        assert f"| {mode} | **ratio lexiloom/gensim** |" in table
    assert "3,600 words (tiny.txt), 1 epochs" in table


def test_missing_corpus_is_reported(tmp_path):
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick", "--corpus", str(tmp_path / "none.txt")],
        capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode != 0
    assert "not found" in result.stderr
