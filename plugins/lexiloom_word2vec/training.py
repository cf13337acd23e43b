"""Feeding the training loop: jobs of word ids from a producer, worker threads that train them.

gensim's design: one producer (the calling thread) reads the sentences, maps tokens to ids with a
dict and cuts them into jobs of about ``batch_words`` words; ``workers`` threads take jobs from a
bounded queue and run the kernel, which releases the GIL, on weights shared by all (Hogwild).

The first pass's word ids stay in memory (:class:`BatchCache`, up to a limit), so later epochs
neither read nor tokenise the corpus again.

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
from collections.abc import Callable, Iterable, Iterator, Sequence
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


Batch = tuple[array, array, int]
"""Word ids (-1 for out-of-vocabulary words), sentence ends and raw word count of one job."""


def batches(sentences: Iterable[Sequence[str]], index: dict[str, int], *,
            batch_words: int) -> Iterator[Batch]:
    """One pass over ``sentences`` as batches of about ``batch_words`` raw words."""
    get = index.get
    ids, ends, raw = array("i"), array("i"), 0
    for sentence in sentences:
        if not sentence:
            continue
        ids.extend(map(get, sentence, repeat(-1)))
        ends.append(len(ids))
        raw += len(sentence)
        if raw >= batch_words:
            yield ids, ends, raw
            ids, ends, raw = array("i"), array("i"), 0
    if raw:
        yield ids, ends, raw


def schedule(passes: Iterable[Batch], *, epochs: int, total_words: int, alpha: float,
             min_alpha: float, seed: int, clock: Clock) -> Iterator[Job]:
    """Jobs from batches, from where ``clock`` stands (advanced as jobs are made): the rate
    decays linearly with the raw words pushed so far over all ``epochs`` of ``total_words``."""
    budget = max(1, epochs * total_words)
    for ids, ends, raw in passes:
        rate = alpha - (alpha - min_alpha) * min(1.0, clock.pushed / budget)
        yield Job(ids, ends, raw, max(min_alpha, rate), job_seed(seed, clock.number))
        clock.pushed += raw
        clock.number += 1


BATCH_OVERHEAD = 64
"""What a kept batch costs beyond its ids and ends (its arrays and tuple), in 4-byte items."""


class BatchCache:
    """One pass's batches kept in memory (4 bytes per word and per sentence, plus
    :data:`BATCH_OVERHEAD` per batch), so that later passes need not read and tokenise the
    corpus again; past ``limit`` such items it gives up for good and frees what it held (later
    passes re-read). ``passes`` counts the reads of the corpus."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.kept: list[Batch] = []
        self.size = 0
        self.complete = False
        self.passes = 0

    def one_pass(self, read: Callable[[], Iterable[Batch]]) -> Iterator[Batch]:
        """A pass: from memory when a whole pass is held, else from ``read()``, keeping what
        fits."""
        if self.complete:
            yield from self.kept
            return
        self.passes += 1
        keep = self.limit > 0
        self.kept, self.size = [], 0
        for batch in read():
            if keep:
                self.size += len(batch[0]) + len(batch[1]) + BATCH_OVERHEAD
                if self.size > self.limit:
                    keep, self.kept, self.limit = False, [], 0  # too large: stop trying
                else:
                    self.kept.append(batch)
            yield batch
        self.complete = keep


def train_epochs(sentences: Iterable[Sequence[str]], index: dict[str, int],
                 train: Callable[[Job], Any], *, settings: dict[str, Any], total_words: int,
                 seed: int, clock: Clock, first_epoch: int, meter: Progress,
                 after_epoch: Callable[[int], None] | None = None) -> int:
    """Train the epochs from ``first_epoch`` on: each a pass of jobs (from memory after the
    first, see :class:`BatchCache`) run by ``settings["workers"]`` threads, then
    ``after_epoch(epoch)``; close ``meter``. ``settings`` are a validated Word2Vec-like
    embedder's (``epochs``, ``alpha``, ``min_alpha``, ``batch_words``, ``cache_mb``,
    ``workers``). Returns how many times the corpus was read."""
    s = settings
    cache = BatchCache(s["cache_mb"] * 2**20 // 4)
    try:
        for epoch in range(first_epoch, s["epochs"]):
            passes = cache.one_pass(lambda: batches(sentences, index,
                                                    batch_words=s["batch_words"]))
            jobs = schedule(passes, epochs=s["epochs"], total_words=total_words,
                            alpha=s["alpha"], min_alpha=s["min_alpha"], seed=seed, clock=clock)
            run_jobs(jobs, train, workers=s["workers"], progress=meter)
            if after_epoch is not None:
                after_epoch(epoch)
    finally:
        meter.close()
    return cache.passes


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
