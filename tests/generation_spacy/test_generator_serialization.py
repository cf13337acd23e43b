"""Saving and loading ``lexiloom_generator``: safetensors weights, JSON vocab and settings; a
loaded pipeline generates exactly what the saved one did; corrupt files raise ModelFileError,
first by the manifest's checksums, and (for folders saved before manifests) by the readers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from spacy_generator_helpers import CAT, blank_pipeline, trained_pipeline

from lexiloom.errors import ModelFileError

SAMPLING = [
    {"temperature": 0.0},
    {"temperature": 1.0, "seed": 1},
    {"temperature": 0.7, "top_k": 5, "seed": 11},
    {"temperature": 1.2, "top_p": 0.9, "seed": 5, "stop": "."},
]


@pytest.fixture(scope="module")
def saved(tmp_path_factory) -> tuple[Any, Path]:
    """A trained pipeline and the directory it was saved to."""
    nlp = trained_pipeline(CAT)
    path = tmp_path_factory.mktemp("generator") / "pipeline"
    nlp.to_disk(path)
    return nlp, path


def _load(path: Path) -> Any:
    import spacy

    return spacy.load(path)


@pytest.mark.parametrize("sampling", SAMPLING)
def test_saved_pipeline_generates_identically_after_spacy_load(saved, sampling):
    nlp, path = saved
    loaded = _load(path).get_pipe("lexiloom_generator")
    original = nlp.get_pipe("lexiloom_generator")
    assert loaded.generate("the c", max_tokens=40, **sampling) == \
        original.generate("the c", max_tokens=40, **sampling)


def test_saved_pipeline_files_are_safetensors_and_json_without_pickle(saved):
    _, path = saved
    folder = path / "lexiloom_generator"
    assert sorted(p.name for p in folder.iterdir()) == \
        ["manifest.json", "model.safetensors", "settings.json", "vocab.json"]
    settings_data = json.loads((folder / "settings.json").read_text())
    assert settings_data["format"] == "lexiloom.TextGenerator"
    assert settings_data["tokenizer"] == "char"
    assert settings_data["model"]["encoder"]["name"] == "gru"
    from safetensors.torch import load_file

    assert "embedding.weight" in load_file(folder / "model.safetensors")


@settings(max_examples=50, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(prompt=st.text(max_size=12), seed=st.integers(0, 2**31 - 1))
def test_property_loaded_generator_equals_original_for_any_prompt_and_seed(saved, prompt, seed):
    """Property: for any prompt (unknown characters and empty included) and seed, the loaded
    generator's text equals the original's."""
    nlp, path = saved
    loaded = _loaded_once(path)
    original = nlp.get_pipe("lexiloom_generator")
    assert loaded.generate(prompt, max_tokens=8, seed=seed) == \
        original.generate(prompt, max_tokens=8, seed=seed)


_CACHE: dict[Path, Any] = {}


def _loaded_once(path: Path) -> Any:
    if path not in _CACHE:
        _CACHE[path] = _load(path).get_pipe("lexiloom_generator")
    return _CACHE[path]


def test_to_bytes_round_trip_generates_identically(saved):
    nlp, _ = saved
    original = nlp.get_pipe("lexiloom_generator")
    restored = blank_pipeline().get_pipe("lexiloom_generator").from_bytes(original.to_bytes())
    assert restored.generate("the", max_tokens=30, seed=4) == \
        original.generate("the", max_tokens=30, seed=4)
    assert restored.token_vocab == original.token_vocab


def test_tied_weights_round_trip(tmp_path):
    nlp = trained_pipeline(CAT, embedder={"name": "trainable", "dim": 48}, tie_weights=True)
    original = nlp.get_pipe("lexiloom_generator")
    nlp.to_disk(tmp_path / "tied")
    loaded = _load(tmp_path / "tied").get_pipe("lexiloom_generator")
    assert loaded.module.head.output.weight is loaded.module.embedding.weight
    assert loaded.generate("the", max_tokens=20, seed=2) == \
        original.generate("the", max_tokens=20, seed=2)


def test_uninitialised_generator_saves_and_loads_as_uninitialised(tmp_path):
    nlp = blank_pipeline()
    nlp.to_disk(tmp_path / "blank")
    loaded = _load(tmp_path / "blank").get_pipe("lexiloom_generator")
    assert loaded.module is None and loaded.token_vocab is None


def test_annotation_setting_survives_saving(tmp_path):
    nlp = trained_pipeline(CAT, annotate_tokens=4)
    nlp.to_disk(tmp_path / "annotating")
    assert _load(tmp_path / "annotating")("the cat")._.continuation == " sat"


def _copy(path: Path, target: Path) -> Path:
    import shutil

    shutil.copytree(path, target)
    return target / "lexiloom_generator"


def _without_manifest(folder: Path) -> Path:
    """The component folder as saved before manifests existed (so the readers' own checks
    are what a damaged file meets)."""
    (folder / "manifest.json").unlink()
    return folder


def test_a_flipped_byte_in_the_weights_is_caught_by_the_manifest(saved, tmp_path):
    folder = _copy(saved[1], tmp_path / "copy")
    weights = bytearray((folder / "model.safetensors").read_bytes())
    weights[-5] ^= 0x01  # a float of some weight: safetensors itself still reads it
    (folder / "model.safetensors").write_bytes(bytes(weights))
    with pytest.raises(ModelFileError, match=r"model\.safetensors: its contents changed"):
        _load(tmp_path / "copy")
    _without_manifest(folder)  # the control: without the manifest it loads, silently damaged
    assert _load(tmp_path / "copy").get_pipe("lexiloom_generator").module is not None


@pytest.mark.parametrize("damage", ["truncate", "remove"])
def test_truncated_or_missing_files_are_named_by_the_manifest(saved, tmp_path, damage):
    folder = _copy(saved[1], tmp_path / "copy")
    target = folder / "vocab.json"
    if damage == "truncate":
        target.write_bytes(target.read_bytes()[:10])
    else:
        target.unlink()
    with pytest.raises(ModelFileError, match=r"vocab\.json: (\d+ bytes|missing)"):
        _load(tmp_path / "copy")


def test_saved_component_has_a_manifest_of_its_files(saved):
    manifest = json.loads((saved[1] / "lexiloom_generator" / "manifest.json").read_text())
    assert set(manifest["files"]) == {"settings.json", "vocab.json", "model.safetensors"}
    assert all(len(entry["sha256"]) == 64 for entry in manifest["files"].values())


def test_corrupt_weights_file_raises_model_file_error(saved, tmp_path):
    folder = _without_manifest(_copy(saved[1], tmp_path / "copy"))
    (folder / "model.safetensors").write_bytes(b"not safetensors at all")
    with pytest.raises(ModelFileError, match="corrupt weights"):
        _load(tmp_path / "copy")


def test_weights_of_the_wrong_shape_raise_model_file_error(saved, tmp_path):
    folder = _without_manifest(_copy(saved[1], tmp_path / "copy"))
    settings_path = folder / "settings.json"
    data = json.loads(settings_path.read_text())
    data["model"]["encoder"]["hidden_size"] = 7
    settings_path.write_text(json.dumps(data))
    with pytest.raises(ModelFileError, match="do not fit"):
        _load(tmp_path / "copy")


@pytest.mark.parametrize("damage", ["settings.json", "vocab.json"])
def test_corrupt_settings_or_vocab_raise_model_file_error(saved, tmp_path, damage):
    folder = _without_manifest(_copy(saved[1], tmp_path / "copy"))
    (folder / damage).write_text("{not json")
    with pytest.raises(ModelFileError):
        _load(tmp_path / "copy")


def test_missing_vocab_file_raises_model_file_error(saved, tmp_path):
    folder = _without_manifest(_copy(saved[1], tmp_path / "copy"))
    (folder / "vocab.json").unlink()
    with pytest.raises(ModelFileError, match="vocabulary"):
        _load(tmp_path / "copy")


def test_garbage_bytes_raise_model_file_error():
    generator = blank_pipeline().get_pipe("lexiloom_generator")
    with pytest.raises(ModelFileError):
        generator.from_bytes(b"\x00\x01garbage")


FACTORY_IMPORT = """
import builtins, sys
asked = []
real_import = builtins.__import__

