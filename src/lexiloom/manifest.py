"""Verified model files: a manifest (each file's size and SHA-256) written beside what lexiloom
saves, and checked when it is loaded, so flipped bytes or a truncated file are an error naming
the file instead of a model that loads and predicts garbage.

>>> write(folder, ["settings.json", "model.safetensors"])       # doctest: +SKIP
>>> verify(folder)                                              # doctest: +SKIP

:func:`digest` is the same check for bytes kept inside another file (a lexiloom model inside a
spaCy component's ``model`` file).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from pathlib import Path

from lexiloom.errors import ModelFileError

MANIFEST = "manifest.json"
FORMAT = "lexiloom.manifest"
VERSION = 1


def digest(data: bytes) -> str:
    """The SHA-256 of ``data``, in hex."""
    return hashlib.sha256(data).hexdigest()


def file_digest(path: str | os.PathLike[str]) -> str:
    """The SHA-256 of the file at ``path``, in hex (read in blocks)."""
    sha = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            sha.update(block)
    return sha.hexdigest()


def write(folder: str | os.PathLike[str], names: Iterable[str]) -> None:
    """Write ``folder/manifest.json`` listing the size and SHA-256 of each of ``names``."""
    folder = Path(folder)
    files = {name: {"size": (folder / name).stat().st_size,
                    "sha256": file_digest(folder / name)} for name in sorted(names)}
    (folder / MANIFEST).write_text(json.dumps({"format": FORMAT, "version": VERSION,
                                               "files": files}, indent=1), encoding="utf-8")


def write_tree(folder: str | os.PathLike[str]) -> None:
    """:func:`write` for every file below ``folder`` (subfolders included)."""
    folder = Path(folder)
    write(folder, [path.relative_to(folder).as_posix() for path in folder.rglob("*")
                   if path.is_file() and path.relative_to(folder).as_posix() != MANIFEST])


def verify(folder: str | os.PathLike[str], *, required: bool = False) -> bool:
    """Check every file ``folder/manifest.json`` lists; a missing, truncated or changed file is
    a :class:`~lexiloom.errors.ModelFileError` naming it. Without a manifest: ``False`` (files
    saved before manifests existed), or an error when ``required``."""
    folder = Path(folder)
    path = folder / MANIFEST
    if not path.is_file():
        if required:
            raise ModelFileError(f"{folder}: no {MANIFEST}; the files cannot be verified, save "
                                 "them again")
        return False
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        files = manifest["files"]
        if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
            raise ValueError(f"format {manifest.get('format')!r} {manifest.get('version')!r}")
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as err:
        raise ModelFileError(f"{path}: unreadable manifest ({err}); save the files again") \
            from None
    for name, expected in files.items():
        target = folder / name
        if not target.is_file():
            raise ModelFileError(f"{target}: missing (listed in {MANIFEST}); save it again")
        size = target.stat().st_size
        if size != expected["size"]:
            raise ModelFileError(f"{target}: {size} bytes, {expected['size']} expected "
                                 "(truncated or replaced); save it again")
        if file_digest(target) != expected["sha256"]:
            raise ModelFileError(f"{target}: its contents changed since it was saved (SHA-256 "
                                 "mismatch: a damaged copy?); save it again")
    return True


__all__ = ["MANIFEST", "digest", "file_digest", "verify", "write", "write_tree"]
