"""The classifier's parameters are updated in place: training keeps one storage per parameter
(thinc's own shim chains a new tensor per step, which grew a TREC run by 4 MB per step)."""

from __future__ import annotations

import gc

import numpy
import spacy
import torch
from spacy_textcat_helpers import corpus_examples, tiny_model, train
from thinc.api import SGD, Adam

from lexiloom.spacy.architectures import get_module
from lexiloom.spacy.torch_shim import InPlaceUpdateShim


def _textcat(encoder: str = "gru"):
    nlp = spacy.blank("en")
    nlp.add_pipe("textcat", config={"model": tiny_model(encoder)})
    return nlp, corpus_examples(nlp, "sentiment", "train", limit=32)


def _live_tensors(shape: tuple[int, ...]) -> int:
    gc.collect()
    return sum(1 for obj in gc.get_objects()
               if type(obj) in (torch.Tensor, torch.nn.Parameter) and tuple(obj.shape) == shape)


def _storages(module: torch.nn.Module) -> dict[str, int]:
    return {name: p.data_ptr() for name, p in module.named_parameters()}


def test_updates_keep_every_parameter_in_its_storage():
    nlp, examples = _textcat()
    optimizer = train(nlp, examples, epochs=1)
    module = get_module(nlp.get_pipe("textcat").model)
    before = _storages(module)
    weights = module.embedding.weight.detach().clone()
    for start in range(0, len(examples), 8):
        nlp.update(examples[start:start + 8], sgd=optimizer)
    assert _storages(module) == before
    assert not torch.equal(module.embedding.weight.detach(), weights)  # it did learn


def test_training_does_not_accumulate_tensors_per_step():
    nlp, examples = _textcat("lstm")
    optimizer = train(nlp, examples, epochs=1)
    shape = tuple(get_module(nlp.get_pipe("textcat").model).embedding.weight.shape)
    live = _live_tensors(shape)
    for _ in range(5):
        nlp.update(examples[:8], sgd=optimizer)
    assert _live_tensors(shape) == live


def test_loaded_pipelines_keep_the_in_place_shim(tmp_path):
    nlp, examples = _textcat()
    train(nlp, examples, epochs=1)
    nlp.to_disk(tmp_path / "pipeline")
    loaded = spacy.load(tmp_path / "pipeline")
    assert isinstance(loaded.get_pipe("textcat").model.layers[0].shims[0], InPlaceUpdateShim)
    assert isinstance(nlp.get_pipe("textcat").model.layers[0].shims[0], InPlaceUpdateShim)


def test_sgd_and_adam_updates_match_thincs_maths():
    nlp, examples = _textcat()
    train(nlp, examples[:8], epochs=1)
    module = get_module(nlp.get_pipe("textcat").model)
    shim = nlp.get_pipe("textcat").model.layers[0].shims[0]
    for make in (lambda: SGD(0.1, L2=0.0, grad_clip=0.0), lambda: Adam(0.01, L2=0.0,
                                                                       grad_clip=0.0)):
        optimizer, reference = make(), make()  # the reference runs on copies
        nlp.update(examples[:8], sgd=False)
        expected = {}
        for name, p in module.named_parameters():
            if p.grad is not None:
                new, _ = reference((shim.id, name), p.detach().numpy().copy(),
                                   p.grad.numpy().copy())
                expected[name] = numpy.array(new)
        shim.finish_update(optimizer)
        for name, p in module.named_parameters():
            if name in expected:
                numpy.testing.assert_allclose(p.detach().numpy(), expected[name], rtol=1e-6,
                                              atol=1e-7)
                assert p.grad is None  # dropped: a step without gradients changes nothing


def test_an_optimizer_returning_new_arrays_is_copied_into_the_parameters():
    nlp, examples = _textcat()
    train(nlp, examples[:8], epochs=1)
    module = get_module(nlp.get_pipe("textcat").model)
    shim = nlp.get_pipe("textcat").model.layers[0].shims[0]
    before = {n: p.detach().clone() for n, p in module.named_parameters()}
    storages = _storages(module)
    nlp.update(examples[:8], sgd=False)

    def out_of_place(key, weights, gradient):
        return weights - 0.5, gradient * 0

    shim.finish_update(out_of_place)
    for name, p in module.named_parameters():
        torch.testing.assert_close(p.detach(), before[name] - 0.5)
        assert p.grad is None
    assert _storages(module) == storages
