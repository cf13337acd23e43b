"""How many CPU threads lexiloom uses: the one owner of that default for every entry point.

On shared machines torch's own default can be far off: it counts the host's cores, not the ones
this process may run on, and on a 2-core box shared with other jobs it ran 12 times slower than one
thread in one report (``docs/performance.md`` measured 4 threads on 2 cores at 0.48x one thread,
and 2 threads beside another busy job at 0.31x). So:

- :func:`usable_cores` is what this process may really use: its CPU affinity
  (``os.sched_getaffinity``), lowered by a cgroup CPU quota when one is set (containers).
- :func:`resolve_threads` turns a ``--threads`` value (or a ``workers`` setting) into a count:
  unset means :func:`usable_cores`. For torch, more than that is an error naming the fix (its
  thread pool spins, so extra threads only contend for the same cores); the word-vector kernels'
  plain worker threads may be asked for beyond it (``limit=False``), as in gensim.
- :func:`use_threads` applies it to torch; every command that runs a torch model calls it.
- :func:`fit_torch_threads` is for models running inside someone else's process (a spaCy pipeline
  loaded with ``spacy.load``): in a ``nlp.pipe(..., n_process=N)`` worker it sets
  :func:`worker_threads` (1 unless ``LEXILOOM_WORKER_THREADS`` says otherwise), so N workers do
  not oversubscribe the CPUs; in the main process it only lowers torch's count to
  :func:`usable_cores` when it is above, never raising a count the user chose.

Importing this module is cheap: torch is imported only by the functions that set its threads.
"""

from __future__ import annotations

import math
import multiprocessing
import os
from pathlib import Path

from lexiloom.errors import SettingsError

WORKER_THREADS_ENV = "LEXILOOM_WORKER_THREADS"
CGROUP_V2_MAX = Path("/sys/fs/cgroup/cpu.max")
CGROUP_V1_QUOTA = Path("/sys/fs/cgroup/cpu/cpu.cfs_quota_us")
CGROUP_V1_PERIOD = Path("/sys/fs/cgroup/cpu/cpu.cfs_period_us")

_fitted_pid: int | None = None


def cgroup_cpu_limit() -> int | None:
    """Cores allowed by this process's cgroup CPU quota (rounded up), or ``None`` when unlimited
    or unknown."""
    try:
        if CGROUP_V2_MAX.is_file():
            quota, _, period = CGROUP_V2_MAX.read_text().strip().partition(" ")
            if quota == "max":
                return None
            return max(1, math.ceil(int(quota) / int(period or 100_000)))
        if CGROUP_V1_QUOTA.is_file() and CGROUP_V1_PERIOD.is_file():
            quota_us = int(CGROUP_V1_QUOTA.read_text())
            period_us = int(CGROUP_V1_PERIOD.read_text())
            if quota_us > 0 and period_us > 0:
                return max(1, math.ceil(quota_us / period_us))
    except (OSError, ValueError):
        return None
    return None


def usable_cores() -> int:
    """The CPU cores this process may run on: its affinity, capped by a cgroup CPU quota."""
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not Linux
        cores = os.cpu_count() or 1
    limit = cgroup_cpu_limit()
    return max(1, min(cores, limit) if limit else cores)


def resolve_threads(threads: int | None, setting: str = "--threads", *,
                    limit: bool = True) -> int:
    """The thread count for ``threads`` (``None``: :func:`usable_cores`); ``setting`` names the
    option or setting in errors. With ``limit``, more than :func:`usable_cores` is an error."""
    usable = usable_cores()
    if threads is None:
        return usable
    if isinstance(threads, bool) or not isinstance(threads, int) or threads < 1:
        raise SettingsError(f"{setting} must be a positive whole number of threads, "
                            f"not {threads!r}")
    if limit and threads > usable:
        raise SettingsError(f"{setting} {threads} is more than the {usable} CPU cores this "
                            "process may use (its CPU affinity and quota); more threads than "
                            f"cores only slow training and prediction down: give at most "
                            f"{usable}, or leave it unset to use {usable}")
    return threads


def use_threads(threads: int | None = None, setting: str = "--threads") -> int:
    """Set torch's CPU threads to :func:`resolve_threads` of ``threads``; return the count."""
    count = resolve_threads(threads, setting)
    import torch

    if torch.get_num_threads() != count:
        torch.set_num_threads(count)
    return count


def in_worker_process() -> bool:
    """Whether this process was started by ``multiprocessing`` (a ``nlp.pipe`` worker)."""
    return multiprocessing.parent_process() is not None


def worker_threads() -> int:
    """The torch threads a ``nlp.pipe`` worker uses: ``$LEXILOOM_WORKER_THREADS`` or 1."""
    try:
        return max(1, int(os.environ.get(WORKER_THREADS_ENV, "1")))
    except ValueError:
        return 1


def fit_torch_threads() -> int | None:
    """Once per process, before a lexiloom model first predicts: in a ``multiprocessing`` worker
    set :func:`worker_threads`; in the main process lower torch's count to :func:`usable_cores`
    if it is above. Returns the count this call set, or ``None`` when it changed nothing."""
    global _fitted_pid
    pid = os.getpid()
    if _fitted_pid == pid:
        return None
    _fitted_pid = pid
    import torch

    if in_worker_process():
        count = worker_threads()
    else:
        count = min(torch.get_num_threads(), usable_cores())
    if count == torch.get_num_threads():
        return None
    torch.set_num_threads(count)
    return count
