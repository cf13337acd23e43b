"""The ``glove`` embedder: GloVe vectors (Pennington et al., 2014) learned from token streams.

>>> from lexiloom_glove.model import GloVe
>>> vectors = GloVe(dim=50, epochs=15, min_count=5).fit(sentences)   # doctest: +SKIP
>>> vectors.most_similar("king")                                       # doctest: +SKIP

Settings follow the reference GloVe tools (``vocab_count``, ``cooccur``, ``glove``):

========================  =======  ==========================================================
setting                   default  reference flag and meaning
========================  =======  ==========================================================
``dim``                   100      ``-vector-size``: vector dimensions
``window``                10       ``-window-size``: context words on each side
``x_max``                 100.0    ``-x-max``: cutoff of the weighting function
``alpha``                 0.75     ``-alpha``: exponent of the weighting function
``learning_rate``         0.05     ``-eta``: AdaGrad's initial learning rate
``epochs``                25       ``-iter``: passes over the co-occurrence records
``min_count``             5        ``vocab_count -min-count``: rarer words are dropped
``max_vocab_size``        None     ``vocab_count -max-vocab``: keep at most this many words
``symmetric``             True     ``-symmetric``: count left and right context
``distance_weighting``    True     ``-distance-weighting``: a pair at distance d counts 1/d
``seed``                  1        ``-seed``: initial parameters and the record shuffle
``workers``               cores    ``-threads``: training threads (Hogwild); default: the cores
                                   this process may use (:mod:`lexiloom.threads`)
``memory_mb``             512      ``-memory``: budget of the counting structures, in MiB
``progress``              False    show a progress line (words/s, records/s) on stderr
``vectors``               None     a vectors file for :meth:`GloVe.build` before any ``fit``
========================  =======  ==========================================================

The saved vectors are W + W̃ (``-model 2``, as in the paper). The model input layer built by
:meth:`GloVe.build` is initialised from the fitted vectors (or from ``vectors``).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from lexiloom.errors import CorpusError, SettingsError
from lexiloom.threads import resolve_threads
from lexiloom_glove import cooccurrence as counting
from lexiloom_glove import training
from lexiloom_glove.progress import Progress
from lexiloom_glove.settings import DEFAULTS
from lexiloom_glove.vocabulary import Vocabulary, count_vocabulary

if TYPE_CHECKING:
    import torch

    from lexiloom.vectors import KeyedVectors
    from lexiloom.vectors.checkpoint import EpochCheckpoint
    from lexiloom.vocab import Vocab

COUNTS = "counts"
"""The checkpoint part holding the vocabulary and co-occurrences (saved once, when counted)."""
VOCAB = "vocab"
"""The checkpoint part holding the vocabulary while the co-occurrences are counted."""
COUNTING = "counting"
"""The checkpoint part holding the progress of counting (the shards in :data:`SHARDS`)."""
SHARDS = "shards"


def _restored_counts(state: dict[str, Any], arrays: dict[str, np.ndarray]
                     ) -> tuple[Vocabulary, counting.Cooccurrence]:
    vocab = Vocabulary(state["words"], arrays["counts"].tolist(), state["total_words"])
    cooc = counting.Cooccurrence(arrays["rows"], arrays["cols"], arrays["values"], len(vocab),
                                 tokens=state["tokens"])
    return vocab, cooc



@dataclass
class FitReport:
    """What the last :meth:`GloVe.fit` did: sizes and the wall time of each stage."""

    words: int
    vocab_size: int
    cooccurrences: int
    shards: int
    table_bytes: int
    kernel: bool
    vocab_seconds: float
    count_seconds: float
    train_seconds: float
    final_cost: float

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form."""
        return asdict(self)


