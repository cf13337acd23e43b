"""Smoke test of ``benchmarks/classifiers.py --quick`` (skipped without ``../shared/corpora``)."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest
from oracles import reference

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "benchmarks" / "classifiers.py"
CORPORA = Path(os.environ.get("LEXILOOM_CORPORA", REPO.parent / "shared" / "corpora"))


@pytest.mark.slow
@pytest.mark.oracle
def test_quick_benchmark_prints_a_row_per_dataset_and_system(tmp_path) -> None:
    if not ((CORPORA / "sst2").is_dir() and (CORPORA / "trec").is_dir()):
        pytest.skip(f"SST-2/TREC not found under {CORPORA} (set LEXILOOM_CORPORA)")
    reference("fasttext")
    systems = ["lexiloom-lstm", "spacy-bow", "fasttext-bigrams"]
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick", "--quiet", "--corpora", str(CORPORA),
         "--systems", ",".join(systems), "--json", str(tmp_path / "r.json")],
        capture_output=True, text=True, timeout=600, check=False,
        env={**os.environ, "LEXILOOM_PLUGINS": ""})
    assert result.returncode == 0, result.stderr[-3000:]
    table = result.stdout
    assert "| dataset | system | test accuracy (mean ± sd) |" in table
    for dataset in ("sst2", "trec"):
        for system in systems:
            assert f"| {dataset} | {system} |" in table
    assert "300 train / 100 dev / 200 test" in table
    assert (tmp_path / "r.json").is_file()


def test_missing_corpora_are_reported(tmp_path) -> None:
    result = subprocess.run([sys.executable, str(SCRIPT), "--quick", "--corpora",
                             str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 2 and "no corpora" in result.stderr


def _load_benchmark(monkeypatch):
    spec = importlib.util.spec_from_file_location("classifiers_bench", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_vectors_are_frozen_and_set_options_apply_over_them(tmp_path, monkeypatch) -> None:
    bench = _load_benchmark(monkeypatch)
    seen = {}
    monkeypatch.setattr(bench, "train_and_score",
                        lambda ds, seed, out, args, **kw: seen.update(kw))
    ds = bench.Dataset("trec", {"train": []}, REPO / "configs" / "topics_multiclass.cfg",
                       "classify")
    args = bench.argparse.Namespace(quick=False, vectors="w2v.txt", set=None)
    bench.run_lexiloom(ds, "gru", 0, tmp_path, args)
    assert seen["overrides"]["embedder"] == {"name": "pretrained", "path": "w2v.txt"}
    assert seen["overrides"]["encoder"]["name"] == "gru"
    args.set = ["embedder.trainable=true", "embedder.extend_vocab=false", "head.dropout=0.5"]
    bench.run_lexiloom(ds, "gru", 0, tmp_path, args)
    assert seen["overrides"]["embedder"] == {"name": "pretrained", "path": "w2v.txt",
                                             "trainable": True, "extend_vocab": False}
    assert seen["overrides"]["head"]["dropout"] == 0.5
    assert seen["config"] == ds.config and seen["task"] == "classify"
