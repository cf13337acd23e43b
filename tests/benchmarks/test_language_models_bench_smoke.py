"""Smoke test of ``benchmarks/language_models.py --quick --only shakespeare`` on a small text
written here (the real one is ``tinyshakespeare/input.txt`` under ``$LEXILOOM_CORPORA``): every
row of the benchmark is produced, the character bigram baseline included."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "language_models.py"
LINES = ["ROMEO: what light through yonder window breaks?", "JULIET: a rose by any other name",
         "MERCUTIO: a plague on both your houses!", "NURSE: good even, gentlemen."]


def test_quick_benchmark_runs_every_system_and_the_bigram_baseline(tmp_path):
    folder = tmp_path / "tinyshakespeare"
    folder.mkdir()
    rng = random.Random(0)
    text = "\n".join(rng.choice(LINES) for _ in range(1500)) + "\n"
    (folder / "input.txt").write_text(text, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick", "--only", "shakespeare", "--skip-generation",
         "--threads", "1", "--json", str(tmp_path / "rows.json")],
        capture_output=True, text=True, timeout=600, check=False,
        env={**os.environ, "LEXILOOM_CORPORA": str(tmp_path)})
    assert result.returncode == 0, result.stderr[-3000:] + result.stdout[-2000:]
    rows = json.loads((tmp_path / "rows.json").read_text(encoding="utf-8"))
    systems = [row["system"] for row in rows]
    assert any(s.startswith("spacy train") for s in systems)
    assert any(s.startswith("lexiloom train (") for s in systems)
    assert any(s.startswith("reference loop") for s in systems)
    assert systems.count("character bigram counts") == 2
    assert any("defaults" in s for s in systems)
    bigram = next(r for r in rows if r["system"] == "character bigram counts")
    assert 0.0 < bigram["dev_loss"] < 5.0
    assert "throughput_ratio" in next(r for r in rows if r["system"].startswith("lexiloom train"))
