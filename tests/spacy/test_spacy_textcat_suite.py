"""spaCy's own textcat tests, imported from the installed spaCy and run with
``lexiloom.TextClassifier.v1`` configs (LSTM, GRU and RNN encoders; exclusive and multi-label).

Nothing is copied: each test calls the function from ``spacy/tests/pipeline/test_textcat.py``.

- ``test_textcat_configs``, ``test_resize`` and ``test_resize_same_results`` take the model
  config as a parameter; they get ours and run unchanged.
- ``test_overfitting_IO`` and ``test_overfitting_IO_multi`` build ``textcat`` /
  ``textcat_multilabel`` with the factory's default config, so they are "adapted to a config" by
  making our architecture the factory default for the duration of the test (monkeypatched
  ``default_config["model"]``). Their assertions run unchanged, including the thresholds (loss
  < 0.01 after 50/100 updates with spaCy's default Adam, lr 0.001): the configs used there are
  wider (128 units, a hidden layer of 64 in the head, mean pooling) because a tiny model
  cannot overfit that far in 50 steps at that learning rate. No assertion is tied to spaCy's own
  architectures, so none was changed.
"""

from __future__ import annotations

import importlib
from typing import Any

import pytest

ARCH = "lexiloom.TextClassifier.v1"
ENCODERS = ("lstm", "gru", "rnn")


def lexiloom_config(encoder: str, exclusive: bool, width: int = 32, head_hidden: int = 0,
                    pooling: str = "max") -> dict[str, Any]:
    """A small ``lexiloom.TextClassifier.v1`` model config."""
    return {
        "@architectures": ARCH,
        "exclusive_classes": exclusive,
        "embedder": {"name": "trainable", "dim": width},
        "encoder": {"name": encoder, "hidden_size": width, "bidirectional": True},
        "head": {"name": "classification", "pooling": pooling, "hidden_size": head_hidden},
    }


CASES = [(name, encoder, exclusive)
         for encoder in ENCODERS
         for name, exclusive in (("textcat", True), ("textcat_multilabel", False))]
CASE_IDS = [f"{encoder}-{name}" for name, encoder, _ in CASES]


def factory_defaults(factory: str) -> dict[str, Any]:
    """The default config of spaCy's ``factory`` (its factories register lazily)."""
    import spacy
    from spacy.language import Language

    spacy.blank("en")
    return Language.get_factory_meta(factory).default_config


@pytest.fixture(scope="module")
def spacy_tests(request: pytest.FixtureRequest) -> Any:
    """``spacy.tests.pipeline.test_textcat``, imported under this run's strict markers."""
    request.config.addinivalue_line("markers", "issue(number): spaCy's issue marker")
    return importlib.import_module("spacy.tests.pipeline.test_textcat")


@pytest.mark.parametrize(("name", "encoder", "exclusive"), CASES, ids=CASE_IDS)
def test_spacy_textcat_configs_train_with_lexiloom_model(spacy_tests, name, encoder, exclusive):
    data = spacy_tests.TRAIN_DATA_SINGLE_LABEL if exclusive else spacy_tests.TRAIN_DATA_MULTI_LABEL
    spacy_tests.test_textcat_configs(name, data, lexiloom_config(encoder, exclusive))


@pytest.mark.parametrize(("name", "encoder", "exclusive"), CASES, ids=CASE_IDS)
def test_spacy_resize_grows_lexiloom_model(spacy_tests, name, encoder, exclusive):
    spacy_tests.test_resize(name, lexiloom_config(encoder, exclusive))


@pytest.mark.parametrize(("name", "encoder", "exclusive"), CASES, ids=CASE_IDS)
def test_spacy_resize_keeps_old_label_scores(spacy_tests, name, encoder, exclusive):
    spacy_tests.test_resize_same_results(name, lexiloom_config(encoder, exclusive))


@pytest.mark.slow
@pytest.mark.parametrize("encoder", ENCODERS)
def test_spacy_overfitting_io_exclusive(spacy_tests, monkeypatch, encoder):
    defaults = factory_defaults("textcat")
    monkeypatch.setitem(defaults, "model", lexiloom_config(encoder, True, 128, 64, "mean"))
    spacy_tests.test_overfitting_IO()


@pytest.mark.slow
@pytest.mark.parametrize("encoder", ENCODERS)
def test_spacy_overfitting_io_multilabel(spacy_tests, monkeypatch, encoder):
    defaults = factory_defaults("textcat_multilabel")
    monkeypatch.setitem(defaults, "model", lexiloom_config(encoder, False, 128, 64, "mean"))
    spacy_tests.test_overfitting_IO_multi()
