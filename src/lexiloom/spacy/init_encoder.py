"""Fine-tuning from a pretrained bidirectional language model (``lexiloom pretrain``), the ULMFiT
recipe on spaCy's loop: two registered callbacks.

``lexiloom.init_encoder.v1`` runs after ``nlp.initialize`` (``[initialize.after_init]``; ``then``
chains another after-init callback, such as ``lexiloom.add_requirements.v1``). For each lexiloom
text classifier (or the one ``component`` names) it

- extends the classifier's vocabulary with the language model's words (after the training
  corpus's own, up to the vocabulary's ``max_size``), so words never seen in the labelled data
  keep what pretraining learnt about them, and rebuilds the module over it;
- copies the embedding rows by word and the encoder's weights (the shapes must agree: the
  embedder's ``dim`` and the encoder's name, ``hidden_size``, ``num_layers`` and
  ``bidirectional``; ``lexiloom train --init-encoder`` sets them from the language model);
- sets discriminative learning rates: the encoder learns at ``encoder_lr_scale`` and the
  embedding at ``embedding_lr_scale`` of the head's rate (ULMFiT's 1/2.6 per layer down),
  through the torch shim's ``lr_scale``.

``lexiloom.gradual_unfreezing.v1`` (``[training.before_update]``) trains the head (and n-gram
part) alone for ``steps`` updates, then the encoder too, and from ``2 * steps`` on everything;
a frozen part gets a learning-rate scale of 0 (no update at all). Pair them with thinc's
``slanted_triangular.v1`` learning-rate schedule::

    [initialize.after_init]
    @callbacks = "lexiloom.init_encoder.v1"
    path = "pretrained/model-best"

    [initialize.after_init.then]
    @callbacks = "lexiloom.add_requirements.v1"

    [training.before_update]
    @callbacks = "lexiloom.gradual_unfreezing.v1"
    steps = 500

    [training.optimizer.learn_rate]
    @schedules = "slanted_triangular.v1"
    max_rate = 0.002
    num_steps = ${training.max_steps}
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from spacy.language import Language

from lexiloom.errors import ModelFileError, SettingsError

INIT_ENCODER = "lexiloom.init_encoder.v1"
GRADUAL_UNFREEZING = "lexiloom.gradual_unfreezing.v1"

SHAPE_SETTINGS = ("name", "hidden_size", "num_layers", "bidirectional")
"""The encoder settings that decide its weights' shapes (and so must match to copy them)."""

TEXTCAT_MODEL = "lexiloom_textcat"
"""The thinc model name of a lexiloom text classifier (the callbacks' targets)."""

ENCODER_LR_SCALE = 1 / 2.6
EMBEDDING_LR_SCALE = 1 / 2.6 ** 2


