"""``lexiloom.TextClassifier.v4``: v3 whose recurrent and n-gram parts each learn from their own
loss (``ngram_separate_loss``), inside spaCy's ``textcat``: the setting has its effect, ``false``
is v3's training exactly, and saved pipelines keep it."""

from __future__ import annotations

import pytest
import spacy
import torch
from spacy_textcat_helpers import corpus_examples, train

from lexiloom.errors import SettingsError
from lexiloom.spacy.architectures import get_module

TEXTS = ["The staff were lovely and the room was spotless.", "Cold food, rude waiter.", "ok"]


def model(version: int, **settings) -> dict:
    return {"@architectures": f"lexiloom.TextClassifier.v{version}",
            "embedder": {"@architectures": "lexiloom.TrainableEmbedder.v1", "dim": 8, "seed": 0},
            "encoder": {"@architectures": "lexiloom.GRUEncoder.v1", "hidden_size": 8,
                        "seed": 0},
            "head": {"@architectures": "lexiloom.ClassificationHead.v1", "seed": 0},
            **settings}


def trained(version: int, **settings):
    torch.manual_seed(0)
    torch.set_num_threads(1)
    nlp = spacy.blank("en")
    nlp.add_pipe("textcat", config={"model": model(version, **settings)})
    train(nlp, corpus_examples(nlp, "sentiment", "train", limit=32), epochs=2)
    return nlp


def cats(nlp) -> list[dict[str, float]]:
    return [doc.cats for doc in nlp.pipe(TEXTS)]


@pytest.fixture(scope="module")
def v4():
    return trained(4)


def test_v4_trains_each_part_on_its_own_loss_and_keeps_it_when_saved(v4, tmp_path):
    module = get_module(v4.get_pipe("textcat").model)
    assert module.separate_losses
    assert module.settings["ngrams"]["separate_loss"] is True
    assert module.ngrams.table.weight.abs().sum() > 0
    v4.to_disk(tmp_path / "p")
    loaded = spacy.load(tmp_path / "p")
    assert get_module(loaded.get_pipe("textcat").model).separate_losses
    for ours, theirs in zip(cats(loaded), cats(v4), strict=True):
        assert ours == pytest.approx(theirs, abs=1e-6)


def test_a_shared_loss_is_v3_and_differs_from_separate_losses(v4):
    shared = trained(4, ngram_separate_loss=False)
    assert not get_module(shared.get_pipe("textcat").model).separate_losses
    for ours, v3s in zip(cats(shared), cats(trained(3)), strict=True):
        assert ours == pytest.approx(v3s, abs=1e-6)
    assert cats(shared) != cats(v4)


def test_without_an_ngram_part_there_is_one_loss():
    nlp = spacy.blank("en")
    nlp.add_pipe("textcat", config={"model": model(4, ngram_size=0)})
    nlp.initialize(lambda: corpus_examples(nlp, "sentiment", "train", limit=8))
    module = get_module(nlp.get_pipe("textcat").model)
    assert module.ngrams is None and not module.separate_losses


@pytest.mark.parametrize("value", ["yes", 1])
def test_a_bad_ngram_separate_loss_is_an_error_naming_it(value):
    nlp = spacy.blank("en")
    with pytest.raises(SettingsError, match="ngram_separate_loss"):
        nlp.add_pipe("textcat", config={"model": model(4, ngram_separate_loss=value)})
