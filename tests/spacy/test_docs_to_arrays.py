"""``docs_to_arrays`` reads spaCy's hashes through a sorted index of the vocabulary; it must give
exactly the ids of encoding each token's string, for every token form."""

from __future__ import annotations

import numpy
import pytest
import spacy
from hypothesis import given, settings
from hypothesis import strategies as st

from lexiloom.spacy.docs_to_ids import docs_to_arrays, token_strings
from lexiloom.vocab import Vocab

NLP = spacy.blank("en")
WORDS = ["The", "cat", "can't", "SAT", "on", "mat", ".", "naïve", "café", "<unk>", "<pad>", "42",
         "number", "agent", "NOUN", "ORTH"]  # the last four are spaCy symbols, not hashes


def reference(docs, vocab, attr):
    rows = [vocab.encode(token_strings(doc, attr)) or [vocab.pad_id] for doc in docs]
    width = max((len(r) for r in rows), default=1)
    ids = numpy.zeros((len(rows), width), dtype="int64")
    for i, row in enumerate(rows):
        ids[i, :len(row)] = row
    return ids, numpy.array([len(r) for r in rows], dtype="int64")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.sampled_from([*WORDS, "unseen", "Mat", "cats"]), max_size=9),
                min_size=1, max_size=6),
       st.sampled_from(["norm", "lower", "orth"]))
def test_ids_equal_encoding_each_token_string(texts, attr):
    docs = [NLP(" ".join(words)) for words in texts]
    form = "text" if attr == "orth" else "norm"
    vocab = Vocab.build([token_strings(NLP(" ".join(WORDS)), attr)], form=form)
    ids, lengths = docs_to_arrays(docs, vocab, attr)
    expected_ids, expected_lengths = reference(docs, vocab, attr)
    numpy.testing.assert_array_equal(lengths, expected_lengths)
    numpy.testing.assert_array_equal(ids, expected_ids)


def test_empty_docs_are_one_pad_and_an_empty_batch_is_empty():
    vocab = Vocab(["cat"])
    ids, lengths = docs_to_arrays([NLP(""), NLP("cat")], vocab, "norm")
    assert ids.tolist() == [[vocab.pad_id], [vocab["cat"]]] and lengths.tolist() == [1, 1]
    ids, lengths = docs_to_arrays([], vocab, "norm")
    assert ids.shape == (0, 1) and lengths.shape == (0,)


def test_the_index_follows_a_vocabulary_that_grows():
    vocab = Vocab(["cat"])
    doc = NLP("cat dog")
    assert docs_to_arrays([doc], vocab, "norm")[0].tolist() == [[vocab["cat"], vocab.unk_id]]
    grown = vocab.extended(["dog"])
    assert docs_to_arrays([doc], grown, "norm")[0].tolist() == [[grown["cat"], grown["dog"]]]


@pytest.mark.parametrize("attr", ["norm", "orth"])
def test_a_vocabulary_of_only_specials_reads_every_token_as_unknown(attr):
    vocab = Vocab([], form="text" if attr == "orth" else "norm")
    ids, _ = docs_to_arrays([NLP("a b")], vocab, attr)
    assert ids.tolist() == [[vocab.unk_id, vocab.unk_id]]
