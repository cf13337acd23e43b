"""Building, saving and loading the spaCy pipelines training produces.

A ``MODEL`` argument is a training output directory (meaning its ``model-best``) or a spaCy
pipeline directory. Pipelines are written atomically: a crash never leaves half a model.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from lexiloom import atomic, manifest
from lexiloom.errors import LexiloomError, ModelFileError, SettingsError

BEST = "model-best"
LAST = "model-last"


def resolve_model_dir(model: str | os.PathLike[str]) -> Path:
    """The pipeline directory ``model`` means: ``model/model-best`` for a training directory,
    else ``model`` itself. Raises :class:`~lexiloom.errors.ModelFileError` when it is neither."""
    path = Path(model)
    if (path / BEST / "config.cfg").is_file():
        return path / BEST
    if (path / "config.cfg").is_file() and (path / "meta.json").is_file():
        return path
    if not path.exists():
        raise ModelFileError(f"{path}: no such model; pass a training directory (with "
                             f"{BEST}/) or a spaCy pipeline directory")
    raise ModelFileError(f"{path}: not a spaCy pipeline (no config.cfg and meta.json) and not a "
                         f"training directory (no {BEST}/); pass the directory 'lexiloom train "
                         f"--out' wrote, or a pipeline saved with nlp.to_disk")


def register_factories() -> None:
    """Make lexiloom's spaCy factories known (needed before loading a pipeline that uses them,
    until the ``spacy_factories`` entry point is installed)."""
    from lexiloom.training.config import sentiment_factory_available

    sentiment_factory_available()


def build_nlp(spacy_config: Any) -> Any:
    """The blank spaCy pipeline described by ``spacy_config``."""
    import spacy

    register_factories()
    try:
        return spacy.util.load_model_from_config(spacy_config, auto_fill=True, validate=True)
    except LexiloomError:
        raise
    except Exception as err:  # config validation errors from spaCy/thinc
        first = " ".join(str(err).split())[:400]
        raise SettingsError(f"invalid pipeline config: {first}") from None


def load_pipeline(model: str | os.PathLike[str]) -> Any:
    """``spacy.load`` of :func:`resolve_model_dir` ``(model)``, with errors as ModelFileError; a
    pipeline lexiloom saved is first checked against its manifest (a damaged, truncated or
    missing file is an error naming it)."""
    import spacy

    path = resolve_model_dir(model)
    manifest.verify(path)
    register_factories()
    try:
        return spacy.load(path)
    except (OSError, ValueError, KeyError) as err:
        lines = [line.strip() for line in str(err).splitlines() if line.strip()]
        message = f"{type(err).__name__}: {lines[0]}" if lines else type(err).__name__
        raise ModelFileError(f"{path}: cannot load the pipeline ({message}); re-create it with "
                             f"'lexiloom train'") from None


def save_pipeline(nlp: Any, target: str | os.PathLike[str]) -> Path:
    """``nlp.to_disk`` into ``target`` atomically (the old directory stays until the new one is
    complete), with a ``manifest.json`` of every file that :func:`load_pipeline` checks."""
    with atomic.atomic_path(target) as tmp:
        nlp.to_disk(tmp)
        manifest.write_tree(tmp)
    return Path(target)


__all__ = ["BEST", "LAST", "build_nlp", "load_pipeline", "resolve_model_dir", "save_pipeline"]
