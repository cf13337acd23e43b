"""What the benchmark scripts share: where the public corpora are, the machine line under each
table, and ``mean ± sd`` cells. Scripts run as ``python benchmarks/NAME.py``, so this module is
importable as ``common``."""

from __future__ import annotations

import os
import platform
import statistics
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def corpora_root() -> Path:
    """``$LEXILOOM_CORPORA``, else ``../shared/corpora`` beside the repository."""
    return Path(os.environ.get("LEXILOOM_CORPORA", REPO.parent / "shared" / "corpora"))


def corpus_path(option: str | None, default: str) -> Path:
    """The corpus file: the ``--corpus`` option if given, else ``default`` under the root."""
    return Path(option) if option else corpora_root() / default


def cpu_model() -> str:
    """The CPU's model name (from /proc/cpuinfo where there is one)."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def mean_sd(values: list[float], fmt: str) -> str:
    """``mean ± sd`` over runs (just the value for one run or equal values)."""
    mean = statistics.fmean(values)
    sd = statistics.stdev(values) if len(values) > 1 else 0.0
    text = fmt.format(mean)
    return text if sd == 0 else f"{text} ± {fmt.format(sd)}"
