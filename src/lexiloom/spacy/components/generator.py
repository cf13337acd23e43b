"""The ``lexiloom_generator`` component: a recurrent language model as a spaCy ``TrainablePipe``.

It holds a tokenizer (any registered one, by name and settings; ``level="char"|"word"`` is a
shorthand for ``char``/``regex``), a :class:`~lexiloom.vocab.Vocab` and a
:class:`~lexiloom.models.language_model.LanguageModel` inside a thinc model (an
:class:`~lexiloom.spacy.torch_shim.InPlaceUpdateShim`), so spaCy's loop trains it like any other
component: ``spacy train`` and ``lexiloom train --task generate`` alike::

    [corpora.train]
    @readers = "lexiloom.TextStreams.v1"      # chunks of parallel streams of the text
    path = ${paths.train}
    component = "generator"

    [training.batcher]
    @batchers = "lexiloom.stream_batcher.v1"  # the chunks of one position per batch

The vocabulary comes from ``initialize``: the ``texts`` given (Python API), else the text of the
training corpus (``[training] train_corpus``) when it is this component's
``lexiloom.TextStreams.v1`` corpus; never from unrelated examples. ``update`` runs truncated
back-propagation through time on the chunks addressed to this component (others are ignored),
carrying each stream's encoder state across updates (:mod:`lexiloom.spacy.stream_state`), and
``score`` gives the dev cross-entropy as ``lm_score`` (higher is better: its negative) for
spaCy's ``model-best``. Sampling: :mod:`~lexiloom.spacy.components.generator_sampling`; files:
:mod:`~lexiloom.spacy.components.generator_files`::

    generator = nlp.get_pipe("generator")
    generator.generate("ROMEO:", max_tokens=200, temperature=0.8, top_k=40, seed=1)
    nlp("ROMEO:")._.generate(max_tokens=50)      # continues the doc's text

Dropout: the ``dropout`` setting (``null`` by default) is the rate on the token embeddings in
training; when it is ``null`` that rate is ``[training] dropout`` (``lexiloom train
--dropout``). Setting both to different non-zero values is an error.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from spacy.language import Language
from spacy.pipeline import TrainablePipe
from spacy.tokens import Doc
from spacy.training import Example
from spacy.vocab import Vocab as SpacyVocab

from lexiloom import registry
from lexiloom.corpora.text_stream import documents_mode
from lexiloom.errors import LexiloomError, SettingsError
from lexiloom.spacy.components.generator_files import FORMAT, GeneratorFiles
from lexiloom.spacy.components.generator_sampling import (
    GENERATE_HOOK,
    GeneratorSampling,
    register_extensions,
)
from lexiloom.spacy.names import GENERATOR_FACTORY, TEXT_STREAMS_READER
from lexiloom.spacy.stream_state import StreamStates
from lexiloom.spacy.text_streams import Chunk, chunk_of
from lexiloom.threads import fit_torch_threads
from lexiloom.vocab import Vocab

LEVELS = {"char": "char", "word": "regex"}
OBJECTIVES = ("next", "bidirectional")
"""``next``: a causal language model that generates; ``bidirectional``: a
:class:`~lexiloom.models.bilm.BidirectionalLM`, the pretraining objective of a classifier's
BiGRU (``lexiloom pretrain``), which cannot generate."""
SCORES = ("lm_score", "lm_cross_entropy", "lm_perplexity")
"""What :meth:`TextGenerator.score` returns: the negative dev cross-entropy (spaCy's
``model-best`` follows it), the cross-entropy in nats per token and the perplexity."""


class TextGenerator(GeneratorSampling, GeneratorFiles, TrainablePipe):
    """A language model as a trainable spaCy pipeline component (see the module docstring)."""

    def __init__(
        self,
        vocab: SpacyVocab,
        name: str = GENERATOR_FACTORY,
        *,
        tokenizer: str | None = None,
        tokenizer_settings: dict[str, Any] | None = None,
        level: str | None = None,
        embedder: dict[str, Any] | None = None,
        encoder: dict[str, Any] | None = None,
        head: dict[str, Any] | None = None,
        dropout: float | None = None,
        tie_weights: bool = False,
        min_count: int = 1,
        max_size: int | None = None,
        seed: int | None = 0,
        annotate_tokens: int = 0,
        documents: str = "auto",
        objective: str = "next",
    ) -> None:
        self.vocab = vocab
        self.name = name
        self.cfg: dict[str, Any] = {}
        self.tokenizer_name = _tokenizer_name(tokenizer, level)
        if tokenizer_settings is not None and not isinstance(tokenizer_settings, dict):
            raise SettingsError("lexiloom_generator setting 'tokenizer_settings' must be a "
                                f"mapping, not {tokenizer_settings!r}")
        self.tokenizer = registry.tokenizers.create(self.tokenizer_name,
                                                    **(tokenizer_settings or {}))
        self.tokenizer_settings = _tokenizer_config(self.tokenizer, tokenizer_settings or {})
        self.dropout = _dropout_setting(dropout)
        self.model_settings: dict[str, Any] = {
            "embedder": dict(embedder or {"name": "trainable"}),
            "encoder": dict(encoder or {"name": "lstm"}),
            "head": dict(head or {"name": "generation"}),
            "dropout": self.dropout or 0.0,
            "tie_weights": tie_weights,
        }
        if objective not in OBJECTIVES:
            raise SettingsError(f"lexiloom_generator setting 'objective' must be one of "
                                f"{', '.join(OBJECTIVES)}, not {objective!r}")
        if objective != "next":
            self.model_settings["objective"] = objective
        self.min_count = _non_negative_int("min_count", min_count, minimum=1)
        self.max_size = None if max_size is None else _non_negative_int("max_size", max_size)
        if seed is not None:
            _non_negative_int("seed", seed)
        self.seed = seed
        self.annotate_tokens = _non_negative_int("annotate_tokens", annotate_tokens)
        if self.annotate_tokens and objective != "next":
            raise SettingsError("lexiloom_generator: annotate_tokens needs objective 'next' (a "
                                "bidirectional language model cannot generate); set it to 0")
        self.documents = documents_mode(documents, self.tokenizer_name)
        """How a text file is cut into documents for training and evaluation (``file`` or
        ``lines``; see :mod:`lexiloom.corpora.text_stream`)."""
        self.token_vocab: Vocab | None = None
        self.model = _thinc_model()
        self.streams = StreamStates()
        """Each training stream's carried encoder state (saved in checkpoints)."""
        register_extensions()

    @property
    def module(self) -> Any:
        """The torch language model (``None`` before ``initialize`` or loading)."""
        return self.model.shims[0]._model

    @module.setter
    def module(self, module: Any) -> None:
        self.model.shims[0] = _new_shim(module)
        self.streams = StreamStates()

    # -- the pipeline ------------------------------------------------------------------------

    def __call__(self, doc: Doc) -> Doc:
        """Mark ``doc`` as made by this generator (``doc._.generate`` then uses it); in
        annotation mode, set its greedy continuation."""
        doc._.lexiloom_generator = self.name
        doc.user_hooks[GENERATE_HOOK] = self.generate
        doc._.continuation = (self.generate(doc.text, max_tokens=self.annotate_tokens,
                                            temperature=0.0)
                              if self.annotate_tokens > 0 else None)
        return doc

    def pipe(self, docs: Iterable[Doc], *, batch_size: int = 128) -> Iterator[Doc]:
        """:meth:`__call__` on each doc."""
        for doc in docs:
            yield self(doc)

    def initialize(
        self,
        get_examples: Callable[[], Iterable[Example]] | None = None,
        *,
        nlp: Language | None = None,
        texts: Iterable[str] | None = None,
        min_count: int | None = None,
        max_size: int | None = None,
    ) -> None:
        """Build the vocabulary from ``texts``, else from the training corpus's text when it is
        this component's ``lexiloom.TextStreams.v1`` corpus, and a fresh, untrained language
        model over it."""
        if texts is None:
            texts = self._corpus_texts(nlp)
        if texts is None:
            raise SettingsError(
                f"lexiloom_generator {self.name!r} needs its training text to build its "
                f"vocabulary: train from a {TEXT_STREAMS_READER} corpus with component = "
                f"{self.name!r} ([training] train_corpus), or call its initialize(texts=[...])")
        if isinstance(texts, str):
            texts = [texts]
        texts = list(texts)
        if not all(isinstance(t, str) for t in texts):
            raise SettingsError("lexiloom_generator.initialize: texts must be strings")
        if min_count is not None:
            self.min_count = _non_negative_int("min_count", min_count, minimum=1)
        if max_size is not None:
            self.max_size = _non_negative_int("max_size", max_size)
        vocab = Vocab.build((self.tokenizer.tokenize(t) for t in texts), min_count=self.min_count,
                            max_size=self.max_size, form="norm")
        if len(vocab) <= 4:
            raise SettingsError("lexiloom_generator.initialize: the texts have no tokens to "
                                "build a vocabulary from; pass non-empty texts")
        fit_torch_threads()
        self.token_vocab = vocab
        self.module = self._build(vocab, self.model_settings, seed=self.seed)
        if nlp is not None:
            self.add_requirements(nlp)

    def _corpus_texts(self, nlp: Language | None) -> Iterator[str] | None:
        """The text of the training corpus when it is this component's stream corpus."""
        if nlp is None:
            return None
        from spacy.util import resolve_dot_names

        try:
            config = nlp.config.interpolate()
            (corpus,) = resolve_dot_names(config, [config["training"]["train_corpus"]])
        except LexiloomError:
            raise
        except Exception:  # no (complete) corpora in the config: nothing to read
            return None
        texts = getattr(corpus, "stream_texts", None)
        return texts(self.name, self.documents) if callable(texts) else None

    # -- training ----------------------------------------------------------------------------

    def update(self, examples: Iterable[Example], *, drop: float = 0.0,
               sgd: Any = None, losses: dict[str, float] | None = None) -> dict[str, float]:
        """One step of truncated back-propagation through time on this component's chunks of
        ``examples`` (other examples are ignored), from and to each stream's carried state."""
        import torch

        losses = {} if losses is None else losses
        losses.setdefault(self.name, 0.0)
        chunks = [c for c in map(chunk_of, examples) if c is not None and c.component == self.name]
        if not chunks:
            return losses
        module, _ = self._ready()
        module.dropout.p = self._dropout_rate(drop)
        ids = torch.from_numpy(_stack(chunks)).long().to(next(module.parameters()).device)
        module.train()
        if getattr(module, "bidirectional", False):
            loss = self._bidirectional_update(module, chunks, ids)
        else:
            inputs = ids[:, :-1]
            lengths = torch.full((inputs.shape[0],), inputs.shape[1], dtype=torch.long)
            logits, state = module(inputs, lengths, self.streams.gather(module, chunks))
            loss, d_logits = self.get_loss(examples, logits, chunks=chunks, targets=ids[:, 1:])
            logits.backward(d_logits)
            self.streams.keep(module, chunks, state)
        if sgd not in (None, False):
            self.finish_update(sgd)
        losses[self.name] += loss
        return losses

    def _bidirectional_update(self, module: Any, chunks: list[Chunk], ids: Any) -> float:
        """Back-propagate the two-sided loss of ``chunks`` (each an independent window: a
        bidirectional encoder carries no state), scaled as :meth:`get_loss` scales its."""
        import torch

        _, vocab = self._ready()
        lengths = torch.full((ids.shape[0],), ids.shape[1], dtype=torch.long)
        nll, _ = module.nll(ids, lengths, ignore_ids=(vocab.bos_id,))
        scaled = nll / (2 * chunks[0].streams * (ids.shape[1] - 1))
        scaled.backward()
        return float(scaled.detach())

    def get_loss(self, examples: Iterable[Example], scores: Any, *,
                 chunks: list[Chunk] | None = None, targets: Any = None) -> tuple[float, Any]:
        """The cross-entropy of the next-token ``scores`` (logits, (batch, time, vocab)) and
        its gradient. The loss is this batch's share of the mean over a whole batch of
        ``Chunk.streams`` streams (summed over the given streams, divided by all streams'
        positions), so sub-batches from ``accumulate_gradient`` add up to the full batch's
        loss; ``<bos>`` targets count zero."""
        import torch

        if chunks is None:
            chunks = [c for c in map(chunk_of, examples)
                      if c is not None and c.component == self.name]
        if targets is None:
            targets = torch.from_numpy(_stack(chunks)).long()[:, 1:]
        targets = targets.to(scores.device)
        module, vocab = self._ready()
        if getattr(module, "bidirectional", False):
            raise SettingsError(f"{self.name!r} is a bidirectional language model: it has no "
                                "next-token logits; its update computes its own loss")
        with torch.no_grad():
            log_probs = torch.log_softmax(scores.detach(), dim=-1)
            keep = (targets != vocab.bos_id).to(log_probs.dtype)
            scale = 1.0 / (chunks[0].streams * targets.shape[1])
            picked = log_probs.gather(-1, targets.unsqueeze(-1)).squeeze(-1)
            loss = -float((picked * keep).sum()) * scale
            d_scores = log_probs.exp_()
            d_scores.scatter_add_(-1, targets.unsqueeze(-1),
                                  torch.full_like(picked, -1.0).unsqueeze(-1))
            d_scores.mul_((keep * scale).unsqueeze(-1))
        return loss, d_scores

    def finish_update(self, sgd: Any) -> None:
        """Apply ``sgd`` to the module's gradients (``lexiloom.Adam.v1`` clips them by their
        global norm first)."""
        self._ready()
        self.model.finish_update(sgd)

    def score(self, examples: Iterable[Example], **kwargs: Any) -> dict[str, float]:
        """Dev cross-entropy on this component's chunks of ``examples``: each stream is read
        in chunk order with its state carried, ``<bos>`` never a target."""
        from lexiloom.models.perplexity import evaluate_language_model

        module, vocab = self._ready()
        streams: dict[int, list[Chunk]] = {}
        for chunk in map(chunk_of, examples):
            if chunk is not None and chunk.component == self.name:
                streams.setdefault(chunk.stream, []).append(chunk)
        if not streams:
            raise SettingsError(
                f"the dev corpus has no text for the generator {self.name!r}; set "
                f"[corpora.dev] to a {TEXT_STREAMS_READER} corpus with component = "
                f"{self.name!r} (lexiloom train --dev)")
        ids = [_stream_ids(sorted(chunks, key=lambda c: c.index)) for chunks in streams.values()]
        result = evaluate_language_model(module, ids, ignore_ids=(vocab.bos_id,))
        return {"lm_score": -result.cross_entropy, "lm_cross_entropy": result.cross_entropy,
                "lm_perplexity": result.perplexity}

    def training_state(self) -> dict[str, Any]:
        """The carried stream states, as named tensors (a checkpoint keeps them)."""
        return self.streams.to_tensors()

    def load_training_state(self, tensors: dict[str, Any]) -> None:
        """Continue from the stream states :meth:`training_state` returned."""
        module, _ = self._ready()
        self.streams.load_tensors(module, tensors)

    def _dropout_rate(self, drop: float | None) -> float:
        """The embedding dropout of a training step (see the module docstring)."""
        if self.dropout is None:
            return _dropout_setting(drop or 0.0) or 0.0
        if drop and drop != self.dropout:
            raise SettingsError(
                f"lexiloom_generator {self.name!r}: its dropout setting ({self.dropout}) and "
                f"[training] dropout ({drop}) disagree; set the component's dropout to null to "
                "use [training] dropout, or [training] dropout to 0")
        return self.dropout

    def _ready(self) -> tuple[Any, Vocab]:
        if self.module is None or self.token_vocab is None:
            raise SettingsError(f"the {self.name!r} component has no model yet; run "
                                "nlp.initialize(...) (or its initialize(texts=[...])) and train "
                                "it, or load a trained pipeline")
        fit_torch_threads()
        return self.module, self.token_vocab

    # -- requirements ------------------------------------------------------------------------

    def add_requirements(self, nlp: Language) -> list[str]:
        """Add lexiloom and the distributions of the plugins this generator uses (tokenizer,
        embedder, encoder, head) to ``nlp.meta["requirements"]``; existing entries are kept."""
        from spacy.util import get_minor_version_range

        import lexiloom
        from lexiloom import plugins

        wanted = {"lexiloom": lexiloom.__version__}
        records = {record.name: record for record in plugins.records()}
        parts = [("tokenizers", self.tokenizer_name)] + [
            (kind, self.model_settings[part].get("name"))
            for part, kind in (("embedder", "embedders"), ("encoder", "encoders"),
                               ("head", "heads"))]
        for kind, name in parts:
            try:
                record = records.get(registry.REGISTRIES[kind].get(name).plugin)
            except LexiloomError:
                continue
            if record is not None and record.distribution:
                wanted.setdefault(record.distribution, record.version)
        requirements = list(nlp.meta.get("requirements") or [])
        have = {re.split(r"[<>=!~;\[ ]", r, maxsplit=1)[0].lower().replace("_", "-")
                for r in requirements}
        for name, version in wanted.items():
            if name.lower().replace("_", "-") not in have:
                requirements.append(f"{name}{get_minor_version_range(version)}"
                                    if version else name)
        nlp.meta["requirements"] = requirements
        return requirements

    @staticmethod
    def _build(vocab: Vocab, model_settings: dict[str, Any], *, seed: int | None) -> Any:
        from lexiloom.models.language_model import build_language_model
        from lexiloom.models.seeding import seeded

        if seed is not None:
            model_settings = _with_seed(model_settings, seed)
        with seeded(seed):
            if model_settings.get("objective", "next") == "bidirectional":
                from lexiloom.models.bilm import build_bidirectional_lm

                return build_bidirectional_lm(vocab, **model_settings).eval()
            settings = {k: v for k, v in model_settings.items() if k != "objective"}
            return build_language_model(vocab, **settings).eval()


