"""The assembled torch text classifier: building from plugin specs, padding invariance for every
encoder and pooling, growing the output, and bad specs."""

from __future__ import annotations

import pytest
import torch

from lexiloom.errors import SettingsError, UnknownComponentError
from lexiloom.models import TextClassifierModule, build_text_classifier, resize_output
from lexiloom.vocab import Vocab

VOCAB = Vocab([f"w{i}" for i in range(20)])
EMBEDDER = {"name": "trainable", "dim": 6, "seed": 0}


def build(encoder: dict, head: dict | None = None, n_labels: int = 3,
          exclusive: bool = True) -> TextClassifierModule:
    model = build_text_classifier(VOCAB, n_labels, embedder=EMBEDDER,
                                  encoder={"hidden_size": 5, "seed": 0, **encoder},
                                  head=head or {"name": "classification", "seed": 0},
                                  exclusive=exclusive)
    return model.eval()


def test_builder_resolves_each_plugin_and_wires_the_sizes() -> None:
    model = build({"name": "gru", "bidirectional": True}, n_labels=4)
    assert isinstance(model.embedding, torch.nn.Embedding)
    assert model.embedding.num_embeddings == len(VOCAB)
    assert model.encoder.input_size == 6 and model.encoder.output_size == 10
    assert model.head.input_size == 10 and model.n_labels == 4 and model.exclusive
    assert model.settings == {
        "embedder": EMBEDDER, "encoder": {"name": "gru", "hidden_size": 5, "seed": 0,
                                          "bidirectional": True},
        "head": {"name": "classification", "seed": 0, "exclusive": True}, "exclusive": True}
    ids = torch.tensor([[4, 5, 6], [7, 0, 0]])
    logits = model(ids, torch.tensor([3, 1]))
    assert logits.shape == (2, 4)
    torch.testing.assert_close(model.probabilities(logits).sum(-1), torch.ones(2))


def test_multi_label_builder_gives_a_sigmoid_head() -> None:
    model = build({"name": "rnn"}, exclusive=False)
    assert not model.exclusive and not model.head.exclusive
    logits = model(torch.tensor([[4, 5]]), torch.tensor([2]))
    torch.testing.assert_close(model.probabilities(logits), torch.sigmoid(logits))


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("pooling", ["last", "mean", "max", "attention", "final"])
def test_a_texts_logits_do_not_change_with_the_other_texts_in_its_batch(
        cell: str, bidirectional: bool, pooling: str) -> None:
    model = build({"name": cell, "bidirectional": bidirectional, "num_layers": 2},
                  {"name": "classification", "pooling": pooling, "hidden_size": 4, "seed": 1})
    generator = torch.Generator().manual_seed(0)
    ids = torch.randint(4, len(VOCAB), (3, 12), generator=generator)
    lengths = torch.tensor([12, 2, 9])
    ids[1, 2:] = 0
    ids[2, 9:] = 0
    batch = model(ids, lengths)
    alone = model(ids[1:2, :2], lengths[1:2])
    torch.testing.assert_close(batch[1], alone[0], atol=1e-5, rtol=0)


@pytest.mark.parametrize("exclusive", [True, False])
def test_resize_output_keeps_old_logits_and_returns_the_same_module(exclusive: bool) -> None:
    model = build({"name": "lstm"}, n_labels=2, exclusive=exclusive)
    ids, lengths = torch.tensor([[4, 9, 7], [5, 0, 0]]), torch.tensor([3, 1])
    before = model(ids, lengths)
    assert resize_output(model, 5) is model
    after = model(ids, lengths)
    assert model.n_labels == 5 and after.shape == (2, 5)
    torch.testing.assert_close(after[:, :2], before)
    torch.testing.assert_close(model.probabilities(after)[:, :2], model.probabilities(before))


def test_resize_output_refuses_to_shrink_and_heads_without_resizing() -> None:
    model = build({"name": "gru"})
    with pytest.raises(SettingsError, match="shrink"):
        resize_output(model, 2)

    class FixedHead(torch.nn.Module):
        output_size = 2

        def forward(self, states, lengths):
            return states.sum(1)[:, :2]

    fixed = TextClassifierModule(model.embedding, model.encoder, FixedHead())
    assert fixed(torch.tensor([[4, 5]]), torch.tensor([2])).shape == (1, 2)
    with pytest.raises(SettingsError, match="cannot grow"):
        resize_output(fixed, 3)


def test_sentiment_head_builds_into_a_classifier() -> None:
    model = build({"name": "lstm"}, {"name": "sentiment", "pooling": "mean"}, n_labels=2)
    probs = model.probabilities(model(torch.tensor([[4, 5]]), torch.tensor([2])))
    score = model.head.score(probs, ["negative", "positive"])
    assert -1 <= score.item() <= 1


@pytest.mark.parametrize(("kwargs", "error", "message"), [
    ({"encoder": {"hidden_size": 4}}, SettingsError, "'name' key"),
    ({"encoder": "lstm"}, SettingsError, "'name' key"),
    ({"encoder": {"name": "transformer"}}, UnknownComponentError, "available"),
    ({"encoder": {"name": "lstm", "hidden": 3}}, SettingsError, "no setting 'hidden'"),
    ({"head": {"name": "classification", "pooling": "median"}}, SettingsError, "pooling"),
    ({"head": {"name": "classification", "exclusive": False}}, SettingsError, "exclusive"),
    ({"head": {"name": "sentiment"}, "exclusive": False}, SettingsError, "exclusive"),
    ({"n_labels": 0}, SettingsError, "number of labels"),
])
def test_bad_specs_raise_clear_errors(kwargs: dict, error: type, message: str) -> None:
    arguments = {"n_labels": 2, "embedder": EMBEDDER, "encoder": {"name": "lstm"},
                 "head": {"name": "classification"}, "exclusive": True, **kwargs}
    n_labels = arguments.pop("n_labels")
    with pytest.raises(error, match=message):
        build_text_classifier(VOCAB, n_labels, **arguments)


def test_seeded_specs_build_identical_models() -> None:
    a, b = build({"name": "lstm"}), build({"name": "lstm"})
    assert all(torch.equal(x, y) for x, y in zip(a.parameters(), b.parameters(), strict=True))


def test_models_package_names_resolve_lazily_and_unknown_names_fail() -> None:
    import lexiloom.models as models

    assert models.build_text_classifier is build_text_classifier
    with pytest.raises(AttributeError):
        _ = models.nothing_here
