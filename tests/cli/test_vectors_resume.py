"""``lexiloom vectors train --resume``: word2vec and GloVe save their state after each epoch
(``OUT.checkpoint/``); a run killed with SIGKILL at seeded random epochs (three kills per
embedder, each as soon as that epoch is saved) and resumed each time ends with the same
vectors, byte for byte, as an uninterrupted run (one worker thread); the output is never
half-written; a resume with other settings, or with nothing to resume, is a one-line error; a
second run on the same output fails at once."""

from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from lexiloom.cli import cli
from lexiloom.vectors.checkpoint import checkpoint_dir
from lexiloom.vectors.formats import read_vectors

CODE = "import sys; from lexiloom.cli import main; sys.argv[0] = 'lexiloom'; main()"
ARGS = {
    "word2vec": ["--sg", "--dim", "24", "--window", "3", "--epochs", "30", "--min-count", "2",
                 "--threads", "1", "--seed", "7"],
    "glove": ["--embedder", "glove", "--dim", "16", "--window", "4", "--epochs", "40",
              "--min-count", "2", "--threads", "1", "--seed", "7"],
}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """About 120,000 words from a 3,000-word Zipf vocabulary: a few seconds of training."""
    rng = np.random.default_rng(0)
    ranks = np.arange(1, 3001)
    p = 1 / ranks / (1 / ranks).sum()
    words = rng.choice(3000, size=120_000, p=p)
    path = tmp_path_factory.mktemp("corpus") / "corpus.txt"
    lines = (" ".join(f"w{w}" for w in words[i:i + 12]) for i in range(0, len(words), 12))
    path.write_text("\n".join(lines) + "\n")
    return path


def _run(corpus: Path, embedder: str, out: Path, *extra: str) -> subprocess.Popen:
    args = [sys.executable, "-c", CODE, "vectors", "train", str(corpus), *ARGS[embedder],
            "--out", str(out), "--no-progress", *extra]
    return subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def _finish(proc: subprocess.Popen) -> None:
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err


def _saved(out: Path, part: str, key: str) -> int | None:
    """``key`` of the state saved in checkpoint ``part`` (None before the first save)."""
    try:
        return json.loads((checkpoint_dir(out) / part / "state.json").read_text())[key]
    except (OSError, ValueError):
        return None


def _epochs_saved(out: Path) -> int | None:
    return _saved(out, "state", "epoch")


def _kill_when(proc: subprocess.Popen, saved, target: int, seconds: float = 120) -> None:
    """SIGKILL ``proc`` as soon as ``saved()`` (a checkpoint's counter) reaches ``target``, or
    once it ended."""
    deadline = time.monotonic() + seconds
    while (saved() or 0) < target and proc.poll() is None:
        assert time.monotonic() < deadline, f"no such checkpoint within {seconds:g} s"
        time.sleep(0.002)
    proc.send_signal(signal.SIGKILL)
    proc.wait()


def _no_half_written_files(out: Path) -> None:
    """The output is absent or whole (its sidecar verifies); every checkpoint saved is whole."""
    if out.exists():
        read_vectors(out)                          # checks the sidecar
    state = checkpoint_dir(out) / "state"
    if (state / "manifest.json").exists():
        from lexiloom import manifest

        assert manifest.verify(state)


@pytest.mark.slow
@pytest.mark.parametrize("embedder", ["word2vec", "glove"])
def test_killed_three_times_and_resumed_gives_the_uninterrupted_vectors(corpus, embedder,
                                                                         tmp_path):
    full = tmp_path / "full.txt"
    _finish(_run(corpus, embedder, full))
    assert not checkpoint_dir(full).exists()       # removed once the vectors are written
    out = tmp_path / "killed.txt"
    rng = random.Random(f"kill-{embedder}")
    resumed = 0
    epochs_done: list[int] = []
    total = int(ARGS[embedder][ARGS[embedder].index("--epochs") + 1])
    targets = sorted(rng.sample(range(1, total), 3))      # the seeded kill points, in epochs
    for target in targets:
        can_resume = any((checkpoint_dir(out) / part).is_dir() for part in ("state", "counts"))
        proc = _run(corpus, embedder, out, *(["--resume"] if can_resume else []))
        resumed += can_resume
        _kill_when(proc, lambda: _epochs_saved(out), target)
        _no_half_written_files(out)
        epochs_done.append(_epochs_saved(out))
    # A kill after the vectors were written but before the checkpoint was removed leaves
    # both; resuming then rewrites the same vectors and removes it.
    can_resume = any((checkpoint_dir(out) / part).is_dir() for part in ("state", "counts"))
    if can_resume or not out.exists():
        _finish(_run(corpus, embedder, out, *(["--resume"] if can_resume else [])))
    assert resumed >= 1, "no kill landed after a checkpoint: the test proved nothing"
    assert sum(0 < (done or 0) < total for done in epochs_done) >= 2, epochs_done
    assert out.read_bytes() == full.read_bytes()
    assert not checkpoint_dir(out).exists()
    assert not list(tmp_path.glob(".*.tmp")), "a killed run's temporary was left behind"


