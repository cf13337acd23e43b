"""The ``word2vec`` embedder: CBOW and skip-gram Word2Vec, trained by a compiled kernel.

>>> from lexiloom_word2vec.model import Word2Vec
>>> vectors = Word2Vec(sg=True, dim=50, min_count=1).fit([["a", "b"], ["b", "c"]])  # doctest: +SKIP
>>> vectors.most_similar("b")                                                      # doctest: +SKIP
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from lexiloom.errors import CorpusError, SettingsError
from lexiloom.kernels import Kernel
from lexiloom_word2vec import fallback
from lexiloom_word2vec.inputs import check_job, check_tables
from lexiloom_word2vec.settings import DEFAULTS, shares_negatives, validate
from lexiloom_word2vec.training import Clock, Job, Progress, seeded_weights, train_epochs
from lexiloom_word2vec.vocabulary import (
    Vocabulary,
    count_vocabulary,
    huffman_tree,
    noise_table,
    sample_thresholds,
)

if TYPE_CHECKING:
    import torch

    from lexiloom.vectors import KeyedVectors
    from lexiloom.vectors.checkpoint import EpochCheckpoint
    from lexiloom.vocab import Vocab


KERNEL = Kernel("word2vec", "lexiloom_word2vec._kernel",
                "about 80 times (one thread; more with more threads)")
"""The compiled training kernel (``_kernel.c``); see :mod:`lexiloom.kernels`."""


class Word2Vec:
    """Word2Vec (Mikolov et al. 2013) with gensim's settings, names and defaults.

    ``sg`` chooses skip-gram (else CBOW); ``negative`` noise words per example (0: none) and/or
    ``hs`` hierarchical softmax; ``sample`` subsamples frequent words; ``window`` is shrunk at
    random per word when ``shrink_windows``; skip-gram draws its noise words once per window
    and shares them among the window's context words when ``shared_negatives`` (the default for
    skip-gram, Ji et al. 2016; false: per pair, as word2vec.c and gensim); the learning rate
    decays linearly from ``alpha`` to ``min_alpha`` over all ``epochs``; ``workers`` threads
    train in parallel (default: the cores this process may use,
    :func:`lexiloom.threads.usable_cores`; gensim's default is 3); the first epoch's word ids
    stay in memory for the later epochs when they fit in ``cache_mb`` (0: re-read the corpus
    every epoch).
    ``vector_size`` is accepted as gensim's name for ``dim``. ``backend`` is ``"auto"`` (compiled
    kernel if built, else Python), ``"kernel"`` or ``"python"`` (slow; the same results).
    """

    def __init__(
        self, *, sg: bool = False, dim: int = 100, window: int = 5, negative: int = 5,
        hs: bool = False, sample: float = 1e-3, alpha: float = 0.025, min_alpha: float = 0.0001,
        min_count: int = 5, max_vocab_size: int | None = None, epochs: int = 5, seed: int = 1,
        workers: int | None = None, ns_exponent: float = 0.75, cbow_mean: bool = True,
        shrink_windows: bool = True, shared_negatives: bool | None = None,
        batch_words: int = 10000, cache_mb: int = 1024, progress: bool = False,
        vectors: str | None = None, backend: str = "auto", vector_size: int | None = None,
    ) -> None:
        if vector_size is not None:
            if dim not in (DEFAULTS["dim"], vector_size):
                raise SettingsError("give either dim or vector_size (its gensim name), not both")
            dim = vector_size
        settings = {
            "sg": sg, "dim": dim, "window": window, "negative": negative, "hs": hs,
            "sample": sample, "alpha": alpha, "min_alpha": min_alpha, "min_count": min_count,
            "max_vocab_size": max_vocab_size, "epochs": epochs, "seed": seed,
            "workers": workers, "ns_exponent": ns_exponent, "cbow_mean": cbow_mean,
            "shrink_windows": shrink_windows, "shared_negatives": shared_negatives,
            "batch_words": batch_words, "cache_mb": cache_mb, "progress": progress,
            "vectors": vectors, "backend": backend,
        }
        self.settings = validate(settings)
        self.dim: int = self.settings["dim"]
        self.vocabulary: Vocabulary | None = None
        self.vectors: KeyedVectors | None = None
        self.stats: dict[str, float] = {}
        self._train_job = KERNEL.function("train_job", self.settings["backend"],
                                          fallback.train_job)

    @property
    def backend(self) -> str:
        """``"kernel"`` or ``"python"``: what trains."""
        return "python" if self._train_job is fallback.train_job else "kernel"

    def to_config(self) -> dict[str, Any]:
        """The settings, JSON-serialisable, accepted back by the factory."""
        return {key: self.settings[key] for key in DEFAULTS}

    def fit(self, sentences: Iterable[Sequence[str]], *, seed: int | None = None,
            progress: bool | None = None, checkpoint: EpochCheckpoint | None = None
            ) -> KeyedVectors:
        """Learn vectors from ``sentences`` (a re-iterable of token lists, read once to count,
        once to train, and again for every later epoch only if its word ids outgrow
        ``cache_mb``) and return them as ``KeyedVectors`` (most frequent word first).

        With ``checkpoint`` the state is saved after each epoch, and a run it restores
        continues from its last epoch (the vocabulary is not counted again); see
        :mod:`lexiloom.vectors.checkpoint`."""
        from lexiloom.vectors import KeyedVectors

        if iter(sentences) is sentences:
            raise CorpusError("Word2Vec needs a re-iterable corpus (it reads it once per epoch); "
                              "pass a list or a TokenStream, not a generator")
        s = self.settings
        seed = s["seed"] if seed is None else seed
        show = s["progress"] if progress is None else progress
        started = time.perf_counter()
        restored = checkpoint.restore() if checkpoint is not None else None
        if restored is not None:
            state, arrays = restored
            vocab = Vocabulary(state["words"], arrays["counts"], state["raw_words"],
                               state["sentences"])
        else:
            vocab = count_vocabulary(sentences, min_count=s["min_count"],
                                     max_vocab_size=s["max_vocab_size"])
        counted = time.perf_counter()
        syn0 = self._train(sentences, vocab, seed, show, checkpoint, restored)
        finished = time.perf_counter()
        self.vocabulary = vocab
        self.stats = {"corpus_passes": self.stats["corpus_passes"], "vocabulary": len(vocab),
                      "words": vocab.raw_words * s["epochs"],
                      "count_seconds": counted - started, "train_seconds": finished - counted,
                      "seconds": finished - started,
                      "words_per_second": vocab.raw_words * s["epochs"]
                      / max(1e-9, finished - started)}
        self.vectors = KeyedVectors(vocab.words, syn0, vocab.counts.tolist())
        return self.vectors

    def _train(self, sentences: Iterable[Sequence[str]], vocab: Vocabulary, seed: int,
               show: bool, checkpoint: EpochCheckpoint | None,
               restored: tuple[dict[str, Any], dict[str, np.ndarray]] | None) -> np.ndarray:
        s = self.settings
        size = len(vocab)
        syn0 = seeded_weights(size, self.dim, seed)
        syn1neg = np.zeros_like(syn0) if s["negative"] else None
        syn1 = np.zeros_like(syn0) if s["hs"] else None
        weights = {"syn0": syn0, "syn1neg": syn1neg, "syn1": syn1}
        clock, first_epoch = Clock(), 0
        if restored is not None:
            state, arrays = restored
            for name, array in weights.items():
                if array is not None:
                    array[...] = arrays[name]
            clock, first_epoch = Clock(state["pushed"], state["number"]), state["epoch"]
        cum = noise_table(vocab.counts, s["ns_exponent"]) if s["negative"] else None
        tree = huffman_tree(vocab.counts) if s["hs"] else None
        samples = sample_thresholds(vocab.counts, s["sample"])
        tables = {
            "syn0": syn0, "syn1neg": syn1neg, "syn1": syn1, "sample_ints": samples,
            "cum_table": cum,
            "hs_offsets": tree.offsets if tree else None,
            "hs_points": tree.points if tree else None,
            "hs_codes": tree.codes if tree else None,
            "sg": int(s["sg"]), "negative": s["negative"], "hs": int(s["hs"]),
            "window": s["window"], "shrink_windows": s["shrink_windows"],
            "cbow_mean": s["cbow_mean"], "shared_negatives": int(shares_negatives(s)),
        }
        train_job = self._train_job
        check_tables(tables)

        def train(job: Job) -> None:
            check_job(job.ids, job.ends, job.alpha, job.seed, size, tables)
            train_job(ids=job.ids, ends=job.ends, alpha=job.alpha, seed=job.seed, **tables)

        def save(epoch: int) -> None:
            assert checkpoint is not None
            checkpoint.save(
                {"epoch": epoch + 1, "pushed": clock.pushed, "number": clock.number,
                 "words": vocab.words, "raw_words": vocab.raw_words,
                 "sentences": vocab.sentences},
                {"counts": vocab.counts, **{k: v for k, v in weights.items() if v is not None}})

        meter = Progress(vocab.raw_words * s["epochs"], enabled=show)
        meter.add(clock.pushed)
        passes = train_epochs(sentences, vocab.index, train, settings=s,
                              total_words=vocab.raw_words, seed=seed, clock=clock,
                              first_epoch=first_epoch, meter=meter,
                              after_epoch=None if checkpoint is None else save)
        self.stats["corpus_passes"] = passes + (0 if restored else 1)  # and the count
        return syn0

    def build(self, vocab: Vocab) -> torch.nn.Module:
        """An embedding layer for ``vocab``: rows from the fitted vectors, else from the
        ``vectors`` file setting, else random (see ``lexiloom.vectors.layer.embedding_layer``)."""
        from lexiloom.vectors.layer import embedding_layer

        vectors = self.vectors
        if vectors is None and self.settings["vectors"]:
            from lexiloom.vectors import KeyedVectors

            vectors = KeyedVectors.load(self.settings["vectors"])
            if vectors.dim != self.dim:
                raise SettingsError(f"{self.settings['vectors']}: vectors of size {vectors.dim}, "
                                    f"but word2vec dim is {self.dim}; set dim={vectors.dim}")
        return embedding_layer(vocab, self.dim, vectors, seed=self.settings["seed"])

    def __repr__(self) -> str:
        changed = {k: v for k, v in self.to_config().items() if v != DEFAULTS[k]}
        return f"Word2Vec({', '.join(f'{k}={v!r}' for k, v in changed.items())})"
