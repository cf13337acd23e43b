"""``lexiloom train`` honours the spaCy config's settings: ``[system] seed`` reached through
spaCy's own ``[training] seed = ${system.seed}``, ``[training] dropout`` (``--dropout``) and
``[training.optimizer] use_averages``. Each with a control that fails when it is ignored."""

from __future__ import annotations

from pathlib import Path

import numpy
from conftest import TINY

from lexiloom.spacy.architectures import get_module
from lexiloom.training import TrainConfig, train
from lexiloom.training.config import CONFIG_DIR
from lexiloom.training.pipeline import load_pipeline


def config_with(tmp_path: Path, name: str, old: str, new: str) -> str:
    """The shipped topics config with ``old`` replaced by ``new``."""
    text = (CONFIG_DIR / "topics_multiclass.cfg").read_text(encoding="utf-8")
    assert text.count(old) == 1
    path = tmp_path / f"{name}.cfg"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return str(path)


def trained_weights(tmp_path: Path, name: str, spacy_config: str | None = None,
                    **settings: object) -> dict[str, numpy.ndarray]:
    out = tmp_path / name
    train(TrainConfig(train="topics/train", dev="topics/dev", task="classify", max_steps=4,
                      batch_size=16, spacy_config=spacy_config, **TINY, **settings),
          out_dir=out, progress=False)
    module = get_module(load_pipeline(out / "model-last").get_pipe("textcat").model)
    return {k: p.detach().numpy() for k, p in module.named_parameters()}


def same(a: dict[str, numpy.ndarray], b: dict[str, numpy.ndarray]) -> bool:
    return a.keys() == b.keys() and all(numpy.array_equal(a[k], b[k]) for k in a)


def test_system_seed_reaches_training_through_the_interpolated_training_seed(tmp_path):
    seeded = "[system]\ngpu_allocator = null\nseed = 0\n"
    zero = config_with(tmp_path, "zero", seeded, seeded)
    seven = config_with(tmp_path, "seven", seeded, seeded.replace("seed = 0", "seed = 7"))
    first = trained_weights(tmp_path, "a", zero)
    assert same(first, trained_weights(tmp_path, "b", zero))  # control: same seed, same weights
    assert not same(first, trained_weights(tmp_path, "c", seven))


def test_dropout_option_changes_the_trained_weights(tmp_path):
    plain = trained_weights(tmp_path, "plain", dropout=0.0, seed=1)
    assert same(plain, trained_weights(tmp_path, "again", dropout=0.0, seed=1))
    assert not same(plain, trained_weights(tmp_path, "dropped", dropout=0.3, seed=1))


def test_use_averages_saves_averaged_weights(tmp_path):
    averaged = config_with(tmp_path, "avg", "use_averages = false", "use_averages = true")
    plain = trained_weights(tmp_path, "plain", seed=2)
    with_averages = trained_weights(tmp_path, "averaged", averaged, seed=2)
    assert not same(plain, with_averages)
