"""fastText's files and spaCy's floret table: our n-gram hashing is fastText's, our .bin is read
by fastText and gensim with the same vectors for seen and unseen words, and spaCy's floret lookup
gives our vectors."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lexiloom_fasttext.model import FastText
from morphology import STEMS_A, cosine
from oracles import reference

from lexiloom.errors import ModelFileError, SettingsError
from lexiloom.vectors import KeyedVectors
from lexiloom.vectors.subwords import SubwordVectors, char_ngrams, ngram_rows

QUERIES = [STEMS_A[0] + "ed", STEMS_A[1], STEMS_A[0] + "ing", "naïveté", "x", "zzqx"]


@pytest.fixture(scope="module")
def trained(corpus) -> SubwordVectors:
    return FastText(dim=16, min_count=1, epochs=2, bucket=3000, sample=0, workers=1).fit(
        [*corpus, ["naïve", "café"]])


@pytest.mark.oracle
@settings(max_examples=200, deadline=None)
@given(st.text(min_size=1, max_size=12), st.integers(1, 4), st.integers(0, 3))
def test_ngrams_and_buckets_are_fasttexts_as_gensim_computes_them(word, minn, extra):
    fasttext = reference("gensim.models.fasttext")
    maxn = minn + extra
    if minn > 1:  # gensim's compute_ngrams keeps the lone "<" and ">" that fastText drops
        assert sorted(char_ngrams(word, minn, maxn)) == sorted(
            fasttext.compute_ngrams(word, minn, maxn))
    assert ngram_rows(word, minn, maxn, 2_000_000) == list(
        fasttext.ft_ngram_hashes(word, minn, maxn, 2_000_000))


@pytest.mark.oracle
def test_fasttext_reads_our_bin_with_the_same_vectors_for_seen_and_unseen_words(trained,
                                                                                 tmp_path):
    fasttext = reference("fasttext")
    path = tmp_path / "model.bin"
    trained.save(path)
    model = fasttext.load_model(str(path))
    assert model.get_words() == trained.index_to_key
    assert model.get_dimension() == 16
    for word in QUERIES:
        np.testing.assert_allclose(model.get_word_vector(word), trained[word], atol=1e-6)
        _, ids = model.get_subwords(word)
        own = [trained.get_index(word)] if word in trained else []
        assert list(ids) == own + [len(trained) + b for b in ngram_rows(word, 3, 6, 3000)]


@pytest.mark.oracle
def test_gensim_reads_our_bin_with_the_same_vectors_for_seen_and_unseen_words(trained,
                                                                              tmp_path):
    gensim = reference("gensim.models.fasttext")
    path = tmp_path / "model.bin"
    trained.save(path)
    kv = gensim.load_facebook_vectors(str(path))
    assert list(kv.index_to_key) == trained.index_to_key
    for word in QUERIES:
        np.testing.assert_allclose(kv[word], trained[word], atol=1e-6)


def test_bin_round_trip_is_detected_by_its_magic_number(trained, tmp_path):
    path = tmp_path / "model.bin"
    trained.save(path)
    back = KeyedVectors.load(path)
    assert isinstance(back, SubwordVectors)
    assert back.index_to_key == trained.index_to_key and back.counts == trained.counts
    np.testing.assert_array_equal(back.vectors, trained.vectors)
    for word in QUERIES:
        np.testing.assert_array_equal(back[word], trained[word])
    assert back.settings["bucket"] == 3000 and (back.minn, back.maxn) == (3, 6)


def test_vec_holds_the_full_vectors_of_the_vocabulary(trained, tmp_path):
    path = tmp_path / "model.vec"
    trained.save(path)
    back = KeyedVectors.load(path)
    assert type(back) is KeyedVectors
    np.testing.assert_allclose(back.vectors, trained.vectors, atol=1e-6)


def test_a_changed_or_truncated_bin_is_a_model_file_error(trained, tmp_path):
    path = tmp_path / "model.bin"
    trained.save(path)
    data = path.read_bytes()
    path.write_bytes(data[:-3] + b"\0\0\0")
    with pytest.raises(ModelFileError, match="sha256"):
        KeyedVectors.load(path)
    (tmp_path / "model.bin.sha256").unlink()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ModelFileError, match="ends early"):
        KeyedVectors.load(path)
    import struct

    huge = bytearray(data)  # the input matrix claims 2**40 rows: refused before any read
    at = data.index(struct.pack("<?2q", False, len(trained) + 3000, 16))
    huge[at + 1:at + 9] = struct.pack("<q", 2**40)
    path.write_bytes(bytes(huge))
    with pytest.raises(ModelFileError, match="ends early"):
        KeyedVectors.load(path)


def test_words_that_are_not_utf8_are_read_as_gensim_reads_them(tmp_path):
    sv = SubwordVectors(["caf\u00e9"], np.ones((1, 2), np.float32), np.ones((4, 2), np.float32),
                        minn=3, maxn=4)
    path = tmp_path / "model.bin"
    sv.save(path)
    (tmp_path / "model.bin.sha256").unlink()
    data = path.read_bytes()
    path.write_bytes(data.replace("caf\u00e9".encode(), b"caf\xe9\x00"[:4], 1))
    assert KeyedVectors.load(path).index_to_key == ["caf\\xe9"]


def test_subword_vectors_need_rows_for_their_ngrams_and_end_of_line_has_none():
    with pytest.raises(SettingsError, match="n-gram rows"):
        SubwordVectors(["a"], np.ones((1, 2), np.float32), np.ones((0, 2), np.float32),
                       minn=3, maxn=6)
    assert ngram_rows("</s>", 3, 6, 100) == []


def test_plain_vectors_cannot_be_saved_as_a_fasttext_bin(tmp_path):
    kv = KeyedVectors(["a"], np.ones((1, 2), np.float32))
    with pytest.raises(SettingsError, match="subword"):
        kv.save(tmp_path / "a.bin", format="fasttext")


def test_spacy_floret_table_gives_our_vectors_for_seen_words_and_vectors_for_unseen(trained,
                                                                                   tmp_path):
    spacy = pytest.importorskip("spacy")
    from lexiloom.vectors.spacy_vectors import add_to_vocab, to_spacy_pipeline

    nlp = spacy.blank("en")
    add_to_vocab(nlp, trained)
    assert nlp.vocab.vectors.mode == "floret"
    assert trained.spacy_fidelity > 0.99
    for word in trained.index_to_key:
        assert cosine(nlp.vocab[word].vector, trained[word]) > 0.95
    unseen = nlp.vocab[STEMS_A[0] + "ing"].vector
    assert unseen.any() and cosine(unseen, trained[STEMS_A[0] + "ing"]) > 0.8
    with pytest.raises(SettingsError, match="minn >= 2"):
        SubwordVectors(["ab"], trained.word_rows[:1], trained.ngram_vectors, minn=1, maxn=3
                       ).to_spacy_vectors()
    plain = SubwordVectors(trained.index_to_key, trained.word_rows, trained.ngram_vectors[:0],
                           minn=3, maxn=0)
    table = plain.to_spacy_vectors(strings=nlp.vocab.strings)
    assert table.mode == "default" and plain.spacy_fidelity == 1.0
    np.testing.assert_allclose(table.get_batch([STEMS_A[1]])[0], plain[STEMS_A[1]])
    out = to_spacy_pipeline(trained, tmp_path / "pipeline")
    loaded = spacy.load(out)
    assert loaded.vocab.vectors.mode == "floret"
    np.testing.assert_allclose(loaded.vocab[STEMS_A[1]].vector, nlp.vocab[STEMS_A[1]].vector)
