"""``lexiloom.scaffold.new_plugin``: names, refusals, the files written, and their quality.

The generated plugins are loaded in-process here (as fake distributions) and checked with the
conformance kit; ``test_generated_plugins.py`` installs them with pip and runs their own tests.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import setuptools
from packaging.requirements import Requirement

import lexiloom
from lexiloom import plugins, registry
from lexiloom.errors import LexiloomError, SettingsError
from lexiloom.scaffold import KINDS, lexiloom_requirement, new_plugin, plugin_files, plugin_names

PACKAGE_MODULES = {
    "tokenizer": {"__init__.py"},
    "embedder": {"__init__.py"},
    "encoder": {"__init__.py", "encoder.py"},
    "head": {"__init__.py", "head.py"},
    "corpus-reader": {"__init__.py"},
    "command": {"__init__.py"},
}


def files_under(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def setup_kwargs(plugin: Path, monkeypatch: pytest.MonkeyPatch) -> dict:
    """The keyword arguments the generated ``setup.py`` passes to ``setuptools.setup``."""
    captured: dict = {}
    monkeypatch.setattr(setuptools, "setup", lambda **kwargs: captured.update(kwargs))
    source = (plugin / "setup.py").read_text(encoding="utf-8")
    exec(compile(source, str(plugin / "setup.py"), "exec"), {"__file__": str(plugin / "setup.py")})
    return captured


# -- names -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "name"), [
    ("shout", "shout"),
    ("Shout_Tok", "shout-tok"),
    ("lexiloom-shout", "shout"),
    ("lexiloom_Tab.Reader", "tab-reader"),
    ("  spaced  name ", "spaced-name"),
])
def test_plugin_names_are_normalised(raw, name):
    names = plugin_names(raw)
    assert names.name == name
    assert names.distribution == f"lexiloom-{name}"
    assert names.package == "lexiloom_" + name.replace("-", "_")
    assert names.package.isidentifier() and names.camel.isidentifier()


@pytest.mark.parametrize("raw", ["", "lexiloom", "lexiloom-", "1tok", "a/b", "tok!", "é",
                                 "x" * 31, "-"])
def test_bad_plugin_names_are_refused_with_the_rule(raw, tmp_path):
    with pytest.raises(SettingsError, match="plugin name"):
        new_plugin(raw, "tokenizer", tmp_path)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("name", "kind", "why"), [
    ("tokenizers", "tokenizer", "built-in plugin"),
    ("regex", "tokenizer", "already has a tokenizer named 'regex'"),
    ("gru", "encoder", "already has an encoder named 'gru'"),
    ("jsonl", "corpus-reader", "already has a corpus-reader named 'jsonl'"),
])
def test_names_lexiloom_already_uses_are_refused(name, kind, why, tmp_path):
    with pytest.raises(SettingsError, match=why):
        new_plugin(name, kind, tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_a_command_name_the_command_line_has_is_refused(tmp_path):
    with pytest.raises(SettingsError, match="already has a command named 'train'"):
        new_plugin("train", "command", tmp_path, taken_commands={"train", "plugins"})
    assert list(tmp_path.iterdir()) == []
    assert new_plugin("train", "command", tmp_path, taken_commands={"plugins"}).is_dir()


def test_by_default_the_commands_of_the_mounted_command_line_are_taken(tmp_path):
    from click.testing import CliRunner

    from lexiloom.cli import cli

    CliRunner().invoke(cli, ["--help"])  # mounts the commands (the register_commands hook)
    with pytest.raises(SettingsError, match="already has a command named 'vectors'"):
        new_plugin("vectors", "command", tmp_path)


def test_a_name_taken_by_another_kind_is_fine(tmp_path):
    assert new_plugin("regex", "encoder", tmp_path).name == "lexiloom-regex"


def test_unknown_kind_is_refused_with_the_choices(tmp_path):
    with pytest.raises(SettingsError, match="unknown plugin kind 'parser'; choose one of tok"):
        new_plugin("shout", "parser", tmp_path)


def test_an_existing_target_is_refused_and_left_alone(tmp_path):
    target = tmp_path / "lexiloom-shout"
    target.mkdir()
    (target / "mine.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(LexiloomError, match="already exists"):
        new_plugin("shout", "tokenizer", tmp_path)
    assert files_under(target) == {"mine.txt"}


# -- the files ---------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_new_plugin_writes_the_distribution_files(kind, tmp_path):
    target = new_plugin("my-thing", kind, tmp_path)
    assert target == tmp_path / "lexiloom-my-thing"
    assert files_under(target) == {
        "setup.py", "pyproject.toml", "README.md", "tests/test_my_thing.py",
        *(f"lexiloom_my_thing/{module}" for module in PACKAGE_MODULES[kind]),
    }
    assert [p.name for p in tmp_path.iterdir()] == ["lexiloom-my-thing"]  # no temporary left
    assert "@lexiloom.hookimpl" in (target / "lexiloom_my_thing/__init__.py").read_text()


@pytest.mark.parametrize("kind", KINDS)
def test_generated_setup_declares_the_entry_point_and_the_lexiloom_requirement(
        kind, tmp_path, monkeypatch):
    kwargs = setup_kwargs(new_plugin("my-thing", kind, tmp_path), monkeypatch)
    assert kwargs["name"] == "lexiloom-my-thing"
    assert kwargs["packages"] == ["lexiloom_my_thing"]
    assert kwargs["entry_points"] == {"lexiloom": ["my-thing = lexiloom_my_thing"]}
    assert kwargs["install_requires"] == [lexiloom_requirement()]


def test_the_lexiloom_requirement_admits_this_version_up_to_the_next_major():
    requirement = Requirement(lexiloom_requirement())
    major, minor = (int(p) for p in lexiloom.__version__.split(".")[:2])
    assert requirement.name == "lexiloom"
    assert requirement.specifier.contains(lexiloom.__version__)
    assert requirement.specifier.contains(f"{major}.{minor + 1}.0")
    assert not requirement.specifier.contains(f"{major + 1}.0.0")
    assert str(requirement.specifier) == f"<{major + 1},>={major}.{minor}"


def test_plugin_files_match_what_new_plugin_writes(tmp_path):
    target = new_plugin("shout", "head", tmp_path)
    assert {path: (target / path).read_text(encoding="utf-8")
            for path in files_under(target)} == plugin_files("shout", "head")


def ruff_command() -> list[str] | None:
    if shutil.which("ruff"):
        return ["ruff"]
    try:
        import ruff  # noqa: F401
    except ImportError:
        return None
    return [sys.executable, "-m", "ruff"]


def test_generated_code_passes_ruff_for_every_kind_and_a_long_name(tmp_path):
    command = ruff_command()
    if command is None:
        pytest.skip("ruff is not installed")
    longest = "x" * 30
    for kind in KINDS:
        new_plugin(f"r-{kind}", kind, tmp_path)
        new_plugin(longest[: 30 - len(kind)] + kind.replace("-", ""), kind, tmp_path)
    for plugin in sorted(tmp_path.iterdir()):  # each with its own pyproject.toml settings
        result = subprocess.run([*command, "check", "--no-cache", "."], cwd=plugin,
                                capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, f"{plugin.name}:\n{result.stdout}{result.stderr}"


# -- the generated plugins, loaded in-process --------------------------------------------------


def install_generated(fake_dist, monkeypatch, kind: str, name: str = "gen-thing") -> str:
    files = plugin_files(name, kind)
    names = plugin_names(name)
    modules = {path: text for path, text in files.items() if path.startswith(names.package + "/")}
    fake_dist(names.distribution, modules, version="0.1.0",
              entry_points={names.name: names.package}, requires=[lexiloom_requirement()])
    monkeypatch.setenv(plugins.PLUGINS_ENV, names.name)
    return names.name


@pytest.mark.parametrize("kind", [k for k in KINDS if k != "command"])
def test_generated_component_is_registered_and_passes_the_kit(kind, fake_dist, monkeypatch):
    from lexiloom import testing

    name = install_generated(fake_dist, monkeypatch, kind)
    record = next(r for r in plugins.records() if r.name == name)
    assert (record.status, record.errors) == (plugins.LOADED, [])
    plural = {"corpus-reader": "corpus_readers"}.get(kind, kind + "s")
    assert record.registered == {plural: [name]}
    assert registry.REGISTRIES[plural].get(name).description
    check = getattr(testing, f"check_{kind.replace('-', '_')}")
    check(name)


def test_generated_command_runs_through_the_cli(fake_dist, monkeypatch):
    from click.testing import CliRunner

    from lexiloom.cli import cli

    name = install_generated(fake_dist, monkeypatch, "command")
    result = CliRunner().invoke(cli, [name, "one two three"])
    assert result.exit_code == 0, result.output
    assert result.output == "3\n"
    assert next(r for r in plugins.records() if r.name == name).registered == {
        "commands": [name]}


@pytest.mark.parametrize("kind", KINDS)
def test_importing_a_generated_plugin_does_not_import_torch(kind, tmp_path):
    """Import cost: ``lexiloom --help`` imports every plugin, so none may import torch."""
    new_plugin("light", kind, tmp_path)
    code = ("import sys, lexiloom_light; "
            "sys.exit(1 if 'torch' in sys.modules or 'spacy' in sys.modules else 0)")
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path / "lexiloom-light",
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr or "importing the plugin imported torch or spaCy"
