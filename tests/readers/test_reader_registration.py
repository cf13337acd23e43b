"""The built-in readers register through the public hook, build from their defaults, satisfy the
CorpusReader protocol and keep plugin loading free of spaCy and torch."""

from __future__ import annotations

import subprocess
import sys

import pytest

from lexiloom import registry
from lexiloom.errors import SettingsError
from lexiloom.protocols import CorpusReader

BUILTIN = ["csv", "docbin", "fasttext", "folder", "jsonl", "labelled", "text", "tsv"]


def test_every_builtin_reader_is_registered_by_the_readers_plugin() -> None:
    assert set(BUILTIN) <= set(registry.corpus_readers.names())
    for name in BUILTIN:
        entry = registry.corpus_readers.get(name)
        assert entry.plugin == "readers"
        assert entry.description


@pytest.mark.parametrize("name", BUILTIN)
def test_reader_factory_builds_from_its_defaults_and_satisfies_the_protocol(name: str) -> None:
    entry = registry.corpus_readers.get(name)
    reader = entry.factory(**entry.defaults)
    assert isinstance(reader, CorpusReader)
    assert isinstance(entry.factory.extensions, tuple)


def test_reader_extensions_are_the_documented_ones() -> None:
    ext = {name: registry.corpus_readers.get(name).factory.extensions for name in BUILTIN}
    assert ext == {"csv": (".csv",), "docbin": (".spacy",), "fasttext": (".ft", ".fasttext"),
                   "folder": (), "jsonl": (".jsonl", ".ndjson"), "labelled": (),
                   "text": (".txt",), "tsv": (".tsv",)}


@pytest.mark.parametrize(("name", "settings"), [
    ("jsonl", {"text_field": ""}),
    ("jsonl", {"text_field": "a", "label_field": "a"}),
    ("csv", {"delimiter": ";;"}),
    ("csv", {"header": False}),  # columns named "text" need a header
    ("csv", {"text_column": -1}),
    ("csv", {"text_column": "x", "label_column": "x"}),
    ("csv", {"quotechar": ","}),
    ("fasttext", {"label_prefix": ""}),
    ("labelled", {"label_part": "middle"}),
    ("folder", {"pattern": "a/*.txt"}),
    ("docbin", {"threshold": 2}),
])
def test_reader_factory_rejects_invalid_settings_with_settings_error(
        name: str, settings: dict[str, object]) -> None:
    with pytest.raises(SettingsError, match=name):
        registry.corpus_readers.create(name, **settings)


def test_loading_the_readers_plugin_imports_neither_spacy_nor_torch() -> None:
    code = ("import sys, lexiloom_readers; from lexiloom import registry; "
            "registry.corpus_readers.names(); "
            "print('spacy' in sys.modules, 'torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
