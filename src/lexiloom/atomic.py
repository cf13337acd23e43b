"""Atomic file writes: a crash never leaves a half-written model, vocabulary or corpus."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from lexiloom.errors import LexiloomError


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; on success it replaces ``target`` in one rename.

    Works for files and for directories (write a whole directory under the yielded path). On an
    exception the temporary path is removed and ``target`` is left as it was.
    """
    target = Path(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    except OSError as err:
        raise _cannot_write(target, err) from None
    tmp_target = tmp / target.name
    try:
        yield tmp_target
        _replace(tmp_target, target)
    except OSError as err:
        raise _cannot_write(target, err) from None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _cannot_write(target: Path, err: OSError) -> LexiloomError:
    reason = err.strerror or str(err)
    return LexiloomError(f"cannot write {target}: {reason}; choose an output path in a "
                         "writable directory")


def _replace(tmp_target: Path, target: Path) -> None:
    """Move the finished ``tmp_target`` over ``target``."""
    if tmp_target.is_dir() and target.is_dir():
        old = target.with_name(f".{target.name}.old")
        shutil.rmtree(old, ignore_errors=True)
        os.replace(target, old)
        os.replace(tmp_target, target)
        shutil.rmtree(old, ignore_errors=True)
    else:
        if tmp_target.is_file():
            with open(tmp_target, "rb+") as fh:
                os.fsync(fh.fileno())
        os.replace(tmp_target, target)


def write_text(target: str | os.PathLike[str], text: str, encoding: str = "utf-8") -> None:
    """Write ``text`` to ``target`` atomically."""
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding=encoding)


def write_bytes(target: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``target`` atomically."""
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)
