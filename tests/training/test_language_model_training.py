"""``lexiloom.train(task="generate")``: truncated-BPTT language-model training on spaCy's loop
learns, is reproducible, resumes exactly, honours its time cap, and saves a pipeline
``spacy.load`` reads. Steps are spaCy's: ``max_steps = N`` is N + 1 updates."""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path
from typing import Any

import pytest
from conftest import TINY
from small_corpora import small

from lexiloom.errors import SettingsError
from lexiloom.training import TrainConfig, train

VERSE = ("To be, or not to be, that is the question:\n"
         "Whether 'tis nobler in the mind to suffer\n"
         "The slings and arrows of outrageous fortune,\n"
         "Or to take arms against a sea of troubles\n")
WEIGHTS = "model.safetensors"


@pytest.fixture(scope="module")
def texts(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("texts")
    paths = {"train": folder / "train.txt", "dev": folder / "dev.txt"}
    paths["train"].write_text(VERSE * 3, encoding="utf-8")
    paths["dev"].write_text(VERSE.splitlines(keepends=True)[1] * 2, encoding="utf-8")
    return paths


def _config(texts: dict[str, Path], **overrides: Any) -> TrainConfig:
    """A tiny generator run: 16-dim embeddings, 16-unit LSTM, 4 streams of 16 tokens."""
    settings: dict[str, Any] = dict(train=str(texts["train"]), dev=str(texts["dev"]),
                                    task="generate", batch_size=4, bptt=16, max_steps=7,
                                    threads=1, seed=1, **TINY)
    settings.update(overrides)
    return TrainConfig(**settings)


def _generator(path: Path) -> Any:
    import spacy

    return spacy.load(path).get_pipe("generator")


def _weights(out: Path, which: str = "model-last") -> bytes:
    return (out / which / "generator" / WEIGHTS).read_bytes()


def _metrics(out: Path) -> list[dict]:
    lines = (out / "metrics.jsonl").read_text("utf-8").splitlines()
    return [{k: v for k, v in json.loads(x).items() if k != "train_seconds"} for x in lines]


# -- learning ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def overfit(texts, tmp_path_factory) -> tuple[Path, Any]:
    """A char-level model trained long enough to memorise the short training text."""
    out = tmp_path_factory.mktemp("overfit") / "out"
    result = train(_config(texts, encoder={"name": "lstm", "hidden_size": 64}, max_steps=149,
                           lr=0.02, lr_schedule="constant", eval_every=50),
                   out_dir=out, progress=False)
    return out, result


def test_small_model_overfits_a_short_text(overfit, texts) -> None:
    out, result = overfit
    generator = _generator(out / "model-last")
    score = generator.evaluate_file(texts["train"])
    vocab_size = len(generator.token_vocab)
    assert score.cross_entropy < 0.3 * math.log(vocab_size), (score, vocab_size)
    assert result.steps == 150
    assert result.metric == "cross_entropy"
    losses = [record["loss"] for record in result.history]
    assert losses[-1] < losses[0]


def test_result_and_outputs_of_a_generate_run(overfit) -> None:
    out, result = overfit
    for name in ("model-best", "model-last", "checkpoints", "config.cfg", "metrics.jsonl",
                 "training.json"):
        assert (out / name).exists(), name
    assert [r["step"] for r in _metrics(out)] == [0, 50, 100, 149]
    assert result.best_score == pytest.approx(min(r["lm_cross_entropy"] for r in result.history))
    assert result.scores.cross_entropy == pytest.approx(result.best_score, rel=1e-5)
    assert result.scores.perplexity == pytest.approx(math.exp(result.best_score), rel=1e-5)
    checkpoint = sorted((out / "checkpoints").glob("step-*"))[-1]
    assert (checkpoint / "optimizer.npz").is_file()
    assert (checkpoint / "component-states" / "generator.safetensors").is_file()
    config = (out / "config.cfg").read_text(encoding="utf-8")
    assert "lexiloom.TextStreams.v1" in config and "bptt = 16" in config


def test_model_best_loads_with_spacy_and_generates(overfit) -> None:
    import spacy

    out, _ = overfit
    nlp = spacy.load(out / "model-best")
    generator = nlp.get_pipe("generator")
    text = generator.generate("To be, or ", max_tokens=30, temperature=0.0)
    assert isinstance(text, str) and text
    assert text.startswith("not to be")  # memorised
    assert isinstance(nlp("Whether ")._.generate(max_tokens=5, seed=2), str)


def test_bos_is_never_a_target_in_evaluation(overfit, tmp_path) -> None:
    """Tokens scored = every token plus one ``<eos>`` per document, no ``<bos>``."""
    out, _ = overfit
    generator = _generator(out / "model-last")
    path = tmp_path / "eval.txt"
    path.write_text(VERSE, encoding="utf-8")
    assert generator.documents == "file"
    assert generator.evaluate_file(path).tokens == len(VERSE) + 1


def test_word_level_bos_is_not_counted_per_line(texts, tmp_path) -> None:
    out = tmp_path / "word"
    result = train(_config(texts, level="word", batch_size=2, bptt=8, max_steps=3),
                   out_dir=out, progress=False)
    assert result.steps == 4
    generator = _generator(out / "model-last")
    assert generator.tokenizer_name == "regex" and generator.documents == "lines"
    assert "question" in generator.token_vocab
    lines = VERSE.splitlines()
    tokens = sum(len(generator.tokenizer.tokenize(line)) + 1 for line in lines)
    path = tmp_path / "eval.txt"
    path.write_text("\n\n".join(lines), encoding="utf-8")
    assert generator.evaluate_file(path).tokens == tokens


def test_tokenizer_choice_with_settings_is_saved(texts, tmp_path) -> None:
    out = tmp_path / "ws"
    train(_config(texts, tokenizer={"name": "whitespace", "lowercase": True}, batch_size=2,
                  bptt=8, max_steps=2), out_dir=out, progress=False)
    generator = _generator(out / "model-best")
    assert generator.tokenizer_name == "whitespace"
    assert generator.tokenizer_settings.get("lowercase") is True
    assert "be," in generator.token_vocab and "question:" in generator.token_vocab


def test_lowercasing_tokenizer_gives_a_lowercase_vocabulary(texts, tmp_path) -> None:
    out = tmp_path / "lower"
    train(_config(texts, tokenizer={"name": "whitespace", "lowercase": True}, batch_size=2,
                  bptt=8, max_steps=1), out_dir=out, progress=False)
    vocab = _generator(out / "model-last").token_vocab
    assert "to" in vocab and "To" not in vocab


def test_level_and_tokenizer_together_raise_settings_error(texts, tmp_path) -> None:
    with pytest.raises(SettingsError, match="level and tokenizer"):
        train(_config(texts, level="word", tokenizer={"name": "regex"}), out_dir=tmp_path / "x",
              progress=False)


@pytest.mark.parametrize("bad", [{"level": "sentence"}, {"lr_schedule": "step"},
                                 {"bptt": 0}, {"max_seconds": -1.0}, {"documents": "pages"}])
def test_bad_generate_settings_raise_settings_error(texts, tmp_path, bad) -> None:
    with pytest.raises(SettingsError):
        train(_config(texts, **bad), out_dir=tmp_path / "x", progress=False)


def test_generate_only_settings_are_refused_for_classifiers(tmp_path) -> None:
    with pytest.raises(SettingsError, match="--task generate only"):
        train(TrainConfig(train=small("topics/train"), dev=small("topics/dev"), bptt=16),
              out_dir=tmp_path / "x", progress=False)


# -- reproducibility, resume, time cap -----------------------------------------------------------


def test_same_seed_gives_byte_identical_weights(texts, tmp_path) -> None:
    first = train(_config(texts), out_dir=tmp_path / "a", progress=False)
    second = train(_config(texts), out_dir=tmp_path / "b", progress=False)
    assert _weights(tmp_path / "a") == _weights(tmp_path / "b")
    assert first.best_score == second.best_score
    other = train(_config(texts, seed=2), out_dir=tmp_path / "c", progress=False)
    assert _weights(tmp_path / "c") != _weights(tmp_path / "a")
    assert other.steps == first.steps


@pytest.mark.parametrize("resume_at", [6, 9])
def test_resume_from_an_earlier_checkpoint_reproduces_the_uninterrupted_run(
        texts, tmp_path, resume_at) -> None:
    """Resumes mid-epoch (carried LSTM state restored) and across an epoch boundary; both end
    with the same weights, best model and metrics as the run that was never interrupted."""
    config = _config(texts, max_steps=17, eval_every=3, checkpoint_every=3,
                     keep_checkpoints=50, lr_schedule="cosine", warmup_steps=2, dropout=0.0)
    full = tmp_path / "full"
    uninterrupted = train(config, out_dir=full, progress=False)
    assert uninterrupted.epochs >= 2  # the run crosses epoch boundaries
    part = tmp_path / "part"
    shutil.copytree(full, part)
    for checkpoint in (part / "checkpoints").glob("step-*"):
        if int(checkpoint.name.split("-")[1]) > resume_at:
            shutil.rmtree(checkpoint)
    resumed = train(None, out_dir=part, resume=True, progress=False)
    assert resumed.resumed_from == resume_at
    assert resumed.steps == uninterrupted.steps == 18
    assert resumed.epochs == uninterrupted.epochs
    assert _weights(part) == _weights(full)
    assert _weights(part, "model-best") == _weights(full, "model-best")
    assert _metrics(part) == _metrics(full)
    assert resumed.best_score == uninterrupted.best_score
    assert resumed.best_step == uninterrupted.best_step
    assert resumed.scores.to_dict() == pytest.approx(uninterrupted.scores.to_dict())
    assert resumed.metric == "cross_entropy"


def test_tiny_max_seconds_stops_after_the_first_step_with_a_result(texts, tmp_path) -> None:
    result = train(_config(texts, max_steps=1000, max_seconds=1e-9), out_dir=tmp_path / "t",
                   progress=False)
    assert result.steps == 1
    assert result.best_step == 0
    assert result.scores is not None and result.scores.tokens > 0
    assert (tmp_path / "t" / "model-best" / "generator" / WEIGHTS).is_file()
    assert len(_metrics(tmp_path / "t")) == 1


def test_batch_too_large_for_the_text_raises_before_training(texts, tmp_path) -> None:
    from lexiloom.errors import CorpusError

    with pytest.raises(CorpusError, match="fewer streams"):
        train(_config(texts, batch_size=10_000), out_dir=tmp_path / "big", progress=False)
    assert not (tmp_path / "big" / "model-last").exists()



def test_documents_setting_reaches_the_generator_and_its_evaluation(texts, tmp_path) -> None:
    """Char level with ``documents="lines"``: each line is framed on its own, so the scored
    tokens are the line's characters (no newline) plus one ``<eos>`` per line."""
    out = tmp_path / "lines"
    train(_config(texts, documents="lines", max_steps=1), out_dir=out, progress=False)
    generator = _generator(out / "model-last")
    assert generator.documents == "lines"
    lines = VERSE.splitlines()
    assert generator.evaluate_file(texts["train"]).tokens == 3 * sum(len(x) + 1 for x in lines)


def test_training_dropout_reaches_the_generator(texts, tmp_path) -> None:
    train(_config(texts, dropout=0.0, max_steps=2), out_dir=tmp_path / "d0", progress=False)
    train(_config(texts, dropout=0.3, max_steps=2), out_dir=tmp_path / "d3", progress=False)
    assert _weights(tmp_path / "d0") != _weights(tmp_path / "d3")
    generator = _generator(tmp_path / "d3" / "model-last")
    assert generator.generate("To ", max_tokens=8, temperature=0) == \
        generator.generate("To ", max_tokens=8, temperature=0)


def test_epochs_become_max_steps_from_the_streams(texts, tmp_path) -> None:
    """VERSE * 3 is 540 characters: 4 streams of 135 read 16 at a time, 9 chunks an epoch."""
    result = train(_config(texts, epochs=2, max_steps=None), out_dir=tmp_path / "e",
                   progress=False)
    assert result.steps == 18
    config = (tmp_path / "e" / "config.cfg").read_text(encoding="utf-8")
    assert "max_steps = 17" in config


def test_epochs_are_not_cut_short_by_the_configs_max_steps(texts, tmp_path) -> None:
    from lexiloom.training.config import CONFIG_DIR

    result = train(_config(texts, epochs=50, max_steps=None,
                           spacy_config=str(CONFIG_DIR / "demo_char.cfg")),
                   out_dir=tmp_path / "e", progress=False)
    assert result.steps == 50 * 9  # demo_char.cfg says max_steps = 400
