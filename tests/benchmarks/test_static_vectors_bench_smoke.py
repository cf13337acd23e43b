"""Smoke test of ``benchmarks/static_vectors.py --quick`` on a small SST-2-style corpus written
here (the real one is ``sst2/`` under ``$LEXILOOM_CORPORA``)."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "static_vectors.py"
GOOD = ["a warm funny film", "a moving and lovely story", "great acting and a fine script"]
BAD = ["a dull boring film", "a tedious and flat story", "bad acting and a weak script"]


def write_sst(folder: Path, rows: int) -> None:
    folder.mkdir()
    rng = random.Random(0)
    for split in ("train", "dev", "test"):
        lines = [f"1 {rng.choice(GOOD)}" if i % 2 else f"0 {rng.choice(BAD)}"
                 for i in range(rows)]
        (folder / f"stsa.binary.{split}").write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_quick_benchmark_prints_both_systems_and_the_gain(tmp_path):
    write_sst(tmp_path / "sst2", 40)
    result = subprocess.run([sys.executable, str(SCRIPT), "--quick", "--quiet", "--corpora",
                             str(tmp_path), "--threads", "1", "--json",
                             str(tmp_path / "r.json")],
                            capture_output=True, text=True, timeout=280, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    for row in ("| from scratch |", "| static vectors |", "| **gain (points, dev)** |"):
        assert row in result.stdout
    runs = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert set(runs) == {"from scratch", "static vectors"}
    assert all(0.0 <= r["dev_last"] <= 1.0 for rs in runs.values() for r in rs)


def test_missing_corpus_is_one_line_and_exit_2(tmp_path):
    result = subprocess.run([sys.executable, str(SCRIPT), "--corpora", str(tmp_path)],
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 2 and "SST-2 not found" in result.stderr
