"""Verified model files: a manifest (each file's size and SHA-256) written beside what lexiloom
saves, and checked when it is loaded, so flipped bytes or a truncated file are an error naming
the file instead of a model that loads and predicts garbage.

>>> write(folder, ["settings.json", "model.safetensors"])       # doctest: +SKIP
>>> verify(folder)                                              # doctest: +SKIP

:func:`digest` is the same check for bytes kept inside another file (a lexiloom model inside a
spaCy component's ``model`` file). A single file in a format others read too (word vectors in
word2vec or GloVe text) gets a *sidecar* instead: ``FILE.sha256`` in ``sha256sum`` format (so
``sha256sum -c FILE.sha256`` checks it too), written from :func:`sidecar_text` and checked, when
present, by :func:`verify_sidecar`.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from lexiloom.errors import ModelFileError

MANIFEST = "manifest.json"
FORMAT = "lexiloom.manifest"
VERSION = 2
"""2: the file list carries its own SHA-256 (``files_sha256``); 1 (read, not written): without."""


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
                                               "files": files, "files_sha256": _listing(files)},
                                              indent=1), encoding="utf-8")


def _listing(files: dict[str, Any]) -> str:
    """The SHA-256 of the manifest's file list itself, so damage to the manifest is reported
    as such (not as a change to the file whose entry it hit)."""
    return digest(json.dumps(files, sort_keys=True).encode("utf-8"))


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
        version = manifest.get("version")
        if manifest.get("format") != FORMAT or version not in (1, VERSION):
            raise ValueError(f"format {manifest.get('format')!r} {version!r}")
        # version 1 manifests were written before the list carried its own digest
        if version != 1 and manifest.get("files_sha256") != _listing(files):
            raise ValueError("its file list does not match its own SHA-256")
        if not all(isinstance(entry, dict) and isinstance(entry.get("size"), int)
                   and isinstance(entry.get("sha256"), str) for entry in files.values()):
            raise ValueError("an entry lacks its size or sha256")
        if any(Path(name).is_absolute() or ".." in Path(name).parts for name in files):
            raise ValueError("a listed file lies outside the folder")
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError) as err:
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


SIDECAR_SUFFIX = ".sha256"


def sidecar_path(path: str | os.PathLike[str]) -> Path:
    """Where the sidecar of ``path`` lives: ``path`` + ``.sha256``."""
    path = Path(path)
    return path.with_name(path.name + SIDECAR_SUFFIX)


def remove_sidecar(path: str | os.PathLike[str]) -> None:
    """Remove the sidecar of ``path`` if there is one: call it before replacing ``path``, so a
    crash between the two writes leaves no sidecar rather than a stale one."""
    sidecar_path(path).unlink(missing_ok=True)


def sidecar_text(path: str | os.PathLike[str]) -> str:
    """The sidecar line for the file at ``path`` (``sha256sum`` format); write it to
    :func:`sidecar_path` (atomically: :func:`lexiloom.atomic.atomic_path`)."""
    path = Path(path)
    return f"{file_digest(path)}  {path.name}\n"


def verify_sidecar(path: str | os.PathLike[str]) -> bool:
    """Check ``path`` against its sidecar: ``False`` when there is none, ``True`` when it
    matches, a :class:`~lexiloom.errors.ModelFileError` naming the file otherwise."""
    path = Path(path)
    target = sidecar_path(path)
    if not target.is_file():
        return False
    try:
        expected, _, name = target.read_text(encoding="utf-8").strip().partition("  ")
        if len(expected) != 64 or any(c not in "0123456789abcdef" for c in expected):
            raise ValueError("not a sha256sum line")
    except (OSError, UnicodeDecodeError, ValueError) as err:
        raise ModelFileError(f"{target}: unreadable checksum sidecar ({err}); delete it or save "
                             f"{path.name} again") from None
    if name.lstrip("*") != path.name:
        raise ModelFileError(f"{target}: the sidecar is for {name!r}, not {path.name!r}; delete "
                             "it or save the file again")
    if file_digest(path) != expected:
        raise ModelFileError(f"{path}: its contents do not match {target.name} (SHA-256 "
                             "mismatch: a damaged or partial copy?); copy or save it again")
    return True


__all__ = ["MANIFEST", "SIDECAR_SUFFIX", "digest", "file_digest", "remove_sidecar",
           "sidecar_path", "sidecar_text", "verify", "verify_sidecar", "write", "write_tree"]
