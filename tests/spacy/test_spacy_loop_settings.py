"""spaCy's training loop (``init_nlp`` + ``spacy.training.loop.train``, what ``spacy train``
runs) honours its settings for lexiloom's models: ``[training] dropout``, ``use_averages``,
``accumulate_gradient`` and ``frozen_components``. Each test has a control that fails when the
setting is ignored."""

from __future__ import annotations

import io
import warnings
from pathlib import Path
from typing import Any

import numpy
import pytest
import spacy
import torch
from small_corpora import small
from spacy.tokens import DocBin
from spacy.training import Example
from spacy.training.initialize import init_nlp
from spacy.training.loop import train as spacy_loop
from thinc.api import Adam, Config, set_dropout_rate

from lexiloom.corpora import convert_to_docbin
from lexiloom.errors import SettingsError
from lexiloom.spacy.architectures import get_module
from lexiloom.spacy.tok2vec import SmallVocabularyWarning

CONFIGS = Path(__file__).resolve().parents[2] / "configs"
RECORDED: list[Any] = []
"""The optimizers ``lexiloom_test.RecordedAdam.v1`` built, newest last."""


@spacy.registry.optimizers("lexiloom_test.RecordedAdam.v1")
def recorded_adam(learn_rate: float = 0.001, L2: float = 0.0, beta1: float = 0.9,
                  beta2: float = 0.999, eps: float = 1e-8, grad_clip: float = 1.0,
                  L2_is_weight_decay: bool = True, use_averages: bool = False) -> Adam:
    """spaCy's ``Adam.v1``, remembered so a test can read its averages."""
    optimizer = Adam(learn_rate, L2=L2, beta1=beta1, beta2=beta2, eps=eps, grad_clip=grad_clip,
                     L2_is_weight_decay=L2_is_weight_decay, use_averages=use_averages)
    RECORDED.append(optimizer)
    return optimizer


@pytest.fixture(scope="module")
def topics(tmp_path_factory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("topics")
    paths = base / "train.spacy", base / "dev.spacy"
    convert_to_docbin(small("topics/train"), paths[0])
    convert_to_docbin(small("topics/dev"), paths[1])
    return paths


def config(name: str, component: str, corpus: tuple[Path, Path], **overrides: Any) -> Config:
    """A shipped config at tiny sizes, dropout- and averaging-free unless ``overrides`` say
    otherwise."""
    model = f"components.{component}.model"
    settings = {"paths.train": str(corpus[0]), "paths.dev": str(corpus[1]),
                f"{model}.embedder.dim": 8, f"{model}.encoder.hidden_size": 8,
                f"{model}.head.dropout": 0.0, "training.dropout": 0.0,
                "training.max_steps": 8, "training.eval_frequency": 4,
                "training.batcher.size": 8, "training.optimizer.learn_rate": 0.01,
                "training.optimizer.use_averages": False}
    settings.update(overrides)
    cfg = spacy.util.load_config(CONFIGS / name, overrides=settings)
    cfg["training"]["optimizer"]["@optimizers"] = "lexiloom_test.RecordedAdam.v1"
    return cfg


def run(cfg: Config, out: Path | None, hook: Any = None) -> spacy.Language:
    """``spacy train``'s two steps on ``cfg``; ``hook(nlp)`` runs between them."""
    nlp = init_nlp(cfg)
    if out is not None:
        out.mkdir(parents=True)  # as spacy train's command does
    if hook is not None:
        hook(nlp)
    spacy_loop(nlp, out, stdout=io.StringIO(), stderr=io.StringIO())
    return nlp


def weights(nlp: spacy.Language, component: str = "textcat") -> dict[str, numpy.ndarray]:
    module = get_module(nlp.get_pipe(component).model)
    return {name: p.detach().numpy().copy() for name, p in module.named_parameters()}


def same(a: dict[str, numpy.ndarray], b: dict[str, numpy.ndarray]) -> bool:
    return a.keys() == b.keys() and all(numpy.array_equal(a[k], b[k]) for k in a)


def test_training_dropout_reaches_the_torch_model_and_inference_stays_deterministic(topics):
    base = weights(run(config("topics_multiclass.cfg", "textcat", topics), None))
    again = weights(run(config("topics_multiclass.cfg", "textcat", topics), None))
    dropped_nlp = run(config("topics_multiclass.cfg", "textcat", topics,
                             **{"training.dropout": 0.3}), None)
    assert same(base, again)  # control: the same config and seed give the same weights
    assert not same(base, weights(dropped_nlp))
    text = "The striker scored twice in the final."
    assert dropped_nlp(text).cats == dropped_nlp(text).cats


def test_token_encoder_applies_the_dropout_rate_only_in_training():
    nlp = spacy.blank("en")
    model = spacy.registry.resolve(Config({"model": {
        "@architectures": "lexiloom.Tok2Vec.v1",
        "embedder": {"@architectures": "lexiloom.TrainableEmbedder.v1", "dim": 8},
        "encoder": {"@architectures": "lexiloom.LSTMEncoder.v1", "hidden_size": 8}}}))["model"]
    docs = [nlp("a b c d e f g h"), nlp("b c d")]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SmallVocabularyWarning)
        model.initialize(X=docs)
    torch.manual_seed(0)
    plain, _ = model.begin_update(docs)
    set_dropout_rate(model, 0.5)
    torch.manual_seed(0)
    dropped, _ = model.begin_update(docs)
    assert not numpy.allclose(plain[0], dropped[0])
    assert numpy.array_equal(model.predict(docs)[0], model.predict(docs)[0])
    numpy.testing.assert_allclose(model.predict(docs)[0], plain[0], atol=1e-6)


