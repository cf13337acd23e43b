"""Resumable word-vector training: a trainer's state saved at each epoch's end.

``lexiloom vectors train --out FILE`` keeps ``FILE.checkpoint/`` while it runs::

    state/                 the last completed epoch, replaced whole (lexiloom.atomic)
        arrays.safetensors   weights and tables (numpy arrays, no pickle)
        state.json           the trainer's counters (epoch, words pushed, job number, ...)
        fingerprint.json     what the run was: embedder, settings, corpus files
        manifest.json        size and SHA-256 of the three files above
    PART/                  the same for what a trainer saves once (GloVe: ``counts/``, the
                           co-occurrences, so a resumed run does not count them again)
    .lexiloom.lock         held (flock) by the run, so a second run on the same output fails

and removes it once the vectors are written. After a crash (kill -9 included),
``--resume`` restores the last state and continues: with one worker thread the result is the
one an uninterrupted run gives, bit for bit (several workers update shared weights without
locks, as word2vec.c and gensim do, so those runs differ in the last digits either way). A
checkpoint made for other settings or another corpus is an error naming what differs, and a
damaged one (failing its manifest) is never used.

A trainer uses it through :class:`EpochCheckpoint`: :meth:`~EpochCheckpoint.restore` once at
the start, :meth:`~EpochCheckpoint.save` after each epoch (``part="state"``) or stage.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np

from lexiloom import atomic, manifest
from lexiloom.errors import ModelFileError, SettingsError

SUFFIX = ".checkpoint"
STATE_DIR = "state"
ARRAYS = "arrays.safetensors"
STATE = "state.json"
FINGERPRINT = "fingerprint.json"


def checkpoint_dir(out: str | os.PathLike[str]) -> Path:
    """Where the checkpoint of a run writing ``out`` lives: ``out`` + ``.checkpoint``."""
    out = Path(out)
    return out.with_name(out.name + SUFFIX)


def corpus_fingerprint(paths: list[str]) -> list[dict[str, Any]]:
    """Each corpus path with its files' sizes and modification times
    (:func:`lexiloom.corpora.reading.corpus_files`), so that resuming on a changed corpus is
    caught."""
    from lexiloom.corpora.reading import corpus_files

    return [{"path": raw, "files": corpus_files(raw)} for raw in paths]


class EpochCheckpoint:
    """The checkpoint of one training run, for a trainer to restore and save.

    ``fingerprint`` (JSON-serialisable) says what the run is; a saved state is restored only
    when ``resume`` is set and its fingerprint is equal.
    """

    def __init__(self, directory: str | os.PathLike[str], fingerprint: dict[str, Any], *,
                 resume: bool) -> None:
        self.directory = Path(directory)
        self.fingerprint = json.loads(json.dumps(fingerprint))   # as it will read back
        self.resume = resume
        self.saves = 0

    def restore(self, part: str = STATE_DIR) -> tuple[dict[str, Any], dict[str, np.ndarray]] | None:
        """``(state, arrays)`` of the last save of ``part`` when resuming; ``None`` to start
        afresh (not resuming, or nothing saved yet)."""
        folder = self.directory / part
        if not self.resume or not (folder / manifest.MANIFEST).is_file():
            return None
        from safetensors.numpy import load_file

        manifest.verify(folder, required=True)
        try:
            saved = json.loads((folder / FINGERPRINT).read_text(encoding="utf-8"))
            state = json.loads((folder / STATE).read_text(encoding="utf-8"))
            arrays = load_file(str(folder / ARRAYS))
        except (OSError, ValueError) as err:
            raise ModelFileError(f"{folder}: unreadable checkpoint ({err}); delete "
                                 f"{self.directory} and start again") from None
        if saved != self.fingerprint:
            keys = sorted(k for k in {*saved, *self.fingerprint}
                          if saved.get(k) != self.fingerprint.get(k))
            raise SettingsError(f"--resume: the checkpoint in {self.directory} is of another "
                                f"run (its {', '.join(keys)} differ); run with the same "
                                "corpus and settings, or drop --resume to start again")
        return state, arrays

    def save(self, state: dict[str, Any], arrays: dict[str, np.ndarray], *,
             part: str = STATE_DIR) -> None:
        """Replace the saved ``part`` with ``state`` (JSON) and ``arrays`` (numpy),
        atomically."""
        from safetensors.numpy import save_file

        self.directory.mkdir(parents=True, exist_ok=True)
        with atomic.atomic_path(self.directory / part) as tmp:
            tmp.mkdir()
            save_file({k: np.ascontiguousarray(v) for k, v in arrays.items()}, str(tmp / ARRAYS))
            (tmp / STATE).write_text(json.dumps(state), encoding="utf-8")
            (tmp / FINGERPRINT).write_text(json.dumps(self.fingerprint), encoding="utf-8")
            manifest.write(tmp, [ARRAYS, STATE, FINGERPRINT])
        self.saves += 1

    def remove(self, *parts: str) -> None:
        """Remove saved ``parts`` (folders of the checkpoint) that a later save made useless."""
        for part in parts:
            atomic.remove_tree(self.directory / part)

    def discard(self) -> None:
        """Remove the checkpoint (the run finished and its output is written), whole: a kill
        meanwhile leaves it as it was or gone, never half-deleted."""
        atomic.remove_tree(self.directory)


__all__ = ["EpochCheckpoint", "checkpoint_dir", "corpus_fingerprint"]
