"""The ``lexiloom_generator`` component: a recurrent language model inside a spaCy pipeline.

It holds a tokenizer (any registered one, by name and settings; ``level="char"|"word"`` is a
shorthand for ``char``/``regex``), a :class:`~lexiloom.vocab.Vocab` and a
:class:`~lexiloom.models.language_model.LanguageModel`::

    nlp.add_pipe("lexiloom_generator", config={"level": "char"})
    nlp.initialize(lambda: examples)              # or generator.initialize(texts=[...])
    generator = nlp.get_pipe("lexiloom_generator")
    generator.generate("ROMEO:", max_tokens=200, temperature=0.8, top_k=40, seed=1)
    nlp("ROMEO:")._.generate(max_tokens=50)      # continues the doc's text

Running the pipeline sets ``doc._.lexiloom_generator`` (the key of the component that saw the
doc, so ``doc._.generate`` uses that pipeline's generator even with several loaded) and
``doc._.continuation`` (a greedy continuation of ``annotate_tokens`` tokens when that setting is
above 0, else ``None``).

Saved with the pipeline as ``settings.json``, ``vocab.json`` and ``model.safetensors`` (no
pickle), each written atomically. Training is not done by this component: it has no ``update``.
"""

from __future__ import annotations

import json
import re
import uuid
import weakref
from collections.abc import Callable, Iterable, Iterator, Sequence
from os import PathLike
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc
from spacy.training import Example
from spacy.vocab import Vocab as SpacyVocab

from lexiloom import atomic, registry
from lexiloom.corpora.text_stream import documents_mode, read_stream
from lexiloom.errors import LexiloomError, ModelFileError, SettingsError
from lexiloom.spacy.names import GENERATOR_FACTORY
from lexiloom.spacy.serialize import embedding_shape
from lexiloom.threads import fit_torch_threads
from lexiloom.vocab import Vocab

FORMAT = "lexiloom.TextGenerator"
VERSION = 1
LEVELS = {"char": "char", "word": "regex"}
SETTINGS_FILE, VOCAB_FILE, WEIGHTS_FILE = "settings.json", "vocab.json", "model.safetensors"

_LIVE: weakref.WeakValueDictionary[str, TextGenerator] = weakref.WeakValueDictionary()
"""Every live generator by its key, so a doc finds the generator of the pipeline that made it."""


def register_extensions() -> None:
    """Register ``doc._.lexiloom_generator``, ``doc._.continuation`` (default ``None``) and the
    method ``doc._.generate`` unless already registered."""
    for name in ("lexiloom_generator", "continuation"):
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=None)
    if not Doc.has_extension("generate"):
        Doc.set_extension("generate", method=generate_from_doc)


def generate_from_doc(doc: Doc, **settings: Any) -> str:
    """The continuation of ``doc.text`` by the generator of the pipeline that made ``doc``
    (``settings`` as for :meth:`TextGenerator.generate`)."""
    key = doc._.lexiloom_generator
    generator = _LIVE.get(key) if isinstance(key, str) else None
    if generator is None:
        raise SettingsError("this doc was not made by a pipeline with a lexiloom_generator that "
                            "is still loaded; make it with nlp(text) using such a pipeline")
    return generator.generate(doc.text, **settings)


