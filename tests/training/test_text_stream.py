"""Plain text as token ids for language-model training: documents, ``<bos> ... <eos>`` framing,
parallel streams cut into truncated-BPTT chunks, and the carried state's tensor form."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from lexiloom import registry
from lexiloom.errors import CorpusError, SettingsError
from lexiloom.training import text_stream
from lexiloom.training.text_stream import (
    ParallelStreams,
    carried_state_tensors,
    document_texts,
    documents_mode,
    encode_documents,
    read_documents,
    read_stream,
    state_from_tensors,
)
from lexiloom.vocab import Vocab

LINES = ["To be, or not to be, that is the question:",
         "Whether 'tis nobler in the mind to suffer",
         "The slings and arrows of outrageous fortune,"]


def _char_vocab(text: str) -> tuple[object, Vocab]:
    tokenizer = registry.tokenizers.create("char")
    return tokenizer, Vocab.build([tokenizer.tokenize(text)], form="text")


# -- ParallelStreams ----------------------------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(length=st.integers(2, 300), batch=st.integers(1, 12), bptt=st.integers(1, 40))
def test_property_every_chunk_target_is_the_token_after_its_input(length, batch, bptt) -> None:
    """Property: for any length, batch and bptt, each target is the id that follows its input
    in the original stream (ids are positions, so target == input + 1)."""
    if (length - 1) // batch < 1:
        return
    streams = ParallelStreams(torch.arange(length), batch=batch, bptt=bptt)
    for index in range(len(streams)):
        inputs, targets = streams.chunk(index)
        assert inputs.shape == targets.shape
        assert inputs.shape[0] == batch and 1 <= inputs.shape[1] <= bptt
        assert torch.equal(targets, inputs + 1)


@settings(max_examples=150, deadline=None)
@given(length=st.integers(2, 300), batch=st.integers(1, 12), bptt=st.integers(1, 40))
def test_property_chunks_cover_each_contiguous_stream_exactly_once_in_order(
        length, batch, bptt) -> None:
    """Property: joining the chunks of stream ``b`` left to right gives exactly
    ``ids[b * n:(b + 1) * n]`` with ``n = (length - 1) // batch``; only the tail is dropped."""
    per_stream = (length - 1) // batch
    if per_stream < 1:
        return
    ids = torch.arange(length)
    streams = ParallelStreams(ids, batch=batch, bptt=bptt)
    joined = torch.cat([streams.chunk(i)[0] for i in range(len(streams))], dim=1)
    expected = torch.stack([ids[b * per_stream:(b + 1) * per_stream] for b in range(batch)])
    assert torch.equal(joined, expected)
    assert streams.tokens == batch * per_stream
    assert len(streams) == -(-per_stream // bptt)
    assert length - 1 - streams.tokens < batch  # fewer than one token per stream is dropped


def test_streams_keep_arbitrary_ids_with_their_successors() -> None:
    ids = torch.tensor([5, 9, 2, 7, 7, 1, 8, 3, 4])
    streams = ParallelStreams(ids, batch=2, bptt=3)
    inputs, targets = streams.chunk(0)
    assert inputs.tolist() == [[5, 9, 2], [7, 1, 8]]
    assert targets.tolist() == [[9, 2, 7], [1, 8, 3]]
    inputs, targets = streams.chunk(1)
    assert inputs.tolist() == [[7], [3]]
    assert targets.tolist() == [[7], [4]]


@pytest.mark.parametrize(("length", "batch"), [(0, 1), (1, 1), (4, 4), (10, 16)])
def test_too_little_text_for_the_streams_raises_corpus_error(length, batch) -> None:
    with pytest.raises(CorpusError, match="smaller batch size or more text"):
        ParallelStreams(torch.arange(length), batch=batch, bptt=4)


@pytest.mark.parametrize("bad", [0, -3, 1.5, True, "4", None])
@pytest.mark.parametrize("name", ["batch", "bptt"])
def test_bad_batch_or_bptt_raises_settings_error(name, bad) -> None:
    given = {"batch": 2, "bptt": 4, name: bad}
    with pytest.raises(SettingsError, match=f"{name} must be a positive integer"):
        ParallelStreams(torch.arange(50), **given)


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


# -- carried state -------------------------------------------------------------------------------


@pytest.mark.parametrize("state", [
    None,
    torch.randn(2, 3, 4),
    (torch.randn(2, 3, 4), torch.randn(2, 3, 4)),
])
def test_carried_state_survives_its_tensor_form(state) -> None:
    back = state_from_tensors(carried_state_tensors(state))
    if state is None:
        assert back is None
    elif isinstance(state, tuple):
        assert isinstance(back, tuple) and len(back) == 2
        assert all(torch.equal(a, b) for a, b in zip(state, back, strict=True))
    else:
        assert isinstance(back, torch.Tensor) and torch.equal(back, state)


def test_carried_state_tensors_are_detached_copies() -> None:
    state = torch.randn(1, 2, 3, requires_grad=True) * 2
    tensors = carried_state_tensors(state)
    assert not tensors["state0"].requires_grad
