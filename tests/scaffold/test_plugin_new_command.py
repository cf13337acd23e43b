"""``lexiloom plugin new`` through click's test runner (the group is mounted by the fixture)."""

from __future__ import annotations

import json

import pytest
from cli_helpers import assert_one_line_error, run

from lexiloom.cli import cli
from lexiloom.cli import plugin as plugin_command
from lexiloom.scaffold import KINDS


@pytest.fixture(autouse=True)
def mounted() -> None:
    """Mount ``plugin`` on the root group (conftest restores the commands after the test)."""
    cli.add_command(plugin_command.command)




def test_plugin_new_writes_the_plugin_and_says_what_to_do_next(tmp_path):
    result = run("plugin", "new", "Shout_Tok", "--dir", str(tmp_path))
    assert result.exit_code == 0, result.output
    target = tmp_path / "lexiloom-shout-tok"
    assert (target / "lexiloom_shout_tok" / "__init__.py").is_file()
    assert str(target) in result.output
    assert "pip install -e" in result.output and "pytest" in result.output


@pytest.mark.parametrize("kind", KINDS)
def test_plugin_new_json_reports_the_names_for_every_kind(kind, tmp_path):
    result = run("plugin", "new", "thing", "--kind", kind, "--dir", str(tmp_path), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {
        "path": str(tmp_path / "lexiloom-thing"), "distribution": "lexiloom-thing",
        "package": "lexiloom_thing", "name": "thing", "kind": kind}


def test_plugin_new_defaults_to_a_tokenizer_in_the_current_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert run("plugin", "new", "here").exit_code == 0
    init = tmp_path / "lexiloom-here" / "lexiloom_here" / "__init__.py"
    assert "register_tokenizers" in init.read_text(encoding="utf-8")


@pytest.mark.parametrize(("args", "message"), [
    (("bad/name",), "invalid plugin name 'bad/name'"),
    (("regex",), "already has a tokenizer named 'regex'"),
    (("plugins", "--kind", "command"), "already has a command named 'plugins'"),
])
def test_plugin_new_refusals_are_one_line_errors(args, message, tmp_path):
    line = assert_one_line_error(run("plugin", "new", *args, "--dir", str(tmp_path)))
    assert message in line
    assert list(tmp_path.iterdir()) == []


def test_plugin_new_refuses_an_existing_folder_in_one_line(tmp_path):
    assert run("plugin", "new", "twice", "--dir", str(tmp_path)).exit_code == 0
    line = assert_one_line_error(run("plugin", "new", "twice", "--dir", str(tmp_path)))
    assert "lexiloom-twice already exists" in line


def test_plugin_new_rejects_an_unknown_kind_with_the_choices(tmp_path):
    result = run("plugin", "new", "x", "--kind", "parser", "--dir", str(tmp_path))
    assert result.exit_code == 2
    assert "corpus-reader" in result.output and "Traceback" not in result.output


def test_plugin_group_and_new_have_help():
    group = run("plugin", "--help")
    assert group.exit_code == 0 and "new" in group.output
    new = run("plugin", "new", "--help")
    assert new.exit_code == 0
    assert "--kind" in new.output and "--dir" in new.output and "lexiloom-NAME" in new.output