def find_generator(nlp: Language, component: str | None = None) -> TextGenerator:
    """The ``lexiloom_generator`` component of ``nlp``: the one named ``component``, else the
    first one. Raises :class:`~lexiloom.errors.SettingsError` when there is none."""
    generators = [name for name, pipe in nlp.pipeline if isinstance(pipe, TextGenerator)]
    if component is not None:
        if component not in generators:
            raise SettingsError(f"the pipeline has no lexiloom_generator named {component!r}; "
                                f"its generators are: {', '.join(generators) or 'none'}")
        return nlp.get_pipe(component)
    if not generators:
        raise SettingsError("the pipeline has no lexiloom_generator component; pass a model "
                            "trained with 'lexiloom train --task generate'")
    return nlp.get_pipe(generators[0])


def _with_seed(model_settings: dict[str, Any], seed: int) -> dict[str, Any]:
    """``model_settings`` with ``seed`` given to each part that has a ``seed`` setting the user
    left unset (some layers draw from their own generator, not torch's global one)."""
    seeded_settings = dict(model_settings)
    for part, kind in (("embedder", "embedders"), ("encoder", "encoders"), ("head", "heads")):
        spec = model_settings.get(part)
        if not isinstance(spec, dict) or spec.get("seed") is not None:
            continue
        entry = registry.REGISTRIES[kind].get(spec.get("name", ""))
        if "seed" in entry.defaults:
            seeded_settings[part] = {**spec, "seed": seed}
    return seeded_settings


