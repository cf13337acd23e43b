"""word2vec text/binary and GloVe files: exact round trips, detection, limits, malformed input."""

from __future__ import annotations

import gzip
import struct
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from oracles import reference

from lexiloom.errors import ModelFileError, SettingsError
from lexiloom.vectors import KeyedVectors, VectorsFormatError
from lexiloom.vectors.formats import detect_format, read_vectors, write_vectors

FORMATS = ["word2vec", "word2vec-binary", "glove"]

word = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters=" \t\n\r\x0b\x0c"),
    min_size=1, max_size=12)


@st.composite
def vector_sets(draw: st.DrawFn) -> tuple[list[str], np.ndarray]:
    words = draw(st.lists(word, min_size=1, max_size=8, unique=True))
    dim = draw(st.integers(1, 6))
    values = draw(st.lists(st.floats(width=32, allow_nan=False), min_size=len(words) * dim,
                           max_size=len(words) * dim))
    return words, np.array(values, dtype=np.float32).reshape(len(words), dim)


def same_bits(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape == b.shape and np.array_equal(a.view(np.uint32), b.view(np.uint32))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=vector_sets(), fmt=st.sampled_from(FORMATS), gz=st.booleans())
def test_write_then_read_round_trips_every_float32_bit_exactly(
    data: tuple[list[str], np.ndarray], fmt: str, gz: bool
) -> None:
    """Property: for any words without ASCII whitespace and any finite/infinite float32 values,
    write→read in each format (plain or gzip) returns the same words and bit-identical rows."""
    words, vectors = data
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / ("v.bin" if fmt == "word2vec-binary" else "v.txt")
        if gz:
            path = path.with_name(path.name + ".gz")
        write_vectors(path, words, vectors, fmt)
        got_words, got = read_vectors(path, fmt)
    assert got_words == words
    assert same_bits(got, vectors)


@settings(max_examples=40, deadline=None)
@given(data=vector_sets(), fmt=st.sampled_from(FORMATS), limit=st.integers(0, 10))
def test_limit_reads_exactly_the_first_vectors(
    data: tuple[list[str], np.ndarray], fmt: str, limit: int
) -> None:
    """Property: ``limit=n`` gives the first min(n, len) words and rows of the full read."""
    words, vectors = data
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "vectors"
        write_vectors(path, words, vectors, fmt)
        got_words, got = read_vectors(path, fmt, limit=limit)
    assert got_words == words[:limit]
    assert got.shape == (min(limit, len(words)), vectors.shape[1])
    assert same_bits(got, vectors[:limit])


@pytest.mark.parametrize(("name", "fmt", "expected"), [
    ("v.bin", "word2vec-binary", "word2vec-binary"),
    ("v.bin.gz", "word2vec-binary", "word2vec-binary"),
    ("v.txt", "word2vec", "word2vec"),
    ("v.txt.gz", "word2vec", "word2vec"),
    ("v.txt", "glove", "glove"),
    ("v.vectors", "word2vec-binary", "word2vec-binary"),  # binary without .bin: sniffed
])
def test_format_is_detected_from_extension_header_and_content(
    tmp_path: Path, name: str, fmt: str, expected: str
) -> None:
    kv = KeyedVectors(["a", "b"], np.array([[0.5, 1.0], [0.0, -2.0]], np.float32))
    kv.save(tmp_path / name, format=fmt)
    assert detect_format(tmp_path / name) == expected
    loaded = KeyedVectors.load(tmp_path / name)
    assert loaded.index_to_key == ["a", "b"]
    assert np.array_equal(loaded.vectors, kv.vectors)


def test_gzip_output_is_really_compressed(tmp_path: Path) -> None:
    KeyedVectors(["a"], np.ones((1, 3), np.float32)).save(tmp_path / "v.txt.gz")
    with gzip.open(tmp_path / "v.txt.gz", "rt") as fh:
        assert fh.read() == "1 3\na 1 1 1\n"


def test_text_format_matches_the_word2vec_layout(tmp_path: Path) -> None:
    kv = KeyedVectors(["the", "cat"], np.array([[0.25, -1.5], [3.0, 0.1]], np.float32))
    kv.save(tmp_path / "v.txt")
    kv.save(tmp_path / "g.txt", format="glove")
    assert (tmp_path / "v.txt").read_text() == "2 2\nthe 0.25 -1.5\ncat 3 0.100000001\n"
    assert (tmp_path / "g.txt").read_text() == "the 0.25 -1.5\ncat 3 0.100000001\n"


