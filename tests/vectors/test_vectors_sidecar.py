"""Vectors files lexiloom writes carry a checksum sidecar (``FILE.sha256``, ``sha256sum``
format); reading checks it when it is there, so a flipped byte is an error naming the file,
while files from elsewhere (no sidecar) read as before."""

from __future__ import annotations

import shutil
import subprocess

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lexiloom import manifest
from lexiloom.errors import ModelFileError
from lexiloom.vectors.formats import read_vectors, write_vectors

WORDS = ["the", "film", "was", "good"]
VECTORS = np.arange(16, dtype=np.float32).reshape(4, 4) / 7


@pytest.mark.parametrize("name,fmt", [("v.txt", "word2vec"), ("v.bin", "word2vec-binary"),
                                      ("v.glove.txt", "glove"), ("v.txt.gz", "word2vec")])
def test_written_vectors_have_a_sidecar_that_reading_checks(tmp_path, name, fmt):
    path = tmp_path / name
    write_vectors(path, WORDS, VECTORS, fmt)
    assert manifest.sidecar_path(path).is_file()
    words, vectors = read_vectors(path, fmt)
    assert words == WORDS and np.array_equal(vectors, VECTORS)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    with pytest.raises(ModelFileError, match=f"{name}: its contents do not match"):
        read_vectors(path, fmt)


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 10**6), st.integers(1, 255))
def test_any_flipped_byte_of_a_vectors_file_is_caught(position, mask):
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "v.txt"
        write_vectors(path, WORDS, VECTORS)
        data = bytearray(path.read_bytes())
        data[position % len(data)] ^= mask
        path.write_bytes(bytes(data))
        with pytest.raises(ModelFileError, match=r"v\.txt"):
            read_vectors(path)


def test_without_a_sidecar_the_file_reads_unchecked(tmp_path):
    path = tmp_path / "v.txt"
    write_vectors(path, WORDS, VECTORS, sidecar=False)
    assert not manifest.sidecar_path(path).exists()
    path.write_bytes(path.read_bytes().replace(b"film", b"firm"))
    words, _ = read_vectors(path)       # the control: nothing can notice
    assert words[1] == "firm"


def test_verify_false_skips_the_sidecar(tmp_path):
    path = tmp_path / "v.txt"
    write_vectors(path, WORDS, VECTORS)
    path.write_bytes(path.read_bytes().replace(b"film", b"firm"))
    assert read_vectors(path, verify=False)[0][1] == "firm"


def test_rewriting_without_a_sidecar_removes_the_stale_one(tmp_path):
    path = tmp_path / "v.txt"
    write_vectors(path, WORDS, VECTORS)
    write_vectors(path, WORDS[:2], VECTORS[:2], sidecar=False)
    assert not manifest.sidecar_path(path).exists()
    assert read_vectors(path)[0] == WORDS[:2]


@pytest.mark.parametrize("content,message", [
    ("not a checksum\n", "unreadable checksum sidecar"),
    ("0" * 64 + "  other.txt\n", "the sidecar is for 'other.txt'"),
    ("", "unreadable checksum sidecar"),
])
def test_a_damaged_sidecar_is_named(tmp_path, content, message):
    path = tmp_path / "v.txt"
    write_vectors(path, WORDS, VECTORS)
    manifest.sidecar_path(path).write_text(content)
    with pytest.raises(ModelFileError, match=message):
        read_vectors(path)


@pytest.mark.skipif(shutil.which("sha256sum") is None, reason="no sha256sum")
def test_sidecar_is_checked_by_sha256sum_too(tmp_path):
    path = tmp_path / "v.bin"
    write_vectors(path, WORDS, VECTORS, "word2vec-binary")
    done = subprocess.run(["sha256sum", "-c", manifest.sidecar_path(path).name], cwd=tmp_path,
                          capture_output=True, text=True)
    assert done.returncode == 0 and "v.bin: OK" in done.stdout
