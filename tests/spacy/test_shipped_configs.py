"""The configs in ``configs/`` train with ``spacy train`` on bundled corpora converted by
``lexiloom corpora convert``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import spacy
from spacy.tokens import DocBin

import lexiloom.spacy.components.factories  # noqa: F401  (until the entry point lands)
from lexiloom.corpora import Record, convert_to_docbin, to_docbin

CONFIGS = Path(__file__).resolve().parents[2] / "configs"
TINY = {  # small sizes so the test trains in seconds; the shipped sizes are documented
    "embedder.dim": 16, "encoder.hidden_size": 16,
}


def tiny_overrides(component: str, train: Path, dev: Path) -> dict[str, object]:
    overrides: dict[str, object] = {f"components.{component}.model.{k}": v
                                    for k, v in TINY.items()}
    overrides.update({"paths.train": str(train), "paths.dev": str(dev),
                      "training.max_steps": 6, "training.eval_frequency": 3})
    return overrides


@pytest.fixture(scope="module")
def corpora(tmp_path_factory) -> dict[str, tuple[Path, Path]]:
    """``.spacy`` train/dev files: converted bundled corpora, and a small multi-label one."""
    base = tmp_path_factory.mktemp("corpora")
    out = {}
    for name in ("sentiment", "topics"):
        convert_to_docbin(f"{name}/train", base / f"{name}-train.spacy")
        convert_to_docbin(f"{name}/dev", base / f"{name}-dev.spacy")
        out[name] = (base / f"{name}-train.spacy", base / f"{name}-dev.spacy")
    records = [Record("cheap flights and a great beach hotel", ("travel", "finance")),
               Record("the match ended in a draw", ("sport",)),
               Record("new pasta recipe with a budget twist", ("food", "finance")),
               Record("island hopping by ferry", ("travel",))] * 4
    for split in ("train", "dev"):
        to_docbin(records).to_disk(base / f"multi-{split}.spacy")
    out["multi"] = (base / "multi-train.spacy", base / "multi-dev.spacy")
    return out


CASES = [("sentiment_binary.cfg", "sentiment", "sentiment"),
         ("topics_multiclass.cfg", "textcat", "topics"),
         ("multilabel.cfg", "textcat_multilabel", "multi")]


@pytest.mark.parametrize(("config", "component", "corpus"), CASES)
def test_shipped_config_initializes_lexiloom_model(corpora, config, component, corpus):
    from spacy.training.initialize import init_nlp

    train, dev = corpora[corpus]
    cfg = spacy.util.load_config(CONFIGS / config,
                                 overrides=tiny_overrides(component, train, dev))
    nlp = init_nlp(cfg)
    model = nlp.get_pipe(component).model
    assert model.name == "lexiloom_textcat"
    assert any(r.startswith("lexiloom>=") for r in nlp.meta["requirements"])
    docs = DocBin().from_disk(train).get_docs(nlp.vocab)
    assert {label for doc in docs for label in doc.cats} == set(nlp.get_pipe(component).labels)


@pytest.mark.slow
def test_topics_config_trains_end_to_end_with_spacy_train(corpora, tmp_path):
    from spacy.cli.train import train as spacy_train

    train, dev = corpora["topics"]
    spacy_train(CONFIGS / "topics_multiclass.cfg", tmp_path / "out",
                overrides=tiny_overrides("textcat", train, dev))
    nlp = spacy.load(tmp_path / "out" / "model-best")
    assert set(nlp("The striker scored twice.").cats) == {"finance", "food", "science",
                                                         "sport", "travel"}
    meta = json.loads((tmp_path / "out" / "model-best" / "meta.json").read_text("utf-8"))
    assert "cats_score" in meta["performance"]
    assert any(r.startswith("lexiloom>=") for r in meta["requirements"])


@pytest.mark.slow
def test_sentiment_config_trains_and_sets_sentiment(corpora, tmp_path):
    from spacy.cli.train import train as spacy_train

    train, dev = corpora["sentiment"]
    spacy_train(CONFIGS / "sentiment_binary.cfg", tmp_path / "out",
                overrides=tiny_overrides("sentiment", train, dev))
    doc = spacy.load(tmp_path / "out" / "model-last")("Works perfectly.")
    assert set(doc.cats) == {"negative", "positive"}
    assert -1.0 <= doc._.sentiment <= 1.0
