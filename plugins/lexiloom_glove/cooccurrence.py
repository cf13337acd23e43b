"""Word-word co-occurrence counting in bounded memory, like the reference GloVe ``cooccur`` tool.

Every token pairs with the ``window`` in-vocabulary tokens before it in its sentence (words out
of the vocabulary are dropped first, as ``cooccur`` does), each pair weighted by 1/distance
(``distance_weighting``) and, with ``symmetric``, counted in both directions. The counts never
form a dense V×V matrix: they accumulate in an open-addressing hash table of (key, value) records
(key = row * V + col) that starts at 1 MiB and grows fourfold up to at most ``memory_mb / 2`` MiB.
When the table is 70% full at that size, its records are sorted and spilled to a temporary shard
file; at the end the shards are merged one key range at a time into sorted COO arrays. Memory
therefore depends on the budget and on the number of distinct pairs, never on the corpus size.
The compiled kernel does the counting; without it, :mod:`lexiloom_glove.fallback` accumulates
sorted numpy arrays under the same budget and spills the same way.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import repeat
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

from lexiloom.errors import CorpusError, ModelFileError
from lexiloom.kernels import Kernel
from lexiloom_glove import fallback
from lexiloom_glove.inputs import check_sentences, check_table

RECORD = np.dtype([("key", "<i8"), ("value", "<f8")])
"""One co-occurrence record as the kernel's table and the shard files store it (16 bytes)."""

MAX_LOAD = 0.7
"""Spill the table when this fraction of its slots is filled."""

INITIAL_CAPACITY = 1 << 16
"""Slots of the counting table at first (1 MiB); it grows fourfold up to the budget's capacity."""

CHUNK_TOKENS = 1 << 20
"""Tokens handed to the counting loop at a time."""


@dataclass
class Cooccurrence:
    """Sparse co-occurrence counts as COO arrays sorted by (row, col).

    ``rows`` and ``cols`` are int32 word indices, ``values`` float64 weighted counts. The other
    fields describe how they were counted: ``tokens`` (in-vocabulary tokens seen), ``shards``
    (spills to disk), ``table_bytes`` (size of the counting structure) and ``peak_entries`` (the
    most records it held).
    """

    rows: np.ndarray
    cols: np.ndarray
    values: np.ndarray
    vocab_size: int
    tokens: int = 0
    shards: int = 0
    table_bytes: int = 0
    peak_entries: int = 0

    def __len__(self) -> int:
        return len(self.values)

    def to_dict(self) -> dict[tuple[int, int], float]:
        """``{(row, col): value}`` (for small matrices: tests and inspection)."""
        return {(int(r), int(c)): float(v)
                for r, c, v in zip(self.rows, self.cols, self.values, strict=True)}


KERNEL = Kernel("glove", "lexiloom_glove._kernel", "about 55 times (one thread)")
"""The compiled counting and training kernel (``_kernel.c``); see :mod:`lexiloom.kernels`."""


def load_kernel() -> ModuleType | None:
    """The compiled kernel, or ``None`` (after a warning) when it was not built: the numpy
    fallback is used."""
    return KERNEL.load()


def table_capacity(memory_mb: float, window: int) -> int:
    """Slots of the counting table for a budget: the largest power of two whose records fit in
    half of ``memory_mb`` (the other half is for sorting and merging), at least enough for one
    token's pairs."""
    budget = memory_mb * (1 << 20) / 2
    capacity = 1 << 8
    while capacity * 2 * RECORD.itemsize <= budget:
        capacity *= 2
    while capacity * MAX_LOAD < 4 * window + 2:
        capacity *= 2
    return capacity


