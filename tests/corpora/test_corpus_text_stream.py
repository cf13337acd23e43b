"""Plain text as token ids: documents, ``<bos> ... <eos>`` framing, blocks of whole lines
(lexiloom.corpora.text_stream)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from lexiloom import registry
from lexiloom.corpora import text_stream
from lexiloom.corpora.text_stream import (
    document_texts,
    documents_mode,
    encode_documents,
    read_documents,
    read_stream,
)
from lexiloom.errors import CorpusError, SettingsError
from lexiloom.vocab import Vocab

LINES = ["To be, or not to be, that is the question:",
         "Whether 'tis nobler in the mind to suffer",
         "The slings and arrows of outrageous fortune,"]


def _char_vocab(text: str) -> tuple[object, Vocab]:
    tokenizer = registry.tokenizers.create("char")
    return tokenizer, Vocab.build([tokenizer.tokenize(text)], form="text")


# -- documents ------------------------------------------------------------------------------------


def test_documents_auto_is_file_for_char_and_lines_for_other_tokenizers() -> None:
    assert documents_mode("auto", "char") == "file"
    assert documents_mode("auto", "regex") == "lines"
    assert documents_mode("auto", "whitespace") == "lines"
    assert documents_mode("lines", "char") == "lines"
    assert documents_mode("file", "regex") == "file"
    with pytest.raises(SettingsError, match="documents must be one of"):
        documents_mode("paragraphs", "char")
    with pytest.raises(SettingsError, match="documents must be 'file' or 'lines'"):
        list(read_documents("whatever.txt", "auto"))


def test_lines_mode_gives_one_document_per_non_blank_line(tmp_path) -> None:
    path = tmp_path / "lines.txt"
    path.write_bytes(b"first line\r\n\n   \nsecond line\n\t\nthird  \n")
    assert list(read_documents(path, "lines")) == [["first line"], ["second line"],
                                                   ["third  "]]


def test_file_mode_is_one_document_that_keeps_newlines(tmp_path) -> None:
    text = "\n".join(LINES) + "\r\n\nlast\n"
    path = tmp_path / "play.txt"
    path.write_bytes(text.encode("utf-8"))
    documents = list(read_documents(path, "file"))
    assert len(documents) == 1
    assert "".join(documents[0]) == text
    assert "".join(document_texts(path, "file")) == text


@settings(max_examples=60, deadline=None)
@given(lines=st.lists(st.text(st.characters(blacklist_categories=("Cs",),
                                            blacklist_characters="\r\n"), max_size=30),
                      min_size=1, max_size=40),
       block=st.integers(1, 64))
def test_property_file_mode_blocks_are_whole_lines_that_concatenate_to_the_file(
        lines, block) -> None:
    """Property: whatever the block size, each block of a file-mode document ends at a line end
    (or the file's end) and the blocks join to the file's text."""
    text = "\n".join(lines) + "\n"
    original = text_stream.BLOCK_CHARS
    text_stream.BLOCK_CHARS = block
    try:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "doc.txt"
            path.write_text(text, encoding="utf-8", newline="")
            documents = list(read_documents(path, "file"))
    finally:
        text_stream.BLOCK_CHARS = original
    if not text.strip():
        assert documents == []
        return
    (blocks,) = documents
    assert "".join(blocks) == text
    assert all(b.endswith("\n") for b in blocks)


def test_missing_file_raises_one_line_corpus_error(tmp_path) -> None:
    with pytest.raises(CorpusError) as err:
        list(read_documents(tmp_path / "absent.txt", "file"))
    message = str(err.value)
    assert "absent.txt" in message and "no such file" in message
    assert "\n" not in message


@pytest.mark.parametrize("documents", ["file", "lines"])
def test_non_utf8_file_raises_one_line_corpus_error_naming_the_encoding(tmp_path,
                                                                        documents) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes("caf\u00e9 cr\u00e8me\n".encode("latin-1"))
    with pytest.raises(CorpusError) as err:
        list(read_documents(path, documents))
    message = str(err.value)
    assert "latin1.txt" in message and "utf-8" in message and "--encoding" in message
    assert "\n" not in message
    assert list(read_documents(path, documents, encoding="latin-1"))


@pytest.mark.parametrize("content", ["", "\n\n  \n"])
@pytest.mark.parametrize("documents", ["file", "lines"])
def test_empty_or_blank_file_has_no_documents_and_read_stream_refuses_it(
        tmp_path, content, documents) -> None:
    path = tmp_path / "blank.txt"
    path.write_text(content, encoding="utf-8")
    assert list(read_documents(path, documents)) == []
    tokenizer, vocab = _char_vocab("abc")
    with pytest.raises(CorpusError, match="empty"):
        read_stream(path, tokenizer, vocab, documents)


# -- framing -------------------------------------------------------------------------------------


def test_encode_documents_frames_each_document_with_bos_and_eos() -> None:
    tokenizer, vocab = _char_vocab("abc d")
    ids = encode_documents(tokenizer, vocab, [["ab", "c"], ["d"]])
    assert ids.dtype == torch.int64
    assert ids.tolist() == [vocab.bos_id, *vocab.encode(list("abc")), vocab.eos_id,
                            vocab.bos_id, *vocab.encode(["d"]), vocab.eos_id]
    assert encode_documents(tokenizer, vocab, []).tolist() == []


def test_read_stream_of_a_lines_file_is_its_framed_lines(tmp_path) -> None:
    tokenizer = registry.tokenizers.create("regex")
    vocab = Vocab.build([tokenizer.tokenize(line) for line in LINES], form="text")
    path = tmp_path / "lines.txt"
    path.write_text("\n".join(LINES) + "\n\n", encoding="utf-8")
    ids = read_stream(path, tokenizer, vocab, "lines").tolist()
    expected = []
    for line in LINES:
        expected += vocab.encode(tokenizer.tokenize(line), bos=True, eos=True)
    assert ids == expected


def test_file_mode_stream_is_the_same_whatever_the_block_size(tmp_path, monkeypatch) -> None:
    text = "\n".join(LINES * 5) + "\n"
    path = tmp_path / "play.txt"
    path.write_text(text, encoding="utf-8")
    tokenizer, vocab = _char_vocab(text)
    whole = read_stream(path, tokenizer, vocab, "file")
    monkeypatch.setattr(text_stream, "BLOCK_CHARS", 50)
    assert len(next(iter(read_documents(path, "file")))) > 1
    assert torch.equal(read_stream(path, tokenizer, vocab, "file"), whole)
    assert len(whole) == len(text) + 2
