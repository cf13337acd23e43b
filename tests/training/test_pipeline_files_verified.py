"""Every file of a pipeline ``lexiloom train`` saved is covered: flip one byte anywhere in any
file and loading fails with a ModelFileError naming that file (lexiloom's loader checks the
manifest; ``spacy.load`` alone still catches damage to a lexiloom model's weights)."""

from __future__ import annotations

import random
import shutil

import pytest
import spacy
from conftest import TINY
from small_corpora import small

from lexiloom.errors import ModelFileError
from lexiloom.training import TrainConfig, train
from lexiloom.training.pipeline import load_pipeline, register_factories


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    out = tmp_path_factory.mktemp("verified") / "out"
    train(TrainConfig(train=small("sentiment/train"), dev=small("sentiment/dev"),
                      task="sentiment", max_steps=4, batch_size=16, seed=1, threads=1, **TINY),
          out_dir=out, progress=False)
    return out / "model-best"


def _files(folder):
    return sorted(p.relative_to(folder) for p in folder.rglob("*") if p.is_file())


def test_the_undamaged_pipeline_loads(saved):
    assert load_pipeline(saved).pipe_names


def test_a_flipped_byte_in_any_file_is_an_error_naming_it(saved, tmp_path):
    rng = random.Random(19)
    files = _files(saved)
    assert len(files) >= 8 and any(f.name == "manifest.json" for f in files)
    for relative in files:
        size = (saved / relative).stat().st_size
        for position in {0, size - 1, *rng.sample(range(size), min(size, 3))}:
            copy = tmp_path / f"{relative.as_posix().replace('/', '_')}-{position}"
            shutil.copytree(saved, copy)
            data = bytearray((copy / relative).read_bytes())
            data[position] ^= 1 << rng.randrange(8)
            (copy / relative).write_bytes(bytes(data))
            with pytest.raises(ModelFileError, match=relative.name):
                load_pipeline(copy)
            shutil.rmtree(copy)


def test_spacy_load_alone_catches_damaged_lexiloom_weights(saved, tmp_path):
    register_factories()
    copy = tmp_path / "copy"
    shutil.copytree(saved, copy)
    (model,) = copy.glob("*/model")
    data = bytearray(model.read_bytes())
    data[-40] ^= 0x01                        # inside the weights, the last field written
    model.write_bytes(bytes(data))
    assert spacy.load(saved).pipe_names       # the control
    with pytest.raises(ModelFileError, match="SHA-256"):
        spacy.load(copy)
