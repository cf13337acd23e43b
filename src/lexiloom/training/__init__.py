"""Training spaCy text classifiers with lexiloom's resumable loop.

>>> from lexiloom.training import TrainConfig, train
>>> result = train(TrainConfig(train="sentiment/train", dev="sentiment/dev", task="sentiment",
...                            epochs=3), out_dir="out")            # doctest: +SKIP
>>> result.best_score, result.model_best                            # doctest: +SKIP

Importing this package is cheap; spaCy and torch load when :func:`train` runs.
"""

from __future__ import annotations

from lexiloom.training.api import train
from lexiloom.training.config import TrainConfig
from lexiloom.training.outputs import TrainResult

__all__ = ["TrainConfig", "TrainResult", "train"]
