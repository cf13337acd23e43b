"""``lexiloom train`` honours the spaCy config's settings: ``[system] seed`` reached through
spaCy's own ``[training] seed = ${system.seed}``, ``[training] dropout`` (``--dropout``) and
``[training.optimizer] use_averages``. Each with a control that fails when it is ignored."""

from __future__ import annotations

from pathlib import Path

import numpy
import pytest
import spacy
from conftest import TINY
from small_corpora import small

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
    train(TrainConfig(train=small("topics/train"), dev=small("topics/dev"), task="classify",
                      max_steps=4,
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
    averaged = config_with(tmp_path, "avg", "use_averages = true", "use_averages = true")
    unaveraged = config_with(tmp_path, "plain", "use_averages = true", "use_averages = false")
    plain = trained_weights(tmp_path, "plain", unaveraged, seed=2)
    with_averages = trained_weights(tmp_path, "averaged", averaged, seed=2)
    assert not same(plain, with_averages)


def test_config_loop_settings_stay_unless_given(tmp_path) -> None:
    from lexiloom.training.config import assemble

    path = config_with(tmp_path, "loop", "[paths]\n",
                       "[lexiloom]\ncheckpoint_every = 400\nkeep_checkpoints = 7\n\n[paths]\n")
    spacy_config, _, _ = assemble(TrainConfig(train="x", dev="y", spacy_config=path))
    assert spacy_config["lexiloom"]["keep_checkpoints"] == 7
    assert spacy_config["lexiloom"]["checkpoint_every"] == 400
    mine, _, _ = assemble(TrainConfig(train="x", dev="y", spacy_config=path, keep_checkpoints=3))
    assert mine["lexiloom"]["keep_checkpoints"] == 3


def test_checkpoint_every_off_the_evaluation_grid_is_refused_before_training(tmp_path) -> None:
    from lexiloom.errors import SettingsError
    from lexiloom.training.config import assemble

    with pytest.raises(SettingsError, match="multiple of eval_frequency"):
        assemble(TrainConfig(train="x", dev="y", eval_every=10, checkpoint_every=15))


def test_sgd_without_a_configured_learn_rate_gets_the_default() -> None:
    from lexiloom.training.config import DEFAULT_LEARN_RATE, apply_training_options

    config: dict = {}
    apply_training_options(TrainConfig(train="x", dev="y", optimizer="sgd"), config)
    assert config["training"]["optimizer"] == {"@optimizers": "SGD.v1",
                                               "learn_rate": DEFAULT_LEARN_RATE}


@spacy.registry.callbacks("lexiloom_test.mark_before_init.v1")
def _mark_before_init():
    def mark(nlp):
        nlp.meta["lexiloom_test_marked"] = True
        return nlp
    return mark


@spacy.registry.callbacks("lexiloom_test.describe_before_to_disk.v1")
def _describe_before_to_disk():
    def describe(nlp):
        nlp.meta["description"] = "saved through before_to_disk"
        return nlp
    return describe


def test_a_configs_own_callbacks_run_and_the_vocabulary_still_covers_the_corpus(tmp_path):
    plain = tmp_path / "plain"
    train(TrainConfig(train=small("topics/train"), dev=small("topics/dev"), max_steps=1, **TINY),
          out_dir=plain, progress=False)
    path = config_with(tmp_path, "callbacks", "before_init = null",
                       'before_init = {"@callbacks":"lexiloom_test.mark_before_init.v1"}')
    text = Path(path).read_text(encoding="utf-8").replace(
        "before_to_disk = null",
        'before_to_disk = {"@callbacks":"lexiloom_test.describe_before_to_disk.v1"}')
    Path(path).write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    train(TrainConfig(train=small("topics/train"), dev=small("topics/dev"), max_steps=1,
                      spacy_config=path,
                      **TINY), out_dir=out, progress=False)
    nlp = load_pipeline(out / "model-last")
    assert nlp.meta.get("lexiloom_test_marked") is True
    assert nlp.meta["description"] == "saved through before_to_disk"

    def vocab_size(model_dir: Path) -> int:
        module = get_module(load_pipeline(model_dir).get_pipe("textcat").model)
        return len(module.lexiloom_vocab)

    assert vocab_size(out / "model-last") == vocab_size(plain / "model-last") > 100


def test_a_checkpoint_of_the_old_loop_is_refused_with_a_clear_error(tmp_path):
    from lexiloom.errors import ModelFileError
    from lexiloom.training import checkpoint

    out = tmp_path / "out"
    train(TrainConfig(train=small("topics/train"), dev=small("topics/dev"), max_steps=1, **TINY),
          out_dir=out, progress=False)
    checkpoint.save(out / "checkpoints", 99, load_pipeline(out / "model-last"),
                    lambda folder: None, {"epoch": 0, "position": 3}, keep=5)
    with pytest.raises(ModelFileError, match="older lexiloom"):
        train(None, out_dir=out, resume=True, progress=False)


def test_a_time_budget_spent_at_step_zero_leaves_the_config_unpinned(tmp_path):
    from lexiloom.training.spacy_loop import pin_max_steps

    path = Path(config_with(tmp_path, "pin", "max_steps = 4000", "max_steps = 4000"))
    before = path.read_text(encoding="utf-8")
    assert pin_max_steps(path, 0) is False and path.read_text(encoding="utf-8") == before
    assert pin_max_steps(path, 5) is True and "max_steps = 5" in path.read_text("utf-8")
