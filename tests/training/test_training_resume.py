"""Checkpoints and resume on spaCy's loop: a run killed with SIGKILL at a seeded random step and
resumed with ``--resume`` ends at the same step, with the same weights and scores, as an
uninterrupted run; corrupt or partial checkpoints are never used; only the last K are kept;
``spacy train OUT/config.cfg`` reproduces the run."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import TINY
from small_corpora import small

from lexiloom.errors import ModelFileError
from lexiloom.training import TrainConfig, train
from lexiloom.training import checkpoint as ckpt

RUN = dict(train=small("sentiment/train"), dev=small("sentiment/dev"), task="sentiment", epochs=2,
           batch_size=16, seed=3, eval_every=4, keep_checkpoints=50, threads=1, **TINY)
"""36 steps (2 epochs x ceil(280 / 16)); evaluated, and checkpointed before the update, at
steps 0, 4, 8, ..., 32; the final model (step 35) is evaluated too."""


def _weights(out: Path) -> object:
    """The saved parameters (thinc params and torch shim bytes) of the one component."""
    import srsly

    (model,) = (out / "model-last").glob("*/model")
    msg = srsly.msgpack_loads(model.read_bytes())
    return msg["params"], msg["shims"]


def _metrics(out: Path) -> list[dict]:
    """The metrics history without its wall-clock field (timings differ between runs)."""
    records = [json.loads(x) for x in (out / "metrics.jsonl").read_text("utf-8").splitlines()]
    return [{k: v for k, v in r.items() if k != "train_seconds"} for r in records]


def _steps(out: Path) -> list[int]:
    return [int(p.name.split("-")[1]) for p in sorted((out / "checkpoints").glob("step-*"))]


def test_resume_from_an_earlier_checkpoint_reproduces_the_uninterrupted_run(tmp_path) -> None:
    full = tmp_path / "full"
    result = train(TrainConfig(**RUN), out_dir=full, progress=False)
    assert result.steps == 36
    assert _steps(full) == [4, 8, 12, 16, 20, 24, 28, 32, 36]  # 36: the finished run
    part = tmp_path / "part"
    shutil.copytree(full, part)
    shutil.rmtree(part / "model-last")
    for step in _steps(part):
        if step > 12:
            shutil.rmtree(part / "checkpoints" / f"step-{step:08d}")
    resumed = train(TrainConfig(**RUN), out_dir=part, resume=True, progress=False)
    assert resumed.resumed_from == 12
    assert resumed.steps == result.steps
    assert _weights(part) == _weights(full)  # exact: the same bytes
    assert _metrics(part) == _metrics(full)
    assert resumed.best_score == result.best_score


def test_keeps_only_the_last_k_checkpoints(tmp_path) -> None:
    out = tmp_path / "out"
    train(TrainConfig(**{**RUN, "epochs": 1, "keep_checkpoints": 2}), out_dir=out,
          progress=False)
    assert _steps(out) == [16, 18]  # before steps 4, 8, 12, 16; 18: the finished run


def test_corrupt_or_partial_checkpoints_are_never_picked(tmp_path) -> None:
    out = tmp_path / "out"
    train(TrainConfig(**{**RUN, "epochs": 1, "keep_checkpoints": 3}), out_dir=out,
          progress=False)
    newest, middle, oldest = (out / "checkpoints" / f"step-{s:08d}" for s in (18, 16, 12))
    (newest / "manifest.json").unlink()  # as if killed before the manifest was written
    with open(middle / "optimizer.npz", "ab") as fh:
        fh.write(b"garbage")
    found, skipped = ckpt.latest(out / "checkpoints")
    assert found is not None and found.path == oldest
    assert len(skipped) == 2 and "corrupt" in skipped[1]
    with pytest.raises(ModelFileError, match="incomplete"):
        ckpt.validate(newest)


def test_resume_without_a_checkpoint_is_a_clear_error(tmp_path) -> None:
    with pytest.raises(ModelFileError, match="nothing to resume"):
        train(TrainConfig(**RUN), out_dir=tmp_path / "empty", resume=True, progress=False)


def test_resume_of_a_finished_run_changes_nothing(tmp_path) -> None:
    out = tmp_path / "out"
    first = train(TrainConfig(**{**RUN, "epochs": 1}), out_dir=out, progress=False)
    before = _weights(out)
    again = train(TrainConfig(**{**RUN, "epochs": 1}), out_dir=out, resume=True,
                  progress=False)
    assert again.steps == first.steps
    assert _weights(out) == before


def _cli(*args: str) -> list[str]:
    code = ("import sys, torch; torch.set_num_threads(1); from lexiloom.cli import cli, train; "
            "cli.add_command(train.command); cli(sys.argv[1:], prog_name='lexiloom')")
    return [sys.executable, "-c", code, *args]


@pytest.mark.slow
def test_sigkill_during_training_then_resume_ends_at_the_same_step(tmp_path) -> None:
    """SIGKILL a 'lexiloom train' process at a seeded random point after its first checkpoint;
    '--resume' finishes at the same step count, with the same final weights, as an
    uninterrupted run."""
    args = ["train", "--task", "sentiment", "--train", small("sentiment/train"), "--dev",
            small("sentiment/dev"), "--epochs", "4", "--batch-size", "8", "--seed", "5",
            "--eval-every", "10", "--patience", "0", "--threads", "1", "--quiet",
            "--embedder", "trainable", "--encoder", "lstm", "-o", "dim=16",
            "-o", "encoder.hidden_size=16"]
    killed, full = tmp_path / "killed", tmp_path / "full"
    env = {**os.environ, "LEXILOOM_PLUGINS": ""}
    straight = subprocess.Popen(_cli(*args, "--out", str(full), "--json"), env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    proc = subprocess.Popen(_cli(*args, "--out", str(killed)), env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wanted = random.Random(20261207).choice([1, 2, 3])  # checkpoints to wait for
    deadline = time.monotonic() + 120
    while len(list((killed / "checkpoints").glob("step-*"))) < wanted:
        if proc.poll() is not None:
            pytest.fail(f"training ended before its first checkpoint: {proc.stderr.read()}")
        if time.monotonic() > deadline:
            proc.kill()
            pytest.fail("no checkpoint within 120 s")
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert not (killed / "model-last").exists(), "the run finished before it was killed"
    resumed = subprocess.run(_cli(*args, "--out", str(killed), "--resume", "--json"), env=env,
                             capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    summary = json.loads(resumed.stdout)
    assert summary["resumed_from"] is not None and summary["resumed_from"] > 0
    out, err = straight.communicate(timeout=300)
    assert straight.returncode == 0, err
    uninterrupted = json.loads(out)
    assert summary["steps"] == uninterrupted["steps"] == 4 * 35
    assert _weights(killed) == _weights(full)
    assert summary["best_score"] == uninterrupted["best_score"]


@pytest.mark.slow
def test_spacy_train_on_the_written_config_reproduces_the_run(tmp_path) -> None:
    """``OUT/config.cfg`` is complete: ``spacy train`` on it (same seed, corpora through
    ``lexiloom.Corpus.v1``, vocabulary through ``lexiloom.vocab_from_corpus.v1``) trains the
    same weights, within float rounding."""
    import numpy
    import spacy
    from spacy.cli.train import train as spacy_train

    from lexiloom.spacy.architectures import get_module

    out = tmp_path / "lexiloom"
    train(TrainConfig(**{**RUN, "epochs": 1}), out_dir=out, progress=False)
    spacy_train(out / "config.cfg", tmp_path / "spacy")

    def weights(path: Path) -> dict:
        module = get_module(spacy.load(path).get_pipe("sentiment").model)
        return {k: v.detach().numpy() for k, v in module.named_parameters()}

    ours, theirs = weights(out / "model-last"), weights(tmp_path / "spacy" / "model-last")
    assert ours.keys() == theirs.keys()
    for name in ours:
        numpy.testing.assert_allclose(ours[name], theirs[name], atol=1e-5, err_msg=name)


def test_resume_after_the_first_epoch_keeps_a_batch_size_schedule_in_step(tmp_path) -> None:
    """spaCy's batchers draw sizes from one schedule for the whole run; a resumed run advances a
    fresh schedule to where it was (control: the uninterrupted run's batch sizes grow)."""
    from lexiloom.training.config import CONFIG_DIR

    text = (CONFIG_DIR / "sentiment_binary.cfg").read_text(encoding="utf-8")
    batcher = ('[training.batcher]\n@batchers = "spacy.batch_by_sequence.v1"\nsize = 32\n'
               'get_length = null\n')
    assert batcher in text
    config = tmp_path / "compounding.cfg"
    config.write_text(text.replace(batcher, batcher.replace("size = 32\n", "") + (
        '\n[training.batcher.size]\n@schedules = "compounding.v1"\n'
        "start = 4\nstop = 64\ncompound = 1.2\nt = 0.0\n")), encoding="utf-8")
    run = {**RUN, "epochs": 3, "spacy_config": str(config)}
    del run["batch_size"]
    full = tmp_path / "full"
    result = train(TrainConfig(**run), out_dir=full, progress=False)
    later = [s for s in _steps(full)[:-1]
             if ckpt.validate(full / "checkpoints" / f"step-{s:08d}").state["batches"]["epoch"]]
    assert later, "no checkpoint after the first epoch"
    part = tmp_path / "part"
    shutil.copytree(full, part)
    shutil.rmtree(part / "model-last")
    for step in _steps(part):
        if step > later[0]:
            shutil.rmtree(part / "checkpoints" / f"step-{step:08d}")
    resumed = train(TrainConfig(**run), out_dir=part, resume=True, progress=False)
    assert resumed.resumed_from == later[0] and resumed.steps == result.steps
    assert _weights(part) == _weights(full)
    assert _metrics(part) == _metrics(full)


def test_resume_takes_threads_from_the_caller_and_caps_a_saved_count(tmp_path, monkeypatch):
    """A run saved with more threads than this machine has resumes on the usable cores, and a
    caller's --threads wins (the old behaviour: an error naming --threads, which resume
    ignored)."""
    import torch

    from lexiloom import threads
    from lexiloom.training import api

    out = tmp_path / "out"
    train(TrainConfig(**{**RUN, "epochs": 1}), out_dir=out, progress=False)
    saved = json.loads((out / api.TRAINING_JSON).read_text("utf-8"))
    (out / api.TRAINING_JSON).write_text(json.dumps({**saved, "threads": 64}), "utf-8")
    for step in _steps(out)[1:]:
        shutil.rmtree(out / "checkpoints" / f"step-{step:08d}")
    monkeypatch.setattr(api, "usable_cores", lambda: 1)
    monkeypatch.setattr(threads, "usable_cores", lambda: 1)
    train(None, out_dir=out, resume=True, progress=False)
    assert torch.get_num_threads() == 1
    train(TrainConfig(threads=1), out_dir=out, resume=True, progress=False)
    assert torch.get_num_threads() == 1


def test_a_second_writer_to_the_same_output_fails_at_once(tmp_path) -> None:
    """Two 'lexiloom train' runs on one --out: the second stops at once with a clear error while
    the first holds the directory (an flock the OS releases even on kill -9); afterwards the
    directory is free again (control)."""
    from lexiloom import atomic
    from lexiloom.errors import LexiloomError

    out = tmp_path / "out"
    with atomic.exclusive(out, "lexiloom train"):
        began = time.monotonic()
        with pytest.raises(LexiloomError, match="in use by another lexiloom train"):
            train(TrainConfig(**{**RUN, "epochs": 1}), out_dir=out, progress=False)
        assert time.monotonic() - began < 5
        assert not (out / "checkpoints").exists()
    result = train(TrainConfig(**{**RUN, "epochs": 1}), out_dir=out, progress=False)
    assert result.steps == 18
