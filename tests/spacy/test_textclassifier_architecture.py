"""``lexiloom.TextClassifier.v1`` inside spaCy's ``textcat``: registration, training, saving,
padding invariance, the vocabulary, the gradient pairing and bad configs."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import numpy
import pytest
import spacy
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from small_corpora import small
from spacy_textcat_helpers import ARCH, corpus_examples, tiny_model, train

from lexiloom.errors import SettingsError, UnknownComponentError
from lexiloom.spacy.architectures import build_vocab_for, get_module, get_vocab, set_vocab
from lexiloom.vocab import Vocab


@pytest.fixture(scope="module")
def trained():
    """A ``textcat`` with a lexiloom GRU classifier trained on a bundled sentiment slice."""
    torch.set_num_threads(1)
    nlp = spacy.blank("en")
    nlp.add_pipe("textcat", config={"model": tiny_model("gru")})
    examples = corpus_examples(nlp, "sentiment", "train", limit=64)
    train(nlp, examples, epochs=2)
    return nlp


TEXTS = [
    "The service was wonderful and the food arrived hot.",
    "Terrible battery life, it died within an hour.",
    "",
    "ok",
    "I would not buy this again, the screen cracked on the first day and support ignored me.",
    "Unseen zyzzyva words here",
]


def test_architecture_resolves_from_spacy_registry_in_fresh_process():
    code = textwrap.dedent("""
        import json, spacy
        func = spacy.registry.architectures.get("lexiloom.TextClassifier.v1")
        print(json.dumps([func.__module__, func.__name__]))
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120, check=True).stdout
    assert json.loads(out.strip().splitlines()[-1]) == ["lexiloom.spacy.architectures",
                                                        "text_classifier_v1"]


def test_trained_textcat_round_trips_through_disk_with_identical_predictions(trained, tmp_path):
    trained.to_disk(tmp_path / "pipeline")
    loaded = spacy.load(tmp_path / "pipeline")
    before = [doc.cats for doc in trained.pipe(TEXTS)]
    after = [doc.cats for doc in loaded.pipe(TEXTS)]
    assert before == after
    vocab = get_vocab(trained.get_pipe("textcat").model)
    assert get_vocab(loaded.get_pipe("textcat").model) == vocab


def test_saved_weights_load_without_torch_load(trained, tmp_path, monkeypatch):
    trained.to_disk(tmp_path / "pipeline")

    def refuse(*args, **kwargs):
        raise AssertionError("torch.load must not be used (it unpickles)")

    monkeypatch.setattr(torch, "load", refuse)
    loaded = spacy.load(tmp_path / "pipeline")
    assert loaded(TEXTS[0]).cats == trained(TEXTS[0]).cats


def test_trained_textcat_probabilities_sum_to_one(trained):
    for doc in trained.pipe(TEXTS):
        assert sum(doc.cats.values()) == pytest.approx(1.0, abs=1e-5)
        assert set(doc.cats) == {"negative", "positive"}


NON_EMPTY = [text for text in TEXTS if text]


@settings(max_examples=30, deadline=None)
@given(st.lists(st.sampled_from(NON_EMPTY), min_size=1, max_size=6), st.integers(1, 4))
def test_doc_scores_do_not_depend_on_the_other_docs_in_the_batch(trained, batch, batch_size):
    """Property: padding invariance through spaCy, each doc's cats equal its cats when scored
    alone (1e-5). Empty texts are left out here: spaCy's textcat itself returns all-zero scores
    for a batch made only of empty docs (see the next test for the model)."""
    alone = {text: trained(text).cats for text in set(batch)}
    for text, doc in zip(batch, trained.pipe(batch, batch_size=batch_size), strict=True):
        for label, value in doc.cats.items():
            assert value == pytest.approx(alone[text][label], abs=1e-5)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.sampled_from(TEXTS), min_size=1, max_size=6))
def test_model_scores_do_not_depend_on_the_batch_even_for_empty_docs(trained, batch):
    """Property: padding invariance of the model itself, empty docs included (1e-5)."""
    model = trained.get_pipe("textcat").model
    docs = [trained.make_doc(text) for text in batch]
    together = model.predict(docs)
    for doc, row in zip(docs, together, strict=True):
        numpy.testing.assert_allclose(row, model.predict([doc])[0], atol=1e-5)


