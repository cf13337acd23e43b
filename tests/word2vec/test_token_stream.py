"""``TokenStream``: corpora as re-iterable token lists for training word vectors."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lexiloom import registry
from lexiloom.errors import CorpusError, UnknownComponentError
from lexiloom.vectors.streaming import TokenStream, count_words


def test_plain_text_file_with_an_unclaimed_extension_streams_one_list_per_line(tmp_path):
    path = tmp_path / "wiki.tokens"
    path.write_text("the cat sat\n\n a  dog \n", encoding="utf-8")
    stream = TokenStream([path])
    assert list(stream) == [["the", "cat", "sat"], ["a", "dog"]]
    assert list(stream) == list(stream)  # re-iterable: every pass re-reads the file
    assert count_words(stream) == 5


def test_several_paths_are_read_in_order(tmp_path):
    (tmp_path / "a.txt").write_text("one two\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("three\n", encoding="utf-8")
    stream = TokenStream([tmp_path / "a.txt", tmp_path / "b.txt"])
    assert list(stream) == [["one", "two"], ["three"]]


def test_tokens_are_taken_in_the_tokenizers_norm_form(tmp_path):
    path = tmp_path / "c.txt"
    path.write_text("The Cat, sat.\n", encoding="utf-8")
    assert list(TokenStream([path], tokenizer_settings={"lowercase": True})) == \
        [["the", "cat,", "sat."]]
    assert list(TokenStream([path], tokenizer="regex",
                            tokenizer_settings={"lowercase": True})) == \
        [["the", "cat", ",", "sat", "."]]


def test_bundled_corpus_names_are_accepted():
    stream = TokenStream(["passage/train"])
    assert count_words(stream) > 1000


def test_jsonl_corpus_is_read_with_its_reader(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_text('{"text": "a b", "label": "x"}\n{"text": "c", "label": "y"}\n',
                    encoding="utf-8")
    assert list(TokenStream([path])) == [["a", "b"], ["c"]]


def test_missing_corpus_fails_when_the_stream_is_created(tmp_path):
    with pytest.raises(CorpusError, match="no such file"):
        TokenStream([tmp_path / "missing.txt"])


def test_no_corpus_is_an_error():
    with pytest.raises(CorpusError, match="at least one"):
        TokenStream([])


def test_unknown_tokenizer_lists_the_tokenizers(tmp_path):
    path = tmp_path / "c.txt"
    path.write_text("a\n", encoding="utf-8")
    with pytest.raises(UnknownComponentError, match="whitespace"):
        TokenStream([path], tokenizer="nope")


def test_unknown_format_is_an_error(tmp_path):
    path = tmp_path / "c.txt"
    path.write_text("a\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="format"):
        TokenStream([path], format="nope")


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40),
       st.booleans())
def test_whitespace_fast_path_gives_the_tokenizers_norms(text, lowercase):
    """Property: the stream's shortcut for the built-in whitespace tokenizer yields exactly the
    norms the tokenizer itself produces, for any text."""
    stream = object.__new__(TokenStream)
    tokenizer = registry.tokenizers.create("whitespace", lowercase=lowercase)
    stream.tokenizer = tokenizer
    stream._split_lower = lowercase
    fast = list(stream._tokenize([text]))
    assert fast == [[t.norm for t in tokenizer.tokenize(text)]]