def test_a_dropout_rate_outside_zero_to_one_is_an_error_naming_the_setting(topics):
    nlp = init_nlp(config("topics_multiclass.cfg", "textcat", topics))
    docs = list(DocBin().from_disk(topics[0]).get_docs(nlp.vocab))[:4]
    batch = [Example(nlp.make_doc(doc.text), doc) for doc in docs]
    with pytest.raises(SettingsError, match=r"dropout must be in \[0, 1\)"):
        nlp.update(batch, drop=1.0)


@pytest.mark.parametrize("use_averages", [True, False])
def test_use_averages_saves_and_evaluates_the_averaged_weights(topics, tmp_path, use_averages):
    cfg = config("topics_multiclass.cfg", "textcat", topics,
                 **{"training.optimizer.use_averages": use_averages})
    nlp = run(cfg, tmp_path / "out")
    optimizer = RECORDED[-1]
    live = weights(nlp)
    saved = weights(spacy.load(tmp_path / "out" / "model-last"))
    if not use_averages:  # control: without averages the saved weights are the trained ones
        assert optimizer.averages is None and same(saved, live)
        return
    shim = nlp.get_pipe("textcat").model.layers[0].shims[0]
    averages = {name: numpy.asarray(optimizer.averages[(shim.id, name)]).reshape(value.shape)
                for name, value in live.items()}
    assert same(saved, averages)
    assert not same(saved, live)
    text = "Stocks fell as the central bank raised rates."
    plain = nlp(text).cats
    with nlp.use_params(optimizer.averages):
        averaged = nlp(text).cats
    assert plain != averaged
    assert nlp(text).cats == plain  # the trained weights are back after the block


def test_accumulate_gradient_halves_the_batches_and_matches_the_whole_batch(topics):
    def recorder(sizes: list[int]) -> Any:
        def hook(nlp: spacy.Language) -> None:
            module = get_module(nlp.get_pipe("textcat").model)
            module.register_forward_pre_hook(
                lambda mod, args: sizes.append(int(args[0].shape[0])) if mod.training else None)
        return hook

    whole: list[int] = []
    halves: list[int] = []
    one = run(config("topics_multiclass.cfg", "textcat", topics), None, recorder(whole))
    two = run(config("topics_multiclass.cfg", "textcat", topics,
                     **{"training.accumulate_gradient": 2}), None, recorder(halves))
    assert set(whole) == {8} and set(halves) == {4}
    assert len(halves) == 2 * len(whole)
    a, b = weights(one), weights(two)
    assert a.keys() == b.keys()
    for name in a:
        numpy.testing.assert_allclose(a[name], b[name], rtol=1e-4, atol=1e-5, err_msg=name)


def test_a_frozen_sourced_textcat_keeps_its_weights_while_another_trains(topics, tmp_path):
    first = run(config("topics_multiclass.cfg", "textcat", topics), tmp_path / "first")
    trained = weights(spacy.load(tmp_path / "first" / "model-last"))
    assert same(trained, weights(first))
    cfg = config("multilabel.cfg", "textcat_multilabel", topics)
    cfg["nlp"]["pipeline"] = ["textcat", "textcat_multilabel"]
    cfg["components"]["textcat"] = {"source": str(tmp_path / "first" / "model-last")}
    cfg["training"]["frozen_components"] = ["textcat"]
    initial: dict[str, Any] = {}
    second = run(cfg, None, lambda nlp: initial.update(weights(nlp, "textcat_multilabel")))
    assert same(weights(second), trained)
    assert not same(weights(second, "textcat_multilabel"), initial)  # the other one trained
