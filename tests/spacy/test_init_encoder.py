"""Fine-tuning from a pretrained bidirectional language model: ``lexiloom.init_encoder.v1``
copies embedding rows by word and the encoder, extends the vocabulary, sets discriminative
rates; ``lexiloom.gradual_unfreezing.v1`` holds parts still by stage; the bidirectional
generator saves, loads and refuses to generate."""

from __future__ import annotations

import pytest
import spacy
import torch
from spacy.training import Example
from spacy.util import registry
from thinc.api import Adam

from lexiloom.errors import ModelFileError, SettingsError
from lexiloom.spacy.architectures import get_module

LM_TEXTS = ["The film was wonderful and the cast was superb .",
            "A dull , tedious film with a terrible ending .",
            "Pretraining words : zebra quantum marmalade ."] * 5
SIZE = 8


@pytest.fixture(scope="module")
def pretrained(tmp_path_factory):
    nlp = spacy.blank("en")
    nlp.add_pipe("lexiloom_generator", name="bilm", config={
        "objective": "bidirectional", "tokenizer": "spacy",
        "tokenizer_settings": {"lowercase": True},
        "embedder": {"name": "trainable", "dim": SIZE},
        "encoder": {"name": "gru", "hidden_size": SIZE, "bidirectional": True}})
    nlp.get_pipe("bilm").initialize(texts=LM_TEXTS)
    path = tmp_path_factory.mktemp("lm") / "model-best"
    nlp.to_disk(path)
    return path, nlp.get_pipe("bilm")


def classifier(hidden: int = SIZE):
    torch.manual_seed(0)
    nlp = spacy.blank("en")
    nlp.add_pipe("textcat", config={"model": {
        "@architectures": "lexiloom.TextClassifier.v3",
        "embedder": {"@architectures": "lexiloom.TrainableEmbedder.v1", "dim": SIZE},
        "encoder": {"@architectures": "lexiloom.GRUEncoder.v1", "hidden_size": hidden,
                    "bidirectional": True},
        "head": {"@architectures": "lexiloom.ClassificationHead.v1"}}})
    examples = [Example.from_dict(nlp.make_doc(text), {"cats": {"POS": float(p), "NEG": 1.0 - p}})
                for text, p in (("the film was wonderful", 1), ("a dull film", 0),
                                ("an unseen word : classifieronly", 1))]
    nlp.initialize(lambda: examples)
    return nlp, examples


def init_encoder(**settings):
    return registry.callbacks.get("lexiloom.init_encoder.v1")(**settings)


def test_embedding_rows_follow_the_words_and_the_encoder_is_copied(pretrained):
    path, bilm = pretrained
    nlp, _ = classifier()
    init_encoder(path=str(path))(nlp)
    module = get_module(nlp.get_pipe("textcat").model)
    vocab, lm_vocab = module.lexiloom_vocab, bilm.token_vocab
    for word in ("film", "wonderful", "zebra"):  # zebra: only in the pretraining text
        assert torch.equal(module.embedding.weight[vocab[word]],
                           bilm.module.embedding.weight[lm_vocab[word]])
    assert "classifieronly" in vocab and "classifieronly" not in lm_vocab
    assert not any(torch.equal(module.embedding.weight[vocab["classifieronly"]], row)
                   for row in bilm.module.embedding.weight)  # control: a fresh row
    for name, weight in bilm.module.encoder.state_dict().items():
        assert torch.equal(module.encoder.state_dict()[name], weight)
    assert module.lr_scales["encoder."] == pytest.approx(1 / 2.6)
    assert module.lr_scales["embedding."] == pytest.approx(1 / 2.6 ** 2)
    assert module.lr_scales["ngrams."] == 10.0
    assert len(nlp("zebra film").cats) == 2  # predicts over the extended vocabulary


def test_the_discriminative_rates_survive_saving_so_a_resumed_run_keeps_them(pretrained,
                                                                            tmp_path):
    nlp, _ = classifier()
    init_encoder(path=str(pretrained[0]), encoder_lr_scale=0.5)(nlp)
    nlp.to_disk(tmp_path / "p")
    module = get_module(spacy.load(tmp_path / "p").get_pipe("textcat").model)
    assert module.lr_scales["encoder."] == 0.5
    assert module.lr_scales["embedding."] == pytest.approx(1 / 2.6 ** 2)
    fresh, _ = classifier()  # control: a classifier not fine-tuned saves none
    fresh.to_disk(tmp_path / "q")
    assert get_module(spacy.load(tmp_path / "q").get_pipe("textcat").model).lr_scales == {
        "ngrams.": 10.0}


def test_the_chained_callback_runs_after(pretrained):
    seen = []
    nlp, _ = classifier()
    init_encoder(path=str(pretrained[0]), then=lambda n: seen.append(n) or n)(nlp)
    assert seen == [nlp]


def test_different_sizes_are_an_error_naming_them(pretrained):
    nlp, _ = classifier(hidden=SIZE * 2)
    with pytest.raises(SettingsError, match=r"hidden_size 16 \(pretrained 8"):
        init_encoder(path=str(pretrained[0]))(nlp)


