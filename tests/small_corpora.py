"""Version 1 of the bundled ``sentiment`` and ``topics`` corpora (400 and 300 texts), kept as
test data: training tests run in seconds on them and count on their fixed sizes (sentiment
280/60/60, topics 200/50/50). The bundled corpora themselves grew (issue 17); tests of the
bundled corpora and their defaults read those.

Import as ``from small_corpora import small`` (``tests/`` is on ``sys.path``).
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent / "fixtures" / "corpora_v1"
EXTENSIONS = {"sentiment": "jsonl", "topics": "csv"}


def small(spec: str) -> str:
    """The path of split ``NAME/SPLIT`` (``sentiment/train``, ``topics/dev``, ...)."""
    name, split = spec.split("/")
    return str(ROOT / name / f"{split}.{EXTENSIONS[name]}")