def count_cooccurrences(
    sentences: Iterable[Sequence[str]],
    index: Mapping[str, int],
    *,
    window: int = 10,
    symmetric: bool = True,
    distance_weighting: bool = True,
    memory_mb: float = 512,
    kernel: ModuleType | bool | None = True,
    tmp_dir: str | os.PathLike[str] | None = None,
    on_progress: Callable[[int], Any] | None = None,
    shard_dir: str | os.PathLike[str] | None = None,
    resume: dict[str, Any] | None = None,
    on_checkpoint: Callable[[dict[str, Any]], Any] | None = None,
) -> Cooccurrence:
    """Count the co-occurrences of ``sentences`` (token lists) over the words of ``index``.

    ``index`` maps each vocabulary word to its row (0 .. V-1). ``kernel=True`` uses the compiled
    kernel when it is built, ``False`` the numpy fallback, a module that module. Shards go to a
    temporary directory under ``tmp_dir`` (default: the system's), removed afterwards.
    ``on_progress(words)`` is called after each chunk with the number of raw tokens read so far.

    Resumable counting: with ``shard_dir`` the shards go there and stay, and after each chunk
    of sentences in which the table spilled, what is in memory is spilled too and
    ``on_checkpoint(state)`` is called with a JSON-serialisable state; ``resume=state``
    continues from it (the chunks it covers are read and skipped, its shards reused). A run
    with the same checkpoints gives the same counts, resumed or not.
    """
    module = load_kernel() if kernel is True else (None if kernel is False else kernel)
    counter = _Counter(len(index), window, symmetric, distance_weighting, memory_mb, module,
                       tmp_dir, shard_dir)
    skip = 0
    if resume is not None:
        counter.restore(resume)
        skip = int(resume["chunks"])
    try:
        saved = len(counter.shards)
        for number, (ids, bounds) in enumerate(_id_chunks(sentences, index, on_progress), 1):
            if number <= skip:
                continue
            counter.add(ids, bounds)
            if on_checkpoint is not None and len(counter.shards) > saved:
                counter.spill_all()
                saved = len(counter.shards)
                on_checkpoint(counter.state(number))
        return counter.finish()
    finally:
        counter.close()


def _id_chunks(
    sentences: Iterable[Sequence[str]],
    index: Mapping[str, int],
    on_progress: Callable[[int], Any] | None,
) -> Iterable[tuple[np.ndarray, np.ndarray]]:
    """(ids, bounds) chunks: in-vocabulary ids of whole sentences and the sentences' offsets."""
    lookup = index.get
    buffer: list[int] = []
    lengths: list[int] = []
    seen = 0
    for sentence in sentences:
        words = _strings(sentence)
        if not words:
            continue
        buffer.extend(map(lookup, words, repeat(-1)))
        lengths.append(len(words))
        seen += len(words)
        if len(buffer) >= CHUNK_TOKENS:
            yield _compact(buffer, lengths)
            buffer, lengths = [], []
            if on_progress is not None:
                on_progress(seen)
    if lengths:
        yield _compact(buffer, lengths)
    if on_progress is not None:
        on_progress(seen)


def _strings(sentence: Sequence[Any]) -> Sequence[str]:
    if isinstance(sentence, str):
        raise CorpusError("each sentence must be a list of tokens, not a string; "
                        "split the text into tokens first (e.g. text.split())")
    if sentence and not isinstance(sentence[0], str):
        return [getattr(t, "norm", t) for t in sentence]
    return sentence


