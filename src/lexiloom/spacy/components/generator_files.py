"""Saving and loading a ``lexiloom_generator`` (:class:`GeneratorFiles`, a mixin of
:class:`~lexiloom.spacy.components.generator.TextGenerator`).

A pipeline saves the component as ``settings.json``, ``vocab.json`` and ``model.safetensors``
(no pickle) with a ``manifest.json`` of their sizes and SHA-256 (:mod:`lexiloom.manifest`,
checked on loading: a damaged file is an error naming it), in one atomic directory replacement;
``to_bytes`` holds the same in msgpack. The
settings name the tokenizer and the model's blocks, so loading rebuilds the same module and then
reads the weights (a trained embedder is rebuilt as a plain trainable embedding of the saved
size: a vectors file is never read again).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from os import PathLike
from pathlib import Path
from typing import Any

from lexiloom import atomic, manifest, registry
from lexiloom.errors import ModelFileError
from lexiloom.spacy.serialize import embedding_shape
from lexiloom.vocab import Vocab

FORMAT = "lexiloom.TextGenerator"
VERSION = 1
SETTINGS_FILE, VOCAB_FILE, WEIGHTS_FILE = "settings.json", "vocab.json", "model.safetensors"


class GeneratorFiles:
    """``to_disk``/``from_disk``/``to_bytes``/``from_bytes`` of the generator component."""

    def to_bytes(self, *, exclude: Iterable[str] = ()) -> bytes:
        """The settings, vocabulary and weights as msgpack bytes."""
        import srsly

        message: dict[str, Any] = {"settings": self._settings()}
        if self.module is not None and self.token_vocab is not None:
            message["vocab"] = self.token_vocab.to_dict()
            message["weights"] = self._weights()
        return srsly.msgpack_dumps(message)

    def from_bytes(self, data: bytes, *, exclude: Iterable[str] = ()) -> Any:
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
        """Write ``settings.json``, ``vocab.json``, ``model.safetensors`` and a
        ``manifest.json`` of their sizes and SHA-256 into ``path`` (one atomic directory
        replacement)."""
        with atomic.atomic_path(path) as tmp:
            tmp.mkdir()
            (tmp / SETTINGS_FILE).write_text(json.dumps(self._settings(), indent=2),
                                             encoding="utf-8")
            names = [SETTINGS_FILE]
            if self.module is not None and self.token_vocab is not None:
                (tmp / VOCAB_FILE).write_text(
                    json.dumps(self.token_vocab.to_dict(), ensure_ascii=False), encoding="utf-8")
                (tmp / WEIGHTS_FILE).write_bytes(self._weights())
                names += [VOCAB_FILE, WEIGHTS_FILE]
            manifest.write(tmp, names)

    def from_disk(self, path: str | PathLike[str], *, exclude: Iterable[str] = ()
                  ) -> Any:
        """Load what :meth:`to_disk` wrote, after checking its files against its manifest
        (a folder saved before manifests existed loads unchecked)."""
        path = Path(path)
        manifest.verify(path)
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

    def _settings(self) -> dict[str, Any]:
        model = dict(self.module.settings) if self.module is not None else self.model_settings
        return {
            "format": FORMAT, "version": VERSION,
            "tokenizer": self.tokenizer_name, "tokenizer_settings": self.tokenizer_settings,
            "model": model, "min_count": self.min_count, "max_size": self.max_size,
            "seed": self.seed, "annotate_tokens": self.annotate_tokens,
            "documents": self.documents, "dropout": self.dropout,
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
        self.dropout = settings.get("dropout")
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


__all__ = ["FORMAT", "SETTINGS_FILE", "VERSION", "VOCAB_FILE", "WEIGHTS_FILE", "GeneratorFiles"]
