"""A classifier with ``separate_losses``: each part (recurrent, n-gram) gets the gradient of its
own prediction's cross-entropy, recovered from the ``p - y`` that spaCy's textcat losses give;
without it, both get that of their sum."""

from __future__ import annotations

import pytest
import torch
from torch.nn import functional

from lexiloom.errors import SettingsError
from lexiloom.models.classifier import build_text_classifier, ngram_settings
from lexiloom.vocab import Vocab

VOCAB = Vocab([f"w{i}" for i in range(12)])
BLOCKS = {"embedder": {"name": "trainable", "dim": 8, "seed": 0},
          "encoder": {"name": "gru", "hidden_size": 8, "seed": 0},
          "head": {"name": "classification", "pooling": "max", "seed": 0}}
IDS = torch.tensor([[1, 2, 3], [4, 5, 0], [6, 0, 0]])
LENGTHS = torch.tensor([3, 2, 1])
GOLD = torch.tensor([0, 2, 1])


def classifier(separate: bool, exclusive: bool = True):
    torch.manual_seed(0)
    model = build_text_classifier(VOCAB, 3, **BLOCKS, exclusive=exclusive,
                                  ngrams={"size": 2, "separate_loss": separate})
    with torch.no_grad():  # a bag that already knows something, so both parts matter
        model.ngrams.table.weight.normal_(0, 1.0)
    return model.train()


def backward(model, gold_rows: torch.Tensor, exclusive: bool = True) -> dict[str, torch.Tensor]:
    """Run the model, hand it spaCy's ``p - y`` and return every parameter's gradient."""
    model.zero_grad()
    logits = model(IDS, LENGTHS)
    grad = model.probabilities(logits.detach()) - gold_rows
    tensors, grads = model.backward_targets(logits, grad)
    torch.autograd.backward(tensors, grads)
    return {name: p.grad.clone() for name, p in model.named_parameters() if p.grad is not None}


def own_loss_gradients(model, gold_rows: torch.Tensor, exclusive: bool = True):
    """The reference: each part's own cross-entropy, through autograd."""
    model.zero_grad()
    head = model.head(model.encoder(model.embedding(IDS), LENGTHS).states, LENGTHS)
    bag = model.ngrams(IDS, LENGTHS)
    if exclusive:
        loss = (functional.cross_entropy(head, GOLD, reduction="sum")
                + functional.cross_entropy(bag, GOLD, reduction="sum"))
    else:
        loss = (functional.binary_cross_entropy_with_logits(head, gold_rows, reduction="sum")
                + functional.binary_cross_entropy_with_logits(bag, gold_rows, reduction="sum"))
    loss.backward()
    return {name: p.grad.clone() for name, p in model.named_parameters() if p.grad is not None}


@pytest.mark.parametrize("exclusive", [True, False])
def test_each_part_gets_the_gradient_of_its_own_loss(exclusive):
    gold_rows = functional.one_hot(GOLD, 3).float()
    if not exclusive:
        gold_rows[0, 1] = 1.0  # a second label
    model = classifier(True, exclusive)
    ours = backward(model, gold_rows)
    reference = own_loss_gradients(model, gold_rows, exclusive)
    assert ours.keys() == reference.keys()
    for name in ours:
        torch.testing.assert_close(ours[name], reference[name], rtol=1e-4, atol=1e-6)


def test_a_shared_loss_gives_both_parts_the_gradient_of_the_sum():
    gold_rows = functional.one_hot(GOLD, 3).float()
    shared = backward(classifier(False), gold_rows)
    model = classifier(False)
    model.zero_grad()
    functional.cross_entropy(model(IDS, LENGTHS), GOLD, reduction="sum").backward()
    for name, p in model.named_parameters():
        torch.testing.assert_close(shared[name], p.grad, rtol=1e-4, atol=1e-6)
    separate = backward(classifier(True), gold_rows)
    assert not torch.allclose(separate["encoder.rnn.weight_hh_l0"],  # the setting matters
                              shared["encoder.rnn.weight_hh_l0"])


def test_the_recurrent_part_keeps_learning_once_the_ngram_part_fits_the_data():
    gold_rows = functional.one_hot(GOLD, 3).float()
    norms = {}
    for separate in (False, True):
        model = classifier(separate)
        memorise(model, 10.0)
        grads = backward(model, gold_rows)
        norms[separate] = sum(g.norm() for name, g in grads.items()
                              if name.startswith("encoder."))
    assert norms[False] < 1e-3 * norms[True]  # under the shared loss its signal is gone


def memorise(model, weight: float) -> None:
    """A bag that has learnt the training texts: ``weight`` per n-gram on each text's gold
    label, ``-weight`` on the others."""
    with torch.no_grad():
        model.ngrams.table.weight.zero_()
        for row, label in zip(model.ngrams.features(IDS, LENGTHS), GOLD, strict=True):
            rows = row[row < model.ngrams.buckets]
            model.ngrams.table.weight[rows] = -weight
            model.ngrams.table.weight[rows, label] = weight


@pytest.mark.parametrize("exclusive", [True, False])
def test_a_saturated_correct_prediction_still_teaches_the_recurrent_part(exclusive):
    gold_rows = functional.one_hot(GOLD, 3).float()
    model = classifier(True, exclusive)
    memorise(model, 200.0)  # float32 probabilities of exactly 1 and 0: spaCy's p - y is 0
    logits = model(IDS, LENGTHS)
    p = model.probabilities(logits.detach())
    assert torch.all((p == 0) | (p == 1)) and torch.equal(p, gold_rows)
    ours = backward(model, gold_rows)
    reference = own_loss_gradients(model, gold_rows, exclusive)
    for name in ours:
        torch.testing.assert_close(ours[name], reference[name], rtol=1e-4, atol=1e-6)
    assert sum(g.norm() for n, g in ours.items() if n.startswith("encoder.")) > 1e-3


def test_missing_labels_give_no_gradient_to_either_part():
    model = classifier(True, exclusive=False)
    logits = model(IDS, LENGTHS)
    grad = model.probabilities(logits.detach()) - functional.one_hot(GOLD, 3).float()
    grad[1, 0] = 0.0  # spaCy zeroes the entries of labels a text is not annotated for
    grad[2] = 0.0
    _, grads = model.backward_targets(logits, grad)
    for g in grads:
        assert g[1, 0] == 0 and torch.count_nonzero(g[2]) == 0
        assert torch.count_nonzero(g[1, 1:]) == 2 and torch.count_nonzero(g[0]) == 3


def test_the_parts_travel_with_the_training_logits_only():
    import copy

    model = classifier(True)
    logits = model(IDS, LENGTHS)
    copy.deepcopy(model)  # nothing of the forward pass stays on the module
    with pytest.raises(SettingsError, match="training-mode forward"):
        model.backward_targets(model.eval()(IDS, LENGTHS), torch.zeros(3, 3))
    tensors, _ = model.backward_targets(logits, torch.zeros(3, 3))
    assert len(tensors) == 2


def test_separate_loss_must_be_a_boolean():
    with pytest.raises(SettingsError, match="separate_loss"):
        ngram_settings({"separate_loss": "yes"})
