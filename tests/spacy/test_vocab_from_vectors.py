"""A classifier with a ``pretrained`` embedder adds the vectors file's words to its vocabulary,
so words never seen in training keep their vectors instead of all reading as ``<unk>``."""

from __future__ import annotations

import pytest
import spacy
import torch
from spacy_textcat_helpers import corpus_examples, tiny_model, train

from lexiloom.errors import SettingsError
from lexiloom.spacy.architectures import get_module, get_vocab
from lexiloom.vocab import Vocab

WORDS = ["the", "zygomorphic", "Quixotic", "battery", "xylophone"]


@pytest.fixture
def vectors(tmp_path):
    path = tmp_path / "vectors.txt"
    path.write_text(f"{len(WORDS)} 4\n" + "".join(
        f"{w} {' '.join(str((i + 1) * (j + 1) / 10) for j in range(4))}\n"
        for i, w in enumerate(WORDS)), encoding="utf-8")
    return path


def _trained(vectors, **embedder):
    model = tiny_model("gru", width=4)
    model["embedder"] = {"name": "pretrained", "path": str(vectors), **embedder}
    nlp = spacy.blank("en")
    textcat = nlp.add_pipe("textcat", config={"model": model})
    train(nlp, corpus_examples(nlp, "sentiment", "train", limit=16), epochs=1)
    return nlp, textcat


def test_vector_words_unseen_in_training_join_the_vocabulary_with_their_vectors(vectors):
    nlp, textcat = _trained(vectors)
    vocab = get_vocab(textcat.model)
    assert "zygomorphic" in vocab and "xylophone" in vocab
    assert "Quixotic" not in vocab  # a norm (lowercase) vocabulary never sees it
    weight = get_module(textcat.model).embedding.weight
    torch.testing.assert_close(weight[vocab["xylophone"]], torch.tensor([0.5, 1.0, 1.5, 2.0]))
    doc = nlp.make_doc("xylophone")
    assert vocab.encode([t.norm_ for t in doc]) == [vocab["xylophone"]]


def test_corpus_words_keep_their_ids_and_come_first(vectors):
    _, with_words = _trained(vectors)
    _, without = _trained(vectors, extend_vocab=False)
    small, large = get_vocab(without.model), get_vocab(with_words.model)
    assert list(large)[:len(small)] == list(small)
    assert "zygomorphic" not in small


def test_extension_stops_at_the_vocabulary_max_size(vectors):
    model = tiny_model("gru", width=4, vocab={"attr": "norm", "min_count": 1, "max_size": 30})
    model["embedder"] = {"name": "pretrained", "path": str(vectors)}
    nlp = spacy.blank("en")
    textcat = nlp.add_pipe("textcat", config={"model": model})
    train(nlp, corpus_examples(nlp, "sentiment", "train", limit=16), epochs=1)
    assert len(get_vocab(textcat.model)) == 30 + 4  # specials are not counted


def test_extended_vocabulary_round_trips_without_the_vectors_file(vectors, tmp_path):
    nlp, textcat = _trained(vectors)
    nlp.to_disk(tmp_path / "pipeline")
    vectors.unlink()
    loaded = spacy.load(tmp_path / "pipeline")
    assert get_vocab(loaded.get_pipe("textcat").model) == get_vocab(textcat.model)
    assert loaded("a xylophone").cats == nlp("a xylophone").cats


def test_extend_vocab_must_be_a_boolean(vectors):
    with pytest.raises(SettingsError, match="extend_vocab"):
        _trained(vectors, extend_vocab="yes")


def test_vocab_extended_appends_new_tokens_only_up_to_max_size():
    vocab = Vocab(["a", "b"], counts={"a": 3, "b": 1})
    grown = vocab.extended(["b", "c", "d", "c", "e"], max_size=4)
    assert list(grown)[4:] == ["a", "b", "c", "d"]
    assert grown["a"] == vocab["a"] and grown.counts == vocab.counts
    assert vocab.extended(["x"], max_size=1) == vocab
    assert len(vocab.extended(["x", "y"])) == len(vocab) + 2
