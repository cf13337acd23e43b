"""A pipeline saved by wave-1 lexiloom (``lexiloom.TextClassifier.v1`` with ``{name = ...}``
sub-blocks; made by ``tests/fixtures/make_wave1_pipeline.py``) loads and predicts as it did."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
import spacy

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
PIPELINE = FIXTURES / "wave1_pipeline"


def component_scores(nlp, texts):
    """The fixture script's own reading of each classifier's scores."""
    spec = importlib.util.spec_from_file_location("make_wave1_pipeline",
                                                  FIXTURES / "make_wave1_pipeline.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    return script.component_scores(nlp, texts)


@pytest.fixture(scope="module")
def expected() -> dict:
    return json.loads((FIXTURES / "wave1_expected.json").read_text())


@pytest.fixture(scope="module")
def nlp():
    return spacy.load(PIPELINE)


def test_fixture_is_a_wave1_pipeline(nlp):
    for name in ("textcat", "sentiment"):
        model = nlp.config["components"][name]["model"]
        assert model["@architectures"] == "lexiloom.TextClassifier.v1"
        assert model["encoder"]["name"] == "lstm"


def test_wave1_pipeline_predicts_what_it_predicted_when_saved(nlp, expected):
    scores = component_scores(nlp, expected["texts"])
    for name in ("textcat", "sentiment"):
        for row, saved in zip(scores[name], expected["scores"][name], strict=True):
            assert row == pytest.approx(saved, abs=1e-6)
    sentiments = [doc._.sentiment for doc in nlp.pipe(expected["texts"])]
    assert sentiments == pytest.approx(expected["sentiment"], abs=1e-6)


def test_control_a_changed_weight_changes_the_prediction(nlp, expected):
    import torch

    from lexiloom.spacy.architectures import get_module
    module = get_module(nlp.get_pipe("textcat").model)
    with torch.no_grad():
        saved = [p.clone() for p in module.parameters()]
        generator = torch.Generator().manual_seed(0)
        for p in module.parameters():
            p.add_(torch.randn(p.shape, generator=generator))
    try:
        row = component_scores(nlp, expected["texts"][:1])["textcat"][0]
        assert row != pytest.approx(expected["scores"]["textcat"][0], abs=1e-6)
    finally:
        with torch.no_grad():
            for p, s in zip(module.parameters(), saved, strict=True):
                p.copy_(s)
