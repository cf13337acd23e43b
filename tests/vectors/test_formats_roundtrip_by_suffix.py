"""``KeyedVectors.save`` without a format writes what ``KeyedVectors.load`` reads back from the
same path: word2vec binary for ``.bin`` (it wrote text there, which load then refused)."""

from __future__ import annotations

import numpy
import pytest

from lexiloom.vectors import KeyedVectors
from lexiloom.vectors.formats import detect_format


@pytest.mark.parametrize("name", ["v.bin", "v.bin.gz", "v.txt", "v.vec", "v.txt.gz"])
def test_save_then_load_by_suffix_roundtrips(tmp_path, name):
    rng = numpy.random.default_rng(0)
    kv = KeyedVectors([f"w{i}" for i in range(300)], rng.normal(size=(300, 16)).astype("f4"))
    kv.save(tmp_path / name)
    back = KeyedVectors.load(tmp_path / name)
    assert back.index_to_key == kv.index_to_key
    assert numpy.array_equal(back.vectors, kv.vectors) or numpy.allclose(back.vectors,
                                                                          kv.vectors, atol=1e-6)
    expected = "word2vec-binary" if ".bin" in name else "word2vec"
    assert detect_format(tmp_path / name) == expected
