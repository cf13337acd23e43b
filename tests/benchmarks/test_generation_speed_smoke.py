"""Smoke test of ``benchmarks/generation_speed.py``: :func:`measure` on a tiny model reports both
speeds, and stateful generation is the faster way; the command prints its table."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import torch

from lexiloom.threads import usable_cores

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


@pytest.fixture
def generation_speed(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    import generation_speed

    return generation_speed


def test_measure_reports_both_speeds_and_stateful_is_faster(generation_speed) -> None:
    model, vocab, tokenizer = generation_speed.untrained_model("gru", 16, 1, 8)
    threads = torch.get_num_threads()
    result = generation_speed.measure(model, vocab, tokenizer, prompt="ROMEO:", new_tokens=120,
                                      repeats=2, temperature=0.8, seed=1, threads=1)
    assert torch.get_num_threads() == threads              # restored
    assert result["tokens"] == result["new_tokens"] == 120  # <eos> cannot end the text early
    assert result["threads"] == 1 and result["repeats"] == 2
    assert len(result["stateful_seconds"]) == len(result["reencoding_seconds"]) == 2
    assert result["same_text"]
    assert result["stateful_tokens_per_s"] > result["reencoding_tokens_per_s"] > 0
    assert result["speedup"] == pytest.approx(
        result["stateful_tokens_per_s"] / result["reencoding_tokens_per_s"])
    assert result["speedup"] > 1


def test_measure_refuses_a_bad_number_of_repeats(generation_speed) -> None:
    model, vocab, tokenizer = generation_speed.untrained_model("gru", 8, 1, 4)
    with pytest.raises(ValueError, match="repeats"):
        generation_speed.measure(model, vocab, tokenizer, prompt="a", repeats=0)


def test_the_benchmark_command_prints_a_table_row_per_model_and_thread_count() -> None:
    out = subprocess.run(
        [sys.executable, str(BENCHMARKS / "generation_speed.py"), "--new-tokens", "30",
         "--repeats", "1", "--model", "GRU 1×32"],
        capture_output=True, text=True, check=True, timeout=120,
    )
    assert "| model | threads | stateful (tokens/s) | re-encoding (tokens/s) | speedup |" \
        in out.stdout
    assert f"| GRU 1×32 | {usable_cores()} |" in out.stdout  # the shipped default thread count
    assert "LSTM" not in out.stdout