def _compact(buffer: list[int], lengths: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """Drop out-of-vocabulary ids (-1); ``lengths`` are the sentences' raw lengths (all > 0)."""
    raw = np.array(buffer, dtype=np.int32)
    keep = raw >= 0
    ids = raw[keep]
    starts = np.zeros(len(lengths), dtype=np.int64)
    np.cumsum(lengths[:-1], out=starts[1:])
    kept = np.add.reduceat(keep.astype(np.int64), starts)
    bounds = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(kept, out=bounds[1:])
    return ids, bounds


def _empty_table(capacity: int) -> np.ndarray:
    table = np.empty(capacity, dtype=RECORD)
    table.view(np.int64).reshape(capacity, 2)[:, 0] = -1
    table["value"] = 0.0
    return table


class _Counter:
    """The counting structure (kernel hash table or numpy sorted arrays) and its shards."""

    def __init__(self, vocab_size: int, window: int, symmetric: bool, distance_weighting: bool,
                 memory_mb: float, kernel: ModuleType | None,
                 tmp_dir: str | os.PathLike[str] | None,
                 shard_dir: str | os.PathLike[str] | None = None) -> None:
        self.vocab_size = vocab_size
        self.window = window
        self.symmetric = symmetric
        self.distance_weighting = distance_weighting
        self.kernel = kernel
        self.capacity = table_capacity(memory_mb, window)
        self.max_fill = int(min(self.capacity, INITIAL_CAPACITY) * MAX_LOAD)
        self.budget = int(self.capacity * MAX_LOAD)
        self.tmp_dir = tmp_dir
        self.kept_dir = None if shard_dir is None else Path(shard_dir)
        self._shard_dir: tempfile.TemporaryDirectory[str] | None = None
        self.shards: list[Path] = []
        self.tokens = 0
        self.peak = 0
        self.filled = 0
        if kernel is not None:
            self.table = _empty_table(min(self.capacity, INITIAL_CAPACITY))
            self.table_bytes = self.table.nbytes
        else:
            self.keys = np.empty(0, np.int64)
            self.values = np.empty(0, np.float64)
            self.table_bytes = 0

    # -- accumulating --------------------------------------------------------------------------
    def add(self, ids: np.ndarray, bounds: np.ndarray) -> None:
        """Count the sentences ``ids[bounds[s]:bounds[s + 1]]``."""
        ids, bounds = check_sentences(ids, bounds, self.vocab_size)
        self.tokens += len(ids)
        if self.kernel is not None:
            self._add_kernel(ids, bounds)
        else:
            self._add_numpy(ids, bounds)

    def _add_kernel(self, ids: np.ndarray, bounds: np.ndarray) -> None:
        sentence, position = 0, 0
        n_sentences = len(bounds) - 1
        while sentence < n_sentences:
            check_table(self.table, RECORD, self.filled, self.max_fill, self.window,
                        self.symmetric, (ids, bounds))
            filled, sentence, position = self.kernel.count(  # type: ignore[union-attr]
                self.table, ids, bounds, self.vocab_size, self.window, self.symmetric,
                self.distance_weighting, self.max_fill, self.filled, sentence, position)
            self.peak = max(self.peak, filled)
            self.filled = filled
            if sentence < n_sentences:
                if len(self.table) < self.capacity:
                    self._grow()
                else:
                    self._spill(self._drain_table())

    def _grow(self) -> None:
        """Move the records into a table four times as large (at most the budget's)."""
        old = self.table
        self.table = _empty_table(min(self.capacity, 4 * len(old)))
        self.filled = self.kernel.insert(self.table, old, 0)  # type: ignore[union-attr]
        del old
        self.max_fill = int(len(self.table) * MAX_LOAD)
        self.table_bytes = max(self.table_bytes, self.table.nbytes)

    def _add_numpy(self, ids: np.ndarray, bounds: np.ndarray) -> None:
        lengths = np.diff(bounds)
        sentence_start = np.repeat(bounds[:-1], lengths)
        per_token = self.window * (2 if self.symmetric else 1)
        step = max(1, self.budget // (2 * per_token))
        for begin in range(0, len(ids), step):
            end = min(len(ids), begin + step)
            keys, weights = fallback.pair_keys(ids, sentence_start, begin, end, self.vocab_size,
                                               self.window, self.symmetric,
                                               self.distance_weighting)
            keys, weights = fallback.reduce_keys(np.concatenate([self.keys, keys]),
                                                 np.concatenate([self.values, weights]))
            self.keys, self.values = keys, weights
            self.peak = max(self.peak, len(keys))
            self.table_bytes = max(self.table_bytes, len(keys) * RECORD.itemsize)
            if len(keys) > self.budget // 2:
                self._spill(self._drain_arrays())

    # -- spilling and merging ------------------------------------------------------------------
    def _drain_table(self) -> np.ndarray:
        """The table's records sorted by key (a view of its front; reset after use)."""
        n = self.kernel.drain(self.table, self.filled)  # type: ignore[union-attr]
        return self.table[:n]

    def _drain_arrays(self) -> np.ndarray:
        records = np.empty(len(self.keys), dtype=RECORD)
        records["key"], records["value"] = self.keys, self.values
        self.keys, self.values = np.empty(0, np.int64), np.empty(0, np.float64)
        return records

    def _spill(self, records: np.ndarray) -> None:
        if self.kept_dir is not None:
            folder = self.kept_dir
            folder.mkdir(parents=True, exist_ok=True)
        else:
            if self._shard_dir is None:
                self._shard_dir = tempfile.TemporaryDirectory(prefix="lexiloom-glove-",
                                                              dir=self.tmp_dir)
            folder = Path(self._shard_dir.name)
        path = folder / f"shard-{len(self.shards):05d}.bin"
        with open(path, "wb") as out:
            records.tofile(out)
            out.flush()
            os.fsync(out.fileno())
        self.shards.append(path)
        self._reset()

    # -- checkpoints ---------------------------------------------------------------------------
    def spill_all(self) -> None:
        """Spill what is in memory, so that the shards hold every count so far."""
        records = self._drain_table() if self.kernel is not None else self._drain_arrays()
        if len(records):
            self._spill(records)

    def state(self, chunks: int) -> dict[str, Any]:
        """What :meth:`restore` needs after ``chunks`` chunks, every count in the shards."""
        return {"chunks": chunks, "tokens": self.tokens, "peak": self.peak,
                "table_bytes": self.table_bytes, "max_fill": self.max_fill,
                "table_slots": len(self.table) if self.kernel is not None else 0,
                "shards": [[p.name, p.stat().st_size] for p in self.shards]}

    def restore(self, state: dict[str, Any]) -> None:
        """Continue from :meth:`state`: its shards (each checked to be whole) and counters."""
        if self.kept_dir is None:
            raise ValueError("restoring a count needs its shard_dir")
        shards = []
        for name, size in state["shards"]:
            path = self.kept_dir / name
            if not path.is_file() or path.stat().st_size != size:
                raise ModelFileError(f"{path}: a counting shard is missing or truncated; delete "
                                     f"{self.kept_dir.parent} and start again")
            shards.append(path)
        listed = {p.name for p in shards}
        for stray in self.kept_dir.glob("shard-*.bin"):    # written after the state was saved
            if stray.name not in listed:
                stray.unlink()
        self.shards = shards
        self.tokens, self.peak = int(state["tokens"]), int(state["peak"])
        self.table_bytes, self.max_fill = int(state["table_bytes"]), int(state["max_fill"])
        if self.kernel is not None and state["table_slots"]:
            self.table = _empty_table(int(state["table_slots"]))

    def _reset(self) -> None:
        if self.kernel is not None:
            self.table[: self.filled] = (-1, 0.0)
            self.filled = 0

    def finish(self) -> Cooccurrence:
        """Merge what is in memory with the shards into sorted COO arrays."""
        records = self._drain_table() if self.kernel is not None else self._drain_arrays()
        if self.shards:
            if len(records):
                self._spill(records)
            keys, values = self._merge_shards()
        else:
            keys, values = records["key"], records["value"]
        rows = (keys // self.vocab_size).astype(np.int32)
        cols = (keys % self.vocab_size).astype(np.int32)
        values = np.array(values, dtype=np.float64)
        self._reset()
        return Cooccurrence(rows, cols, values, self.vocab_size, tokens=self.tokens,
                            shards=len(self.shards), table_bytes=self.table_bytes,
                            peak_entries=self.peak)

    def _merge_shards(self) -> tuple[np.ndarray, np.ndarray]:
        """Merge the sorted shards one key range at a time: every shard's records in the range
        (found by binary search) are summed per key; the range adapts so that at most about
        ``budget`` records are in memory at once."""
        shards = [np.memmap(p, dtype=RECORD, mode="r") for p in self.shards if p.stat().st_size]
        keys = [s["key"] for s in shards]
        positions = np.zeros(len(shards), dtype=np.int64)
        lengths = np.array([len(s) for s in shards], dtype=np.int64)
        end_key = self.vocab_size * self.vocab_size
        step = max(1, end_key * self.budget // max(1, int(lengths.sum())))
        out_keys: list[np.ndarray] = []
        out_values: list[np.ndarray] = []
        low = 0
        while (positions < lengths).any():
            high = min(end_key, low + step)
            ends = np.array([np.searchsorted(k, high, side="left") for k in keys])
            taken = int((ends - positions).sum())
            if taken > self.budget and step > 1:
                step //= 2
                continue
            if taken == 0:  # jump to the smallest key left
                low = min(int(k[p]) for k, p, n in zip(keys, positions, lengths, strict=True)
                          if p < n)
                continue
            parts = [np.array(s[p:e]) for s, p, e in zip(shards, positions, ends, strict=True)
                     if e > p]
            merged = np.concatenate(parts)
            summed = fallback.reduce_keys(merged["key"], merged["value"])
            out_keys.append(summed[0])
            out_values.append(summed[1])
            positions, low = ends, high
            if taken < self.budget // 4:
                step *= 2
        del shards, keys
        if not out_keys:
            return np.empty(0, np.int64), np.empty(0, np.float64)
        return np.concatenate(out_keys), np.concatenate(out_values)

    def close(self) -> None:
        """Remove the shard files."""
        if self._shard_dir is not None:
            self._shard_dir.cleanup()
            self._shard_dir = None
