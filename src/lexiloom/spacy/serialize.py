"""Saving and loading lexiloom's torch modules in spaCy without pickle: the hooks given to thinc's
``PyTorchWrapper_v3`` (its default shim calls ``torch.load`` unguarded), for the text classifier
and the token encoder (``lexiloom.Tok2Vec.v1``) alike.

The bytes are a msgpack map: ``format`` (which builder rebuilds it:
:data:`lexiloom.spacy.torch_module.BUILDERS`) and ``version``, the model ``spec``, the ``vocab``
(:meth:`lexiloom.vocab.Vocab.to_dict`), ``n_labels``, which parameters are frozen, and the
weights as a safetensors blob with its SHA-256, and the SHA-256 of the rest (``settings_sha256``:
spec, vocabulary, ...; both checked on loading: damaged bytes are a
:class:`~lexiloom.errors.ModelFileError`, not a model that predicts garbage). Loading rebuilds
the module from the spec and loads the weights
strictly. A plain ``torch.nn.Embedding`` input layer is rebuilt as a trainable embedding of the
saved size (its weights are then loaded), so loading never re-reads a vectors file nor retrains
Word2Vec/GloVe; frozen parameters stay frozen.

A module marked ``lexiloom_quantized = "int8-symmetric"`` (``lexiloom quantize``) stores its
large weights as int8 codes and scales (:mod:`lexiloom.models.quantize`; ``quantized`` in the
map names the scheme and the quantized tensors); it loads dequantized, still marked, so saving it
again stores the same codes.

An uninitialised model (no module yet) is saved as empty bytes and loads as uninitialised.
Importing this module does not import torch.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lexiloom.errors import LexiloomError, ModelFileError
from lexiloom.manifest import digest
from lexiloom.spacy.torch_module import BUILDERS, CLASSIFIER_FORMAT
from lexiloom.vocab import Vocab

if TYPE_CHECKING:
    import torch

VERSION = 1


def serialize_model(module: torch.nn.Module | None) -> bytes:
    """The bytes of ``module`` (empty for an uninitialised model)."""
    import srsly
    from safetensors.torch import save

    if module is None:
        return b""
    state = {name: tensor.detach().cpu().contiguous()
             for name, tensor in module.state_dict().items()}
    message = {
        "format": getattr(module, "lexiloom_format", CLASSIFIER_FORMAT),
        "version": VERSION,
        "spec": module.lexiloom_spec,
        "vocab": module.lexiloom_vocab.to_dict(),
        "n_labels": module.lexiloom_n_labels,
        "embedding": embedding_shape(module),
        "frozen": sorted(n for n, p in module.named_parameters() if not p.requires_grad),
    }
    if getattr(module, "base_lr_scales", None):  # fine-tuning's rates: a resumed run keeps them
        message["lr_scales"] = dict(module.base_lr_scales)
    scheme = getattr(module, "lexiloom_quantized", None)
    if scheme is not None:
        from lexiloom.models.quantize import SCHEME, quantize_state

        if scheme != SCHEME:
            raise ModelFileError(f"unknown quantization {scheme!r}; use {SCHEME!r}")
        state, axes = quantize_state(state)
        message["quantized"] = {"scheme": scheme, "axes": axes}
    weights = save(state)
    message.update(weights=weights, sha256=digest(weights),
                   settings_sha256=_settings_digest(message))
    return srsly.msgpack_dumps(message)


_DIGESTS = ("weights", "sha256", "settings_sha256")


def _settings_digest(message: dict[str, Any]) -> str:
    """The SHA-256 of everything in ``message`` but the weights and the digests, as canonical
    JSON (so a flipped byte in the spec or vocabulary is caught as surely as in the weights)."""
    import json

    rest = {k: v for k, v in message.items() if k not in _DIGESTS}
    return digest(json.dumps(rest, sort_keys=True, ensure_ascii=False).encode("utf-8"))


def deserialize_model(module: Any, data: bytes, device: torch.device) -> torch.nn.Module | None:
    """The module saved in ``data`` on ``device`` (``module``, the current one, is replaced)."""
    import srsly
    from safetensors.torch import load

    if not data:
        return None
    try:
        message = srsly.msgpack_loads(data)
        build = BUILDERS.get(message.get("format"))
        if build is None or message.get("version") != VERSION:
            raise ValueError(f"format {message.get('format')!r} version "
                             f"{message.get('version')!r}")
        spec, n_labels = message["spec"], int(message["n_labels"])
        vocab = Vocab.from_dict(message["vocab"], "saved lexiloom text classifier")
        if "sha256" in message and digest(message["weights"]) != message["sha256"]:
            raise ModelFileError("the lexiloom model's weights changed since they were saved "
                                 "(SHA-256 mismatch: a damaged copy?); save the pipeline again")
        if "settings_sha256" in message and \
                _settings_digest(message) != message["settings_sha256"]:
            raise ModelFileError("the lexiloom model's settings or vocabulary changed since "
                                 "they were saved (SHA-256 mismatch: a damaged copy?); save the "
                                 "pipeline again")
        state = load(message["weights"])
        quantized = message.get("quantized")
        if quantized is not None:
            from lexiloom.models.quantize import SCHEME, dequantize_state

            if quantized.get("scheme") != SCHEME:
                raise ValueError(f"quantization {quantized.get('scheme')!r}")
            state = dequantize_state(state, dict(quantized["axes"]))
        frozen = set(message["frozen"])
    except ModelFileError:
        raise
    except Exception as err:
        raise ModelFileError(f"not a lexiloom model ({err}); save it again with this version "
                             f"of lexiloom") from None
    try:
        shape = message.get("embedding")
        substitute = {"name": "trainable", "dim": int(shape[1])} if shape else None
        rebuilt = build(spec, vocab, n_labels, embedder=substitute)
    except LexiloomError:      # an unknown component names what is installed
        raise
    except (KeyError, TypeError, ValueError, IndexError, AttributeError) as err:
        raise ModelFileError(f"the saved lexiloom model's settings cannot build a model "
                             f"({type(err).__name__}: {err}); save it again") from None
    try:
        rebuilt.load_state_dict(state, strict=True)
    except RuntimeError as err:
        raise ModelFileError(f"the saved weights do not fit the model built from its settings "
                             f"({' '.join(str(err).split())[:300]}); the plugins may have "
                             f"changed since it was saved: install the versions it was trained "
                             f"with") from None
    for name, parameter in rebuilt.named_parameters():
        parameter.requires_grad_(name not in frozen)
    if quantized is not None:
        rebuilt.lexiloom_quantized = quantized["scheme"]
    if message.get("lr_scales") and hasattr(rebuilt, "base_lr_scales"):
        rebuilt.base_lr_scales = {str(k): float(v) for k, v in message["lr_scales"].items()}
    return rebuilt.to(device)


def embedding_shape(module: torch.nn.Module | None) -> list[int] | None:
    """``[rows, dim]`` when ``module``'s input layer is a plain ``nn.Embedding``, else ``None``."""
    if module is None:
        return None
    import torch

    embedding = getattr(module, "embedding", None)
    if type(embedding) is torch.nn.Embedding:
        return [int(embedding.num_embeddings), int(embedding.embedding_dim)]
    return None