def pretrained_blocks(path: str | Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """The embedder (``name``, ``dim``) and encoder (:data:`SHAPE_SETTINGS`) sizes of the
    bidirectional language model saved at ``path`` (a pipeline directory from ``lexiloom
    pretrain``, e.g. ``OUT/model-best``), defaults filled in."""
    module, _ = load_pretrained(path)
    return _shapes(module.settings["embedder"], module.settings["encoder"])


def _shapes(embedder: dict[str, Any], encoder: dict[str, Any]
            ) -> tuple[dict[str, Any], dict[str, Any]]:
    """The shape-deciding settings of an embedder and an encoder block, defaults filled in."""
    return ({"name": embedder.get("name"), "dim": _setting("embedder", embedder, "dim")},
            {key: _setting("encoder", encoder, key) for key in SHAPE_SETTINGS})


def load_pretrained(path: str | Path) -> tuple[Any, Any]:
    """``(BidirectionalLM, its Vocab)`` from the pipeline at ``path``; ModelFileError when it
    holds none."""
    import spacy

    from lexiloom.spacy.components.generator import TextGenerator

    where = Path(path)
    if not (where / "config.cfg").is_file() or not (where / "meta.json").is_file():
        hint = (f" (did you mean {where / 'model-best'}?)"
                if (where / "model-best" / "meta.json").is_file() else "")
        raise ModelFileError(f"{where}: not a saved pipeline{hint}; give the model-best "
                             "directory that lexiloom pretrain wrote")
    try:
        nlp = spacy.load(where)
    except (OSError, ValueError, KeyError) as err:  # spaCy's own load errors
        raise ModelFileError(f"{where}: cannot load this pipeline ({err}); give the model-best "
                             "directory that lexiloom pretrain wrote") from None
    for _, component in nlp.pipeline:
        module = getattr(component, "module", None)
        if isinstance(component, TextGenerator) and getattr(module, "bidirectional", False):
            return module, component.token_vocab
    raise ModelFileError(f"{where}: no bidirectional language model in this pipeline; "
                         "make one with lexiloom pretrain")


def transfer(model: Any, lm: Any, lm_vocab: Any, *, encoder_lr_scale: float,
             embedding_lr_scale: float) -> None:
    """Rebuild the classifier ``model`` (a thinc model of a lexiloom text classifier, after
    ``initialize``) over its vocabulary extended with ``lm_vocab``'s words, and copy ``lm``'s
    embedding rows (by word) and encoder weights into it."""
    import torch

    from lexiloom.spacy import torch_module
    from lexiloom.spacy.architectures import _lexiloom_node, get_module, new_shim, seeded_spec

    node = _lexiloom_node(model)
    old = get_module(model)
    if old is None:
        raise SettingsError("lexiloom.init_encoder.v1 runs after initialize "
                            "([initialize.after_init]), on an initialized classifier")
    spec = old.lexiloom_spec
    _check_shapes(spec, lm)
    if old.lexiloom_vocab.form != lm_vocab.form:
        raise SettingsError(f"lexiloom.init_encoder.v1: the classifier reads "
                            f"{spec['vocab']['attr']!r} tokens but the language model's words "
                            f"are {lm_vocab.form!r} forms; set the classifier's vocab "
                            'attr = "norm"')
    vocab = old.lexiloom_vocab.extended(lm_vocab, max_size=spec["vocab"]["max_size"])
    module = torch_module.build_module(seeded_spec(spec), vocab, old.lexiloom_n_labels)
    module.lexiloom_spec = spec
    rows = [(vocab[w], lm_vocab[w]) for w in vocab if w in lm_vocab]
    with torch.no_grad():
        target, source = module.embedding.weight, lm.embedding.weight  # dims checked above
        index = torch.tensor(rows, dtype=torch.long).reshape(-1, 2)
        target[index[:, 0]] = source[index[:, 1]].to(target.dtype)
        target[0].zero_()  # <pad>
        module.encoder.load_state_dict(lm.encoder.state_dict())
    module.base_lr_scales = {"encoder.": float(encoder_lr_scale),
                             "embedding.": float(embedding_lr_scale)}
    node.attrs["lexiloom_vocab"] = vocab
    node.layers[0].shims[0] = new_shim(module)


def _check_shapes(spec: dict[str, Any], lm: Any) -> None:
    from lexiloom.spacy.architectures import INCLUDE_STATIC

    if spec.get(INCLUDE_STATIC):
        raise SettingsError("lexiloom.init_encoder.v1: this classifier also reads static "
                            "vectors, so its encoder's input differs from the pretrained one; "
                            "remove include_static_vectors (or --vectors)")
    embedder, encoder = _shapes(spec["embedder"], spec["encoder"])
    lm_embedder, pretrained = _shapes(lm.settings["embedder"], lm.settings["encoder"])
    differ = [f"{key} {encoder[key]!r} (pretrained {pretrained[key]!r})"
              for key in SHAPE_SETTINGS if encoder[key] != pretrained[key]]
    if embedder["dim"] != lm_embedder["dim"]:
        differ.append(f"embedder dim {embedder['dim']!r} (pretrained {lm_embedder['dim']!r})")
    if differ:
        raise SettingsError("lexiloom.init_encoder.v1: the classifier's blocks differ from the "
                            f"pretrained model's: {'; '.join(differ)}; use the pretrained "
                            "settings (lexiloom train --init-encoder sets them)")


def _setting(kind: str, block: dict[str, Any], key: str) -> Any:
    """``block[key]``, else the registered ``kind``'s default for it."""
    if key in block or key == "name":
        return block.get(key)
    from lexiloom.models.assembly import spec_parts

    entry, _ = spec_parts(kind, block)
    return entry.defaults.get(key)


def _classifiers(nlp: Language, component: str | None) -> list[tuple[str, Any]]:
    from lexiloom.spacy.architectures import get_module

    found = []
    for name, proc in nlp.pipeline:
        model = getattr(proc, "model", None)
        if component is not None and name != component:
            continue
        if model is not None and hasattr(model, "walk") and any(
                n.name == TEXTCAT_MODEL for n in model.walk()) and get_module(model) is not None:
            found.append((name, model))
    if not found:
        where = f"component {component!r}" if component else "the pipeline"
        raise SettingsError(f"lexiloom.init_encoder.v1: {where} has no initialized lexiloom text "
                            "classifier to initialise from the pretrained model")
    return found


def make_init_encoder(path: str, component: str | None = None,
                      encoder_lr_scale: float = ENCODER_LR_SCALE,
                      embedding_lr_scale: float = EMBEDDING_LR_SCALE,
                      then: Callable[[Language], Language] | None = None,
                      ) -> Callable[[Language], Language]:
    """``lexiloom.init_encoder.v1`` (see the module docstring)."""
    for name, value in (("encoder_lr_scale", encoder_lr_scale),
                        ("embedding_lr_scale", embedding_lr_scale)):
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise SettingsError(f"lexiloom.init_encoder.v1: {name} must be a number >= 0, not "
                                f"{value!r}")

    def after_init(nlp: Language) -> Language:
        lm, lm_vocab = load_pretrained(path)
        for _, model in _classifiers(nlp, component):
            transfer(model, lm, lm_vocab, encoder_lr_scale=encoder_lr_scale,
                     embedding_lr_scale=embedding_lr_scale)
        return then(nlp) if then is not None else nlp

    return after_init


FROZEN_BY_STAGE = ({"encoder.", "embedding."}, {"embedding."}, set())
"""The parameter prefixes held still in each stage of gradual unfreezing."""


def make_gradual_unfreezing(steps: int, component: str | None = None
                            ) -> Callable[[Language, dict[str, Any]], None]:
    """``lexiloom.gradual_unfreezing.v1`` (see the module docstring)."""
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
        raise SettingsError(f"lexiloom.gradual_unfreezing.v1: steps must be a positive integer "
                            f"(updates per stage), not {steps!r}")

    def before_update(nlp: Language, args: dict[str, Any]) -> None:
        from lexiloom.spacy.architectures import get_module

        stage = min(int(args["step"]) // steps, len(FROZEN_BY_STAGE) - 1)
        for _, model in _classifiers(nlp, component):
            get_module(model).frozen_prefixes = set(FROZEN_BY_STAGE[stage])

    return before_update


__all__ = ["EMBEDDING_LR_SCALE", "ENCODER_LR_SCALE", "GRADUAL_UNFREEZING", "INIT_ENCODER",
           "load_pretrained", "make_gradual_unfreezing", "make_init_encoder",
           "pretrained_blocks", "transfer"]
