"""Every built-in plugin component passes the conformance kit (``lexiloom.testing``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from lexiloom import plugins, registry
from lexiloom.testing import (
    check_corpus_reader,
    check_embedder,
    check_encoder,
    check_head,
    check_tokenizer,
)


def builtin_names(kind: str) -> list[str]:
    """The names the built-in plugins register in registry ``kind`` (at collection time)."""
    builtin = {r.name for r in plugins.records() if r.builtin}
    return [e.name for e in registry.REGISTRIES[kind].entries() if e.plugin in builtin]


@pytest.fixture
def vectors_file(tmp_path: Path) -> Path:
    """A tiny word2vec text file (two of its words are in the kit's vocabulary)."""
    path = tmp_path / "vectors.txt"
    path.write_text("3 4\nthe 0.1 0.2 0.3 0.4\ncat 0.5 -0.1 0.2 0.0\nzebra 1 2 3 4\n",
                    encoding="utf-8")
    return path


def test_every_builtin_kind_has_components_to_check() -> None:
    for kind in ("tokenizers", "embedders", "encoders", "heads", "corpus_readers"):
        assert builtin_names(kind), kind


@pytest.mark.parametrize("name", builtin_names("tokenizers"))
def test_builtin_tokenizer_conforms(name: str) -> None:
    check_tokenizer(name)


@pytest.mark.parametrize("settings", [
    {"lowercase": True, "strip_accents": True, "strip_punct": True, "stop_words": "en"},
    {"pattern": r"\w+", "lowercase": True},
])
def test_regex_tokenizer_with_cleaning_settings_conforms(settings: dict[str, Any]) -> None:
    check_tokenizer("regex", **settings)


@pytest.mark.parametrize("name", builtin_names("embedders"))
def test_builtin_embedder_conforms(name: str, vectors_file: Path) -> None:
    settings = {"path": str(vectors_file)} if name == "pretrained" else {"dim": 8}
    if name == "pretrained":
        settings["trainable"] = True
    check_embedder(name, **settings)


@pytest.mark.parametrize("name", builtin_names("encoders"))
@pytest.mark.parametrize("settings", [
    {},
    {"hidden_size": 8, "num_layers": 2},
    {"hidden_size": 8, "bidirectional": True, "num_layers": 2},
], ids=["defaults", "two-layers", "bidirectional"])
def test_builtin_encoder_conforms(name: str, settings: dict[str, Any]) -> None:
    check_encoder(name, **settings)


@pytest.mark.parametrize("name", builtin_names("heads"))
def test_builtin_head_conforms(name: str) -> None:
    check_head(name)


@pytest.mark.parametrize("pooling", ["last", "mean", "max", "attention", "final"])
@pytest.mark.parametrize("hidden_size", [0, 4])
def test_classification_head_conforms_with_every_pooling(pooling: str, hidden_size: int) -> None:
    check_head("classification", pooling=pooling, hidden_size=hidden_size, exclusive=False)


def test_generation_head_with_projection_conforms() -> None:
    check_head("generation", projection_size=3)


@pytest.mark.parametrize("name", builtin_names("corpus_readers"))
def test_builtin_corpus_reader_conforms(name: str) -> None:
    check_corpus_reader(name)


@pytest.mark.parametrize("settings", [
    {"header": False, "text_column": 1, "label_column": 0},
    {"label_separator": ";"},
])
def test_csv_reader_with_other_layouts_conforms(settings: dict[str, Any]) -> None:
    check_corpus_reader("csv", **settings)


def test_jsonl_reader_round_trips_a_given_sample(tmp_path: Path) -> None:
    sample = tmp_path / "sample.jsonl"
    sample.write_text('{"text": "a b", "labels": ["x", "y"]}\n{"text": "ünï", "label": "z"}\n'
                      '{"text": "no labels here"}\n', encoding="utf-8")
    check_corpus_reader("jsonl", sample=sample)


def test_docbin_reader_round_trips_a_sample_it_wrote(tmp_path: Path) -> None:
    from lexiloom.corpora.record import Record

    sample = tmp_path / "sample.spacy"
    reader = registry.corpus_readers.create("docbin")
    reader.write([Record("Good film.", ("pos",)), Record("Bad, bad film!", ("neg",))], sample)
    check_corpus_reader("docbin", sample=sample)
