"""The example plugin's components pass lexiloom's conformance kit, as the built-in ones do
(``tests/testing``)."""

from __future__ import annotations

from example_install import example_plugin_fixture  # noqa: F401  (the example_plugin fixture)

from lexiloom.testing import check_encoder, check_tokenizer


def test_example_cnn_encoder_passes_the_conformance_kit(example_plugin):
    check_encoder("cnn")
    check_encoder("cnn", windows=[1, 2], filters=3, activation="tanh", seed=0)


def test_example_char_ngrams_tokenizer_passes_the_conformance_kit(example_plugin):
    check_tokenizer("char_ngrams")
    check_tokenizer("char_ngrams", n_min=2, n_max=3, lowercase=False, words=False)
