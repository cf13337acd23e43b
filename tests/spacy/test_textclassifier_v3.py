"""``lexiloom.TextClassifier.v3``: v2 plus the hashed n-gram part, inside spaCy's ``textcat``:
every setting has its effect, the part trains at its own rate, and saved pipelines predict the
same."""

from __future__ import annotations

import pytest
import spacy
import torch
from spacy_textcat_helpers import corpus_examples, train
from thinc.api import SGD

from lexiloom.errors import SettingsError
from lexiloom.spacy.architectures import get_module

TEXTS = ["The staff were lovely and the room was spotless.", "Cold food, rude waiter.", "ok"]


def v3(**settings) -> dict:
    return {"@architectures": "lexiloom.TextClassifier.v3",
            "embedder": {"@architectures": "lexiloom.TrainableEmbedder.v1", "dim": 8, "seed": 0},
            "encoder": {"@architectures": "lexiloom.GRUEncoder.v1", "hidden_size": 8,
                        "seed": 0},
            "head": {"@architectures": "lexiloom.ClassificationHead.v1", "seed": 0},
            **settings}


def textcat(**settings):
    torch.manual_seed(0)
    nlp = spacy.blank("en")
    nlp.add_pipe("textcat", config={"model": v3(**settings)})
    return nlp, corpus_examples(nlp, "sentiment", "train", limit=32)


def cats(nlp) -> list[dict[str, float]]:
    return [doc.cats for doc in nlp.pipe(TEXTS)]


@pytest.fixture(scope="module")
def trained():
    torch.set_num_threads(1)
    nlp, examples = textcat()
    train(nlp, examples, epochs=2)
    return nlp


def test_v3_records_its_ngram_settings_and_round_trips(trained, tmp_path):
    module = get_module(trained.get_pipe("textcat").model)
    assert module.settings["ngrams"] == {"size": 2, "buckets": 262144, "lr_scale": 10.0,
                                         "separate_loss": False}
    assert not module.separate_losses  # v3: one loss, of the summed logits
    assert module.lr_scales == {"ngrams.": 10.0}
    assert module.ngrams.table.weight.abs().sum() > 0  # the n-gram part learned
    trained.to_disk(tmp_path / "p")
    loaded = spacy.load(tmp_path / "p")
    for ours, theirs in zip(cats(loaded), cats(trained), strict=True):
        assert ours == pytest.approx(theirs, abs=1e-6)
    assert get_module(loaded.get_pipe("textcat").model).ngrams.lr_scale == 10.0


@pytest.mark.parametrize("settings", [{"ngram_size": 0}, {"ngram_size": 1},
                                      {"ngram_buckets": 64}, {"ngram_lr_scale": 1.0}])
def test_every_ngram_setting_changes_the_trained_model(trained, settings):
    nlp, examples = textcat(**settings)
    train(nlp, examples, epochs=2)
    assert cats(nlp) != cats(trained)
    module = get_module(nlp.get_pipe("textcat").model)
    assert (module.ngrams is None) == (settings.get("ngram_size") == 0)


def test_the_ngram_part_moves_at_its_learning_rate_scale():
    deltas = {}
    for scale in (1.0, 10.0):
        nlp, examples = textcat(ngram_lr_scale=scale)
        nlp.initialize(lambda examples=examples: examples)
        module = get_module(nlp.get_pipe("textcat").model)
        embedding = module.embedding.weight.detach().clone()
        nlp.update(examples[:8], sgd=SGD(0.1, L2=0.0, grad_clip=0.0))
        deltas[scale] = module.ngrams.table.weight.detach().clone()  # it started at zero
        deltas[f"embedding {scale}"] = module.embedding.weight.detach() - embedding
    assert deltas[1.0].abs().sum() > 0
    torch.testing.assert_close(deltas[10.0], 10 * deltas[1.0])
    torch.testing.assert_close(deltas["embedding 10.0"], deltas["embedding 1.0"])  # control


@pytest.mark.parametrize(("setting", "value"), [("ngram_size", 5), ("ngram_size", -1),
                                                ("ngram_buckets", 0), ("ngram_lr_scale", 0)])
def test_bad_ngram_settings_are_errors_naming_the_setting(setting, value):
    nlp = spacy.blank("en")
    with pytest.raises(SettingsError, match=setting):
        nlp.add_pipe("textcat", config={"model": v3(**{setting: value})})


def test_the_sentiment_component_defaults_to_v4():
    nlp = spacy.blank("en")
    nlp.add_pipe("lexiloom_sentiment")
    assert nlp.config["components"]["lexiloom_sentiment"]["model"]["@architectures"] == (
        "lexiloom.TextClassifier.v4")
    # one shared loss, as the shipped configs and lexiloom train from scratch
    assert nlp.config["components"]["lexiloom_sentiment"]["model"]["ngram_separate_loss"] is False


def test_a_texts_scores_do_not_depend_on_its_batch_or_bucket(trained):
    import lexiloom.spacy.architectures as architectures

    sentence = "the staff were lovely but the room was cold and the food arrived late"
    words = sentence.split(" ")
    texts = [" ".join(words[: 1 + (i * 7) % len(words)]) for i in range(150)]  # mixed lengths
    together = [doc.cats for doc in trained.pipe(texts, batch_size=150)]
    assert len(texts) > 2 * architectures.PREDICT_BUCKET  # several buckets in one batch
    for text, cats in zip(texts[:20], together, strict=False):
        assert trained(text).cats == pytest.approx(cats, abs=1e-5)