class GloVe:
    """GloVe embedder: ``fit`` learns vectors, ``build`` makes the model input layer.

    See the module docstring for the settings. Invalid values raise
    :class:`~lexiloom.errors.SettingsError`.
    """

    name = "glove"

    def __init__(
        self,
        dim: int = 100,
        window: int = 10,
        x_max: float = 100.0,
        alpha: float = 0.75,
        learning_rate: float = 0.05,
        epochs: int = 25,
        min_count: int = 5,
        max_vocab_size: int | None = None,
        symmetric: bool = True,
        distance_weighting: bool = True,
        seed: int = 1,
        workers: int | None = None,
        memory_mb: float = 512,
        progress: bool = False,
        vectors: str | None = None,
    ) -> None:
        self.dim = _integer("dim", dim, 1)
        self.window = _integer("window", window, 1)
        self.x_max = _number("x_max", x_max, exclusive_min=0.0)
        self.alpha = _number("alpha", alpha, minimum=0.0)
        self.learning_rate = _number("learning_rate", learning_rate, exclusive_min=0.0)
        self.epochs = _integer("epochs", epochs, 0)
        self.min_count = _integer("min_count", min_count, 1)
        self.max_vocab_size = (None if max_vocab_size is None
                               else _integer("max_vocab_size", max_vocab_size, 1))
        self.symmetric = _flag("symmetric", symmetric)
        self.distance_weighting = _flag("distance_weighting", distance_weighting)
        self.seed = _integer("seed", seed, 0)
        self.workers = resolve_threads(workers, "glove setting 'workers'", limit=False)
        self.memory_mb = _number("memory_mb", memory_mb, exclusive_min=0.0)
        self.progress = _flag("progress", progress)
        if vectors is not None and not isinstance(vectors, str):
            raise SettingsError(f"glove setting 'vectors' must be a file path, not {vectors!r}")
        self.vectors = vectors
        self.fitted: KeyedVectors | None = None
        self.report: FitReport | None = None

    def to_config(self) -> dict[str, Any]:
        """The settings, JSON-serialisable, accepted back by :class:`GloVe`."""
        return {key: getattr(self, key) for key in DEFAULTS}

    def __repr__(self) -> str:
        return f"GloVe(dim={self.dim}, window={self.window}, epochs={self.epochs})"

    def fit(self, sentences: Iterable[Sequence[str]], *, seed: int | None = None,
            progress: bool | None = None, checkpoint: EpochCheckpoint | None = None
            ) -> KeyedVectors:
        """Learn vectors from ``sentences`` (re-iterable token lists, e.g. a ``TokenStream``).

        Two passes read the corpus (vocabulary, then co-occurrences); training then runs on the
        counts. ``seed`` overrides the ``seed`` setting for this call. Returns the vectors
        (W + W̃) as :class:`~lexiloom.vectors.KeyedVectors`, also kept for :meth:`build`.
        With ``checkpoint`` the counts are saved once counted and the parameters after each
        epoch; a run it restores skips what was done (see :mod:`lexiloom.vectors.checkpoint`).
        """
        from lexiloom.vectors import KeyedVectors

        if iter(sentences) is sentences:
            raise CorpusError("GloVe reads the corpus twice: pass a re-iterable (a list of token "
                              "lists or a TokenStream), not a one-shot iterator or generator")
        seed = self.seed if seed is None else _integer("seed", seed, 0)
        show = Progress(self.progress if progress is None else progress)

        started = time.perf_counter()
        kernel = counting.load_kernel()
        saved = checkpoint.restore(COUNTS) if checkpoint is not None else None
        if saved is not None:
            vocab, cooc = _restored_counts(*saved)
            counted = time.perf_counter()
        else:
            vocab_saved = checkpoint.restore(VOCAB) if checkpoint is not None else None
            if vocab_saved is not None:
                vocab = Vocabulary(vocab_saved[0]["words"], vocab_saved[1]["counts"].tolist(),
                                   vocab_saved[0]["total_words"])
            else:
                show.start("vocabulary")
                vocab = count_vocabulary(sentences, min_count=self.min_count,
                                         max_vocab_size=self.max_vocab_size,
                                         on_progress=show.update)
                show.finish()
                if checkpoint is not None:
                    checkpoint.save({"words": vocab.words, "total_words": vocab.total_words},
                                    {"counts": np.asarray(vocab.counts, dtype=np.int64)},
                                    part=VOCAB)
            counted = time.perf_counter()
            show.start("co-occurrences")
            resumable: dict[str, Any] = {}
            if checkpoint is not None:
                progress_state = checkpoint.restore(COUNTING)
                resumable = {
                    "shard_dir": checkpoint.directory / SHARDS,
                    "resume": progress_state[0] if progress_state is not None else None,
                    "on_checkpoint": lambda state: checkpoint.save(state, {}, part=COUNTING)}
            cooc = counting.count_cooccurrences(
                sentences, vocab.index, window=self.window, symmetric=self.symmetric,
                distance_weighting=self.distance_weighting, memory_mb=self.memory_mb,
                kernel=kernel if kernel is not None else False, on_progress=show.update,
                **resumable)
            show.finish()
            if len(cooc) == 0:
                raise CorpusError("no two vocabulary words occur within the window of each "
                                  "other; give a larger corpus or lower min_count")
            if checkpoint is not None:
                checkpoint.save(
                    {"words": vocab.words, "total_words": vocab.total_words,
                     "tokens": cooc.tokens},
                    {"counts": np.asarray(vocab.counts, dtype=np.int64), "rows": cooc.rows,
                     "cols": cooc.cols, "values": cooc.values}, part=COUNTS)
                checkpoint.remove(COUNTING, SHARDS)     # the counts hold all they held
        trained_from = time.perf_counter()
        resume_from = None
        state = checkpoint.restore() if checkpoint is not None else None
        if state is not None:
            resume_from = (state[0]["epoch"], state[1]["W"], state[1]["gradsq"])

        def after_epoch(epoch: int, weights: np.ndarray, gradsq: np.ndarray) -> None:
            if checkpoint is not None:
                checkpoint.save({"epoch": epoch}, {"W": weights, "gradsq": gradsq})

        records = len(cooc)
        costs: list[float] = [float("nan")]

        def on_epoch(epoch: int, cost: float) -> None:
            costs.append(cost)
            show.update(epoch * records, "records", f" epoch {epoch}/{self.epochs} "
                                                    f"cost {cost:.4f}")

        show.start("training")
        vectors = training.train(
            cooc, dim=self.dim, epochs=self.epochs, learning_rate=self.learning_rate,
            x_max=self.x_max, alpha=self.alpha, seed=seed, workers=self.workers, kernel=kernel,
            on_epoch=on_epoch, resume_from=resume_from, after_epoch=after_epoch)
        show.finish()
        finished = time.perf_counter()
        self.report = FitReport(
            words=vocab.total_words, vocab_size=len(vocab), cooccurrences=records,
            shards=cooc.shards, table_bytes=cooc.table_bytes, kernel=kernel is not None,
            vocab_seconds=counted - started, count_seconds=trained_from - counted,
            train_seconds=finished - trained_from, final_cost=costs[-1])
        self.fitted = KeyedVectors(vocab.words, vectors, counts=vocab.counts)
        return self.fitted

    def build(self, vocab: Vocab) -> torch.nn.Module:
        """The model input layer for ``vocab``: rows of the fitted vectors (or of the ``vectors``
        file), random rows for other words, ``<pad>`` zeros."""
        from lexiloom.vectors.layer import embedding_layer

        vectors = self.fitted
        if vectors is None and self.vectors is not None:
            from lexiloom.vectors import KeyedVectors

            vectors = KeyedVectors.load(self.vectors)
        if vectors is not None and vectors.dim != self.dim:
            raise SettingsError(f"the vectors have {vectors.dim} dimensions but glove dim is "
                                f"{self.dim}; set dim={vectors.dim}")
        return embedding_layer(vocab, self.dim, vectors, trainable=True, seed=self.seed)


def _integer(name: str, value: Any, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise SettingsError(f"glove setting {name!r} must be an integer >= {minimum}, "
                            f"not {value!r}")
    return value


def _number(name: str, value: Any, *, minimum: float | None = None,
            exclusive_min: float | None = None) -> float:
    ok = not isinstance(value, bool) and isinstance(value, int | float)
    if ok and minimum is not None:
        ok = value >= minimum
    if ok and exclusive_min is not None:
        ok = value > exclusive_min
    if not ok or value != value or value == float("inf"):
        bound = f">= {minimum}" if minimum is not None else f"> {exclusive_min}"
        raise SettingsError(f"glove setting {name!r} must be a finite number {bound}, "
                            f"not {value!r}")
    return float(value) if isinstance(value, float) else value


def _flag(name: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise SettingsError(f"glove setting {name!r} must be true or false, not {value!r}")
    return value
