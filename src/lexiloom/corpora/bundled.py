"""The corpora shipped with lexiloom (the ``lexiloom_corpora`` data package).

Each corpus is a folder with a ``corpus.json`` manifest::

    {"name": "sentiment", "description": "...", "task": "classification",
     "format": "jsonl", "labels": ["negative", "positive"],
     "splits": {"train": "train.jsonl", "dev": "dev.jsonl", "test": "test.jsonl"},
     "license": "CC0-1.0"}

Commands that take a corpus path accept ``NAME`` (its ``train`` split, or its first split when it
has no ``train``) or ``NAME/SPLIT`` when no file or directory of that name exists.
"""

from __future__ import annotations

import importlib.resources
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lexiloom.errors import CorpusError

MANIFEST = "corpus.json"
PACKAGE = "lexiloom_corpora"
DEFAULT_SPLIT = "train"


@dataclass(frozen=True)
class BundledCorpus:
    """One bundled corpus, as its manifest describes it."""

    name: str
    description: str
    task: str
    format: str
    labels: tuple[str, ...]
    splits: dict[str, str] = field(hash=False)
    """Split name to file name, in the manifest's order."""
    license: str
    directory: Path

    @property
    def default_split(self) -> str:
        """``train`` when the corpus has one, else its first split."""
        return DEFAULT_SPLIT if DEFAULT_SPLIT in self.splits else next(iter(self.splits))

    def path(self, split: str | None = None) -> Path:
        """The file of ``split`` (default: :attr:`default_split`)."""
        split = split or self.default_split
        if split not in self.splits:
            raise CorpusError(f"bundled corpus {self.name!r} has no split {split!r}; its splits "
                              f"are {', '.join(self.splits)} "
                              f"(e.g. {self.name}/{self.default_split})")
        return self.directory / self.splits[split]

    def to_dict(self) -> dict[str, Any]:
        """The manifest's fields plus the corpus directory, JSON-serialisable."""
        return {"name": self.name, "description": self.description, "task": self.task,
                "format": self.format, "labels": list(self.labels), "splits": dict(self.splits),
                "license": self.license, "directory": str(self.directory)}


def corpora_root() -> Path:
    """The installed ``lexiloom_corpora`` folder."""
    return Path(str(importlib.resources.files(PACKAGE)))


def _load(manifest: Path) -> BundledCorpus:
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise CorpusError(f"{manifest}: unreadable corpus manifest ({err}); reinstall lexiloom") \
            from None
    missing = [key for key in ("name", "task", "format", "splits") if key not in data] \
        if isinstance(data, dict) else ["an object"]
    splits = data.get("splits") if isinstance(data, dict) else None
    if missing or not isinstance(splits, dict) or not splits:
        raise CorpusError(f"{manifest}: corpus manifest needs name, task, format and a non-empty "
                          f"splits object (missing: {', '.join(missing) or 'splits'}); "
                          f"reinstall lexiloom")
    return BundledCorpus(
        name=str(data["name"]),
        description=str(data.get("description", "")),
        task=str(data["task"]),
        format=str(data["format"]),
        labels=tuple(str(label) for label in data.get("labels") or ()),
        splits={str(k): str(v) for k, v in splits.items()},
        license=str(data.get("license", "")),
        directory=manifest.parent,
    )


def bundled_corpora() -> list[BundledCorpus]:
    """Every bundled corpus, sorted by name."""
    root = corpora_root()
    if not root.is_dir():
        return []
    manifests = sorted(p / MANIFEST for p in root.iterdir() if (p / MANIFEST).is_file())
    return sorted((_load(m) for m in manifests), key=lambda c: c.name)


def _names() -> str:
    return ", ".join(c.name for c in bundled_corpora()) or "none installed"


def bundled_corpus(name: str) -> BundledCorpus:
    """The bundled corpus ``name``; :class:`~lexiloom.errors.CorpusError` lists the others."""
    for corpus in bundled_corpora():
        if corpus.name == name:
            return corpus
    raise CorpusError(f"no bundled corpus {name!r}; bundled corpora: {_names()} "
                      f"(run 'lexiloom corpora list')")


def bundled_path(name: str, split: str | None = None) -> Path:
    """The file of a bundled corpus split: ``bundled_path("sentiment", "dev")`` or
    ``bundled_path("sentiment/dev")``; without a split, the corpus's default split."""
    if split is None and "/" in name:
        name, _, split = name.partition("/")
    return bundled_corpus(name).path(split or None)


def resolve_corpus(spec: str | os.PathLike[str]) -> tuple[Path, str | None]:
    """The path a corpus argument means, and the format its manifest names (bundled only).

    An existing file or directory always wins; otherwise ``spec`` may be ``NAME`` or
    ``NAME/SPLIT`` of a bundled corpus. Raises :class:`~lexiloom.errors.CorpusError` when it is
    neither, listing the bundled corpora.
    """
    path = Path(spec)
    if path.exists():
        return path, None
    text = os.fspath(spec)
    name, _, split = text.partition("/")
    corpora = {c.name: c for c in bundled_corpora()}
    if name in corpora and "/" not in split:
        corpus = corpora[name]
        return corpus.path(split or None), corpus.format
    raise CorpusError(f"{text}: no such file or directory, and no bundled corpus of that name; "
                      f"bundled corpora: {_names()} (as NAME or NAME/SPLIT, e.g. "
                      f"{_example(corpora)})")


def _example(corpora: dict[str, BundledCorpus]) -> str:
    if not corpora:
        return "sentiment/train"
    corpus = corpora[sorted(corpora)[0]]
    return f"{corpus.name}/{corpus.default_split}"
