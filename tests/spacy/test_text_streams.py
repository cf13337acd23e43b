"""``lexiloom.TextStreams.v1``, ``lexiloom.stream_batcher.v1`` and ``lexiloom.Interleaved.v1``:
each setting changes what is read or how it is batched."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import spacy
from spacy.training import Example

import lexiloom.spacy.components.generator_factory  # noqa: F401  (registers the factory)
from lexiloom.errors import CorpusError, SettingsError
from lexiloom.spacy.text_streams import chunk_of, interleaved_v1, stream_batcher_v1, text_streams_v1


@pytest.fixture(scope="module")
def nlp():
    pipeline = spacy.blank("en")
    generator = pipeline.add_pipe("lexiloom_generator", name="generator", config={
        "embedder": {"name": "trainable", "dim": 4}, "encoder": {"name": "gru", "hidden_size": 4}})
    generator.initialize(texts=["abcdefghij é"])
    return pipeline


def _ids(nlp, **settings) -> list[int]:
    chunks = [chunk_of(eg) for eg in text_streams_v1(**settings)(nlp)]
    return [int(i) for c in sorted(chunks, key=lambda c: c.index) for i in c.ids[1:]]


def test_field_names_the_jsonl_key_that_holds_the_text(nlp, tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    path.write_text(json.dumps({"text": "abc", "body": "ghij"}) + "\n", encoding="utf-8")
    vocab = nlp.get_pipe("generator").token_vocab
    read = {field: _ids(nlp, path=str(path), streams=1, bptt=8, format="jsonl", field=field)
            for field in ("text", "body")}
    assert read["text"] == [*vocab.encode(list("abc")), vocab.eos_id]
    assert read["body"] == [*vocab.encode(list("ghij")), vocab.eos_id]
    with pytest.raises(CorpusError, match="field 'title'"):
        _ids(nlp, path=str(path), streams=1, bptt=8, format="jsonl", field="title")


def test_encoding_is_how_the_file_is_decoded(nlp, tmp_path: Path) -> None:
    path = tmp_path / "latin.txt"
    path.write_bytes("abé".encode("latin-1"))
    vocab = nlp.get_pipe("generator").token_vocab
    assert _ids(nlp, path=str(path), streams=1, bptt=8, encoding="latin-1")[:3] == \
        vocab.encode(list("abé"))
    with pytest.raises(CorpusError, match="utf-8"):
        _ids(nlp, path=str(path), streams=1, bptt=8)


def test_streams_and_bptt_shape_the_chunks(nlp, tmp_path: Path) -> None:
    path = tmp_path / "t.txt"
    path.write_text("abcdefghij" * 4, encoding="utf-8")
    for streams, bptt in ((1, 8), (2, 8), (2, 4)):
        chunks = [chunk_of(eg) for eg in text_streams_v1(str(path), streams=streams,
                                                         bptt=bptt)(nlp)]
        assert {c.stream for c in chunks} == set(range(streams))
        assert max(len(c.ids) - 1 for c in chunks) == bptt
        per_stream = (42 - 1) // streams  # 40 characters framed <bos> ... <eos>
        assert sum(len(c.ids) - 1 for c in chunks) == streams * per_stream


def test_component_must_name_a_generator_of_the_pipeline(nlp, tmp_path: Path) -> None:
    path = tmp_path / "t.txt"
    path.write_text("abc", encoding="utf-8")
    with pytest.raises(SettingsError, match="no component 'lm'"):
        list(text_streams_v1(str(path), component="lm", streams=1)(nlp))


def test_batcher_groups_other_examples_by_size(nlp) -> None:
    docs = [Example(nlp.make_doc(t), nlp.make_doc(t)) for t in "abcdefg"]
    assert [len(b) for b in stream_batcher_v1(size=3)(docs)] == [3, 3, 1]
    assert [len(b) for b in stream_batcher_v1(size=5)(docs)] == [5, 2]


def test_interleaved_puts_documents_per_step_before_each_position(nlp, tmp_path: Path) -> None:
    path = tmp_path / "t.txt"
    path.write_text("abcdefghij" * 4, encoding="utf-8")
    streams = text_streams_v1(str(path), streams=2, bptt=8)
    docs = [Example(nlp.make_doc(t), nlp.make_doc(t)) for t in "abcdefghijkl"]

    def kinds(per_step: int) -> str:
        corpus = interleaved_v1(streams, lambda nlp: iter(docs), documents_per_step=per_step)
        return "".join("c" if chunk_of(eg) else "d" for eg in corpus(nlp))

    assert kinds(1).startswith("dccdccdcc")
    assert kinds(3).startswith("dddccdddcc")
    assert kinds(1).count("d") == kinds(3).count("d") == 12  # the rest come at the end
