"""Assembling the spaCy pipeline config from TrainConfig, and bad settings and corpora."""

from __future__ import annotations

import json

import pytest
from small_corpora import small

from lexiloom.corpora.labelled import read_labelled
from lexiloom.errors import CorpusError, SettingsError
from lexiloom.training import TrainConfig, train
from lexiloom.training.config import assemble, load_label_map, model_blocks


def _model(config: TrainConfig) -> dict:
    spacy_config, name, _ = assemble(config)
    return spacy_config["components"][name]


def test_classify_uses_textcat_and_multi_label_uses_textcat_multilabel() -> None:
    assert _model(TrainConfig(train="x", dev="y"))["factory"] == "textcat"
    multi = _model(TrainConfig(train="x", dev="y", multi_label=True))
    assert multi["factory"] == "textcat_multilabel"
    assert multi["model"]["exclusive_classes"] is False


def test_sentiment_task_uses_the_lexiloom_sentiment_component() -> None:
    assert _model(TrainConfig(task="sentiment"))["factory"] == "lexiloom_sentiment"


def test_overrides_merge_and_a_renamed_block_keeps_settings_the_new_one_declares() -> None:
    base = model_blocks(_model(TrainConfig())["model"])
    merged = _model(TrainConfig(encoder={"name": base["encoder"]["name"], "hidden_size": 7}))
    assert model_blocks(merged["model"])["encoder"] == {**base["encoder"], "hidden_size": 7}
    renamed = model_blocks(_model(TrainConfig(encoder={"name": "gru", "num_layers": 2}))[
        "model"])["encoder"]
    assert renamed["name"] == "gru" and renamed["num_layers"] == 2
    assert renamed["hidden_size"] == base["encoder"]["hidden_size"]
    embedder = _model(TrainConfig(embedder={"name": "pretrained", "path": "v.txt"}))
    assert "dim" not in embedder["model"]["embedder"]  # 'pretrained' declares no dim


def test_overrides_are_written_as_registered_blocks_in_a_v4_config() -> None:
    model = _model(TrainConfig(encoder={"name": "gru", "hidden_size": 7}))["model"]
    assert model["@architectures"] == "lexiloom.TextClassifier.v4"
    assert model["encoder"]["@architectures"] == "lexiloom.GRUEncoder.v1"
    assert model["encoder"]["hidden_size"] == 7


def test_generator_options_are_written_into_the_spacy_config() -> None:
    config, name, _ = assemble(TrainConfig(
        train="a.txt", dev="b.txt", task="generate", batch_size=8, bptt=32, lr=0.01,
        lr_schedule="linear", warmup_steps=5, seed=3, dropout=0.2, optimizer="sgd"))
    train = config["corpora"]["train"]
    assert (train["@readers"], train["component"], train["streams"], train["bptt"]) == \
        ("lexiloom.TextStreams.v1", name, 8, 32)
    assert config["corpora"]["dev"]["streams"] == 1
    assert config["paths"]["train"] == "a.txt" and config["paths"]["dev"] == "b.txt"
    training = config["training"]
    assert training["max_epochs"] == -1  # spaCy would shuffle the chunks otherwise
    assert training["batcher"]["@batchers"] == "lexiloom.stream_batcher.v1"
    assert (training["seed"], config["system"]["seed"], training["dropout"]) == (3, 3, 0.2)
    assert config["components"][name]["dropout"] is None
    optimizer = training["optimizer"]
    assert optimizer["@optimizers"] == "lexiloom.SGD.v1"
    assert optimizer["global_grad_clip"] == 1.0  # kept from the shipped config
    assert optimizer["learn_rate"] == {"@schedules": "warmup_linear.v1", "initial_rate": 0.01,
                                       "warmup_steps": 5, "total_steps": "${training.max_steps}"}


def test_generator_schedule_options_keep_what_the_config_sets() -> None:
    config, _, _ = assemble(TrainConfig(train="a.txt", dev="b.txt", task="generate", lr=0.01))
    rate = config["training"]["optimizer"]["learn_rate"]
    assert rate["@schedules"] == "lexiloom.warmup_cosine.v1"
    assert (rate["initial_rate"], rate["warmup_steps"], rate["final_rate"]) == (0.01, 30, 0.0)
    constant, _, _ = assemble(TrainConfig(train="a.txt", dev="b.txt", task="generate",
                                          lr_schedule="constant"))
    rate = constant["training"]["optimizer"]["learn_rate"]
    assert rate["final_rate"] == rate["initial_rate"] == 0.002


def test_generator_config_keeps_its_schedule_shape_and_reader_settings(tmp_path) -> None:
    from thinc.api import Config

    from lexiloom.training.config import CONFIG_DIR

    config = Config().from_disk(CONFIG_DIR / "generator_char.cfg", interpolate=False)
    config["training"]["optimizer"]["learn_rate"] = {
        "@schedules": "warmup_linear.v1", "initial_rate": 0.003, "warmup_steps": 7,
        "total_steps": "${training.max_steps}"}
    config["corpora"]["train"].update({"format": "jsonl", "field": "body"})
    path = tmp_path / "lm.cfg"
    config.to_disk(path)
    assembled, _, _ = assemble(TrainConfig(train="a.jsonl", dev="b.jsonl", task="generate",
                                           spacy_config=str(path), lr=0.01))
    rate = assembled["training"]["optimizer"]["learn_rate"]
    assert (rate["@schedules"], rate["initial_rate"], rate["warmup_steps"]) == \
        ("warmup_linear.v1", 0.01, 7)
    for split in ("train", "dev"):
        reader = assembled["corpora"][split]
        assert (reader["format"], reader["field"]) == ("jsonl", "body")


