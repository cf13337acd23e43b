"""``--max-seconds`` on spaCy's loop: the run ends after the step during which the budget ran
out, and ``OUT/config.cfg`` pins ``max_steps`` to that step (no budget), so the run repeats."""

from __future__ import annotations

import re

import pytest
from conftest import TINY
from small_corpora import small
from thinc.api import Config

from lexiloom.training import TrainConfig, train
from lexiloom.training.config import CONFIG_DIR

SHIPPED = CONFIG_DIR / "sentiment_binary.cfg"

RUN = dict(train=small("sentiment/train"), dev=small("sentiment/dev"), task="sentiment", epochs=50,
           batch_size=8, seed=1, eval_every=10, threads=1, **TINY)


def test_time_budget_ends_the_run_and_pins_max_steps(tmp_path) -> None:
    out = tmp_path / "out"
    result = train(TrainConfig(**RUN, max_seconds=1.0), out_dir=out, progress=False)
    assert 0 < result.steps < 50 * 35  # control: without the budget it would run 1,750 steps
    # wall-clock time, counted once: a checkpoint (one every 10 steps here) must not add the
    # time already counted again (it did: such runs stopped well before their budget)
    assert result.seconds >= 1.0 > result.train_seconds - 1.0
    written = Config().from_disk(out / "config.cfg", interpolate=False)
    assert written["training"]["max_steps"] == result.steps - 1  # spaCy: stop after that step
    assert written["lexiloom"]["max_seconds"] is None
    again = train(TrainConfig(train=small("sentiment/train"), dev=small("sentiment/dev"),
                              task="sentiment",
                              spacy_config=str(out / "config.cfg"), threads=1),
                  out_dir=tmp_path / "again", progress=False)
    assert again.steps == result.steps


def test_no_budget_written_when_a_config_sets_none(tmp_path) -> None:
    out = tmp_path / "out"
    train(TrainConfig(**{**RUN, "epochs": 1}, spacy_config=str(SHIPPED)), out_dir=out,
          progress=False)
    written = Config().from_disk(out / "config.cfg", interpolate=False)
    assert written["lexiloom"]["max_seconds"] is None
    assert written["training"]["max_steps"] == 0


def test_without_a_config_the_budget_follows_the_data(tmp_path) -> None:
    from lexiloom.corpora.labelled import read_labelled
    from lexiloom.training.classifier_plan import approximate_tokens, schedule_for

    out = tmp_path / "out"
    run = {key: value for key, value in RUN.items() if key != "epochs"}  # epochs: no clock
    train(TrainConfig(**run, patience=1), out_dir=out, progress=False)
    texts = read_labelled(RUN["train"]).texts
    expected = schedule_for(len(texts), approximate_tokens(texts), batch=RUN["batch_size"])
    written = Config().from_disk(out / "config.cfg", interpolate=False)
    assert written["lexiloom"]["max_seconds"] == expected.max_seconds
    assert "max_seconds" in (out / "config.cfg").read_text("utf-8").splitlines()[1]


def test_pinning_keeps_what_referred_to_max_steps_and_the_header(tmp_path) -> None:
    from lexiloom.training.spacy_loop import pin_max_steps

    path = tmp_path / "config.cfg"
    path.write_text("# lexiloom train chose: this\n"
                    "[training]\nmax_steps = 1000\n\n"
                    "[training.optimizer]\n\n[training.optimizer.learn_rate]\n"
                    "total_steps = ${training.max_steps}\n\n[lexiloom]\nmax_seconds = 9\n",
                    encoding="utf-8")
    assert pin_max_steps(path, 40)
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# lexiloom train chose: this\n")
    written = Config().from_str(text, interpolate=False)
    assert written["training"]["max_steps"] == 40
    assert written["training"]["optimizer"]["learn_rate"]["total_steps"] == 1000
    assert written["lexiloom"]["max_seconds"] is None
    assert not pin_max_steps(path, 0)  # spaCy's max_steps = 0 means "no limit"


def test_saved_training_outputs_are_verified_when_lexiloom_loads_them(tmp_path) -> None:
    """``model-best``/``model-last`` carry a manifest of every file; lexiloom's loader names a
    damaged file (the control: the same damage without the manifest is not noticed)."""
    import pytest

    from lexiloom.errors import ModelFileError
    from lexiloom.training.pipeline import load_pipeline

    out = tmp_path / "out"
    train(TrainConfig(**{**RUN, "epochs": 1, "eval_every": 100}), out_dir=out, progress=False)
    model = out / "model-last"
    assert load_pipeline(model) is not None
    meta = model / "meta.json"
    meta.write_text(meta.read_text(encoding="utf-8").replace('"lang"', '"lang" '),
                    encoding="utf-8")
    with pytest.raises(ModelFileError, match=r"meta\.json: \d+ bytes"):
        load_pipeline(model)
    (model / "manifest.json").unlink()
    assert load_pipeline(model) is not None


@pytest.mark.parametrize(("key", "where"), [("bptt", "[corpora.train] bptt"),
                                            ("lr_schedule", "[training.optimizer.learn_rate]"),
                                            ("warmup_steps", "warmup_steps"),
                                            ("documents", "[components.NAME] documents"),
                                            ("max_secs", "not a setting here")])
def test_an_old_loop_setting_in_the_lexiloom_section_is_an_error_naming_its_place(key, where):
    from lexiloom.errors import SettingsError
    from lexiloom.training.config import LoopSettings

    with pytest.raises(SettingsError, match=rf"\[lexiloom\] {key} is .*{re.escape(where)}"):
        LoopSettings.from_config({"lexiloom": {key: 1, "max_seconds": 5}})
    assert LoopSettings.from_config({"lexiloom": {"max_seconds": 5}}).max_seconds == 5  # control
