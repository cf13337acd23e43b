"""Bundled corpora: manifests, NAME and NAME/SPLIT resolution, errors, and the shipped data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lexiloom.corpora import (
    Record,
    bundled_corpora,
    bundled_corpus,
    bundled_path,
    corpus_stats,
    read_corpus,
)
from lexiloom.corpora import bundled as bundled_module
from lexiloom.errors import CorpusError


@pytest.fixture
def fake_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A corpora folder with two small corpora (one without a train split)."""
    root = tmp_path / "corpora_pkg"
    (root / "reviews").mkdir(parents=True)
    (root / "reviews" / "corpus.json").write_text(json.dumps({
        "name": "reviews", "description": "d", "task": "classification", "format": "jsonl",
        "labels": ["neg", "pos"], "splits": {"train": "train.jsonl", "dev": "dev.jsonl"},
        "license": "CC0-1.0"}))
    (root / "reviews" / "train.jsonl").write_text('{"text": "good", "label": "pos"}\n')
    (root / "reviews" / "dev.jsonl").write_text('{"text": "bad", "label": "neg"}\n')
    (root / "story").mkdir()
    (root / "story" / "corpus.json").write_text(json.dumps({
        "name": "story", "task": "generation", "format": "text", "splits": {"all": "s.txt"}}))
    (root / "story" / "s.txt").write_text("Once upon a time.\n")
    (root / "not_a_corpus").mkdir()
    monkeypatch.setattr(bundled_module, "corpora_root", lambda: root)
    return root


def test_bundled_corpora_reads_every_manifest_sorted(fake_root: Path) -> None:
    corpora = bundled_corpora()
    assert [c.name for c in corpora] == ["reviews", "story"]
    assert corpora[0].labels == ("neg", "pos") and corpora[0].license == "CC0-1.0"
    assert corpora[1].labels == () and corpora[1].default_split == "all"


def test_bundled_path_resolves_name_and_name_slash_split(fake_root: Path) -> None:
    assert bundled_path("reviews") == fake_root / "reviews" / "train.jsonl"
    assert bundled_path("reviews/dev") == fake_root / "reviews" / "dev.jsonl"
    assert bundled_path("reviews", "dev") == fake_root / "reviews" / "dev.jsonl"
    assert bundled_path("story") == fake_root / "story" / "s.txt"


def test_read_corpus_accepts_bundled_names(fake_root: Path) -> None:
    assert list(read_corpus("reviews/dev")) == [Record("bad", ("neg",))]
    assert list(read_corpus("story")) == [Record("Once upon a time.")]


def test_an_existing_path_wins_over_a_bundled_name(fake_root: Path, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    local = tmp_path / "work"
    (local / "reviews").mkdir(parents=True)
    (local / "reviews" / "dev").write_text("local file\n")
    monkeypatch.chdir(local)
    assert list(read_corpus("reviews/dev", format="text")) == [Record("local file")]


def test_unknown_bundled_name_lists_the_bundled_corpora(fake_root: Path) -> None:
    with pytest.raises(CorpusError, match=r"no bundled corpus 'movies'; bundled corpora: "
                                          r"reviews, story"):
        bundled_path("movies")
    with pytest.raises(CorpusError, match=r"movies/train: no such file or directory, and no "
                                          r"bundled corpus of that name; bundled corpora: "
                                          r"reviews, story"):
        read_corpus("movies/train")


def test_unknown_split_lists_the_splits(fake_root: Path) -> None:
    with pytest.raises(CorpusError, match="no split 'test'; its splits are train, dev"):
        read_corpus("reviews/test")


def test_broken_manifest_is_a_corpus_error_naming_the_file(fake_root: Path) -> None:
    (fake_root / "story" / "corpus.json").write_text('{"name": "story"}')
    with pytest.raises(CorpusError, match=r"story/corpus\.json: corpus manifest needs"):
        bundled_corpora()


# -- the corpora shipped in lexiloom_corpora ------------------------------------------------------
SHIPPED = {c.name: c for c in bundled_corpora()}


def test_the_three_documented_corpora_are_installed() -> None:
    assert {"sentiment", "topics", "passage"} <= set(SHIPPED)


@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_shipped_corpus_splits_read_cleanly_with_the_manifest_labels(name: str) -> None:
    corpus = bundled_corpus(name)
    for split in corpus.splits:
        stats = corpus_stats(read_corpus(f"{name}/{split}"))
        assert stats.documents > 0, split
        assert set(stats.labels) <= set(corpus.labels), split
        if corpus.task == "classification":
            assert set(stats.labels) == set(corpus.labels) and stats.unlabelled == 0


def test_passage_splits_are_text_files_read_by_the_text_reader() -> None:
    passage = bundled_corpus("passage")
    assert passage.path().suffix == ".txt" and passage.format == "text"
    assert all(not r.labels for r in read_corpus("passage/dev"))