@pytest.mark.parametrize(("changes", "message"), [
    ({"train": ""}, "--train"),
    ({"dev": ""}, "--dev"),
    ({"task": "translate"}, "task must be one of"),
    ({"optimizer": "lbfgs"}, "optimizer must be one of"),
    ({"epochs": 0}, "epochs must be a positive integer"),
    ({"lr": -1.0}, "lr must be positive"),
    ({"dropout": 1.5}, "dropout must be in"),
])
def test_bad_training_settings_raise_settings_errors(changes, message) -> None:
    config = TrainConfig(**{"train": small("sentiment/train"), "dev": small("sentiment/dev"),
                            **changes})
    with pytest.raises(SettingsError, match=message):
        config.validate()


def test_unknown_training_setting_in_a_dict_is_refused() -> None:
    with pytest.raises(SettingsError, match="unknown training setting"):
        TrainConfig.from_dict({"train": "a", "learning_rate": 1})


def test_model_overrides_need_a_lexiloom_classifier(tmp_path) -> None:
    cfg = tmp_path / "bow.cfg"
    cfg.write_text('[nlp]\nlang = "en"\npipeline = ["textcat"]\n\n[components]\n\n'
                   '[components.textcat]\nfactory = "textcat"\n\n[components.textcat.model]\n'
                   '@architectures = "spacy.TextCatBOW.v3"\nexclusive_classes = true\n'
                   'ngram_size = 1\nno_output_layer = false\n', encoding="utf-8")
    with pytest.raises(SettingsError, match=r"need a lexiloom\.TextClassifier\.v4"):
        assemble(TrainConfig(spacy_config=str(cfg), encoder={"name": "gru"}))


def test_missing_spacy_config_file_is_a_settings_error(tmp_path) -> None:
    with pytest.raises(SettingsError, match="does not exist"):
        assemble(TrainConfig(spacy_config=str(tmp_path / "nope.cfg")))


def test_label_map_from_file_and_bad_label_maps(tmp_path) -> None:
    good = tmp_path / "map.json"
    good.write_text(json.dumps({"0": "negative", "1": "positive"}), encoding="utf-8")
    assert load_label_map(good) == {"0": "negative", "1": "positive"}
    bad = tmp_path / "bad.json"
    bad.write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(SettingsError, match="JSON object"):
        load_label_map(bad)
    with pytest.raises(SettingsError, match="does not exist"):
        load_label_map(tmp_path / "missing.json")


def test_label_map_applies_while_reading(tmp_path) -> None:
    path = tmp_path / "sst.txt"
    path.write_text("1 a gripping film\n0 a dull film\n", encoding="utf-8")
    data = read_labelled(path, format="labelled", label_map={"0": "neg", "1": "pos"})
    assert data.gold == [("pos",), ("neg",)] and data.labels == ["neg", "pos"]


def test_empty_corpus_missing_path_and_unlabelled_texts_are_corpus_errors(tmp_path) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(CorpusError, match="empty"):
        read_labelled(empty)
    with pytest.raises(CorpusError):
        read_labelled(tmp_path / "missing.jsonl")
    unlabelled = tmp_path / "u.jsonl"
    unlabelled.write_text('{"text": "no label here"}\n', encoding="utf-8")
    with pytest.raises(CorpusError, match="no label"):
        read_labelled(unlabelled)


def test_dev_labels_missing_from_training_labels_are_refused(tmp_path) -> None:
    with pytest.raises(CorpusError, match="are not labels of the training corpus"):
        train(TrainConfig(train=small("sentiment/train"), dev=small("topics/dev"), epochs=1),
              out_dir=tmp_path / "out", progress=False)


def test_a_single_label_training_corpus_is_refused(tmp_path) -> None:
    one = tmp_path / "one.jsonl"
    one.write_text('{"text": "a", "label": "x"}\n{"text": "b", "label": "x"}\n',
                   encoding="utf-8")
    with pytest.raises(SettingsError, match="only one label"):
        train(TrainConfig(train=str(one), dev=str(one), epochs=1), out_dir=tmp_path / "o",
              progress=False)


def test_switching_a_block_by_name_says_which_settings_carried_over(tmp_path, capsys) -> None:
    common = dict(train=small("topics/train"), dev=small("topics/dev"), max_steps=1, threads=1,
                  embedder={"name": "trainable", "dim": 8})
    train(TrainConfig(**common, encoder={"name": "lstm", "hidden_size": 8}),
          out_dir=tmp_path / "a", progress=True)
    assert "encoder gru -> lstm: settings carried over: bidirectional=true" in \
        capsys.readouterr().err
    train(TrainConfig(**common, encoder={"name": "gru", "hidden_size": 8}),
          out_dir=tmp_path / "b", progress=True)
    assert "carried over" not in capsys.readouterr().err  # control: the same block, no switch