def _tokenizer_name(tokenizer: str | None, level: str | None) -> str:
    if level is not None and level not in LEVELS:
        raise SettingsError(f"lexiloom_generator setting 'level' must be one of "
                            f"{sorted(LEVELS)} or null, not {level!r}")
    if tokenizer is not None and not isinstance(tokenizer, str):
        raise SettingsError(f"lexiloom_generator setting 'tokenizer' must be a tokenizer name, "
                            f"not {tokenizer!r}")
    if level is not None and tokenizer is not None and LEVELS[level] != tokenizer:
        raise SettingsError(f"lexiloom_generator: level={level!r} means tokenizer "
                            f"{LEVELS[level]!r}, but tokenizer={tokenizer!r} was given; set one "
                            "of them")
    return tokenizer or LEVELS.get(level or "char", "char")


def _tokenizer_config(tokenizer: Any, given: dict[str, Any]) -> dict[str, Any]:
    """The tokenizer's settings as saved: its own ``to_config()`` when it has one."""
    to_config = getattr(tokenizer, "to_config", None)
    if callable(to_config):
        try:
            config = to_config()
        except LexiloomError:
            config = None
        if isinstance(config, dict):
            return dict(config)
    return dict(given)


def _non_negative_int(setting: str, value: Any, *, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise SettingsError(f"lexiloom_generator setting {setting!r} must be an integer "
                            f">= {minimum}, not {value!r}")
    return value


def _thinc_model() -> Any:
    """The thinc model holding the language model's shim (no module until initialized)."""
    from thinc.api import Model

    def forward(model: Model, X: Any, is_train: bool) -> tuple[Any, Callable]:
        raise SettingsError("the lexiloom_generator's model is trained through the component's "
                            "update(), not called directly")

    return Model("lexiloom.LanguageModel", forward, shims=[_new_shim(None)])


def _new_shim(module: Any) -> Any:
    from lexiloom.spacy.torch_shim import InPlaceUpdateShim

    return InPlaceUpdateShim(module)


def _stack(chunks: list[Chunk]) -> Any:
    import numpy

    lengths = {len(c.ids) for c in chunks}
    if len(lengths) != 1:
        raise SettingsError("the chunks of one batch differ in length: they are not the same "
                            "position of their streams; use the lexiloom.stream_batcher.v1 "
                            "batcher")
    return numpy.stack([c.ids for c in chunks])


def _stream_ids(chunks: list[Chunk]) -> Any:
    """One stream's ids from its chunks in order (each chunk repeats the previous one's last
    id as its first input)."""
    import numpy
    import torch

    pieces = [chunks[0].ids] + [c.ids[1:] for c in chunks[1:]]
    return torch.from_numpy(numpy.concatenate(pieces).astype("int64"))


def _dropout_setting(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value < 1:
        raise SettingsError(f"lexiloom_generator dropout must be a number in [0, 1) or null "
                            f"(use [training] dropout), not {value!r}")
    return float(value)


__all__ = ["FORMAT", "LEVELS", "SCORES", "TextGenerator", "find_generator"]
