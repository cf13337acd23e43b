"""The example plugin's ``cnn`` encoder, a third-party block, is ``lexiloom.CnnEncoder.v1`` in a
spaCy config: a fresh process resolves it under spaCy's ``textcat`` with no entry point of the
plugin's own (the parent architecture's import registers every plugin's blocks)."""

from __future__ import annotations

import os
import subprocess
import sys

from example_install import example_plugin_fixture  # noqa: F401  (the example_plugin fixture)

FRESH_PROCESS = '''
import spacy
from spacy.training import Example
from thinc.api import Config

config = Config().from_str("""
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
dim = 8

[components.textcat.model.encoder]
@architectures = "lexiloom.CnnEncoder.v1"

[components.textcat.model.head]
@architectures = "lexiloom.ClassificationHead.v1"
""")
nlp = spacy.util.load_model_from_config(config, auto_fill=True)
examples = [Example.from_dict(nlp.make_doc(t), {"cats": {"a": float(i), "b": 1.0 - i}})
            for i, t in enumerate(["one two", "three four"])]
nlp.initialize(lambda: examples)
print(sorted(nlp("one three").cats), nlp.config["components"]["textcat"]["model"]["encoder"])
'''


def test_a_third_party_block_resolves_under_a_spacy_component_in_a_fresh_process(
        example_plugin):
    """Control: without the plugin on the path the same config fails, naming the block."""
    env = {**os.environ, "PYTHONPATH": example_plugin.pythonpath}
    result = subprocess.run([sys.executable, "-c", FRESH_PROCESS], capture_output=True,
                            text=True, timeout=180, env=env)
    assert result.returncode == 0, result.stderr
    assert "['a', 'b']" in result.stdout
    assert "lexiloom.CnnEncoder.v1" in result.stdout
    without = subprocess.run([sys.executable, "-c", FRESH_PROCESS], capture_output=True,
                             text=True, timeout=180,
                             env={**os.environ, "LEXILOOM_PLUGINS": ""})
    assert without.returncode != 0
    assert "lexiloom.CnnEncoder.v1" in without.stderr
