"""The hashed n-gram bag: what it hashes, what it ignores, what it learns, and bad settings."""

from __future__ import annotations

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from lexiloom.errors import SettingsError
from lexiloom.models import build_text_classifier
from lexiloom.models.classifier import ngram_settings, resize_output
from lexiloom.models.ngram_bag import MAX_SIZE, NgramBag, ngram_hash
from lexiloom.vocab import Vocab


def padded(rows: list[list[int]], fill: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    lengths = torch.tensor([len(r) for r in rows])
    ids = torch.full((len(rows), max(1, int(lengths.max()))), fill, dtype=torch.long)
    for i, row in enumerate(rows):
        ids[i, : len(row)] = torch.tensor(row, dtype=torch.long)
    return ids, lengths


def real_rows(bag: NgramBag, ids: torch.Tensor, lengths: torch.Tensor) -> list[list[int]]:
    features = bag.features(ids, lengths)
    return [sorted(int(f) for f in row if f != bag.buckets) for row in features]


def test_an_untrained_bag_adds_nothing():
    ids, lengths = padded([[3, 4, 5], [7]])
    assert torch.equal(NgramBag(3)(ids, lengths), torch.zeros(2, 3))


@settings(max_examples=50, deadline=None)
@given(st.lists(st.lists(st.integers(0, 10_000), min_size=0, max_size=8), min_size=1,
                max_size=5), st.integers(0, 10_000), st.integers(1, MAX_SIZE))
def test_padding_and_its_value_never_change_the_features(rows, fill, size):
    bag = NgramBag(2, size=size, buckets=97)
    short = real_rows(bag, *padded(rows))
    ids, lengths = padded(rows, fill=fill)
    wide = torch.cat([ids, torch.full((len(rows), 3), fill)], dim=1)
    assert real_rows(bag, wide, lengths) == short
    expected = [sum(max(0, len(r) - n + 1) for n in range(1, size + 1)) for r in rows]
    assert [len(r) for r in short] == expected


def test_bigrams_tell_word_order_apart_and_unigrams_do_not():
    ab, ba = padded([[11, 12]]), padded([[12, 11]])
    unigrams = NgramBag(2, size=1, buckets=1 << 18)
    bigrams = NgramBag(2, size=2, buckets=1 << 18)
    assert real_rows(unigrams, *ab) == real_rows(unigrams, *ba)
    assert real_rows(bigrams, *ab) != real_rows(bigrams, *ba)


def test_hashing_is_the_same_in_every_bag():
    ids, lengths = padded([[1, 2, 3, 4], [9, 8]])
    assert torch.equal(NgramBag(2, size=3).features(ids, lengths),
                       NgramBag(5, size=3).features(ids, lengths))


def order_task() -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Label 1 for "... 1 2 ..." and 0 for "... 2 1 ...", with the same words around."""
    rows, labels = [], []
    for i in range(40):
        filler = [3 + (i % 7), 10 + (i % 5)]
        rows.append(filler + ([1, 2] if i % 2 else [2, 1]))
        labels.append(i % 2)
    ids, lengths = padded(rows)
    return ids, lengths, torch.tensor(labels)


@pytest.mark.parametrize(("size", "learns"), [(1, False), (2, True)])
def test_only_bigrams_learn_a_word_order_task(size, learns):
    torch.manual_seed(0)
    ids, lengths, labels = order_task()
    bag = NgramBag(2, size=size, buckets=4096)
    optimizer = torch.optim.Adam(bag.parameters(), lr=0.1)
    for _ in range(100):
        optimizer.zero_grad()
        torch.nn.functional.cross_entropy(bag(ids, lengths), labels).backward()
        optimizer.step()
    accuracy = (bag(ids, lengths).argmax(-1) == labels).float().mean().item()
    assert (accuracy == 1.0) is learns
    if not learns:
        assert accuracy <= 0.6


def test_resizing_keeps_the_learned_labels_and_starts_new_ones_at_zero():
    bag = NgramBag(2, size=2, buckets=64)
    with torch.no_grad():
        bag.table.weight.normal_()
        bag.table.weight[bag.buckets].zero_()
    ids, lengths = padded([[1, 2, 3]])
    before = bag(ids, lengths)
    bag.resize_output(4)
    after = bag(ids, lengths)
    assert torch.allclose(after[:, :2], before)
    assert torch.equal(after[:, 2:], torch.zeros(1, 2))
    with pytest.raises(SettingsError, match="cannot shrink"):
        bag.resize_output(3)


@pytest.mark.parametrize("settings_", [{"size": 0}, {"size": MAX_SIZE + 1}, {"size": True},
                                       {"size": 2.0}, {"buckets": 0}, {"buckets": "many"},
                                       {"width": 3}])
def test_bad_ngram_settings_are_errors_naming_the_setting(settings_):
    with pytest.raises(SettingsError, match=r"ngram|n-gram"):
        ngram_settings(settings_)


VOCAB = Vocab([f"w{i}" for i in range(12)])
BLOCKS = {"embedder": {"name": "trainable", "dim": 8, "seed": 0},
          "encoder": {"name": "gru", "hidden_size": 8, "seed": 0},
          "head": {"name": "classification", "pooling": "max", "seed": 0}}


def test_a_classifier_with_ngrams_starts_as_its_recurrent_part_and_records_the_setting():
    ids, lengths = padded([[VOCAB["w1"], VOCAB["w2"]], [VOCAB["w3"]]])
    plain = build_text_classifier(VOCAB, 3, **BLOCKS).eval()
    with_bag = build_text_classifier(VOCAB, 3, **BLOCKS, ngrams={"size": 3}).eval()
    assert torch.allclose(plain(ids, lengths), with_bag(ids, lengths))
    assert with_bag.settings["ngrams"] == {"size": 3, "buckets": 2**18, "lr_scale": 10.0,
                                           "separate_loss": False}
    assert "ngrams" not in plain.settings
    resize_output(with_bag, 5)
    assert with_bag(ids, lengths).shape == (2, 5)
    assert with_bag.ngrams.n_labels == 5


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(0, 2**31 - 1), min_size=4, max_size=12),
       st.integers(1, MAX_SIZE), st.integers(1, 2**20))
def test_hashing_stays_in_32_bits_and_matches_the_python_reference(ids, size, buckets):
    bag = NgramBag(2, size=size, buckets=buckets)
    features = bag.features(torch.tensor([ids]), torch.tensor([len(ids)]))[0].tolist()
    expected = []
    for n in range(1, size + 1):
        expected += [ngram_hash(ids[i:i + n]) % buckets for i in range(len(ids) - n + 1)]
    assert features == expected
