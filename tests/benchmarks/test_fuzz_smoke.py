"""Smoke test of ``benchmarks/fuzz.py``: a short run of two targets reports them clean, and
the harness reports an exception that is not a LexiloomError (and a hang) as a finding."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import time
from pathlib import Path

from hypothesis import strategies as st

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "benchmarks" / "fuzz.py"


def _module():
    spec = importlib.util.spec_from_file_location("fuzz_script", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module          # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_a_short_run_reports_each_target(tmp_path):
    out = tmp_path / "fuzz.json"
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--seconds", "1", "--targets",
         "tokenizer:whitespace,reader:jsonl,loader:manifest", "--json", str(out)],
        capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    rows = json.loads(out.read_text())
    assert [r["target"] for r in rows] == ["tokenizer:whitespace", "reader:jsonl",
                                           "loader:manifest"]
    assert all(r["inputs"] > 10 and r["findings"] == [] for r in rows)
    assert rows[1]["documented_errors"] > 0          # damaged JSONL is answered, not crashed on


def test_an_undocumented_exception_is_a_finding():
    fuzz = _module()

    def run(text: str) -> None:
        if "x" in text:
            raise KeyError(text)

    result = fuzz.fuzz(fuzz.Target("bad", st.text(alphabet="abx"), run), seconds=30,
                       input_seconds=5, first_seed=0)
    assert len(result.findings) == 1 and "KeyError" in result.findings[0]


def test_a_documented_error_is_not_a_finding_and_a_hang_is():
    from lexiloom.errors import CorpusError

    fuzz = _module()

    def documented(text: str) -> None:
        raise CorpusError("bad corpus")

    clean = fuzz.fuzz(fuzz.Target("ok", st.text(), documented), seconds=0.5, input_seconds=5,
                      first_seed=0)
    assert clean.findings == [] and clean.documented_errors == clean.inputs > 0

    def hang(text: str) -> None:
        time.sleep(10)

    slow = fuzz.fuzz(fuzz.Target("slow", st.just(""), hang), seconds=0.1, input_seconds=0.2,
                     first_seed=0)
    assert len(slow.findings) == 1 and "longer than 0.2 s" in slow.findings[0]