def _invoke(*args: str):
    return CliRunner().invoke(cli, ["vectors", "train", *args])


def test_resume_with_nothing_to_resume_is_one_line(corpus, tmp_path):
    result = _invoke(str(corpus), *ARGS["word2vec"], "--out", str(tmp_path / "v.txt"),
                     "--resume")
    assert result.exit_code != 0
    assert "nothing to resume" in result.output and "Traceback" not in result.output


def test_resume_with_other_settings_names_what_differs(corpus, tmp_path):
    from lexiloom.vectors.checkpoint import EpochCheckpoint

    out = tmp_path / "v.txt"
    EpochCheckpoint(checkpoint_dir(out), {"embedder": "word2vec", "settings": {"dim": 3}},
                    resume=False).save({"epoch": 1}, {"x": np.zeros(2)})
    result = _invoke(str(corpus), *ARGS["word2vec"], "--out", str(out), "--resume")
    assert result.exit_code != 0
    assert "is of another run" in result.output and "settings" in result.output


def test_an_embedder_that_cannot_resume_says_so(corpus, tmp_path, monkeypatch):
    from lexiloom.cli import vectors_train

    class NoCheckpoints:
        def fit(self, sentences):
            raise AssertionError("must not train")

        def to_config(self):
            return {}

    monkeypatch.setattr(vectors_train, "build_trainer", lambda name, settings: NoCheckpoints())
    result = _invoke(str(corpus), "--out", str(tmp_path / "v.txt"), "--resume")
    assert result.exit_code != 0
    assert "cannot resume" in result.output and "Traceback" not in result.output


def test_a_second_run_on_the_same_output_fails_at_once(corpus, tmp_path):
    from lexiloom import atomic

    out = tmp_path / "v.txt"
    with atomic.exclusive(checkpoint_dir(out)):
        started = time.monotonic()
        result = _invoke(str(corpus), *ARGS["word2vec"], "--out", str(out))
    assert result.exit_code != 0 and "in use by another" in result.output
    assert time.monotonic() - started < 5
    assert not out.exists()


def test_a_finished_run_leaves_only_the_vectors_and_their_sidecar(corpus, tmp_path):
    out = tmp_path / "v.txt"
    result = _invoke(str(corpus), *ARGS["glove"], "--epochs", "2", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["v.txt", "v.txt.sha256"]


SMALL_CHUNKS = ("import sys; import lexiloom_glove.cooccurrence as c; c.CHUNK_TOKENS = 3000; "
                "from lexiloom.cli import main; sys.argv[0] = 'lexiloom'; main()")
"""The CLI with counting chunks of 3,000 tokens (1,048,576 by default), so this corpus is
counted in 40 chunks, each a checkpoint (the table spills at -o memory_mb=1)."""


def _chunks_counted(out: Path) -> int | None:
    return _saved(out, "counting", "chunks")


@pytest.mark.slow
def test_glove_killed_while_counting_resumes_the_count(corpus, tmp_path):
    args = [*ARGS["glove"], "--epochs", "3", "-o", "memory_mb=1", "--no-progress"]

    def start(out: Path, *extra: str) -> subprocess.Popen:
        return subprocess.Popen([sys.executable, "-c", SMALL_CHUNKS, "vectors", "train",
                                 str(corpus), *args, "--out", str(out), *extra],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)

    full = tmp_path / "full.txt"
    _finish(start(full))
    out = tmp_path / "killed.txt"
    counted = []
    for target in sorted(random.Random("count").sample(range(2, 38), 2)):
        resume = (checkpoint_dir(out) / "vocab").is_dir()
        proc = start(out, *(["--resume"] if resume else []))
        _kill_when(proc, lambda: _chunks_counted(out), target)
        counted.append(_chunks_counted(out))
    assert all(0 < (n or 0) < 40 for n in counted), counted      # both kills while counting
    _finish(start(out, "--resume"))
    assert out.read_bytes() == full.read_bytes()
    assert not checkpoint_dir(out).exists()