def spy(name, globals=None, locals=None, fromlist=(), level=0):
    if level == 0 and name.split(".")[0] == "torch":
        importer = (globals or {}).get("__name__") or "?"
        if importer.startswith("lexiloom"):
            asked.append(importer)
    return real_import(name, globals, locals, fromlist, level)

builtins.__import__ = spy
import lexiloom.spacy.components.generator_factory as factory
from spacy.language import Language
assert Language.has_factory(factory.GENERATOR_FACTORY)
print(sorted(set(asked)))
"""


def test_importing_the_factory_module_makes_no_lexiloom_module_import_torch(tmp_path):
    """spaCy (through thinc) imports torch itself when installed, so the check is that no
    lexiloom module asks for it, and that the factory registers with a broken torch too."""
    result = subprocess.run([sys.executable, "-c", FACTORY_IMPORT], capture_output=True,
                            text=True, check=True)
    assert result.stdout.strip() == "[]"
    broken = tmp_path / "broken" / "torch"
    broken.mkdir(parents=True)
    (broken / "__init__.py").write_text("raise ImportError('torch is broken')\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(broken.parent), os.environ.get("PYTHONPATH", "")])}
    result = subprocess.run([sys.executable, "-c", FACTORY_IMPORT], capture_output=True,
                            text=True, env=env)
    assert result.returncode == 0, result.stderr
