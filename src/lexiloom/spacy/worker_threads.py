"""One torch thread per worker process for ``nlp.pipe(texts, n_process=N)``.

spaCy runs ``nlp.pipe(..., n_process=N)`` in N child processes started by ``multiprocessing``.
Each torch process would otherwise start a thread pool as large as the machine, so N workers
would oversubscribe the CPUs N times over (and a pool inherited through ``fork`` is unsafe).

The mechanism: before its first prediction in a process, the architecture calls
:func:`limit_threads_in_worker`. When the process was started by ``multiprocessing``
(``multiprocessing.parent_process()`` is not ``None``; this covers both ``fork`` and ``spawn``
start methods) it sets ``torch.set_num_threads(1)``, once per process. The main process is never
changed. Set the environment variable ``LEXILOOM_WORKER_THREADS`` to another positive number to
use that many threads per worker instead.
"""

from __future__ import annotations

import multiprocessing
import os

WORKER_THREADS_ENV = "LEXILOOM_WORKER_THREADS"

_limited_pid: int | None = None


def in_worker_process() -> bool:
    """Whether this process was started by ``multiprocessing`` (a ``nlp.pipe`` worker)."""
    return multiprocessing.parent_process() is not None


def worker_threads() -> int:
    """The torch threads a worker uses: ``$LEXILOOM_WORKER_THREADS`` or 1."""
    try:
        return max(1, int(os.environ.get(WORKER_THREADS_ENV, "1")))
    except ValueError:
        return 1


def limit_threads_in_worker() -> bool:
    """In a worker process, set torch's thread count (once); return whether this call did."""
    global _limited_pid
    pid = os.getpid()
    if _limited_pid == pid or not in_worker_process():
        return False
    import torch

    torch.set_num_threads(worker_threads())
    _limited_pid = pid
    return True
