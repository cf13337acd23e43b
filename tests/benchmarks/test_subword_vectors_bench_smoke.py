"""Smoke test of ``benchmarks/subword_vectors.py --quick`` on a tiny generated corpus."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import pytest
from oracles import reference

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "subword_vectors.py"


@pytest.mark.oracle
def test_quick_benchmark_prints_speed_and_rare_pair_quality_for_the_three_systems(tmp_path):
    reference("gensim")
    reference("fasttext")
    reference("scipy")
    rnd = random.Random(0)
    words = ["king", "queen", "man", "woman", "boy", "girl", "money", "bank", "tiger", "cat"]
    lines = [" ".join(rnd.choice(words) for _ in range(12)) for _ in range(300)]
    corpus = tmp_path / "tiny.txt"
    corpus.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick", "--corpus", str(corpus), "--threads", "1"],
        capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    for system in ("lexiloom-fasttext", "fasttext", "lexiloom-word2vec"):
        assert f"| {system} |" in result.stdout
    assert "words/s ratio lexiloom-fasttext / fasttext" in result.stdout
    assert "3,600 words (tiny.txt), 1 epochs" in result.stdout