def test_vocab_corpus_covers_words_outside_the_initialize_sample(tmp_path):
    from lexiloom.corpora import convert_to_docbin

    convert_to_docbin("sentiment/train", tmp_path / "train.spacy")
    nlp = spacy.blank("en")
    nlp.add_pipe("textcat", config={"model": tiny_model(
        "lstm", vocab_corpus=str(tmp_path / "train.spacy"))})
    examples = corpus_examples(nlp, "sentiment", "train")
    nlp.initialize(lambda: examples)  # spaCy hands the model only the first 10 examples
    vocab = get_vocab(nlp.get_pipe("textcat").model)
    sample_words = {t.norm_ for eg in examples[:10] for t in eg.predicted}
    late_words = {t.norm_ for eg in examples[10:] for t in eg.predicted} - sample_words
    assert late_words and late_words <= set(vocab)


def test_vocab_corpus_may_be_a_text_corpus():
    nlp = spacy.blank("en")
    nlp.add_pipe("textcat", config={"model": tiny_model("rnn", vocab_corpus=small("topics/train"))})
    examples = corpus_examples(nlp, "topics", "train", limit=10)
    nlp.initialize(lambda: examples)
    assert len(get_vocab(nlp.get_pipe("textcat").model)) > 500


def test_set_vocab_installs_the_vocabulary_used_at_initialize():
    nlp = spacy.blank("en")
    textcat = nlp.add_pipe("textcat", config={"model": tiny_model("gru")})
    examples = corpus_examples(nlp, "sentiment", "train")
    vocab = build_vocab_for(textcat.model, (eg.reference for eg in examples))
    textcat.model.attrs["set_vocab"](textcat.model, vocab)
    nlp.initialize(lambda: examples)
    assert get_vocab(textcat.model) is vocab
    assert get_module(textcat.model).embedding.num_embeddings == len(vocab)


def test_set_vocab_refuses_a_vocabulary_of_the_wrong_form():
    nlp = spacy.blank("en")
    textcat = nlp.add_pipe("textcat", config={"model": tiny_model("gru")})
    with pytest.raises(SettingsError, match="form"):
        set_vocab(textcat.model, Vocab(["a"], form="text"))


def test_backprop_hands_spacy_gradient_to_logits_unchanged():
    """``scores - truths`` through the model equals autograd of summed cross-entropy on the
    logits: the softmax's backprop is the identity for this pairing (as thinc's Softmax)."""
    nlp = spacy.blank("en")
    textcat = nlp.add_pipe("textcat", config={"model": tiny_model("lstm")})
    examples = corpus_examples(nlp, "sentiment", "train", limit=8)
    nlp.initialize(lambda: examples)
    docs = [eg.predicted for eg in examples]
    truths = numpy.array([[eg.reference.cats[label] for label in textcat.labels]
                          for eg in examples], dtype="float32")
    module = get_module(textcat.model)
    scores, backprop = textcat.model.begin_update(docs)
    backprop(scores - truths)
    ours = {n: p.grad.clone() for n, p in module.named_parameters() if p.grad is not None}
    module.zero_grad()
    from lexiloom.spacy.docs_to_ids import docs_to_arrays

    ids, lengths = docs_to_arrays(docs, get_vocab(textcat.model), "norm")
    logits = module(torch.from_numpy(ids), torch.from_numpy(lengths))
    torch.nn.functional.cross_entropy(logits, torch.from_numpy(truths).argmax(1),
                                      reduction="sum").backward()
    assert ours
    for name, grad in ours.items():
        assert torch.allclose(grad, module.get_parameter(name).grad, atol=1e-5), name


def test_multilabel_model_outputs_independent_probabilities():
    nlp = spacy.blank("en")
    textcat = nlp.add_pipe("textcat_multilabel",
                           config={"model": tiny_model("gru", exclusive=False)})
    for label in ("a", "b", "c"):
        textcat.add_label(label)
    nlp.initialize()
    cats = nlp("some text").cats
    assert set(cats) == {"a", "b", "c"}
    assert all(0.0 <= v <= 1.0 for v in cats.values())
    assert sum(cats.values()) != pytest.approx(1.0, abs=1e-3)


