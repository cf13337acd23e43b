"""The example's components pass lexiloom's conformance kit (``lexiloom.testing``)."""

from __future__ import annotations

from lexiloom import testing


def test_cnn_encoder_passes_the_conformance_kit():
    testing.check_encoder("cnn")


def test_small_cnn_encoder_with_tanh_passes_the_conformance_kit():
    testing.check_encoder("cnn", windows=[1, 2], filters=3, activation="tanh", seed=0)


def test_char_ngrams_tokenizer_passes_the_conformance_kit():
    testing.check_tokenizer("char_ngrams")


def test_char_ngrams_with_other_sizes_passes_the_conformance_kit():
    testing.check_tokenizer("char_ngrams", n_min=2, n_max=3, lowercase=False, words=False)
