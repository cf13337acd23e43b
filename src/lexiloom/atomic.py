"""Atomic file writes: a crash never leaves a half-written model, vocabulary or corpus."""

from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from lexiloom.errors import LexiloomError


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside ``target`` (a unique name, so two writers never share
    one); on success it replaces ``target`` whole (see :func:`_replace`).

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
    """Move the finished ``tmp_target`` over ``target``, its files fsynced first and the parent
    directory after, so that ``target`` is at every moment the old one or the new one, whole.

    A file replaces a file with one ``rename``. A directory replaces a directory by
    ``renameat2(RENAME_EXCHANGE)`` where the OS and file system have it (Linux 3.15+). Where
    they do not, the directory becomes versioned: the new one is renamed to
    ``.NAME.XXXXXXXX.v`` beside ``target``, and ``target`` is a symbolic link to it, replaced
    by ``rename`` (one step); the old version is then deleted. The first such replacement moves
    the plain directory aside (the one moment in which ``target`` does not exist); every later
    one swaps the link."""
    _fsync_tree(tmp_target)
    if not tmp_target.is_dir():
        os.replace(tmp_target, target)
    elif target.is_symlink():
        _replace_versioned(tmp_target, target)
    elif target.is_dir():
        if not _exchange(tmp_target, target):
            _replace_versioned(tmp_target, target)
        # after an exchange, tmp_target holds the old directory; the caller removes it
    else:
        os.replace(tmp_target, target)
    _fsync_dir(target.parent)


VERSION_SUFFIX = ".v"


def _replace_versioned(tmp_target: Path, target: Path) -> None:
    """Point the symbolic link ``target`` at ``tmp_target`` (moved to a version name beside
    it) in one ``rename``, then delete the version it pointed to."""
    parent = target.parent
    version = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=VERSION_SUFFIX,
                                    dir=parent))
    os.rmdir(version)
    os.replace(tmp_target, version)
    old = parent / os.readlink(target) if target.is_symlink() else None
    link = parent / f".{target.name}.{os.urandom(4).hex()}.link"
    os.symlink(version.name, link)
    if target.exists() and not target.is_symlink():   # a plain directory: moved aside once
        aside = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=parent))
        os.replace(target, aside / target.name)
        old = aside
    os.replace(link, target)
    if old is not None and old.resolve() != version.resolve():
        shutil.rmtree(old, ignore_errors=True)





_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap the paths ``a`` and ``b`` atomically (``renameat2`` with ``RENAME_EXCHANGE``); False
    when this system cannot, so the caller falls back."""
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError, TypeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p,
                          ctypes.c_uint]
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def _fsync_tree(path: Path) -> None:
    """fsync ``path`` (a file) or every file under it and the directories (a directory)."""
    if path.is_file():
        with open(path, "rb+") as fh:
            os.fsync(fh.fileno())
        return
    for folder, _, names in os.walk(path):
        for name in names:
            with open(os.path.join(folder, name), "rb+") as fh:
                os.fsync(fh.fileno())
        _fsync_dir(Path(folder))


def _fsync_dir(path: Path) -> None:
    """fsync the directory ``path`` so the names in it survive a power cut (where the OS can)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:  # some file systems cannot fsync a directory
        pass
    finally:
        os.close(fd)


LOCK_FILE = ".lexiloom.lock"
"""The lock file :func:`exclusive` holds in an output directory."""


@contextlib.contextmanager
def exclusive(directory: str | os.PathLike[str], what: str = "lexiloom") -> Iterator[Path]:
    """Hold an exclusive lock on ``directory`` (an ``fcntl.flock`` on its ``.lexiloom.lock``)
    for the block, so a second writer to the same output fails at once with a clear error
    instead of mixing files; the OS releases it when the process ends, even by ``kill -9``.
    Once held, the temporaries a killed writer left in ``directory`` and its sub-folders are
    removed (:func:`remove_stale_temporaries`)."""
    import fcntl

    directory = Path(directory)
    try:
        directory.mkdir(parents=True, exist_ok=True)
        fd = os.open(directory / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as err:
        raise _cannot_write(directory, err) from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise LexiloomError(f"{directory} is in use by another {what} (its "
                                f"{LOCK_FILE} is locked); wait for it to finish or choose "
                                "another output directory") from None
        remove_stale_temporaries(directory)
        for folder in [p for p in directory.iterdir() if p.is_dir()]:
            remove_stale_temporaries(folder)
        yield directory
    finally:
        os.close(fd)  # closing releases the lock


def remove_stale_temporaries(folder: str | os.PathLike[str], name: str | None = None) -> None:
    """Remove what :func:`atomic_path` (or :func:`remove_tree`) left in ``folder`` for the
    target ``name`` (``None``: any) when its process was killed: ``.NAME.XXXXXXXX.tmp``
    (``tempfile.mkdtemp``'s eight characters, so ``name`` never matches another target's
    temporaries) and versions ``.NAME.XXXXXXXX.v`` that ``NAME`` does not link to. Only call it
    while holding the lock of every writer of those targets (:func:`exclusive` does, for its
    directory): a live writer's temporary looks the same."""
    target = ".+" if name is None else re.escape(name)
    pattern = re.compile(rf"\.{target}\.[a-z0-9_]{{8}}\.tmp")
    try:
        entries = list(Path(folder).iterdir())
    except OSError:            # gone or unreadable: nothing of ours to clean there
        return
    versions = re.compile(rf"\.({target})\.[a-z0-9_]{{8}}\.v")
    for stale in entries:
        if pattern.fullmatch(stale.name) and stale.is_dir():
            shutil.rmtree(stale, ignore_errors=True)
        elif (match := versions.fullmatch(stale.name)) and not stale.is_symlink():
            link = stale.parent / match.group(1)    # the version its link points to is live
            if not (link.is_symlink() and os.readlink(link) == stale.name):
                shutil.rmtree(stale, ignore_errors=True)


def remove_tree(path: str | os.PathLike[str]) -> None:
    """Remove the directory ``path`` so that it is whole or gone at every moment: it is first
    renamed into a temporary beside it (one atomic step), then deleted."""
    path = Path(path)
    if not path.exists() and not path.is_symlink():
        return
    version = path.parent / os.readlink(path) if path.is_symlink() else None
    trash = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent))
    os.replace(path, trash / path.name)
    shutil.rmtree(trash, ignore_errors=True)
    if version is not None:                  # a versioned directory (see _replace): its data
        shutil.rmtree(version, ignore_errors=True)


def write_text(target: str | os.PathLike[str], text: str, encoding: str = "utf-8") -> None:
    """Write ``text`` to ``target`` atomically."""
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding=encoding)


def write_bytes(target: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``target`` atomically."""
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)
