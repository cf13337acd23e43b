"""A trained pipeline saved by the trainer loads with spacy.load and predicts the same."""

from __future__ import annotations

import spacy
from conftest import TINY
from small_corpora import small

from lexiloom.training import TrainConfig, train
from lexiloom.training.pipeline import load_pipeline, resolve_model_dir

TEXTS = ["The battery died after a week.", "Lovely staff and a quiet room.", ""]


def test_model_best_round_trips_with_identical_predictions(tmp_path) -> None:
    out = tmp_path / "out"
    result = train(TrainConfig(train=small("topics/train"), dev=small("topics/dev"), epochs=1,
                               batch_size=32,
                               **TINY), out_dir=out, progress=False)
    assert resolve_model_dir(out) == result.model_best
    first = load_pipeline(out)
    again = spacy.load(result.model_best)
    resaved = tmp_path / "resaved"
    again.to_disk(resaved)
    third = spacy.load(resaved)
    for a, b, c in zip(first.pipe(TEXTS), again.pipe(TEXTS), third.pipe(TEXTS), strict=True):
        assert a.cats == b.cats == c.cats
        assert sorted(a.cats) == ["finance", "food", "science", "sport", "travel"]
