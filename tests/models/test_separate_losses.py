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
        with torch.no_grad():  # a bag that has memorised the training texts
            model.ngrams.table.weight.zero_()
            for row, label in zip(model.ngrams.features(IDS, LENGTHS), GOLD, strict=True):
                model.ngrams.table.weight[row[row < model.ngrams.buckets], label] = 10.0
        grads = backward(model, gold_rows)
        norms[separate] = sum(g.norm() for name, g in grads.items()
                              if name.startswith("encoder."))
    assert norms[False] < 1e-3 * norms[True]  # under the shared loss its signal is gone


def test_missing_labels_give_no_gradient_to_either_part():
    model = classifier(True)
    logits = model(IDS, LENGTHS)
    grad = model.probabilities(logits.detach()) - functional.one_hot(GOLD, 3).float()
    grad[1] = 0.0  # spaCy zeroes the rows of texts without annotation
    _, grads = model.backward_targets(logits, grad)
    assert all(torch.count_nonzero(g[1]) == 0 for g in grads)
    assert all(torch.count_nonzero(g[0]) > 0 for g in grads)


def test_prediction_is_the_sum_of_both_parts_whatever_the_loss():
    ids, lengths = IDS, LENGTHS
    joint, apart = classifier(False).eval(), classifier(True).eval()
    torch.testing.assert_close(joint(ids, lengths), apart(ids, lengths))


def test_separate_loss_must_be_a_boolean():
    with pytest.raises(SettingsError, match="separate_loss"):
        ngram_settings({"separate_loss": "yes"})