def test_labels_added_before_initialize_only_set_the_output_size():
    nlp = spacy.blank("en")
    textcat = nlp.add_pipe("textcat", config={"model": tiny_model("gru")})
    textcat.add_label("x")
    textcat.add_label("y")
    assert get_module(textcat.model) is None
    assert textcat.model.get_dim("nO") == 2


def test_unknown_encoder_name_lists_the_available_encoders():
    nlp = spacy.blank("en")
    config = tiny_model("transformerish")
    with pytest.raises(UnknownComponentError) as err:
        nlp.add_pipe("textcat", config={"model": config})
    message = str(err.value)
    assert "transformerish" in message
    for name in ("gru", "lstm", "rnn"):
        assert name in message


@pytest.mark.parametrize(
    ("change", "match"),
    [
        ({"encoder": {"name": "lstm", "hiden_size": 8}}, "hiden_size"),
        ({"vocab": {"attr": "lemma"}}, "attr"),
        ({"vocab": {"min_count": 0}}, "min_count"),
        ({"head": {"pooling": "max"}}, "name"),
        ({"exclusive_classes": False, "head": {"name": "sentiment"}}, "exclusive"),
    ],
)
def test_bad_model_settings_fail_when_the_component_is_created(change, match):
    nlp = spacy.blank("en")
    with pytest.raises(SettingsError, match=match):
        nlp.add_pipe("textcat_multilabel" if change.get("exclusive_classes") is False
                     else "textcat", config={"model": {**tiny_model("gru"), **change}})


def test_uninitialized_model_says_to_initialize():
    nlp = spacy.blank("en")
    textcat = nlp.add_pipe("textcat", config={"model": tiny_model("gru")})
    textcat.add_label("x")
    textcat.add_label("y")
    with pytest.raises(SettingsError, match="initialize"):
        textcat.model.predict([nlp.make_doc("hello there")])


def test_uninitialized_pipeline_round_trips_and_trains_after_loading(tmp_path):
    nlp = spacy.blank("en")
    nlp.add_pipe("textcat", config={"model": tiny_model("gru")})
    nlp.to_disk(tmp_path / "blank")
    loaded = spacy.load(tmp_path / "blank")
    assert get_module(loaded.get_pipe("textcat").model) is None
    examples = corpus_examples(loaded, "sentiment", "train", limit=10)
    loaded.initialize(lambda: examples)
    assert set(loaded("fine").cats) == {"negative", "positive"}


def test_architecture_name_is_what_configs_use():
    from lexiloom.spacy.architectures import ARCHITECTURE

    assert ARCHITECTURE == ARCH


def test_pretrained_frozen_embeddings_load_without_the_vectors_file(tmp_path):
    words = ["great", "awful", "the", "battery", "service"]
    vectors = tmp_path / "vectors.txt"
    vectors.write_text(f"{len(words)} 4\n" + "".join(
        f"{w} {' '.join(str((i + j) / 10) for j in range(4))}\n" for i, w in enumerate(words)),
        encoding="utf-8")
    model = tiny_model("gru", width=4)
    model["embedder"] = {"name": "pretrained", "path": str(vectors), "trainable": False}
    nlp = spacy.blank("en")
    textcat = nlp.add_pipe("textcat", config={"model": model})
    train(nlp, corpus_examples(nlp, "sentiment", "train", limit=16), epochs=1)
    embedding = get_module(textcat.model).embedding
    assert not embedding.weight.requires_grad
    nlp.to_disk(tmp_path / "pipeline")
    vectors.unlink()
    loaded = spacy.load(tmp_path / "pipeline")
    assert loaded(TEXTS[0]).cats == nlp(TEXTS[0]).cats
    loaded_embedding = get_module(loaded.get_pipe("textcat").model).embedding
    assert not loaded_embedding.weight.requires_grad
    assert torch.equal(loaded_embedding.weight, embedding.weight)


def test_bad_embedder_setting_name_fails_when_the_component_is_created():
    nlp = spacy.blank("en")
    model = tiny_model("gru")
    model["embedder"] = {"name": "trainable", "dims": 8}
    with pytest.raises(SettingsError, match="dims"):
        nlp.add_pipe("textcat", config={"model": model})