def test_a_path_without_a_bidirectional_model_is_an_error(tmp_path, pretrained):
    nlp, _ = classifier()
    with pytest.raises(ModelFileError, match="not a saved pipeline"):
        init_encoder(path=str(tmp_path))(nlp)
    (tmp_path / "run").mkdir()  # lexiloom pretrain's OUT: config.cfg beside model-best/
    (tmp_path / "run" / "config.cfg").write_text("[nlp]\n")
    import shutil

    shutil.copytree(pretrained[0], tmp_path / "run" / "model-best")
    with pytest.raises(ModelFileError, match=r"did you mean .*model-best"):
        init_encoder(path=str(tmp_path / "run"))(nlp)
    spacy.blank("en").to_disk(tmp_path / "empty")
    with pytest.raises(ModelFileError, match="no bidirectional language model"):
        init_encoder(path=str(tmp_path / "empty"))(nlp)


def _changed(nlp, examples, step: int, **settings) -> set[str]:
    """The parameter groups one update at ``step`` changes."""
    registry.callbacks.get("lexiloom.gradual_unfreezing.v1")(steps=2, **settings)(
        nlp, {"step": step, "epoch": 0})
    module = get_module(nlp.get_pipe("textcat").model)
    before = {n: p.detach().clone() for n, p in module.named_parameters()}
    nlp.update(examples, sgd=Adam(0.01))
    return {n.split(".")[0] for n, p in module.named_parameters()
            if not torch.equal(before[n], p.detach())}


@pytest.mark.parametrize("step, trained", [
    (0, {"head", "ngrams"}), (1, {"head", "ngrams"}), (2, {"head", "ngrams", "encoder"}),
    (4, {"head", "ngrams", "encoder", "embedding"}), (99, {"head", "ngrams", "encoder",
                                                            "embedding"})])
def test_gradual_unfreezing_trains_one_more_part_per_stage(pretrained, step, trained):
    nlp, examples = classifier()
    init_encoder(path=str(pretrained[0]))(nlp)
    assert _changed(nlp, examples, step) == trained


@pytest.mark.parametrize("part", ["encoder", "embedding"])
def test_a_rate_of_zero_holds_that_part_still(pretrained, part):
    nlp, examples = classifier()
    init_encoder(path=str(pretrained[0]), **{f"{part}_lr_scale": 0.0})(nlp)
    assert part not in _changed(nlp, examples, 99)
    nlp, examples = classifier()
    init_encoder(path=str(pretrained[0]), **{f"{part}_lr_scale": 1.0})(nlp)
    assert part in _changed(nlp, examples, 99)  # control


def test_component_names_the_classifier_the_callbacks_act_on(pretrained):
    nlp, examples = classifier()
    with pytest.raises(SettingsError, match="component 'other' has no initialized"):
        init_encoder(path=str(pretrained[0]), component="other")(nlp)
    init_encoder(path=str(pretrained[0]), component="textcat")(nlp)
    assert "zebra" in get_module(nlp.get_pipe("textcat").model).lexiloom_vocab
    with pytest.raises(SettingsError, match="component 'other' has no initialized"):
        _changed(nlp, examples, 0, component="other")
    assert _changed(nlp, examples, 0, component="textcat") == {"head", "ngrams"}


@pytest.mark.parametrize("settings", [{"encoder_lr_scale": -1}, {"embedding_lr_scale": "x"}])
def test_bad_rates_are_errors(settings):
    with pytest.raises(SettingsError, match="must be a number"):
        init_encoder(path="x", **settings)


def test_block_defaults_count_as_the_sizes_they_stand_for(tmp_path):
    from lexiloom.spacy.init_encoder import pretrained_blocks

    nlp = spacy.blank("en")  # the encoder's and embedder's sizes left to their defaults
    nlp.add_pipe("lexiloom_generator", name="bilm", config={
        "objective": "bidirectional", "embedder": {"name": "trainable"},
        "encoder": {"name": "gru", "bidirectional": True}})
    nlp.get_pipe("bilm").initialize(texts=LM_TEXTS)
    nlp.to_disk(tmp_path / "lm")
    embedder, encoder = pretrained_blocks(tmp_path / "lm")
    assert embedder == {"name": "trainable", "dim": 100}
    assert encoder == {"name": "gru", "hidden_size": 128, "num_layers": 1, "bidirectional": True}


def test_bad_stage_length_is_an_error():
    with pytest.raises(SettingsError, match="steps must be a positive integer"):
        registry.callbacks.get("lexiloom.gradual_unfreezing.v1")(steps=0)


def test_the_bidirectional_generator_round_trips_and_cannot_generate(pretrained):
    path, bilm = pretrained
    loaded = spacy.load(path).get_pipe("bilm")
    assert loaded.perplexity(LM_TEXTS[:2]).cross_entropy == pytest.approx(
        bilm.perplexity(LM_TEXTS[:2]).cross_entropy)
    with pytest.raises(SettingsError, match="cannot generate"):
        loaded.generate("the film")
    with pytest.raises(SettingsError, match="annotate_tokens needs objective 'next'"):
        spacy.blank("en").add_pipe("lexiloom_generator", config={
            "objective": "bidirectional", "annotate_tokens": 3})
    with pytest.raises(SettingsError, match="objective"):
        spacy.blank("en").add_pipe("lexiloom_generator", config={"objective": "sideways"})