def test_binary_layout_is_the_c_tool_layout_and_reads_gensim_files(tmp_path: Path) -> None:
    kv = KeyedVectors(["ab", "c"], np.array([[1, 2], [3, 4]], np.float32))
    kv.save(tmp_path / "v.bin", format="binary")
    data = (tmp_path / "v.bin").read_bytes()
    assert data == (b"2 2\nab " + struct.pack("<2f", 1, 2) + b"\nc "
                    + struct.pack("<2f", 3, 4) + b"\n")
    # gensim writes no newline after each vector
    (tmp_path / "g.bin").write_bytes(b"2 2\nab " + struct.pack("<2f", 1, 2) + b"c "
                                     + struct.pack("<2f", 3, 4))
    assert KeyedVectors.load(tmp_path / "g.bin").index_to_key == ["ab", "c"]


@pytest.mark.oracle
def test_files_written_by_gensim_read_identically(tmp_path: Path) -> None:
    gensim = reference("gensim.models")
    rng = np.random.default_rng(0)
    words = ["the", "cat", "ünïcode", "x"]
    vectors = rng.standard_normal((4, 7)).astype(np.float32)
    theirs = gensim.KeyedVectors(7)
    theirs.add_vectors(words, vectors)
    for binary in (False, True):
        path = tmp_path / f"g{int(binary)}.{'bin' if binary else 'txt'}"
        theirs.save_word2vec_format(str(path), binary=binary)
        ours = KeyedVectors.load(path)
        assert ours.index_to_key == words
        np.testing.assert_allclose(ours.vectors, vectors, rtol=1e-6)
        # and gensim reads ours
        ours.save(tmp_path / "o.bin", format="binary" if binary else "text")
        back = gensim.KeyedVectors.load_word2vec_format(str(tmp_path / "o.bin"), binary=binary)
        assert back.index_to_key == words
        np.testing.assert_array_equal(back.vectors, ours.vectors)


def test_duplicate_words_keep_their_first_vector(tmp_path: Path) -> None:
    (tmp_path / "v.txt").write_text("3 2\na 1 2\nb 3 4\na 5 6\n")
    kv = KeyedVectors.load(tmp_path / "v.txt")
    assert kv.index_to_key == ["a", "b"]
    assert kv["a"].tolist() == [1.0, 2.0]


def test_blank_lines_and_trailing_spaces_are_tolerated(tmp_path: Path) -> None:
    (tmp_path / "v.vec").write_text("2 2 \na 1 2 \n\nb 3 4\n\n")
    assert KeyedVectors.load(tmp_path / "v.vec").index_to_key == ["a", "b"]


def test_header_only_file_gives_empty_vectors(tmp_path: Path) -> None:
    (tmp_path / "v.txt").write_text("0 5\n")
    kv = KeyedVectors.load(tmp_path / "v.txt")
    assert len(kv) == 0 and kv.dim == 5


MALFORMED_TEXT = [
    ("bad_header.txt", "word2vec", "3\na 1 2\n", 1, "header"),
    ("field_count.txt", "word2vec", "2 3\na 1 2 3\nb 1 2\n", 3, "3 values"),
    ("not_number.txt", "word2vec", "2 2\na 1 2\nb 1 x\n", 3, "'x' is not a number"),
    ("too_few.txt", "word2vec", "3 2\na 1 2\nb 3 4\n", 3, "ends after 2"),
    ("too_many.txt", "word2vec", "1 2\na 1 2\nb 3 4\n", 3, "more vectors"),
    ("glove_count.txt", "glove", "a 1 2\nb 3 4\nc 5\n", 3, "2 values"),
    ("glove_number.txt", "glove", "a 1 2\nb 3 4\nc 5 nope\n", 3, "'nope' is not a number"),
    ("glove_no_word.txt", "glove", "a 1 2\n 3 4\n", 2, "no word"),
]


@pytest.mark.parametrize(("name", "fmt", "text", "line", "reason"), MALFORMED_TEXT,
                         ids=[m[0] for m in MALFORMED_TEXT])
