"""What a training run leaves in its output folder: :class:`TrainResult`, ``metrics.jsonl`` (one
line per evaluation), ``checkpoints/``, ``training.json`` and ``config.cfg`` (the loop itself is
spaCy's: :mod:`lexiloom.training.spacy_loop`)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lexiloom import atomic
from lexiloom.training import checkpoint
from lexiloom.training.pipeline import BEST, LAST

METRICS = "metrics.jsonl"
CHECKPOINTS = "checkpoints"


@dataclass
class TrainResult:
    """What :func:`lexiloom.training.train` did."""

    out_dir: Path
    steps: int
    epochs: int
    best_score: float | None
    best_step: int | None
    scores: Any
    stopped_early: bool
    resumed_from: int | None = None
    seconds: float = 0.0
    train_seconds: float = 0.0
    """Wall-clock time of the training steps (evaluation excluded; checkpoints included)."""
    items: int = 0
    """Documents (classifiers) or tokens (language models) trained on, over all steps."""
    metric: str = "accuracy"
    history: list[dict[str, Any]] = field(default_factory=list)

    @property
    def model_best(self) -> Path:
        """The pipeline with the best dev score."""
        return self.out_dir / BEST

    @property
    def model_last(self) -> Path:
        """The pipeline after the last step."""
        return self.out_dir / LAST


def start_run(out_dir: Path, settings: dict[str, Any], config_text: str) -> None:
    """Prepare ``out_dir`` for a fresh run: drop the metrics and checkpoints of an earlier one,
    write ``training.json`` (``settings``) and ``config.cfg`` (``config_text``)."""
    (out_dir / METRICS).unlink(missing_ok=True)
    checkpoint.prune(out_dir / CHECKPOINTS, 0)
    atomic.write_text(out_dir / "training.json", json.dumps(settings, indent=2))
    atomic.write_text(out_dir / "config.cfg", config_text)


def truncate_metrics(out_dir: Path, step: int) -> None:
    """Drop the metrics lines written after ``step`` (they are recomputed on resume)."""
    path = out_dir / METRICS
    if not path.is_file():
        return
    kept = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            if json.loads(line).get("step", 0) <= step:
                kept.append(line)
        except json.JSONDecodeError:
            continue
    atomic.write_text(path, "".join(f"{line}\n" for line in kept))


__all__ = ["CHECKPOINTS", "METRICS", "TrainResult", "start_run", "truncate_metrics"]
