"""Every embedder, encoder and head is a registered, versioned spaCy function
(:mod:`lexiloom.spacy.blocks`), and ``lexiloom.TextClassifier.v2`` builds from them."""

from __future__ import annotations

import inspect
import subprocess
import sys
from pathlib import Path

import pytest
import spacy
from spacy.util import registry as spacy_registry
from thinc.api import Config, fix_random_seed

import lexiloom.spacy.architectures  # noqa: F401  (the parent: registers the blocks)
from lexiloom import plugins, registry
from lexiloom.errors import SettingsError
from lexiloom.spacy.architectures import text_classifier_v2
from lexiloom.spacy.blocks import Block, block_section, spec_of_section

CONFIGS = Path(__file__).resolve().parents[2] / "configs"

MINIMAL = """
[nlp]
lang = "en"
pipeline = ["textcat"]

[components]

[components.textcat]
factory = "textcat"

[components.textcat.model]
@architectures = "lexiloom.TextClassifier.v2"

[components.textcat.model.embedder]
@architectures = "lexiloom.TrainableEmbedder.v1"

[components.textcat.model.encoder]
@architectures = "lexiloom.GRUEncoder.v1"

[components.textcat.model.head]
@architectures = "lexiloom.ClassificationHead.v1"
"""


def _model_section(config: Config) -> dict:
    return config["components"]["textcat"]["model"]


@pytest.mark.parametrize("name", [
    "lexiloom.TrainableEmbedder.v1", "lexiloom.PretrainedEmbedder.v1",
    "lexiloom.Word2VecEmbedder.v1", "lexiloom.GloVeEmbedder.v1", "lexiloom.RNNEncoder.v1",
    "lexiloom.LSTMEncoder.v1", "lexiloom.GRUEncoder.v1", "lexiloom.ClassificationHead.v1",
    "lexiloom.SentimentHead.v1", "lexiloom.GenerationHead.v1"])
def test_every_builtin_block_is_a_spacy_architecture(name):
    assert isinstance(spacy_registry.architectures.get(name)(), Block)


def test_block_signature_is_the_components_declared_defaults():
    function = spacy_registry.architectures.get("lexiloom.LSTMEncoder.v1")
    parameters = inspect.signature(function).parameters
    assert {k: p.default for k, p in parameters.items()} == dict(registry.encoders.get(
        "lstm").defaults)
    assert "input_size" not in parameters  # host-provided sizes are the parent's business


def test_the_classifiers_exclusive_setting_is_left_to_the_parent():
    head = spacy_registry.architectures.get("lexiloom.ClassificationHead.v1")
    assert "exclusive" in registry.heads.get("classification").defaults
    assert "exclusive" not in inspect.signature(head).parameters


def test_fill_config_writes_a_lexiloom_encoders_defaults(tmp_path):
    from spacy.cli.init_config import fill_config

    (tmp_path / "minimal.cfg").write_text(MINIMAL)
    fill_config(tmp_path / "filled.cfg", tmp_path / "minimal.cfg", silent=True)
    filled = Config().from_disk(tmp_path / "filled.cfg", interpolate=False)
    encoder = _model_section(filled)["encoder"]
    assert encoder["hidden_size"] == registry.encoders.get("gru").defaults["hidden_size"]
    assert set(registry.encoders.get("gru").defaults) <= set(encoder)
    assert _model_section(filled)["embedder"]["dim"] == 100
    assert _model_section(filled)["head"]["pooling"] == "max"


