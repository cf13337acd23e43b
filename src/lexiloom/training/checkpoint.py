"""Resumable training state on disk, written atomically and validated before use.

A checkpoint is a directory ``checkpoints/step-00000120/`` holding::

    model/            the pipeline (nlp.to_disk)
    optimizer.npz     a thinc optimizer's per-parameter arrays (Adam moments, parameter averages)
    optimizer.json    their keys and counters (per-parameter update counts), scalar settings
                      (a task with a torch optimizer writes its own files instead, e.g.
                      ``optimizer.pt``: a state dict read back with ``weights_only=True``)
    state.json        step, epoch, position in the epoch's batches, best score, early-stopping
                      count, and the Python/numpy/torch random states
    manifest.json     format version, step, and the SHA-256 of every other file (written last)

It is written into a temporary directory and renamed into place in one step; :func:`latest`
returns the newest checkpoint whose manifest matches its files, so a partial or corrupt one is
never used. The last ``keep`` checkpoints are kept.

thinc's optimizer keys its state by (model node id, parameter name); node ids are process-global
counters that differ between runs, so the state is saved under stable names (component, position
of the node in ``model.walk()``, shim index, parameter) and re-keyed on load.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lexiloom import atomic
from lexiloom.errors import ModelFileError
from lexiloom.manifest import file_digest

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
_STEP_DIR = re.compile(r"^step-(\d+)$")
_DICTS = ("mom1", "mom2", "averages")
_SCALARS = ("learn_rate", "b1", "b2", "eps", "L2", "grad_clip")


@dataclass(frozen=True)
class Checkpoint:
    """A validated checkpoint directory and its ``state.json``."""

    path: Path
    step: int
    state: dict[str, Any]

    @property
    def model_dir(self) -> Path:
        """The pipeline saved in the checkpoint."""
        return self.path / "model"


def stable_keys(nlp: Any) -> dict[int, str]:
    """Model node and shim ids of every trainable component → names stable across processes."""
    names: dict[int, str] = {}
    for component, proc in nlp.pipeline:
        model = getattr(proc, "model", None)
        if model is None or not hasattr(model, "walk"):
            continue
        for i, node in enumerate(model.walk()):
            names[node.id] = f"{component}/{i}"
            for j, shim in enumerate(getattr(node, "shims", ())):
                names[shim.id] = f"{component}/{i}/shim{j}"
    return names


def optimizer_state(optimizer: Any, nlp: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """The optimizer's arrays (by index) and a JSON description of them."""
    from thinc.backends import get_array_ops

    names = stable_keys(nlp)

    def name_of(key: Any) -> str:
        node_id, param = key
        if node_id not in names:
            raise ModelFileError(f"optimizer state for unknown model node {node_id}; cannot "
                                 f"checkpoint a pipeline changed during training")
        return f"{names[node_id]}|{param}"

    arrays: dict[str, Any] = {}
    entries: list[list[str]] = []
    for kind in _DICTS:
        for key, value in (getattr(optimizer, kind, None) or {}).items():
            index = f"a{len(entries)}"
            arrays[index] = get_array_ops(value).to_numpy(value)
            entries.append([kind, name_of(key), index])
    meta = {
        "entries": entries,
        "use_averages": optimizer.averages is not None,
        "nr_update": {name_of(k): v for k, v in optimizer.nr_update.items()},
        "last_seen": {name_of(k): v for k, v in optimizer.last_seen.items()},
        "scalars": {k: getattr(optimizer, k) for k in _SCALARS},
    }
    return arrays, meta


def restore_optimizer(optimizer: Any, nlp: Any, arrays: Any, meta: dict[str, Any]) -> None:
    """Fill a freshly built ``optimizer`` with saved state, re-keyed to ``nlp``'s node ids."""
    from thinc.api import get_current_ops

    ops = get_current_ops()
    ids = {name: node_id for node_id, name in stable_keys(nlp).items()}

    def key_of(name: str) -> tuple[int, str]:
        node, _, param = name.partition("|")
        if node not in ids:
            raise ModelFileError(f"checkpoint optimizer state names model node {node!r}, which "
                                 f"the pipeline does not have; the checkpoint belongs to another "
                                 f"model (start without --resume, or use the right --out)")
        return ids[node], param

    for kind, name, index in meta["entries"]:
        target = getattr(optimizer, kind)
        if target is None:
            continue
        target[key_of(name)] = ops.asarray(arrays[index])
    for name, count in meta["nr_update"].items():
        optimizer.nr_update[key_of(name)] = count
    for name, seen in meta["last_seen"].items():
        optimizer.last_seen[key_of(name)] = seen
    for key, value in meta["scalars"].items():
        setattr(optimizer, key, value)


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file() and p.name != MANIFEST)


def thinc_optimizer_writer(optimizer: Any, nlp: Any) -> Callable[[Path], None]:
    """A :func:`save` ``write_extra`` that stores a thinc ``optimizer``'s state for ``nlp``."""
    def write(folder: Path) -> None:
        import numpy

        arrays, meta = optimizer_state(optimizer, nlp)
        with open(folder / "optimizer.npz", "wb") as fh:
            numpy.savez(fh, **arrays)
        (folder / "optimizer.json").write_text(json.dumps(meta), encoding="utf-8")

    return write