class TextGenerator:
    """A language model as a spaCy pipeline component (see the module docstring)."""

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
        dropout: float = 0.0,
        tie_weights: bool = False,
        min_count: int = 1,
        max_size: int | None = None,
        seed: int | None = 0,
        annotate_tokens: int = 0,
        documents: str = "auto",
    ) -> None:
        self.vocab = vocab
        self.name = name
        self.tokenizer_name = _tokenizer_name(tokenizer, level)
        if tokenizer_settings is not None and not isinstance(tokenizer_settings, dict):
            raise SettingsError("lexiloom_generator setting 'tokenizer_settings' must be a "
                                f"mapping, not {tokenizer_settings!r}")
        self.tokenizer = registry.tokenizers.create(self.tokenizer_name,
                                                    **(tokenizer_settings or {}))
        self.tokenizer_settings = _tokenizer_config(self.tokenizer, tokenizer_settings or {})
        self.model_settings: dict[str, Any] = {
            "embedder": dict(embedder or {"name": "trainable"}),
            "encoder": dict(encoder or {"name": "lstm"}),
            "head": dict(head or {"name": "generation"}),
            "dropout": dropout,
            "tie_weights": tie_weights,
        }
        self.min_count = _non_negative_int("min_count", min_count, minimum=1)
        self.max_size = None if max_size is None else _non_negative_int("max_size", max_size)
        if seed is not None:
            _non_negative_int("seed", seed)
        self.seed = seed
        self.annotate_tokens = _non_negative_int("annotate_tokens", annotate_tokens)
        self.documents = documents_mode(documents, self.tokenizer_name)
        """How a text file is cut into documents for training and evaluation (``file`` or
        ``lines``; see :mod:`lexiloom.corpora.text_stream`)."""
        self.token_vocab: Vocab | None = None
        self.module: Any = None
        self.key = uuid.uuid4().hex
        _LIVE[self.key] = self
        register_extensions()

    # -- the pipeline ------------------------------------------------------------------------

    def __call__(self, doc: Doc) -> Doc:
        """Mark ``doc`` as made by this generator; in annotation mode, set its continuation."""
        doc._.lexiloom_generator = self.key
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
        """Build the vocabulary from ``texts`` (else the texts of ``get_examples()``'s reference
        docs) and a fresh, untrained language model over it."""
        if texts is None:
            if get_examples is None:
                raise SettingsError("lexiloom_generator.initialize needs texts to build its "
                                    "vocabulary; pass texts=[...] or training examples")
            texts = [example.reference.text for example in get_examples()]
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
        self.token_vocab = vocab
        self.module = self._build(vocab, self.model_settings, seed=self.seed)
        if nlp is not None:
            self.add_requirements(nlp)

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

    # -- generation --------------------------------------------------------------------------

    def generate(self, prompt: str, *, max_tokens: int = 100, temperature: float = 1.0,
                 top_k: int | None = None, top_p: float | None = None, seed: int | None = None,
                 stop: str | Sequence[str] | None = None) -> str:
        """The continuation of ``prompt`` (see :func:`lexiloom.models.generation.generate`)."""
        from lexiloom.models.generation import generate

        module, vocab = self._ready()
        return generate(module, vocab, self.tokenizer, prompt, max_tokens=max_tokens,
                        temperature=temperature, top_k=top_k, top_p=top_p, seed=seed, stop=stop)

    def stream(self, prompt: str, *, max_tokens: int = 100, temperature: float = 1.0,
               top_k: int | None = None, top_p: float | None = None, seed: int | None = None,
               stop: str | Sequence[str] | None = None) -> Iterator[str]:
        """The continuation of ``prompt`` in pieces as produced; they join to :meth:`generate`."""
        from lexiloom.models.generation import stream

        module, vocab = self._ready()
        return stream(module, vocab, self.tokenizer, prompt, max_tokens=max_tokens,
                      temperature=temperature, top_k=top_k, top_p=top_p, seed=seed, stop=stop)

    def perplexity(self, texts: Iterable[str], *, chunk_size: int = 256) -> Any:
        """Cross-entropy (nats/token) and perplexity on ``texts``, each read as one stream
        ``<bos> tokens <eos>`` (a :class:`~lexiloom.models.perplexity.LanguageModelScore`)."""
        from lexiloom.models.perplexity import evaluate_language_model

        module, vocab = self._ready()
        streams = (vocab.encode(self.tokenizer.tokenize(t), bos=True, eos=True) for t in texts)
        return evaluate_language_model(module, streams, chunk_size=chunk_size)

    def evaluate_file(self, path: str | PathLike[str], *, encoding: str = "utf-8",
                      chunk_size: int = 256) -> Any:
        """Cross-entropy and perplexity on the text file ``path``, read as in training: its
        documents (:attr:`documents`) framed ``<bos> ... <eos>`` and concatenated into one
        stream whose state is carried throughout; ``<bos>`` is never a target."""
        from lexiloom.models.perplexity import evaluate_language_model

        module, vocab = self._ready()
        ids = read_stream(path, self.tokenizer, vocab, self.documents, encoding=encoding)
        return evaluate_language_model(module, [ids], chunk_size=chunk_size,
                                       ignore_ids=(vocab.bos_id,))

    # -- serialization -----------------------------------------------------------------------

    def to_bytes(self, *, exclude: Iterable[str] = ()) -> bytes:
        """The settings, vocabulary and weights as msgpack bytes."""
        import srsly

        message: dict[str, Any] = {"settings": self._settings()}
        if self.module is not None and self.token_vocab is not None:
            message["vocab"] = self.token_vocab.to_dict()
            message["weights"] = self._weights()
        return srsly.msgpack_dumps(message)

    def from_bytes(self, data: bytes, *, exclude: Iterable[str] = ()) -> TextGenerator:
        """Load what :meth:`to_bytes` wrote."""
        import srsly

        try:
            message = srsly.msgpack_loads(data)
            if not isinstance(message, dict):
                raise ValueError("not a map")
        except Exception as err:
            raise ModelFileError(f"not a saved lexiloom_generator ({err}); save it again with "
                                 "this version of lexiloom") from None
        self._load(message.get("settings"), message.get("vocab"), message.get("weights"),
                   "saved lexiloom_generator")
        return self

    def to_disk(self, path: str | PathLike[str], *, exclude: Iterable[str] = ()) -> None:
        """Write ``settings.json``, ``vocab.json`` and ``model.safetensors`` into ``path``
        (one atomic directory replacement)."""
        with atomic.atomic_path(path) as tmp:
            tmp.mkdir()
            (tmp / SETTINGS_FILE).write_text(json.dumps(self._settings(), indent=2),
                                             encoding="utf-8")
            if self.module is not None and self.token_vocab is not None:
                (tmp / VOCAB_FILE).write_text(
                    json.dumps(self.token_vocab.to_dict(), ensure_ascii=False), encoding="utf-8")
                (tmp / WEIGHTS_FILE).write_bytes(self._weights())

    def from_disk(self, path: str | PathLike[str], *, exclude: Iterable[str] = ()
                  ) -> TextGenerator:
        """Load what :meth:`to_disk` wrote."""
        path = Path(path)
        try:
            settings = json.loads((path / SETTINGS_FILE).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
            raise ModelFileError(f"{path / SETTINGS_FILE}: cannot read the generator settings "
                                 f"({err}); save the pipeline again") from None
        vocab = weights = None
        if (path / WEIGHTS_FILE).exists() or (path / VOCAB_FILE).exists():
            vocab = Vocab.from_disk(path / VOCAB_FILE).to_dict()
            try:
                weights = (path / WEIGHTS_FILE).read_bytes()
            except OSError as err:
                raise ModelFileError(f"{path / WEIGHTS_FILE}: cannot read the weights ({err}); "
                                     "save the pipeline again") from None
        self._load(settings, vocab, weights, str(path))
        return self

    # -- internals ---------------------------------------------------------------------------

    def _ready(self) -> tuple[Any, Vocab]:
        if self.module is None or self.token_vocab is None:
            raise SettingsError(f"the {self.name!r} component has no model yet; run "
                                "nlp.initialize(...) (or its initialize(texts=[...])) and train "
                                "it, or load a trained pipeline")
        fit_torch_threads()
        return self.module, self.token_vocab

    def _settings(self) -> dict[str, Any]:
        model = dict(self.module.settings) if self.module is not None else self.model_settings
        return {
            "format": FORMAT, "version": VERSION,
            "tokenizer": self.tokenizer_name, "tokenizer_settings": self.tokenizer_settings,
            "model": model, "min_count": self.min_count, "max_size": self.max_size,
            "seed": self.seed, "annotate_tokens": self.annotate_tokens,
            "documents": self.documents,
            "embedding": embedding_shape(self.module),
            "frozen": sorted(n for n, p in self.module.named_parameters()
                             if not p.requires_grad) if self.module is not None else [],
        }

    def _weights(self) -> bytes:
        from safetensors.torch import save

        # clone: tied weights share storage, which safetensors refuses.
        return save({n: t.detach().cpu().clone().contiguous()
                     for n, t in self.module.state_dict().items()})

    def _load(self, settings: Any, vocab_data: Any, weights: Any, source: str) -> None:
        if not isinstance(settings, dict) or settings.get("format") != FORMAT \
                or settings.get("version") != VERSION:
            raise ModelFileError(f"{source}: not a {FORMAT} v{VERSION} component; save it again "
                                 "with this version of lexiloom")
        try:
            tokenizer = registry.tokenizers.create(settings["tokenizer"],
                                                   **settings["tokenizer_settings"])
            model_settings = dict(settings["model"])
        except (KeyError, TypeError) as err:
            raise ModelFileError(f"{source}: incomplete generator settings ({err}); save the "
                                 "pipeline again") from None
        if vocab_data is None or weights is None:
            module, vocab = None, None
        else:
            vocab = Vocab.from_dict(vocab_data, source)
            module = self._restore(vocab, model_settings, settings, weights, source)
        self.tokenizer_name, self.tokenizer = settings["tokenizer"], tokenizer
        self.tokenizer_settings = dict(settings["tokenizer_settings"])
        self.model_settings = model_settings
        self.annotate_tokens = int(settings.get("annotate_tokens", self.annotate_tokens))
        self.documents = str(settings.get("documents", self.documents))
        self.token_vocab, self.module = vocab, module

    def _restore(self, vocab: Vocab, model_settings: dict[str, Any], settings: dict[str, Any],
                 weights: bytes, source: str) -> Any:
        from safetensors.torch import load

        try:
            state = load(bytes(weights))
        except Exception as err:
            raise ModelFileError(f"{source}: corrupt weights ({err}); save the pipeline "
                                 "again") from None
        shape = settings.get("embedding")
        embedder = model_settings.get("embedder", {})
        if shape and isinstance(embedder, dict) and embedder.get("name") != "trainable":
            # Never re-read a vectors file: the saved weights replace it.
            model_settings = {**model_settings,
                              "embedder": {"name": "trainable", "dim": int(shape[1])}}
        module = self._build(vocab, model_settings, seed=None)
        try:
            module.load_state_dict(state, strict=True)
        except RuntimeError as err:
            raise ModelFileError(f"{source}: the saved weights do not fit the model built from "
                                 f"its settings ({' '.join(str(err).split())[:300]}); install "
                                 "the plugin versions it was trained with") from None
        frozen = set(settings.get("frozen", ()))
        for name, parameter in module.named_parameters():
            parameter.requires_grad_(name not in frozen)
        return module.eval()

    @staticmethod
    def _build(vocab: Vocab, model_settings: dict[str, Any], *, seed: int | None) -> Any:
        from lexiloom.models.language_model import build_language_model
        from lexiloom.models.seeding import seeded

        if seed is not None:
            model_settings = _with_seed(model_settings, seed)
        with seeded(seed):
            return build_language_model(vocab, **model_settings).eval()


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


__all__ = ["FORMAT", "LEVELS", "TextGenerator", "find_generator", "generate_from_doc",
           "register_extensions"]