def test_malformed_text_file_error_names_file_and_line(
    tmp_path: Path, name: str, fmt: str, text: str, line: int, reason: str
) -> None:
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(VectorsFormatError) as info:
        read_vectors(path, fmt)
    assert isinstance(info.value, ModelFileError)
    assert info.value.line == line
    assert f"{path}, line {line}:" in str(info.value)
    assert reason in str(info.value)


def test_undecodable_bytes_name_the_line(tmp_path: Path) -> None:
    path = tmp_path / "v.txt"
    path.write_bytes(b"2 1\na 1\n\xff\xfe 2\n")
    with pytest.raises(VectorsFormatError, match=r"line 3: byte 0xff .*encoding"):
        read_vectors(path)
    words, _ = read_vectors(path, encoding="latin-1")
    assert words[1] == "\xff\xfe"


def _binary(count: int, dim: int, records: list[tuple[bytes, list[float]]]) -> bytes:
    body = b"".join(w + b" " + struct.pack(f"<{len(v)}f", *v) + b"\n" for w, v in records)
    return f"{count} {dim}\n".encode() + body


@pytest.mark.parametrize(("data", "reason"), [
    (_binary(2, 2, [(b"a", [1, 2])]), "ends after 1"),
    (_binary(2, 2, [(b"a", [1, 2]), (b"b", [1])]), "truncated"),
    (_binary(1, 2, [(b"a", [1, 2]), (b"b", [3, 4])]), "more data"),
    (b"two 2\n", "header"),
], ids=["fewer vectors", "cut vector", "extra vector", "bad header"])
def test_malformed_binary_file_error_names_file_and_position(
    tmp_path: Path, data: bytes, reason: str
) -> None:
    path = tmp_path / "v.bin"
    path.write_bytes(data)
    with pytest.raises(VectorsFormatError) as info:
        read_vectors(path)
    assert str(path) in str(info.value)
    assert reason in str(info.value)
    assert "vector" in str(info.value) or "line 1" in str(info.value) or "byte" in str(info.value)


def test_missing_and_directory_paths_are_model_file_errors(tmp_path: Path) -> None:
    with pytest.raises(ModelFileError, match="no such vectors file"):
        KeyedVectors.load(tmp_path / "missing.txt")
    with pytest.raises(ModelFileError, match="is a directory"):
        KeyedVectors.load(tmp_path)


def test_empty_glove_file_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "v.txt").write_text("\n")
    with pytest.raises(VectorsFormatError, match="no vectors"):
        KeyedVectors.load(tmp_path / "v.txt")


def test_truncated_gzip_is_a_model_file_error(tmp_path: Path) -> None:
    KeyedVectors(["a"] , np.ones((1, 300), np.float32)).save(tmp_path / "v.txt.gz")
    data = (tmp_path / "v.txt.gz").read_bytes()
    (tmp_path / "cut.txt.gz").write_bytes(data[: len(data) // 2])
    with pytest.raises(ModelFileError):
        KeyedVectors.load(tmp_path / "cut.txt.gz")


def test_words_with_whitespace_cannot_be_written(tmp_path: Path) -> None:
    kv = KeyedVectors(["new york"], np.ones((1, 2), np.float32))
    with pytest.raises(ModelFileError, match="whitespace"):
        kv.save(tmp_path / "v.txt")
    assert not (tmp_path / "v.txt").exists()


def test_failed_write_leaves_the_previous_file_intact(tmp_path: Path) -> None:
    path = tmp_path / "v.txt"
    KeyedVectors(["a"], np.ones((1, 2), np.float32)).save(path)
    before = path.read_bytes()
    with pytest.raises(ModelFileError):
        KeyedVectors(["ok", "bad word"], np.ones((2, 2), np.float32)).save(path)
    assert path.read_bytes() == before


def test_unknown_format_and_bad_limit_are_settings_errors(tmp_path: Path) -> None:
    KeyedVectors(["a"], np.ones((1, 2), np.float32)).save(tmp_path / "v.txt")
    with pytest.raises(SettingsError, match="unknown vectors format 'xml'"):
        KeyedVectors.load(tmp_path / "v.txt", format="xml")
    with pytest.raises(SettingsError, match="limit"):
        KeyedVectors.load(tmp_path / "v.txt", limit=-1)