COMPONENT_STATES = "component-states"
"""The checkpoint folder of components' training state (``NAME.safetensors`` each): what a
component with ``training_state()``/``load_training_state()`` carries between updates, such as a
generator's per-stream encoder state."""


def component_states_writer(nlp: Any) -> Callable[[Path], None]:
    """A :func:`save` ``write_extra`` that stores the training state of every component of
    ``nlp`` that has one."""
    def write(folder: Path) -> None:
        from safetensors.torch import save_file

        for name, proc in nlp.pipeline:
            if callable(getattr(proc, "training_state", None)):
                (folder / COMPONENT_STATES).mkdir(exist_ok=True)
                save_file(proc.training_state(),
                          str(folder / COMPONENT_STATES / f"{name}.safetensors"))

    return write


def load_component_states(checkpoint: Checkpoint, nlp: Any) -> None:
    """Give each component of ``nlp`` the training state ``checkpoint`` holds for it."""
    from safetensors.torch import load_file

    for name, proc in nlp.pipeline:
        path = checkpoint.path / COMPONENT_STATES / f"{name}.safetensors"
        if callable(getattr(proc, "load_training_state", None)) and path.is_file():
            try:
                tensors = load_file(str(path))
            except Exception as err:  # safetensors raises several kinds for a damaged file
                raise ModelFileError(f"{path}: unreadable training state ({err}); start "
                                     "without --resume") from None
            proc.load_training_state(tensors)


def save(directory: Path, step: int, nlp: Any, write_extra: Callable[[Path], None],
         state: dict[str, Any], *, keep: int = 2) -> Path:
    """Write the checkpoint of ``step`` under ``directory`` atomically; keep the last ``keep``.

    ``write_extra(folder)`` adds the task's own files (the optimizer state, e.g.
    :func:`thinc_optimizer_writer`); every file is covered by the manifest.
    """
    target = directory / f"step-{step:08d}"
    with atomic.atomic_path(target) as tmp:
        tmp.mkdir()
        nlp.to_disk(tmp / "model")
        write_extra(tmp)
        (tmp / "state.json").write_text(json.dumps({**state, "step": step}), encoding="utf-8")
        manifest = {"lexiloom_checkpoint": FORMAT_VERSION, "step": step,
                    "files": {p.relative_to(tmp).as_posix(): file_digest(p) for p in _files(tmp)}}
        (tmp / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
        for path in _files(tmp):
            with open(path, "rb") as fh:
                os.fsync(fh.fileno())
    prune(directory, keep)
    return target


def _step_dirs(directory: Path) -> list[tuple[int, Path]]:
    if not directory.is_dir():
        return []
    found = [(int(m.group(1)), p) for p in directory.iterdir()
             if p.is_dir() and (m := _STEP_DIR.match(p.name))]
    return sorted(found, reverse=True)


def prune(directory: Path, keep: int) -> None:
    """Remove all but the newest ``keep`` checkpoints, and leftovers of interrupted writes."""
    for _, path in _step_dirs(directory)[keep:]:
        shutil.rmtree(path, ignore_errors=True)
    for path in directory.glob(".step-*"):
        shutil.rmtree(path, ignore_errors=True)


def validate(path: Path) -> Checkpoint:
    """The checkpoint at ``path``; :class:`~lexiloom.errors.ModelFileError` when its manifest is
    missing or does not match its files."""
    try:
        manifest = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise ModelFileError(f"{path}: incomplete checkpoint (no readable manifest: {err})") \
            from None
    if not isinstance(manifest, dict) or manifest.get("lexiloom_checkpoint") != FORMAT_VERSION:
        raise ModelFileError(f"{path}: not a lexiloom checkpoint of format {FORMAT_VERSION}")
    files = manifest.get("files") or {}
    on_disk = {p.relative_to(path).as_posix() for p in _files(path)}
    if set(files) != on_disk:
        raise ModelFileError(f"{path}: checkpoint files do not match its manifest")
    for name, digest in files.items():
        if file_digest(path / name) != digest:
            raise ModelFileError(f"{path}: checkpoint file {name} is corrupt")
    state = json.loads((path / "state.json").read_text(encoding="utf-8"))
    return Checkpoint(path, int(manifest["step"]), state)


def latest(directory: Path) -> tuple[Checkpoint | None, list[str]]:
    """The newest valid checkpoint under ``directory`` (or ``None``), and why newer ones were
    skipped."""
    skipped = []
    for _, path in _step_dirs(directory):
        try:
            return validate(path), skipped
        except ModelFileError as err:
            skipped.append(str(err))
    return None, skipped


def load_optimizer(checkpoint: Checkpoint, optimizer: Any, nlp: Any) -> None:
    """Restore ``optimizer`` (freshly built, same settings) from ``checkpoint`` for ``nlp``."""
    import numpy

    meta = json.loads((checkpoint.path / "optimizer.json").read_text(encoding="utf-8"))
    with numpy.load(checkpoint.path / "optimizer.npz") as arrays:
        restore_optimizer(optimizer, nlp, {k: arrays[k] for k in arrays.files}, meta)


__all__ = ["Checkpoint", "latest", "load_optimizer", "prune", "save", "stable_keys",
           "thinc_optimizer_writer", "validate"]
