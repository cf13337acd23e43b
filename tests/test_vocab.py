"""The vocabulary: special ids, counting, pruning, token forms, and its JSON file."""

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lexiloom.errors import ModelFileError, SettingsError
from lexiloom.tokens import Token
from lexiloom.vocab import SPECIALS, Vocab


def test_special_tokens_have_fixed_ids():
    vocab = Vocab.build([["b", "a"]])
    assert [vocab[s] for s in SPECIALS] == [0, 1, 2, 3]
    assert (vocab.pad_id, vocab.unk_id, vocab.bos_id, vocab.eos_id) == (0, 1, 2, 3)


def test_tokens_are_ordered_by_frequency_then_alphabetically():
    vocab = Vocab.build([["b", "c", "c", "a", "b", "c"], ["d"]])
    assert list(vocab)[4:] == ["c", "b", "a", "d"]


def test_min_count_and_max_size_prune_rare_tokens():
    streams = [["x"] * 5 + ["y"] * 3 + ["z"]]
    assert list(Vocab.build(streams, min_count=2))[4:] == ["x", "y"]
    assert list(Vocab.build(streams, max_size=1))[4:] == ["x"]


def test_unknown_tokens_map_to_unk_and_framing_adds_bos_eos():
    vocab = Vocab.build([["hello"]])
    assert vocab.encode(["hello", "nope"], bos=True, eos=True) == [2, 4, 1, 3]
    assert vocab.decode([2, 4, 1, 3]) == ["hello"]
    assert vocab.decode([2, 4, 3], skip_special=False) == ["<bos>", "hello", "<eos>"]


def test_vocab_indexes_the_recorded_token_form():
    tokens = [Token("Cat", 0, 3, "cat"), Token("CAT", 4, 7, "cat")]
    by_norm = Vocab.build([tokens], form="norm")
    by_text = Vocab.build([tokens], form="text")
    assert list(by_norm)[4:] == ["cat"]
    assert sorted(list(by_text)[4:]) == ["CAT", "Cat"]
    assert by_norm.encode(tokens) == [4, 4]


def test_specials_in_the_corpus_are_not_duplicated():
    vocab = Vocab.build([["<unk>", "<pad>", "a"]])
    assert list(vocab) == [*SPECIALS, "a"]


@pytest.mark.parametrize("kwargs", [{"min_count": 0}, {"max_size": -1}, {"form": "lemma"}])
def test_bad_build_settings_raise_settings_error(kwargs):
    with pytest.raises(SettingsError):
        Vocab.build([["a"]], **kwargs)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(st.text(min_size=1, max_size=8), max_size=12), max_size=8))
def test_property_save_then_load_is_identity(streams):
    vocab = Vocab.build(streams)
    again = Vocab.from_dict(json.loads(json.dumps(vocab.to_dict())))
    assert again == vocab
    assert list(again) == list(vocab)
    assert again.counts == vocab.counts


def test_to_disk_and_from_disk_round_trip(tmp_path):
    vocab = Vocab.build([["héllo", "wörld", "héllo"]], form="text")
    path = tmp_path / "vocab.json"
    vocab.to_disk(path)
    loaded = Vocab.from_disk(path)
    assert loaded == vocab and loaded.form == "text"
    assert loaded.counts == {"héllo": 2, "wörld": 1}


@pytest.mark.parametrize(
    "content, fragment",
    [
        ("{not json", "corrupt vocabulary"),
        ('{"tokens": ["a"]}', "not a lexiloom vocabulary"),
        ('{"lexiloom_vocab": 1, "tokens": [1, 2]}', "list of strings"),
        ('{"lexiloom_vocab": 1, "tokens": ["a", "a"]}', "duplicate"),
        ('{"lexiloom_vocab": 1, "tokens": ["<pad>"]}', "special"),
        ('{"lexiloom_vocab": 1, "tokens": ["a"], "form": "x"}', "form"),
    ],
)
def test_corrupt_vocabulary_files_raise_model_file_error(tmp_path, content, fragment):
    path = tmp_path / "vocab.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ModelFileError, match=fragment) as info:
        Vocab.from_disk(path)
    assert str(path) in str(info.value)


def test_missing_vocabulary_file_names_the_path(tmp_path):
    with pytest.raises(ModelFileError, match="no such vocabulary file"):
        Vocab.from_disk(tmp_path / "missing.json")
