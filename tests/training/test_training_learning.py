"""The trainer learns: it beats the majority class on held-out data, and a control trained on
shuffled labels stays near chance. With ``../shared/corpora`` present, an SST-2 slice beats a
stated threshold."""

from __future__ import annotations

import json
import os
import random
from collections import Counter
from pathlib import Path

import pytest
from conftest import TINY
from small_corpora import small

from lexiloom.corpora import read_corpus
from lexiloom.evaluation import evaluate
from lexiloom.training import TrainConfig, train

LEARN = {"embedder": {"name": "trainable", "dim": 32},
         "encoder": {"name": "lstm", "hidden_size": 32}}
REPO = Path(__file__).resolve().parents[2]


def _train_topics(tmp_path: Path, train_path: str, dev_path: str, name: str) -> float:
    out = tmp_path / name
    train(TrainConfig(train=train_path, dev=dev_path, task="classify", epochs=8, batch_size=16,
                      lr=0.01, seed=0, patience=0, **LEARN), out_dir=out, progress=False)
    (scores,) = evaluate(out, small("topics/test")).values()
    return scores.accuracy


def _majority(split: str) -> float:
    counts = Counter(r.labels[0] for r in read_corpus(split))
    return max(counts.values()) / sum(counts.values())


def _shuffled(split: str, path: Path, seed: int) -> str:
    records = list(read_corpus(split))
    labels = [r.labels[0] for r in records]
    random.Random(seed).shuffle(labels)
    path.write_text("".join(json.dumps({"text": r.text, "label": lb}) + "\n"
                            for r, lb in zip(records, labels, strict=True)), encoding="utf-8")
    return str(path)


@pytest.mark.slow
def test_classifier_beats_majority_class_and_shuffled_label_control_does_not(tmp_path) -> None:
    majority = _majority(small("topics/test"))  # 0.2: five balanced topics
    real = _train_topics(tmp_path, small("topics/train"), small("topics/dev"), "real")
    control = _train_topics(tmp_path, _shuffled(small("topics/train"), tmp_path / "t.jsonl", 1),
                            _shuffled(small("topics/dev"), tmp_path / "d.jsonl", 2), "control")
    # 50 test texts: a binomial sd of about 0.057 around chance, so +0.15 is over 2.5 sd
    assert real >= majority + 0.15, (real, majority)
    assert control <= majority + 0.12, (control, majority)
    assert real - control >= 0.1, (real, control)


def _corpora() -> Path:
    return Path(os.environ.get("LEXILOOM_CORPORA", REPO.parent / "shared" / "corpora"))


@pytest.mark.slow
def test_sst2_slice_beats_stated_threshold(tmp_path) -> None:
    """1,500 SST-2 training sentences, 3 epochs: dev accuracy at least 0.62 (majority ~0.51)."""
    sst = _corpora() / "sst2"
    if not (sst / "stsa.binary.train").is_file():
        pytest.skip(f"SST-2 not found under {sst} (set LEXILOOM_CORPORA)")
    lines = (sst / "stsa.binary.train").read_text(encoding="utf-8").splitlines()
    (tmp_path / "train.txt").write_text("\n".join(lines[:1500]) + "\n", encoding="utf-8")
    dev = (sst / "stsa.binary.dev").read_text(encoding="utf-8").splitlines()
    (tmp_path / "dev.txt").write_text("\n".join(dev[:400]) + "\n", encoding="utf-8")
    result = train(TrainConfig(train=str(tmp_path / "train.txt"), dev=str(tmp_path / "dev.txt"),
                               format="labelled", label_map={"0": "negative", "1": "positive"},
                               task="sentiment", epochs=3, batch_size=32, lr=0.005, seed=0,
                               patience=0, **LEARN), out_dir=tmp_path / "out", progress=False)
    assert result.best_score is not None and result.best_score >= 0.62, result.history


def test_tiny_run_writes_every_output(tmp_path) -> None:
    out = tmp_path / "out"
    result = train(TrainConfig(train=small("sentiment/train"), dev=small("sentiment/dev"),
                               task="sentiment",
                               epochs=1, batch_size=32, **TINY), out_dir=out, progress=False)
    assert result.steps == 9  # ceil(280 / 32)
    for name in ("model-best", "model-last", "checkpoints", "config.cfg", "metrics.jsonl",
                 "training.json"):
        assert (out / name).exists(), name
    lines = (out / "metrics.jsonl").read_text(encoding="utf-8").splitlines()
    # spaCy's loop evaluates after step 0; lexiloom adds the final model (step 8, the ninth)
    assert [json.loads(line)["step"] for line in lines] == [0, 8]
    assert result.scores is not None and result.scores.documents == 60
