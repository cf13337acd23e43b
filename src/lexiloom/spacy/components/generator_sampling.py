"""The generator's sampling and scoring API (:class:`GeneratorSampling`, a mixin of
:class:`~lexiloom.spacy.components.generator.TextGenerator`) and ``doc._.generate``.

Running the pipeline installs the component's :meth:`GeneratorSampling.generate` in the doc's
``user_hooks`` (spaCy's per-doc hooks, not serialised with the doc), so ``doc._.generate(...)``
continues the doc's text with the generator of the pipeline that made it, with no registry of
live generators::

    doc = nlp("ROMEO:")
    doc._.generate(max_tokens=50, temperature=0.8, seed=1)
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from os import PathLike
from typing import Any

from spacy.tokens import Doc

from lexiloom.corpora.text_stream import read_stream
from lexiloom.errors import SettingsError

GENERATE_HOOK = "lexiloom_generate"
"""The ``doc.user_hooks`` key of the generating function of the pipeline that made the doc."""


def register_extensions() -> None:
    """Register ``doc._.lexiloom_generator`` (the name of the component that saw the doc),
    ``doc._.continuation`` (default ``None``) and the method ``doc._.generate`` unless already
    registered."""
    for name in ("lexiloom_generator", "continuation"):
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=None)
    if not Doc.has_extension("generate"):
        Doc.set_extension("generate", method=generate_from_doc)


def generate_from_doc(doc: Doc, **settings: Any) -> str:
    """The continuation of ``doc.text`` by the generator of the pipeline that made ``doc``
    (``settings`` as for :meth:`GeneratorSampling.generate`)."""
    generate = doc.user_hooks.get(GENERATE_HOOK)
    if generate is None:
        raise SettingsError("this doc was not made by a pipeline with a lexiloom_generator; "
                            "make it with nlp(text) using such a pipeline")
    return generate(doc.text, **settings)


class GeneratorSampling:
    """Generation and held-out scoring of the generator component."""

    def generate(self, prompt: str, *, max_tokens: int = 100, temperature: float = 1.0,
                 top_k: int | None = None, top_p: float | None = None, seed: int | None = None,
                 stop: str | Sequence[str] | None = None) -> str:
        """The continuation of ``prompt`` (see :func:`lexiloom.models.generation.generate`)."""
        from lexiloom.models.generation import generate

        module, vocab = self._causal("generate")
        return generate(module, vocab, self.tokenizer, prompt, max_tokens=max_tokens,
                        temperature=temperature, top_k=top_k, top_p=top_p, seed=seed, stop=stop)

    def stream(self, prompt: str, *, max_tokens: int = 100, temperature: float = 1.0,
               top_k: int | None = None, top_p: float | None = None, seed: int | None = None,
               stop: str | Sequence[str] | None = None) -> Iterator[str]:
        """The continuation of ``prompt`` in pieces as produced; they join to :meth:`generate`."""
        from lexiloom.models.generation import stream

        module, vocab = self._causal("stream")
        return stream(module, vocab, self.tokenizer, prompt, max_tokens=max_tokens,
                      temperature=temperature, top_k=top_k, top_p=top_p, seed=seed, stop=stop)

    def _causal(self, what: str) -> Any:
        module, vocab = self._ready()
        if getattr(module, "bidirectional", False):
            raise SettingsError(f"{self.name!r} is a bidirectional language model (pretraining "
                                f"for a classifier's encoder): it cannot {what} text; train one "
                                "with objective 'next' (lexiloom train --task generate)")
        return module, vocab

    def perplexity(self, texts: Iterable[str], *, chunk_size: int = 256) -> Any:
        """Cross-entropy (nats/token) and perplexity on ``texts``, each read as one stream
        ``<bos> tokens <eos>`` (a :class:`~lexiloom.models.perplexity.LanguageModelScore`)."""
        from lexiloom.models.perplexity import evaluate_language_model

        module, vocab = self._ready()
        streams = (vocab.encode(self.tokenizer.tokenize(t), bos=True, eos=True) for t in texts)
        return evaluate_language_model(module, streams, chunk_size=chunk_size,
                                       ignore_ids=(vocab.bos_id,))

    def evaluate_file(self, path: str | PathLike[str], *, encoding: str = "utf-8",
                      chunk_size: int = 256, format: str = "text", field: str = "text") -> Any:
        """Cross-entropy and perplexity on the text file ``path``, read as in training: its
        documents (:attr:`documents`) framed ``<bos> ... <eos>`` and concatenated into one
        stream whose state is carried throughout; ``<bos>`` is never a target."""
        from lexiloom.models.perplexity import evaluate_language_model

        module, vocab = self._ready()
        ids = read_stream(path, self.tokenizer, vocab, self.documents, encoding=encoding,
                          format=format, field=field)
        return evaluate_language_model(module, [ids], chunk_size=chunk_size,
                                       ignore_ids=(vocab.bos_id,))


__all__ = ["GENERATE_HOOK", "GeneratorSampling", "generate_from_doc", "register_extensions"]
