"""The ``fasttext`` embedder: subword vectors (Bojanowski et al. 2017), trained by a compiled
kernel on word2vec's machinery (vocabulary, jobs, worker threads).

>>> from lexiloom_fasttext.model import FastText
>>> vectors = FastText(dim=50, min_count=1, bucket=9999).fit([["walk", "walked"]])  # doctest: +SKIP
>>> vectors["walking"]            # an unseen word: the mean of its n-gram rows   # doctest: +SKIP
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from lexiloom_word2vec.training import Clock, Job, Progress, seeded_weights, train_epochs
from lexiloom_word2vec.vocabulary import count_vocabulary, noise_table, sample_thresholds

from lexiloom.errors import CorpusError, SettingsError
from lexiloom.kernels import Kernel
from lexiloom.vectors.subwords import SubwordVectors, subword_table
from lexiloom_fasttext import fallback
from lexiloom_fasttext.inputs import check_fasttext_job, check_tables
from lexiloom_fasttext.settings import DEFAULTS, validate

if TYPE_CHECKING:
    import torch

    from lexiloom.vocab import Vocab

KERNEL = Kernel("fasttext", "lexiloom_fasttext._kernel", "about 30 times (one thread)")
"""The compiled training kernel (``_kernel.c``); see :mod:`lexiloom.kernels`."""


class FastText:
    """fastText's unsupervised model with its defaults: a word's input vector is the mean of
    its own row and of the rows of its character n-grams (``minn`` to ``maxn`` characters of
    ``<word>``, hashed into ``bucket`` rows as fastText hashes them), trained with negative
    sampling by skip-gram (``sg``, the default) or CBOW.

    The other settings are word2vec's: ``window`` (shrunk at random per word when
    ``shrink_windows``), ``negative`` noise words per prediction drawn from the unigram
    distribution to the power ``ns_exponent``, ``sample`` for subsampling (fastText's ``t``; the
    same formula), a learning rate decaying linearly from ``alpha`` to ``min_alpha`` over all
    ``epochs``, ``workers`` threads, ``cache_mb`` for keeping the word ids between epochs.
    ``fit`` returns :class:`~lexiloom.vectors.subwords.SubwordVectors`, which give vectors for
    any word and save as fastText's ``.bin``.
    """

    def __init__(self, **settings: Any) -> None:
        self.settings = validate(settings)
        self.dim: int = self.settings["dim"]
        self.vectors: SubwordVectors | None = None
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
            progress: bool | None = None) -> SubwordVectors:
        """Learn subword vectors from ``sentences`` (a re-iterable of token lists, read once
        to count and once to train when its word ids fit in ``cache_mb``)."""
        if iter(sentences) is sentences:
            raise CorpusError("fastText needs a re-iterable corpus (it reads it once per "
                              "epoch); pass a list or a TokenStream, not a generator")
        s = self.settings
        seed = s["seed"] if seed is None else seed
        show = s["progress"] if progress is None else progress
        started = time.perf_counter()
        vocab = count_vocabulary(sentences, min_count=s["min_count"])
        counted = time.perf_counter()
        size, bucket = len(vocab), s["bucket"] if s["maxn"] else 0
        offsets, rows = subword_table(vocab.words, s["minn"], s["maxn"], bucket)
        syn0 = seeded_weights(size + bucket, self.dim, seed)
        syn1neg = np.zeros((size, self.dim), dtype=np.float32)
        tables = {
            "syn0": syn0, "syn1neg": syn1neg,
            "sample_ints": sample_thresholds(vocab.counts, s["sample"]),
            "cum_table": noise_table(vocab.counts, s["ns_exponent"]),
            "sub_offsets": offsets, "sub_rows": rows, "sg": int(s["sg"]),
            "negative": s["negative"], "window": s["window"],
            "shrink_windows": s["shrink_windows"],
        }
        check_tables(tables)
        train_job = self._train_job

        def train(job: Job) -> None:
            check_fasttext_job(job.ids, job.ends, job.alpha, job.seed, size, tables)
            train_job(ids=job.ids, ends=job.ends, alpha=job.alpha, seed=job.seed, **tables)

        meter = Progress(vocab.raw_words * s["epochs"], enabled=show)
        passes = train_epochs(sentences, vocab.index, train, settings=s,
                              total_words=vocab.raw_words, seed=seed, clock=Clock(),
                              first_epoch=0, meter=meter)
        finished = time.perf_counter()
        self.vectors = SubwordVectors(
            vocab.words, syn0[:size], syn0[size:], minn=s["minn"], maxn=s["maxn"],
            counts=vocab.counts.tolist(), output=syn1neg, settings=self.to_config())
        self.stats = {"corpus_passes": 1 + passes, "vocabulary": size,
                      "words": vocab.raw_words * s["epochs"], "count_seconds": counted - started,
                      "train_seconds": finished - counted, "seconds": finished - started,
                      "words_per_second": vocab.raw_words * s["epochs"]
                      / max(1e-9, finished - started)}
        return self.vectors

    def build(self, vocab: Vocab) -> torch.nn.Module:
        """An embedding layer for ``vocab`` from the fitted vectors, else from the ``vectors``
        setting's fastText ``.bin``, else random as any untrained layer (see
        ``lexiloom.vectors.layer.embedding_layer``): with vectors, every token gets its subword
        vector, also the tokens the corpus did not have; the special tokens keep their usual
        rows."""
        from lexiloom.vectors.layer import embedding_layer

        vectors = self.vectors
        if vectors is None and self.settings["vectors"]:
            vectors = SubwordVectors.load_fasttext(self.settings["vectors"])
            if vectors.dim != self.dim:
                raise SettingsError(f"{self.settings['vectors']}: vectors of size {vectors.dim}, "
                                    f"but fasttext dim is {self.dim}; set dim={vectors.dim}")
        return embedding_layer(vocab, self.dim, vectors, seed=self.settings["seed"])

    def __repr__(self) -> str:
        changed = {k: v for k, v in self.to_config().items() if v != DEFAULTS[k]}
        return f"FastText({', '.join(f'{k}={v!r}' for k, v in changed.items())})"
