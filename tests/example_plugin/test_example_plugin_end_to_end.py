"""The example third-party plugin (``plugins/examples/lexiloom-example``) works end to end when
installed beside lexiloom: listed by ``lexiloom plugins``, built by name, trained from the
command line, from Python and by ``spacy train`` from a config, and its components keep their
contracts (padding invariance, token spans)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from example_install import example_plugin_fixture  # noqa: F401  (the example_plugin fixture)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from small_corpora import small

import lexiloom
from lexiloom import registry
from lexiloom.training import TrainConfig

REPO = Path(__file__).resolve().parents[2]
SENTIMENT_CFG = REPO / "configs" / "sentiment_binary.cfg"
TINY_CNN = {"name": "cnn", "windows": [2, 3], "filters": 8, "dropout": 0.0, "seed": 0}
FIXTURE_OK = settings(suppress_health_check=[HealthCheck.function_scoped_fixture],
                      deadline=None, max_examples=60)


def _cli(*args: str):
    from lexiloom.cli import cli

    return CliRunner().invoke(cli, list(args))


def _tiny_config(path: Path, *, tokenizer: str | None = None) -> Path:
    """configs/sentiment_binary.cfg with a small ``cnn`` encoder (and a lexiloom tokenizer)."""
    from thinc.api import Config

    from lexiloom.spacy.blocks import block_section

    config = Config().from_disk(SENTIMENT_CFG, interpolate=False)
    model = config["components"]["sentiment"]["model"]
    model["encoder"] = block_section("encoders", TINY_CNN)
    model["embedder"] = block_section("embedders", {"name": "trainable", "dim": 16})
    if tokenizer:
        config["nlp"]["tokenizer"] = {"@tokenizers": "lexiloom.Tokenizer.v1", "name": tokenizer}
    config["training"].update({"max_steps": 5, "eval_frequency": 5})
    config.to_disk(path)
    return path


# -- discovery ---------------------------------------------------------------------------------


def test_example_plugin_is_listed_by_plugins_json_with_its_registered_names(example_plugin):
    result = _cli("plugins", "--json")
    assert result.exit_code == 0, result.output
    (record,) = [p for p in json.loads(result.output)["plugins"] if p["name"] == "example"]
    assert record["distribution"] == "lexiloom-example"
    assert record["version"] == "0.1.0"
    assert (record["status"], record["errors"], record["builtin"]) == ("loaded", [], False)
    assert record["module"] == "lexiloom_example"
    assert record["registered"] == {"encoders": ["cnn"], "tokenizers": ["char_ngrams"]}
    assert record["hooks"] == ["register_encoders", "register_tokenizers"]


def test_example_plugin_stays_out_when_not_selected(example_plugin, monkeypatch):
    from lexiloom import plugins

    monkeypatch.setenv(plugins.PLUGINS_ENV, "")
    plugins.reset()
    assert "cnn" not in registry.encoders
    assert "char_ngrams" not in registry.tokenizers


def test_loading_the_example_plugin_does_not_import_torch(example_plugin, tmp_path):
    import subprocess
    import sys

    code = ("import sys; from lexiloom import registry; "
            "assert 'cnn' in registry.encoders and 'char_ngrams' in registry.tokenizers; "
            "registry.tokenizers.create('char_ngrams').tokenize('hello'); "
            "print('torch' in sys.modules, 'spacy' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, env={"PYTHONPATH": example_plugin.pythonpath,
                                           "LEXILOOM_PLUGINS": "example", "PATH": ""})
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "False"]


def test_example_components_are_built_by_name_with_their_defaults(example_plugin):
    encoder = registry.encoders.create("cnn", input_size=12)
    assert (encoder.output_size, encoder.causal) == (300, False)
    assert encoder.to_config() == {"windows": [3, 4, 5], "filters": 100, "activation": "relu",
                                   "dropout": 0.5, "seed": None}
    tokenizer = registry.tokenizers.create("char_ngrams", n_max=4)
    assert tokenizer.to_config() == {"n_min": 3, "n_max": 4, "lowercase": True, "words": True}
    assert [t.norm for t in tokenizer.tokenize("Cats!")] == ["<ca", "ts>", "<!>"]


def test_bad_example_settings_are_one_line_cli_errors(example_plugin):
    result = _cli("tokenize", "--tokenizer", "char_ngrams", "-o", "n_max=2", "some text")
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    assert "n_max" in result.output


# -- the contracts -----------------------------------------------------------------------------


@FIXTURE_OK
@given(lengths=st.lists(st.integers(0, 9), min_size=1, max_size=4), extra=st.integers(0, 4),
       junk=st.floats(-50, 50))
def test_cnn_padding_never_changes_a_real_position(example_plugin, lengths, extra, junk):
    """Property: a sequence's states and pooled final are the same alone (unpadded) and in a
    batch padded with ``extra`` positions of arbitrary ``junk``."""
    import torch

    encoder = registry.encoders.create("cnn", input_size=6, **{k: v for k, v in TINY_CNN.items()
                                                                if k != "name"}).eval()
    time = max(lengths) + extra
    generator = torch.Generator().manual_seed(sum(lengths) + extra)
    batch = torch.full((len(lengths), time, 6), junk)
    for row, n in enumerate(lengths):
        batch[row, :n] = torch.randn(n, 6, generator=generator)
    out = encoder(batch, torch.tensor(lengths))
    for row, n in enumerate(lengths):
        alone = encoder(batch[row:row + 1, :n], torch.tensor([n]))
        assert torch.allclose(out.states[row, :n], alone.states[0], atol=1e-5)
        assert torch.allclose(out.final[row], alone.final[0], atol=1e-5)
        assert not out.states[row, n:].any()


@FIXTURE_OK
@given(text=st.text(max_size=80))
def test_char_ngrams_tokens_are_ordered_non_overlapping_spans_of_the_text(example_plugin, text):
    """Property (the Tokenizer contract): ``text[t.start:t.end] == t.text`` for every token,
    tokens are in order, non-empty and do not overlap, and every non-space character belongs
    to a token."""
    tokens = registry.tokenizers.create("char_ngrams").tokenize(text)
    position = 0
    for token in tokens:
        assert text[token.start:token.end] == token.text != ""
        assert token.start >= position
        assert text[position:token.start].strip() == ""
        position = token.end
    assert text[position:].strip() == ""


# -- training ----------------------------------------------------------------------------------


def test_lexiloom_train_cli_trains_a_cnn_classifier(example_plugin, tmp_path):
    out = tmp_path / "out"
    result = _cli("train", "--task", "sentiment", "--train", small("sentiment/train"), "--dev",
                  small("sentiment/dev"), "--out", str(out), "--encoder", "cnn", "-o", "filters=8",
                  "-o", "windows=[2, 3]", "-o", "embedder.dim=16", "--max-steps", "5",
                  "--eval-every", "5", "--seed", "0", "--quiet", "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output.strip().splitlines()[-1])
    assert summary["steps"] == 6  # spaCy's max_steps: steps 0 to 5
    saved = (out / "model-best" / "config.cfg").read_text(encoding="utf-8")
    assert '@architectures = "lexiloom.CnnEncoder.v1"' in saved and "filters = 8" in saved


def test_python_train_api_trains_a_cnn_classifier_that_predicts(example_plugin, tmp_path):
    from lexiloom.training.pipeline import load_pipeline

    out = tmp_path / "out"
    result = lexiloom.train(TrainConfig(train=small("sentiment/train"), dev=small("sentiment/dev"),
                                        task="sentiment", encoder=dict(TINY_CNN),
                                        embedder={"name": "trainable", "dim": 16},
                                        max_steps=5, eval_every=5, seed=0),
                            out_dir=out, progress=False)
    assert result.steps == 6  # spaCy's max_steps: steps 0 to 5
    nlp = load_pipeline(out / "model-last")
    doc = nlp("A wonderful, warm film.")
    assert set(doc.cats) == {"negative", "positive"}
    assert sum(doc.cats.values()) == pytest.approx(1.0, abs=1e-4)


def test_spacy_train_uses_cnn_and_char_ngrams_from_a_config(example_plugin, tmp_path):
    """``spacy train`` (its Python API, in-process, so the plugin is visible) on DocBins made
    with the same ``char_ngrams`` tokenizer the config names."""
    import spacy
    from spacy.cli.train import train as spacy_train

    train_spacy, dev_spacy = tmp_path / "train.spacy", tmp_path / "dev.spacy"
    for split, path in ((small("sentiment/train"), train_spacy),
                        (small("sentiment/dev"), dev_spacy)):
        result = _cli("corpora", "convert", split, str(path), "--tokenizer", "char_ngrams")
        assert result.exit_code == 0, result.output
    config = _tiny_config(tmp_path / "cnn.cfg", tokenizer="char_ngrams")
    out = tmp_path / "spacy-out"
    spacy_train(config, out, overrides={"paths.train": str(train_spacy),
                                        "paths.dev": str(dev_spacy)})
    nlp = spacy.load(out / "model-last")
    doc = nlp("Unhappily, the ending disappoints.")
    assert [t.norm_ for t in doc][:3] == ["<unh", "appi", "ly>"]
    assert set(doc.cats) == {"negative", "positive"}
    model_config = nlp.config["components"]["sentiment"]["model"]
    assert model_config["encoder"]["@architectures"] == "lexiloom.CnnEncoder.v1"