@pytest.mark.parametrize("name", sorted(p.name for p in CONFIGS.glob("*.cfg")))
def test_spacy_debug_config_passes_on_a_shipped_config(name, tmp_path):
    from spacy.tokens import DocBin

    corpus = tmp_path / "tiny.spacy"
    DocBin().to_disk(corpus)
    result = subprocess.run(
        [sys.executable, "-m", "spacy", "debug", "config", str(CONFIGS / name),
         "--paths.train", str(corpus), "--paths.dev", str(corpus)],
        capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Config is valid" in result.stdout


def test_control_debug_config_fails_on_a_block_setting_that_does_not_exist(tmp_path):
    from spacy.tokens import DocBin

    corpus = tmp_path / "tiny.spacy"
    DocBin().to_disk(corpus)
    config = Config().from_disk(CONFIGS / "topics_multiclass.cfg", interpolate=False)
    _model_section(config)["encoder"]["hidden_sise"] = 8
    path = tmp_path / "bad.cfg"
    config.to_disk(path)
    result = subprocess.run(
        [sys.executable, "-m", "spacy", "debug", "config", str(path),
         "--paths.train", str(corpus), "--paths.dev", str(corpus)],
        capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "hidden_sise" in result.stdout + result.stderr


def test_resolving_a_block_reads_no_file(tmp_path):
    missing = tmp_path / "no-such-vectors.txt"
    block = spacy_registry.architectures.get("lexiloom.PretrainedEmbedder.v1")(path=str(missing))
    assert block == Block("embedders", "pretrained", 1, {"path": str(missing)})


def _nlp(config_text: str):
    return spacy.util.load_model_from_config(Config().from_str(config_text), auto_fill=True)


def _train_a_little(nlp):
    from spacy.training import Example

    texts = {"good great film": "pos", "bad dull plot": "neg"}
    examples = [Example.from_dict(nlp.make_doc(t), {"cats": {"pos": float(y == "pos"),
                                                             "neg": float(y == "neg")}})
                for t, y in texts.items()]
    fix_random_seed(0)
    nlp.initialize(lambda: examples)
    return examples


def test_textclassifier_v2_builds_the_same_module_as_v1():
    v1 = MINIMAL.replace("TextClassifier.v2", "TextClassifier.v1")
    for form in ("embedder", "encoder", "head"):
        header = f"[components.textcat.model.{form}]\n"
        v1 = v1.replace(header + "@architectures = ", header + "name = ")
    v1 = (v1.replace('"lexiloom.TrainableEmbedder.v1"', '"trainable"')
          .replace('"lexiloom.GRUEncoder.v1"', '"gru"')
          .replace('"lexiloom.ClassificationHead.v1"', '"classification"'))
    pipelines = [_nlp(MINIMAL), _nlp(v1)]
    for nlp in pipelines:
        _train_a_little(nlp)
    scores = [nlp.get_pipe("textcat").predict([nlp.make_doc("good plot")]) for nlp in pipelines]
    assert scores[0][0].tolist() == pytest.approx(scores[1][0].tolist(), abs=1e-6)


def test_changing_a_block_setting_changes_the_model():
    small = _nlp(MINIMAL)
    wide = _nlp(MINIMAL.replace('"lexiloom.GRUEncoder.v1"\n',
                                '"lexiloom.GRUEncoder.v1"\nhidden_size = 24\n'))
    for nlp in (small, wide):
        _train_a_little(nlp)
    from lexiloom.spacy.architectures import get_module

    sizes = [get_module(nlp.get_pipe("textcat").model).encoder.output_size
             for nlp in (small, wide)]
    assert sizes == [registry.encoders.get("gru").defaults["hidden_size"], 24]


def test_textclassifier_v2_rejects_the_v1_dict_form_with_the_fix():
    encoder = spacy_registry.architectures.get("lexiloom.LSTMEncoder.v1")()
    head = spacy_registry.architectures.get("lexiloom.ClassificationHead.v1")()
    with pytest.raises(SettingsError, match=r"lexiloom\.TrainableEmbedder\.v1"):
        text_classifier_v2(embedder={"name": "trainable"}, encoder=encoder, head=head)
    with pytest.raises(SettingsError, match="encoder"):
        text_classifier_v2(embedder=encoder, encoder=encoder, head=head)


def test_block_sections_and_name_blocks_convert_both_ways():
    section = block_section("encoders", {"name": "gru", "hidden_size": 8})
    assert section == {"@architectures": "lexiloom.GRUEncoder.v1", "hidden_size": 8}
    assert spec_of_section("encoders", section) == {"name": "gru", "hidden_size": 8}
    with pytest.raises(SettingsError, match="not a registered lexiloom encoder"):
        spec_of_section("encoders", {"@architectures": "spacy.TorchBiLSTMEncoder.v1"})


VERSIONED_PLUGIN = '''
import lexiloom

def old(input_size, width=4):
    from lexiloom_recurrent.encoder import RecurrentEncoder
    return RecurrentEncoder("gru", input_size, hidden_size=width)

def new(input_size, size=6):
    from lexiloom_recurrent.encoder import RecurrentEncoder
    return RecurrentEncoder("lstm", input_size, hidden_size=size)

@lexiloom.hookimpl
def register_encoders(register):
    register("stack", old, defaults={"width": 4})
    register("stack", new, defaults={"size": 6}, version=2, spacy_name="acme.StackEncoder")
'''


def test_a_new_block_version_leaves_the_old_one_loading(fake_dist, monkeypatch):
    fake_dist("acme-stack", {"acme_stack.py": VERSIONED_PLUGIN},
              entry_points={"stack": "acme_stack"})
    monkeypatch.setenv(plugins.PLUGINS_ENV, "stack")
    assert registry.encoders.get("stack").version == 2  # by name: the newest
    assert registry.encoders.get("stack", 1).defaults == {"width": 4}
    old = spacy_registry.architectures.get("lexiloom.StackEncoder.v1")
    new = spacy_registry.architectures.get("acme.StackEncoder.v2")
    assert list(inspect.signature(old).parameters) == ["width"]
    assert list(inspect.signature(new).parameters) == ["size"]
    assert new().to_spec() == {"name": "stack", "block-version": 2}
    # A saved {"name": ...} block without a version is the version that existed: 1.
    entry, settings = registry.encoders.get_spec({"name": "stack", "width": 5})
    assert (entry.version, settings) == (1, {"width": 5})
    assert entry.create(input_size=3, **settings).output_size == 5


def test_registering_a_version_twice_or_a_versioned_spacy_name_is_a_named_failure(
        fake_dist, monkeypatch):
    fake_dist("acme-twice", {"acme_twice.py": '''
        import lexiloom

        def make(input_size):
            raise AssertionError("never built")

        @lexiloom.hookimpl
        def register_encoders(register):
            register("twice", make)
            register("twice", make)

        @lexiloom.hookimpl
        def register_heads(register):
            register("suffixed", make, spacy_name="acme.SuffixedHead.v1")
        '''}, entry_points={"twice": "acme_twice"})
    monkeypatch.setenv(plugins.PLUGINS_ENV, "twice")
    record = next(r for r in plugins.records() if r.name == "twice")
    assert any("version 1 is registered twice" in e for e in record.errors)
    assert any("without its version" in e for e in record.errors)
    assert registry.encoders.get("twice").version == 1


def test_version_and_spacy_name_are_refused_for_tokenizers(fake_dist, monkeypatch):
    fake_dist("acme-tok", {"acme_tok.py": '''
        import lexiloom

        class Tok:
            def tokenize(self, text):
                return []

        @lexiloom.hookimpl
        def register_tokenizers(register):
            register("vtok", Tok, version=2)
        '''}, entry_points={"vtok": "acme_tok"})
    monkeypatch.setenv(plugins.PLUGINS_ENV, "vtok")
    record = next(r for r in plugins.records() if r.name == "vtok")
    assert any("apply to model blocks" in e for e in record.errors)
    assert "vtok" not in registry.tokenizers


def test_spacy_checks_a_block_settings_type_against_its_default():
    from confection import ConfigValidationError

    config = Config().from_str(MINIMAL.replace('"lexiloom.TrainableEmbedder.v1"\n',
                                               '"lexiloom.TrainableEmbedder.v1"\ndim = "wide"\n'))
    with pytest.raises(ConfigValidationError, match="dim"):
        spacy.util.load_model_from_config(config, auto_fill=True)


def test_a_block_called_with_a_setting_it_lacks_names_its_settings():
    function = spacy_registry.architectures.get("lexiloom.GRUEncoder.v1")
    with pytest.raises(SettingsError, match="hidden_size"):
        function(hidden_sise=3)
    assert hash(function(hidden_size=3)) == hash(function(hidden_size=4))  # hashable


def test_a_block_cannot_take_spacys_namespace_or_an_existing_architecture(fake_dist,
                                                                           monkeypatch):
    @spacy_registry.architectures("acme.Taken.v1")
    def taken():  # someone else's architecture
        return "not a block"

    fake_dist("acme-clash", {"acme_clash.py": '''
        import lexiloom

        def make(input_size):
            raise AssertionError("never built")

        @lexiloom.hookimpl
        def register_encoders(register):
            register("taken", make, spacy_name="acme.Taken")

        @lexiloom.hookimpl
        def register_heads(register):
            register("bow", make, spacy_name="spacy.TextCatBOW", version=3)  # raises
        '''}, entry_points={"clash": "acme_clash"})
    monkeypatch.setenv(plugins.PLUGINS_ENV, "clash")
    registry.encoders.names()
    record = next(r for r in plugins.records() if r.name == "clash")
    assert any("that namespace is spaCy's" in e for e in record.errors)
    assert any("'acme.Taken.v1'" in e and "not a lexiloom block" in e for e in record.errors)
    assert spacy_registry.architectures.get("acme.Taken.v1") is taken
    assert spacy_registry.architectures.get("spacy.TextCatBOW.v3").__module__.startswith(
        "spacy")
