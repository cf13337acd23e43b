"""Feeding the training loop: jobs of word ids from a producer, worker threads that train them.

gensim's design: one producer (the calling thread) reads the sentences, maps tokens to ids with a
dict and cuts them into jobs of about ``batch_words`` words; ``workers`` threads take jobs from a
bounded queue and run the kernel, which releases the GIL, on weights shared by all (Hogwild).

Everything random about a job is fixed by the producer: its learning rate (decaying linearly with
the raw words pushed so far, over all epochs, from ``alpha`` to ``min_alpha``) and its random seed
(from the run's seed and the job's number). With one worker the result is therefore
deterministic; with several, only the interleaving of updates varies.
"""

from __future__ import annotations

import queue
import sys
import threading
import time
from array import array
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import repeat
from typing import Any, TextIO

import numpy as np

_MASK64 = (1 << 64) - 1


def job_seed(seed: int, job: int) -> int:
    """The 48-bit random state a job starts from (splitmix64 of the run seed and job number)."""
    z = (seed * 0x9E3779B97F4A7C15 + (job + 1) * 0xBF58476D1CE4E5B9) & _MASK64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK64
    return (z ^ (z >> 31)) & ((1 << 48) - 1)


@dataclass
class Job:
    """A batch of sentences as ids (-1 for out-of-vocabulary words) with its rate and seed."""

    ids: array
    ends: array
    raw_words: int
    alpha: float
    seed: int


@dataclass
class Clock:
    """Where a run is: raw words pushed to the workers so far (the learning rate decays with
    them) and the number of the next job (its random seed derives from it). A checkpoint saves
    it at an epoch's end; a resumed run continues from it."""

    pushed: int = 0
    number: int = 0


def iter_jobs(sentences: Iterable[Sequence[str]], index: dict[str, int], *, epochs: int,
              total_words: int, batch_words: int, alpha: float, min_alpha: float,
              seed: int, clock: Clock | None = None, passes: int | None = None
              ) -> Iterable[Job]:
    """Cut passes over ``sentences`` into jobs of about ``batch_words`` raw words: ``passes``
    of them (default: all ``epochs``) from where ``clock`` stands (default: the start), which
    is advanced as jobs are made. The learning rate decays over all ``epochs``."""
    get = index.get
    clock = Clock() if clock is None else clock
    budget = max(1, epochs * total_words)
    for _ in range(epochs if passes is None else passes):
        ids, ends, raw = array("i"), array("i"), 0
        for sentence in sentences:
            if not sentence:
                continue
            ids.extend(map(get, sentence, repeat(-1)))
            ends.append(len(ids))
            raw += len(sentence)
            if raw >= batch_words:
                yield _job(ids, ends, raw, clock.pushed, budget, alpha, min_alpha, seed,
                           clock.number)
                clock.pushed += raw
                clock.number += 1
                ids, ends, raw = array("i"), array("i"), 0
        if raw:
            yield _job(ids, ends, raw, clock.pushed, budget, alpha, min_alpha, seed,
                       clock.number)
            clock.pushed += raw
            clock.number += 1


def _job(ids: array, ends: array, raw: int, pushed: int, budget: int, alpha: float,
         min_alpha: float, seed: int, number: int) -> Job:
    rate = alpha - (alpha - min_alpha) * min(1.0, pushed / budget)
    return Job(ids, ends, raw, max(min_alpha, rate), job_seed(seed, number))


class Progress:
    """A one-line progress report on stderr: percent done and words/second."""

    def __init__(self, total: int, *, enabled: bool, stream: TextIO | None = None,
                 every: float = 0.5) -> None:
        self.total = max(1, total)
        self.enabled = enabled
        self.stream = stream or sys.stderr
        self.every = every
        self.done = 0
        self.start = time.perf_counter()
        self._last = 0.0
        self._lock = threading.Lock()

    def add(self, words: int) -> None:
        """Count ``words`` raw words as trained; redraw at most every ``every`` seconds."""
        with self._lock:
            self.done += words
            now = time.perf_counter()
            if self.enabled and now - self._last >= self.every:
                self._last = now
                self._draw(now)

    def close(self) -> None:
        """Draw the final state and end the line."""
        if self.enabled:
            self._draw(time.perf_counter())
            self.stream.write("\n")
            self.stream.flush()

    def words_per_second(self) -> float:
        """Raw words trained per second so far."""
        return self.done / max(1e-9, time.perf_counter() - self.start)

    def _draw(self, now: float) -> None:
        share = min(1.0, self.done / self.total)
        bar = "#" * int(share * 30)
        self.stream.write(f"\rtraining [{bar:<30}] {share:6.1%}  "
                          f"{self.done / max(1e-9, now - self.start):,.0f} words/s")
        self.stream.flush()


def run_jobs(jobs: Iterable[Job], train: Callable[[Job], Any], *, workers: int,
             progress: Progress) -> None:
    """Train every job with ``workers`` threads; re-raise the first error a worker hit."""
    pending: queue.Queue[Job | None] = queue.Queue(maxsize=2 * workers)
    errors: list[BaseException] = []

    def work() -> None:
        while True:
            job = pending.get()
            if job is None:
                return
            if errors:
                continue
            try:
                train(job)
            except BaseException as err:
                errors.append(err)
            progress.add(job.raw_words)

    threads = [threading.Thread(target=work, daemon=True) for _ in range(workers)]
    for thread in threads:
        thread.start()
    try:
        for job in jobs:
            if errors:
                break
            pending.put(job)
    finally:
        for _ in threads:
            pending.put(None)
        for thread in threads:
            thread.join()
    if errors:
        raise errors[0]


def seeded_weights(vocab_size: int, dim: int, seed: int) -> np.ndarray:
    """Input vectors initialised as gensim does: uniform in [-1, 1) / dim."""
    rng = np.random.default_rng(seed)
    weights = rng.random((vocab_size, dim), dtype=np.float32)
    weights *= 2.0
    weights -= 1.0
    weights /= dim
    return weights
