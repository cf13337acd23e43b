"""Smoke test of ``benchmarks/example_encoders.py`` on a tiny slice, with the example plugin
"installed" for the subprocess through a fake dist-info on ``PYTHONPATH`` (no pip)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from fakedist import write_fake_dist

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "benchmarks" / "example_encoders.py"
EXAMPLE_DIR = REPO / "plugins" / "examples" / "lexiloom-example"
CORPORA = Path(os.environ.get("LEXILOOM_CORPORA", REPO.parent / "shared" / "corpora"))


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True,
                          timeout=300, check=False, env={**os.environ, **env})


def _with_example_plugin(tmp_path: Path) -> dict[str, str]:
    dist = write_fake_dist(tmp_path / "dists", "lexiloom-example", {}, version="0.1.0",
                           entry_points={"example": "lexiloom_example"})
    path = os.pathsep.join([str(dist.root), str(EXAMPLE_DIR), os.environ.get("PYTHONPATH", "")])
    return {"PYTHONPATH": path, "LEXILOOM_PLUGINS": "example"}


def test_quick_example_benchmark_prints_cnn_beside_lstm(tmp_path) -> None:
    if not (CORPORA / "sst2").is_dir():
        pytest.skip(f"SST-2 not found under {CORPORA} (set LEXILOOM_CORPORA)")
    result = _run(["--quick", "--quiet", "--corpora", str(CORPORA), "--datasets", "sst2",
                   "--encoders", "cnn,lstm", "--limit", "40", "--max-steps", "3",
                   "--json", str(tmp_path / "r.json")], _with_example_plugin(tmp_path))
    assert result.returncode == 0, result.stderr[-3000:]
    assert "| dataset | system | test accuracy (mean ± sd) |" in result.stdout
    for system in ("lexiloom-cnn", "lexiloom-lstm"):
        assert f"| sst2 | {system} |" in result.stdout
    assert "40 train / 40 dev / 40 test" in result.stdout
    results = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["results"]
    assert 0.0 <= results["sst2"]["lexiloom-cnn"]["accuracy_mean"] <= 1.0


def test_example_benchmark_without_the_plugin_says_how_to_install_it(tmp_path) -> None:
    (tmp_path / "sst2").mkdir()
    result = _run(["--quick", "--corpora", str(tmp_path)], {"LEXILOOM_PLUGINS": ""})
    assert result.returncode == 2
    assert "pip install -e plugins/examples/lexiloom-example" in result.stderr


def test_example_benchmark_without_corpora_is_reported(tmp_path) -> None:
    result = _run(["--quick", "--corpora", str(tmp_path)], {"LEXILOOM_PLUGINS": ""})
    assert result.returncode == 2 and "no corpora" in result.stderr
